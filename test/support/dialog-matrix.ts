/**
 * The dialog conformance matrix (issue 29): for every kind of request each vendor's CLI can ask
 * about, how its dialog is detected and answered — each row proven end to end on the pinned CLI by
 * the test file it names, which runs exactly the rows of its vendor (`rowsOf`), or marked as a
 * kind that vendor cannot show, with why. `npm run gen` writes docs/dialog-matrix.md from it.
 */

/** How a row's dialog is answered in its test: each action pressed on the real CLI. */
export type MatrixAction = 'approve' | 'deny' | 'always';

/** What the dialog's "always" option holds for, as the recorded dialog draws it. */
export type AlwaysKind =
  /** A scope narrower than the session: a command prefix, a folder, a host, a tool. */
  | { scope: string }
  /** It switches the session's permission mode: refused without --accept-mode-change, then pressed. */
  | { modeChange: string }
  /** The dialog offers no such option: `--always` is refused (ANSWER_NOT_SUPPORTED), nothing pressed. */
  | 'none';

export interface MatrixRow {
  vendor: string;
  /** What is asked: the kind of request, in the words. */
  kind: string;
  /** The vendor's own tool name in the request (its hook payload, its status record). */
  tool: string;
  /** The actions the test presses on the real CLI (each followed by what it must cause). */
  actions: readonly MatrixAction[];
  always: AlwaysKind;
  /** How approval rules decide this kind: the vendor's own decision hook, or the verified screen path. */
  rules: 'hook' | 'native' | 'screen' | 'none';
  /** The recorded dialog in test/fixtures/screens/ (its detector is checked by the corpus test). */
  screen: string;
  /** The e2e test file that proves the row. */
  test: string;
  /** Notes for the table (what else the test shows). */
  note?: string;
}

/** A kind the vendor cannot show: why. */
export interface MatrixGap {
  vendor: string;
  kind: string;
  why: string;
}

const CLAUDE_TEST = 'test/e2e/claude-dialogs.test.ts';
const claude = (row: Omit<MatrixRow, 'vendor' | 'test' | 'rules'>): MatrixRow => ({
  vendor: 'claude',
  test: CLAUDE_TEST,
  rules: 'hook',
  ...row,
});

/** Every proven row, by vendor. */
export const MATRIX: readonly MatrixRow[] = [
  claude({
    kind: 'Bash (a shell command)',
    tool: 'Bash',
    actions: ['deny', 'approve', 'always'],
    always: { scope: 'always allow access to <folder> from this project' },
    screen: 'claude/2.1.330/permission-bash-02.screen',
    note: 'the option is about the folder: after it, the next `echo … > file` still asks (observed, tested)',
  }),
  claude({
    kind: 'Write (new file)',
    tool: 'Write',
    actions: ['deny', 'approve', 'always'],
    always: { modeChange: 'switch to accept edits … for this session' },
    screen: 'claude/2.1.330/permission-write-02.screen',
    note: 'after always (accepted), the next write runs without a dialog',
  }),
  claude({
    kind: 'Write (overwrite)',
    tool: 'Write',
    actions: ['deny', 'approve', 'always'],
    always: { modeChange: 'switch to accept edits … for this session' },
    screen: 'claude/2.1.330/permission-overwrite-01.screen',
  }),
  claude({
    kind: 'Edit',
    tool: 'Edit',
    actions: ['deny', 'approve', 'always'],
    always: { modeChange: 'switch to accept edits … for this session' },
    screen: 'claude/2.1.330/permission-edit-01.screen',
  }),
  claude({
    kind: 'NotebookEdit',
    tool: 'NotebookEdit',
    actions: ['deny', 'approve', 'always'],
    always: { modeChange: 'switch to accept edits … for this session' },
    screen: 'claude/2.1.330/permission-notebook-01.screen',
  }),
  claude({
    kind: 'WebFetch',
    tool: 'WebFetch',
    actions: ['deny', 'approve', 'always'],
    always: { scope: "don't ask again for <host>" },
    screen: 'claude/2.1.330/permission-fetch-01.screen',
    note: 'after always, the next fetch from that host runs without a dialog',
  }),
  claude({
    kind: 'WebSearch',
    tool: 'WebSearch',
    actions: ['deny', 'approve', 'always'],
    always: { scope: "don't ask again for Web Search commands in <folder>" },
    screen: 'claude/2.1.330/permission-search-01.screen',
  }),
  claude({
    kind: 'an MCP tool',
    tool: 'mcp__probe__ping',
    actions: ['deny', 'approve', 'always'],
    always: { scope: "don't ask again for <server> — <tool> commands in <folder>" },
    screen: 'claude/2.1.330/permission-mcp-01.screen',
    note: 'after always, the next call of that tool runs without a dialog',
  }),
  claude({
    kind: 'leaving plan mode',
    tool: 'ExitPlanMode',
    actions: ['deny', 'always', 'approve'],
    always: 'none',
    screen: 'claude/2.1.330/plan-exit-01.screen',
    note: 'approve is option 1, "Yes, and switch to default (ask each time)"',
  }),
  claude({
    kind: 'a subagent’s request',
    tool: 'Bash',
    actions: ['deny', 'approve'],
    always: { scope: 'always allow access to <folder> from this project' },
    screen: 'claude/2.1.330/permission-subagent-01.screen',
    note: '"Bash command · from the general-purpose agent"',
  }),
  {
    vendor: 'claude',
    kind: 'the folder-trust dialog',
    tool: '(trust)',
    actions: ['approve', 'deny'],
    always: 'none',
    rules: 'none',
    screen: 'claude/2.1.330/trust-01.screen',
    test: CLAUDE_TEST,
    note: 'needs_permission(trust) with agents.preTrust off; deny: Claude Code exits',
  },
];

/** Kinds a vendor cannot show, with why. */
export const GAPS: readonly MatrixGap[] = [
  {
    vendor: 'claude',
    kind: 'MultiEdit',
    why: 'not a tool of Claude Code 2.1.330: its requests offer Agent, AskUserQuestion, Bash, Edit, Read, Write and others, no MultiEdit (Edit takes its place)',
  },
];

/** The rows a vendor's test file proves. */
export const rowsOf = (vendor: string): MatrixRow[] => MATRIX.filter((r) => r.vendor === vendor);
