import type { RuleSet } from '../../core/state/detectors/screen-detector.js';

/**
 * Codex: `row` as the newest transcript entry, followed by at most `gap` rows that are not a
 * prompt (`›`), a message (`•`) or another entry (`■`), then the composer (the last `›` row, at
 * most 3 footer rows under it).
 */
const codexAboveComposer = (row: string, gap: number): RegExp =>
  new RegExp(
    `(?:^|\\n)${row}[^\\n]*\\n(?:[^\\n›•■]*\\n){0,${gap}}›(?:[\\s\\u00a0][^\\n]*)?(?:\\n[^›\\n]*){0,3}$`,
    'u',
  );

/** Codex CLI's screen patterns (matched as src/vendors/claude/detectors.ts explains). */
export const CODEX_RULES: readonly RuleSet[] = [
  {
    // Checked against screens recorded from the real 0.169.0 TUI (test/fixtures/screens/codex/
    // 0.169.0, docs/research/codex-0.169.0.md); the synthetic screens of older layouts pass too.
    versions: {},
    rules: [
      {
        id: 'trust',
        state: 'needs_permission',
        reason: 'trust',
        within: 'bottom',
        any: [/\bTrust this folder\? Codex can\b/, /^\W*\d+\. Trust and continue\b/],
      },
      {
        // An MCP tool's approval (0.169.0), drawn as a form: "Field 1/1" / "Allow the probe MCP
        // server to run tool "ping"?" / "› 1. Allow" … "4. Cancel" / "enter to submit | esc to
        // cancel". Before `question`: the same footer.
        id: 'mcp-approval',
        state: 'needs_permission',
        reason: 'permission',
        within: 'bottom',
        any: [/^\s*Allow the \S+ MCP server to run tool "[^"]+"\?$/],
        // Its tool by Codex's own name for it (as its hooks give it): `mcp__<server>__<tool>`.
        tool: {
          pattern: /^\s*Allow the (\S+) MCP server to run tool "([^"]+)"\?$/,
          name: (m) => `mcp__${m[1] ?? ''}__${m[2] ?? ''}`,
        },
      },
      {
        // A patch (apply_patch) outside what the sandbox may write: "Would you like to make the
        // following edits?" / "Description: …" / "Destination: <file>" / "2. Yes, and don't ask
        // again for these files (a)".
        id: 'approval-edits',
        state: 'needs_permission',
        reason: 'permission',
        within: 'bottom',
        any: [/would you like to make the following edits\?/i],
        tool: 'apply_patch',
        // The file after "Destination:", or on the row under it when it does not fit beside it (80 columns).
        about: /(?:^|\n)\s*Destination:(?: |\n\s*)(\S[^\n]*)/,
      },
      {
        // Its plan prompt in Plan mode, under a proposed plan: "Implement this plan?" / "› 1. Yes,
        // implement this plan" / "2. Yes, clear context and implement" / "3. No, stay in Plan mode"
        // / "enter select · esc back". Approving (Enter) implements it; Esc stays in Plan mode.
        id: 'plan-implement',
        state: 'needs_permission',
        reason: 'permission',
        within: 'bottom',
        all: [/^\s*Implement this plan\?$/, /^\W*\d+\. No, stay in Plan mode\b/],
      },
      {
        id: 'approval',
        state: 'needs_permission',
        reason: 'permission',
        within: 'bottom',
        // A command (exec_command; a subagent's shows "Thread: Agent (…)" under the question).
        tool: { pattern: /would you like to run the following command\?/i, name: () => 'exec_command' },
        any: [
          /would you like to (?:run|make|apply|grant|send) (?:the following|these|this|input)/i,
          /allow command\?/i,
          /\b(?:yes|yes, proceed) \(y\)/i,
          /press enter to confirm or esc to cancel/i,
          /\bconfirm with .+ enter\b/i,
          /\[y\/n\]/i,
        ],
        // The `$ command` row under the question (after its Environment and Reason rows).
        about: /would you like to run the following command\?(?:\n[^\n]*){0,4}?\n\s*\$ ([^\n]+)/i,
      },
      {
        id: 'question',
        state: 'needs_input',
        reason: 'question',
        within: 'bottom',
        any: [/\| enter to submit answer/i, /\benter to submit\b(?!.*interrupt)/i],
      },
      {
        // A numbered dialog (the cursor on "1.", a "2." under it) no rule above knows: a dialog
        // all the same, answered only with the keys the user names (`wtp send --force`).
        id: 'unknown-dialog',
        state: 'needs_permission',
        reason: 'permission',
        unknown: true,
        within: 'bottom',
        any: [/(?:^|\n)\s*› 1\. [^\n]*\n\s+2\. /],
      },
      {
        id: 'usage-limit',
        state: 'needs_input',
        reason: 'usage_limit',
        within: 'bottom',
        // The newest transcript entry only: "■ You’ve hit your usage limit. Try again later.",
        // "■ exceeded retry limit, last status: 429 Too Many Requests, request id: …".
        any: [
          codexAboveComposer(
            `■ (?:You[’']ve hit your usage limit\\b|Usage limit reached\\b|exceeded retry limit, last status: 429\\b)`,
            3,
          ),
        ],
        resetsAt: (m) => /\btry again at (?<reset>[^\n]+?)\.?(?:\n|$)/i.exec(m[0])?.groups?.['reset'],
      },
      { id: 'interrupt-hint', state: 'working', within: 'bottom', any: [/\besc\b.*\binterrupt\b/i] },
      {
        id: 'streaming',
        state: 'working',
        within: 'screen',
        // 0.169.0 hides its "Working (… esc to interrupt)" row while the answer streams: the
        // answer (`• …` plus indented wrapped rows, no "Worked for" row yet) sits right above the
        // composer and the 0.169 footer. A finished turn always adds "Worked for <n>s • <time>".
        any: [
          new RegExp(
            `(?:^|\\n)• [^\\n]*\\n(?:  (?!\\s*(?:Worked for\\b|└))[^\\n]*\\n){0,25}› [^\\n]*(?:\\n[^›\\n]*){0,2}← for agents\\b[^\\n]*$`,
            'u',
          ),
        ],
      },
      {
        id: 'turn-done',
        state: 'idle',
        reason: 'turn_done',
        within: 'bottom',
        any: [codexAboveComposer('\\s*Worked for \\d', 1)], // "Worked for 6s • 13:09"
      },
      {
        id: 'interrupted',
        state: 'idle',
        reason: 'interrupted',
        within: 'bottom',
        any: [codexAboveComposer('■ Conversation interrupted\\b', 2)],
      },
      { id: 'error', state: 'idle', reason: 'error', within: 'bottom', any: [codexAboveComposer('■ ', 3)] },
      {
        // Its Agent Command Center (0.169.0: after "Back to Agent Command Center" on the trust
        // prompt): a list of tasks waiting for the user's choice, no session open.
        id: 'command-center',
        state: 'idle',
        reason: 'at_prompt',
        within: 'bottom',
        // Its footer (its header row can be above the window: the list's rows fill the screen).
        any: [/^\s*\? help\s+↑\/↓ move\s+enter open\s+n new$/],
      },
      {
        id: 'composer',
        state: 'idle',
        reason: 'at_prompt',
        within: 'bottom',
        // The last `›` row (the composer; the transcript's own prompts use `›` too), then at
        // most 3 rows of footer to the bottom.
        all: [/(?:^|\n)\s*›(?:[\s\u00a0][^\n]*)?(?:\n[^›\n]*){0,3}$/u],
      },
    ],
  },
];
