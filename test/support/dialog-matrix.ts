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
    why: 'it calls the hook as it draws its dialog and takes the first answer; allow runs the call, deny refuses it with the message for the model; no output or a failed call leaves the dialog (held for the user’s answer when no rule decides)',
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

const GEMINI_TEST = 'test/e2e/gemini-dialogs.test.ts';
const gemini = (row: Omit<MatrixRow, 'vendor' | 'test' | 'rules'>): MatrixRow => ({
  vendor: 'gemini',
  test: GEMINI_TEST,
  rules: 'screen',
  ...row,
});

const QWEN_TEST = 'test/e2e/qwen-dialogs.test.ts';
const qwen = (row: Omit<MatrixRow, 'vendor' | 'test' | 'rules'>): MatrixRow => ({
  vendor: 'qwen',
  test: QWEN_TEST,
  rules: 'screen',
  ...row,
});

const CODEX_TEST = 'test/e2e/codex-dialogs.test.ts';
const codex = (row: Omit<MatrixRow, 'vendor' | 'test' | 'rules'>): MatrixRow => ({
  vendor: 'codex',
  test: CODEX_TEST,
  rules: 'screen',
  ...row,
});

const OPENCODE_TEST = 'test/e2e/opencode-dialogs.test.ts';
const opencode = (row: Omit<MatrixRow, 'vendor' | 'test' | 'rules'>): MatrixRow => ({
  vendor: 'opencode',
  test: OPENCODE_TEST,
  rules: 'screen',
  ...row,
});

const COPILOT_TEST = 'test/e2e/copilot-dialogs.test.ts';
const copilot = (row: Omit<MatrixRow, 'vendor' | 'test' | 'rules'>): MatrixRow => ({
  vendor: 'copilot',
  test: COPILOT_TEST,
  rules: 'screen',
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
  codex({
    kind: 'a shell command (leaving the sandbox)',
    tool: 'exec_command',
    actions: ['deny', 'approve', 'always'],
    always: { scope: "Yes, and don't ask again for commands that start with `<command>` (p)" },
    screen: 'codex/0.169.0/permission-shell-01.screen',
    note: 'asked when the model requests `require_escalated`; after always, the same command runs without a dialog',
  }),
  codex({
    kind: 'Write / Edit (a patch)',
    tool: 'apply_patch',
    actions: ['deny', 'approve', 'always'],
    always: { scope: "Yes, and don't ask again for these files (a)" },
    screen: 'codex/0.169.0/permission-patch-01.screen',
    note: 'new files, overwrites and edits are all one patch dialog; asked in the read-only sandbox (a patch inside the folder in workspace-write is applied unasked); after always, the next patch of that file runs without a dialog',
  }),
  codex({
    kind: 'an MCP tool',
    tool: 'mcp__probe__ping',
    actions: ['deny', 'approve', 'always'],
    always: { scope: 'Allow for this session …' },
    screen: 'codex/0.169.0/permission-mcp-01.screen',
    note: 'a form: "Allow the probe MCP server to run tool "ping"?", options Allow / Allow for this session / Always allow / Cancel; after always, the next call runs without a dialog',
  }),
  codex({
    kind: 'a subagent’s request',
    tool: 'exec_command',
    actions: ['deny', 'approve'],
    always: { scope: "Yes, and don't ask again for commands that start with `<command>` (p)" },
    screen: 'codex/0.169.0/permission-subagent-01.screen',
    note: '`spawn_agent` runs without asking; the subagent’s command asks in the lead’s screen ("Thread: Agent (…)")',
  }),
  {
    vendor: 'codex',
    kind: 'the folder-trust dialog',
    tool: '(trust)',
    actions: ['approve', 'deny'],
    always: 'none',
    rules: 'none',
    screen: 'codex/0.169.0/trust-01.screen',
    test: CODEX_TEST,
    note: 'agents.preTrust off; "Trust and continue" is saved to config.toml',
  },
  gemini({
    kind: 'a shell command',
    tool: 'run_shell_command',
    actions: ['deny', 'approve', 'always'],
    always: { scope: 'Allow for this session' },
    screen: 'gemini/0.61.0/permission-shell-01.screen',
    note: 'it allows the command’s root (`touch`) for the session: the next `touch` runs without a dialog',
  }),
  gemini({
    kind: 'Write (new file)',
    tool: 'write_file',
    actions: ['deny', 'approve', 'always'],
    always: { modeChange: 'Allow for this session' },
    screen: 'gemini/0.61.0/permission-write-01.screen',
    note: 'on "Apply this change?" the option also switches the session to auto-edit (0.61.0 `isAutoEditTransition`): after it, the next write runs without a dialog',
  }),
  gemini({
    kind: 'Write (overwrite)',
    tool: 'write_file',
    actions: ['deny', 'approve', 'always'],
    always: { modeChange: 'Allow for this session' },
    screen: 'gemini/0.61.0/permission-overwrite-01.screen',
  }),
  gemini({
    kind: 'Edit',
    tool: 'replace',
    actions: ['deny', 'approve', 'always'],
    always: { modeChange: 'Allow for this session' },
    screen: 'gemini/0.61.0/permission-edit-01.screen',
  }),
  gemini({
    kind: 'WebFetch',
    tool: 'web_fetch',
    actions: ['deny', 'approve', 'always'],
    always: { scope: 'Allow for this session' },
    screen: 'gemini/0.61.0/permission-fetch-01.screen',
    note: 'after always, the next fetch runs without a dialog',
  }),
  gemini({
    kind: 'an MCP tool',
    tool: 'mcp_probe_ping',
    actions: ['deny', 'approve', 'always'],
    always: { scope: 'Allow tool for this session' },
    screen: 'gemini/0.61.0/permission-mcp-01.screen',
    note: 'its dialog also offers "Allow all server tools for this session"; after always, the next call of that tool runs without a dialog',
  }),
  gemini({
    kind: 'entering plan mode',
    tool: 'enter_plan_mode',
    actions: ['deny', 'approve'],
    always: { scope: 'Allow for this session' },
    screen: 'gemini/0.61.0/permission-plan-enter-01.screen',
    note: 'approved, the session is in plan mode (what was asked)',
  }),
  gemini({
    kind: 'activating a skill',
    tool: 'activate_skill',
    actions: ['deny', 'approve', 'always'],
    always: { scope: 'Allow for this session' },
    screen: 'gemini/0.61.0/permission-skill-01.screen',
    note: "a skill of the user's (built-in skills are activated without asking)",
  }),
  gemini({
    kind: 'a subagent’s request',
    tool: 'run_shell_command',
    actions: ['deny', 'approve'],
    always: { scope: 'Allow for this session' },
    screen: 'gemini/0.61.0/permission-subagent-01.screen',
    note: '`invoke_agent` (the generalist) runs without asking; its shell command asks in the lead’s screen ("2 of 2")',
  }),
  {
    vendor: 'gemini',
    kind: 'the folder-trust dialog',
    tool: '(trust)',
    actions: ['approve', 'deny'],
    always: 'none',
    rules: 'none',
    screen: 'gemini/0.61.0/trust-01.screen',
    test: GEMINI_TEST,
    note: 'with security.folderTrust.enabled and agents.preTrust off; "Trust folder" is remembered (trustedFolders.json), "Don’t trust" goes on untrusted',
  },
  qwen({
    kind: 'a shell command',
    tool: 'run_shell_command',
    actions: ['deny', 'approve', 'always'],
    always: { scope: "Always allow run '<command> *' commands in this project" },
    screen: 'qwen/0.24.4/permission-shell-01.screen',
    note: 'it also offers "… for this user"; after always, the next `touch` runs without a dialog',
  }),
  qwen({
    kind: 'Write (new file)',
    tool: 'write_file',
    actions: ['deny', 'approve', 'always'],
    always: { modeChange: 'Yes, allow always' },
    screen: 'qwen/0.24.4/permission-write-01.screen',
    note: 'the option switches the session to auto-edit (0.24.4: its onConfirm calls setApprovalMode(AUTO_EDIT)): after it, the next write runs without a dialog',
  }),
  qwen({
    kind: 'Write (overwrite)',
    tool: 'write_file',
    actions: ['deny', 'approve', 'always'],
    always: { modeChange: 'Yes, allow always' },
    screen: 'qwen/0.24.4/permission-overwrite-01.screen',
    note: 'Qwen Code overwrites only a file read in the session: the model reads it first',
  }),
  qwen({
    kind: 'Edit',
    tool: 'edit',
    actions: ['deny', 'approve', 'always'],
    always: { modeChange: 'Yes, allow always' },
    screen: 'qwen/0.24.4/permission-edit-01.screen',
  }),
  qwen({
    kind: 'NotebookEdit',
    tool: 'notebook_edit',
    actions: ['deny', 'approve', 'always'],
    always: { modeChange: 'Yes, allow always' },
    screen: 'qwen/0.24.4/permission-notebook-01.screen',
  }),
  qwen({
    kind: 'WebFetch',
    tool: 'web_fetch',
    actions: ['deny', 'approve', 'always'],
    always: { scope: 'Always allow fetch from <host> in this project' },
    screen: 'qwen/0.24.4/permission-fetch-01.screen',
    note: 'after always, the next page of that host runs without a dialog',
  }),
  qwen({
    kind: 'an MCP tool',
    tool: 'mcp__probe__ping',
    actions: ['deny', 'approve', 'always'],
    always: { scope: 'Always allow mcp__probe__ping in this project' },
    screen: 'qwen/0.24.4/permission-mcp-01.screen',
    note: 'after always, the next call of that tool runs without a dialog',
  }),
  qwen({
    kind: 'a subagent',
    tool: 'agent',
    actions: ['deny', 'approve', 'always'],
    always: { scope: 'Always allow use agent "<agent>" in this project' },
    screen: 'qwen/0.24.4/permission-agent-01.screen',
    note: 'launching one asks (the `agent` tool); after always, the next one of that type starts without a dialog',
  }),
  qwen({
    kind: 'leaving plan mode',
    tool: 'exit_plan_mode',
    actions: ['deny', 'approve'],
    always: { modeChange: 'Yes, and auto-accept edits' },
    screen: 'qwen/0.24.4/plan-exit-01.screen',
    note: 'approve is option 1, "Yes, restore previous mode (default)"; deny is "No, keep planning (esc)"',
  }),
  {
    vendor: 'qwen',
    kind: 'the folder-trust dialog',
    tool: '(trust)',
    actions: ['approve', 'deny'],
    always: 'none',
    rules: 'none',
    screen: 'qwen/0.24.4/trust-01.screen',
    test: QWEN_TEST,
    note: 'only with security.folderTrust.enabled (off by default); "Trust folder" is remembered',
  },
  opencode({
    kind: 'a shell command',
    tool: 'bash',
    actions: ['deny', 'approve', 'always'],
    always: { scope: 'This will allow the following patterns until OpenCode is restarted - <pattern>' },
    screen: 'opencode/1.18.33/permission-shell-01.screen',
    note: '"Allow always" opens a second stage that says what it holds for (its text is the scope, here `touch *`); after it, the next `touch` runs without a dialog',
  }),
  opencode({
    kind: 'Write (new file)',
    tool: 'edit',
    actions: ['deny', 'approve', 'always'],
    always: { modeChange: 'This will allow edit until OpenCode is restarted.' },
    screen: 'opencode/1.18.33/permission-write-01.screen',
    note: 'every edit until OpenCode restarts (its `edit` permission covers write, edit and patch): a mode change, cancelled on its second stage unless accepted; after it, the next write runs without a dialog',
  }),
  opencode({
    kind: 'Write (overwrite)',
    tool: 'edit',
    actions: ['deny', 'approve', 'always'],
    always: { modeChange: 'This will allow edit until OpenCode is restarted.' },
    screen: 'opencode/1.18.33/permission-overwrite-01.screen',
    note: 'OpenCode overwrites only a file read in the session: the model reads it first',
  }),
  opencode({
    kind: 'Edit',
    tool: 'edit',
    actions: ['deny', 'approve', 'always'],
    always: { modeChange: 'This will allow edit until OpenCode is restarted.' },
    screen: 'opencode/1.18.33/permission-edit-02.screen',
  }),
  opencode({
    kind: 'WebFetch',
    tool: 'webfetch',
    actions: ['deny', 'approve', 'always'],
    always: { scope: 'This will allow webfetch until OpenCode is restarted.' },
    screen: 'opencode/1.18.33/permission-fetch-01.screen',
    note: 'asks with `permission.webfetch: ask` (allowed by default); after always, the next fetch runs without a dialog',
  }),
  opencode({
    kind: 'an MCP tool',
    tool: 'probe_ping',
    actions: ['deny', 'approve', 'always'],
    always: { scope: 'This will allow probe_ping until OpenCode is restarted.' },
    screen: 'opencode/1.18.33/permission-mcp-01.screen',
    note: '"Call tool probe_ping", with `permission.probe_ping: ask` (allowed by default); after always, the next call runs without a dialog',
  }),
  opencode({
    kind: 'a subagent',
    tool: 'task',
    actions: ['deny', 'approve', 'always'],
    always: { scope: 'This will allow task until OpenCode is restarted.' },
    screen: 'opencode/1.18.33/permission-task-01.screen',
    note: 'the `task` tool ("General Task"), with `permission.task: ask` (allowed by default); after always, the next one starts without a dialog',
  }),
  opencode({
    kind: 'a subagent’s request',
    tool: 'bash',
    actions: ['deny', 'approve'],
    always: { scope: 'This will allow the following patterns until OpenCode is restarted - <pattern>' },
    screen: 'opencode/1.18.33/permission-subagent-01.screen',
    note: 'a subagent’s command asks in the lead’s screen',
  }),
  opencode({
    kind: 'a folder outside the project',
    tool: 'external_directory',
    actions: ['deny', 'approve', 'always'],
    always: { scope: 'This will allow the following patterns until OpenCode is restarted - <folder>/*' },
    screen: 'opencode/1.18.33/permission-external-01.screen',
    note: 'asked by default ("Access external directory"), before the tool’s own permission (here a read, allowed); after always, the next file of that folder is read without a dialog',
  }),
  opencode({
    kind: 'a .env file',
    tool: 'read',
    actions: ['deny', 'approve', 'always'],
    always: { scope: 'This will allow read until OpenCode is restarted.' },
    screen: 'opencode/1.18.33/permission-env-01.screen',
    note: 'asked by default (`read` of `*.env` files); always allows every read until OpenCode restarts: after it, the next .env file is read without a dialog',
  }),
  opencode({
    kind: 'the same call repeated',
    tool: 'doom_loop',
    actions: ['deny', 'approve', 'always'],
    always: { scope: 'This will allow the following patterns until OpenCode is restarted - <tool>' },
    screen: 'opencode/1.18.33/permission-doom-01.screen',
    note: 'asked by default ("Continue after repeated failures") when a response makes the same call three times; after always, three more run without a dialog',
  }),
  copilot({
    kind: 'a shell command',
    tool: 'bash',
    actions: ['deny', 'approve', 'always'],
    always: { scope: "Yes, and don't ask again for `<command>` in this <place> (<folder>)" },
    screen: 'copilot/1.0.102/permission-shell-01.screen',
    note: 'after always, the next `touch` runs without a dialog',
  }),
  copilot({
    kind: 'Write (new file)',
    tool: 'create',
    actions: ['deny', 'approve', 'always'],
    always: { scope: "Yes, and don't ask again for file operations when in this <place> (<folder>)" },
    screen: 'copilot/1.0.102/permission-create-01.screen',
    note: 'all file operations in that folder: after always, the next new file is written without a dialog',
  }),
  copilot({
    kind: 'Edit',
    tool: 'edit',
    actions: ['deny', 'approve', 'always'],
    always: { scope: "Yes, and don't ask again for file operations when in this <place> (<folder>)" },
    screen: 'copilot/1.0.102/permission-edit-01.screen',
  }),
  copilot({
    kind: 'an MCP tool',
    tool: 'probe-ping',
    actions: ['deny', 'approve', 'always'],
    always: { scope: 'Yes, and don\'t ask again for tool "ping" from "probe" in this <place> (<folder>)' },
    screen: 'copilot/1.0.102/permission-mcp-01.screen',
    note: '"Do you want to use this tool?"; after always, the next call of that tool runs without a dialog',
  }),
  copilot({
    kind: 'a subagent’s request',
    tool: 'bash',
    actions: ['deny', 'approve'],
    always: { scope: "Yes, and don't ask again for `<command>` in this <place> (<folder>)" },
    screen: 'copilot/1.0.102/permission-subagent-01.screen',
    note: '`task` (a general-purpose agent) runs without asking; its command asks in the lead’s screen',
  }),
  {
    vendor: 'copilot',
    kind: 'the folder-trust dialog',
    tool: '(trust)',
    actions: ['approve', 'always', 'deny'],
    always: { scope: 'Yes, and remember this folder for future sessions' },
    rules: 'none',
    screen: 'copilot/1.0.102/trust-01.screen',
    test: COPILOT_TEST,
    note: 'agents.preTrust off; always adds the folder to trustedFolders in its config.json; deny: Copilot exits',
  },
];

/** Kinds a vendor cannot show, with why. */
export const GAPS: readonly MatrixGap[] = [
  {
    vendor: 'claude',
    kind: 'MultiEdit',
    why: 'not a tool of Claude Code 2.1.330: its requests offer Agent, AskUserQuestion, Bash, Edit, Read, Write and others, no MultiEdit (Edit takes its place)',
  },
  {
    vendor: 'codex',
    kind: 'WebSearch',
    why: 'web_search is a hosted tool in 0.169.0 (`{"type": "web_search"}` in the request): the model provider runs it, Codex never asks',
  },
  {
    vendor: 'codex',
    kind: 'WebFetch, NotebookEdit',
    why: 'no such tools in 0.169.0: it offers exec_command, write_stdin, view_image, request_user_input, the MCP resource tools, its goals and sub-agent tools, MCP tools and the hosted web_search',
  },
  {
    vendor: 'gemini',
    kind: 'WebSearch',
    why: 'google_web_search never asks in 0.61.0: its default policy (policies/read-only.toml) allows it, as it does read_file, glob and grep_search',
  },
  {
    vendor: 'gemini',
    kind: 'NotebookEdit, MultiEdit',
    why: 'no such tools in 0.61.0: its tools are run_shell_command, write_file, replace, web_fetch, google_web_search, read_file, glob, grep_search, list_directory, ask_user, write_todos, enter_plan_mode, exit_plan_mode, invoke_agent, activate_skill and MCP tools',
  },
  {
    vendor: 'qwen',
    kind: 'WebSearch',
    why: 'web_search is registered only when a search backend is configured or derived from the auth (0.24.4 evaluateWebSearchGate): with an OpenAI-compatible key none is, so the tool is not offered offline',
  },
  {
    vendor: 'qwen',
    kind: 'entering plan mode',
    why: 'enter_plan_mode runs without a dialog in 0.24.4 (seen: the session switched to plan mode unasked)',
  },
  {
    vendor: 'opencode',
    kind: 'WebSearch',
    why: 'websearch is offered only to the opencode provider’s models or with OPENCODE_ENABLE_EXA / OPENCODE_ENABLE_PARALLEL (or OPENCODE_EXPERIMENTAL), and searches through Exa’s or Parallel’s hosted service: not reachable offline',
  },
  {
    vendor: 'opencode',
    kind: 'leaving plan mode',
    why: 'plan_exit is offered only with OPENCODE_EXPERIMENTAL_PLAN_MODE, and then asks a question ("Plan at … is complete. Would you like to switch to the build agent …?", Yes / No: its question tool, answered with `wtp answer`), not a permission dialog',
  },
  {
    vendor: 'opencode',
    kind: 'the folder-trust dialog',
    why: '1.18.33 has no folder-trust prompt',
  },
  {
    vendor: 'opencode',
    kind: 'NotebookEdit, MultiEdit',
    why: 'no such tools in 1.18.33: edit and write cover files (GPT models get apply_patch instead, which asks the same `edit` permission)',
  },
  {
    vendor: 'copilot',
    kind: 'Write (overwrite)',
    why: '1.0.102’s create “cannot be used if the specified path already exists” (its tool description): an existing file is changed with edit',
  },
  {
    vendor: 'copilot',
    kind: 'WebFetch, WebSearch',
    why: 'not offered offline in 1.0.102 (COPILOT_OFFLINE with a bring-your-own provider): its tools are bash, view, create, edit, grep, glob, task, skill, ask_user, sql, the agent tools, fetch_copilot_cli_documentation and MCP tools',
  },
];

/** The rows a vendor's test file proves. */
export const rowsOf = (vendor: string): MatrixRow[] => MATRIX.filter((r) => r.vendor === vendor);
