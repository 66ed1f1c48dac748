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
  /**
   * How approval rules decide this kind: the vendor's own decision hook (`hook`), its hook for deny
   * rules and the verified screen path for allow rules (`deny-hook`), the screen path alone, or
   * nothing (the trust prompt). Per vendor: RULE_CHANNELS.
   */
  rules: 'hook' | 'deny-hook' | 'native' | 'screen' | 'none';
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

/**
 * How each vendor's approval rules decide its requests (issue 29): through a hook its CLI waits on
 * (a decision channel: exact, no screen), or why not. Each channel's contract — what the pinned CLI
 * does with the hook's allow, deny, silence, junk, failure and timeout — is proven headless by
 * test/e2e/decision-hook-contracts.test.ts, and the rules through it by the vendor's policies test.
 */
export interface RuleChannel {
  vendor: string;
  /** The `rules` of the vendor's rows (the kinds its rules decide). */
  rules: MatrixRow['rules'];
  /** The hook events that carry a decision, and what they carry; null: none is used. */
  hook: string | null;
  /** Why this channel, or why none: what the pinned CLI does with the hook's answers and failures. */
  why: string;
  /** The e2e tests that prove it on the pinned CLI. */
  tests: readonly string[];
}

const CONTRACTS = 'test/e2e/decision-hook-contracts.test.ts';

export const RULE_CHANNELS: readonly RuleChannel[] = [
  {
    vendor: 'claude',
    rules: 'hook',
    hook: 'PermissionRequest: allow and deny',
    why: 'it waits for the hook before it shows a dialog; allow runs the call, deny refuses it with the message for the model; no output or a failed call shows the dialog',
    tests: ['test/e2e/claude-policies.test.ts'],
  },
  {
    vendor: 'gemini',
    rules: 'deny-hook',
    hook: 'BeforeTool: deny only',
    why: 'it runs the hook before every tool call (before its policy check, also for calls it runs unasked) and waits for it; `decision: "deny"` blocks the call with the reason for the model; it has no approving decision (`"allow"` goes on to its policy check and dialog), so allow rules answer the dialog on the screen; nothing, junk, a failure or a timeout go on as without the hook',
    tests: [CONTRACTS, 'test/e2e/gemini-policies.test.ts'],
  },
  {
    vendor: 'qwen',
    rules: 'hook',
    hook: 'PermissionRequest: allow and deny; PreToolUse: deny only',
    why: 'PermissionRequest fires where it would show a dialog and waits for it: `decision.behavior` allow runs the call, deny refuses it with the message for the model; nothing, junk, a failure, exit 2 or a timeout show the dialog. PreToolUse fires before every call runs, also the unasked ones: a deny rule applies to those too (exit 2 there denies: the hook always exits 0)',
    tests: [CONTRACTS, 'test/e2e/qwen-policies.test.ts'],
  },
  {
    vendor: 'copilot',
    rules: 'hook',
    hook: 'permissionRequest: allow and deny',
    why: 'it fires before its permission service (its rules, session approvals, the dialog) for every call that needs a permission, reads excepted, and waits: `behavior` allow runs the call, deny refuses it with the message for the model; nothing or a timeout show the dialog; output it cannot read or an exit other than 0 deny the call (the hook prints one JSON document or nothing and always exits 0). Its preToolUse was not used: an exit other than 0 there denies too, and its allow skips the permission service for calls that never needed one',
    tests: [CONTRACTS, 'test/e2e/copilot-policies.test.ts'],
  },
  {
    vendor: 'opencode',
    rules: 'screen',
    hook: null,
    why: 'its plugin API declares `permission.ask` (status allow, deny or ask), but 1.18.33 never calls it: the binary has no call site, and a plugin’s permission.ask never ran while the asked command went on to its own flow (measured). Its `tool.execute.before` runs before the permission is asked, for every call, and a throw stops the call with its message to the model (measured): a deny-only channel like Gemini CLI’s, not wired into the wtp plugin yet',
    tests: [CONTRACTS],
  },
  {
    vendor: 'codex',
    rules: 'screen',
    hook: null,
    why: '0.169.0 has a PermissionRequest hook that can allow or deny (quiet or invalid output goes on to its approval; exit 2 with a reason denies), but it runs only hooks the user trusted by their hash: `--dangerously-bypass-hook-trust` would also run every untrusted hook of the user and of the repository, and a trust entry for wtp’s own hook (`-c hooks.state."/<session-flags>/config.toml:permission_request:0:0".trusted_hash=…`) needs Codex’s hash of the hook’s definition, not verified here. Until then its dialogs are answered on the screen path',
    tests: [],
  },
];

/** A vendor's `rules` (RULE_CHANNELS), for its rows. */
export function rulesOf(vendor: string): MatrixRow['rules'] {
  const channel = RULE_CHANNELS.find((c) => c.vendor === vendor);
  if (channel === undefined) throw new Error(`no rule channel recorded for ${vendor}`);
  return channel.rules;
}

const CLAUDE_TEST = 'test/e2e/claude-dialogs.test.ts';
const claude = (row: Omit<MatrixRow, 'vendor' | 'test' | 'rules'>): MatrixRow => ({
  vendor: 'claude',
  test: CLAUDE_TEST,
  rules: rulesOf('claude'),
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
