import type { RuleSet } from '../../core/state/detectors/screen-detector.js';

/**
 * Copilot's footer: the last row, under a full-width `─` border. Idle shows the mode
 * ("← open sidebar · Interactive · Manual Approval · …", "Interactive · Manual Approval · @ files ·
 * …" once text is typed); busy shows "◎ Working esc esc edit prompt" / "◉ Working · 78 B esc esc
 * interrupt" (the glyph cycles). A dialog or the question form replaces it.
 */
const footer = (row: string): RegExp => new RegExp(`(?:^|\\n)─{20,}\\n${row}$`, 'u');

/**
 * A turn that failed after Copilot's retries, as the newest transcript entry (then the folder row
 * and the input box): one paragraph "✗ Failed to get response from the AI model; retried 5 times
 * (…) Last error: <status> <message>", wrapped at the pane's width, so "Last error" is on the ✗ row
 * (120 columns) or on an indented row under it (100 columns).
 */
const failedTurn = (status: string): RegExp =>
  new RegExp(
    `(?:^|\\n) ✗ Failed to get response from the AI model\\b[^\\n]*(?:\\n {2,}[^\\n]*){0,2}?\\bLast error: ${status}\\b[^\\n]*\\n(?:[^\\n❯]*\\n){0,6}❯`,
    'u',
  );

/** GitHub Copilot CLI's screen patterns (matched as src/vendors/claude/detectors.ts explains). */
export const COPILOT_RULES: readonly RuleSet[] = [
  {
    // Recorded from the real 1.0.102 TUI (test/fixtures/screens/copilot/1.0.102), offline.
    versions: {},
    rules: [
      {
        id: 'trust',
        state: 'needs_permission',
        reason: 'trust',
        within: 'bottom',
        any: [/^│ Do you trust the files in this folder\?/, /^│ Confirm folder trust\b/],
      },
      {
        id: 'permission',
        state: 'needs_permission',
        reason: 'permission',
        within: 'bottom',
        // "Do you want to run this command?", "Do you want to create <file>?" (and edit, update,
        // write, delete, modify: 1.0.102's file operations), "Do you want to use this tool?" (an
        // MCP tool), "Do you want to allow this tool call?" and others of its source.
        any: [
          // (Its end may be on the next row: 80 columns wrap a file's path, at a `-` or a `/`.)
          /^│ Do you want to (?:run|allow|make|create|edit|update|write|delete|modify|move and update|perform|use|fetch|access|read|approve)\b/,
          // The review of a plan (exit_plan_mode in plan mode, "Plan Ready for Review"): its options
          // accept it ("1. Accept plan and continue in Autopilot execution mode (recommended)").
          /^│ (?:❯ | {2})\d\. Accept plan and continue in \w+ execution mode\b/,
        ],
        // The command in the box under the dialog's title ("│ │ touch fake-tool-ran.txt │ │"), or
        // the file a file operation names in its question.
        about: [
          // A path the row cannot hold goes on under it (80 columns break it after a `-` or a
          // `/`): the two parts, joined as they were.
          {
            pattern:
              /(?:^|\n)│ Do you want to (?:create|edit|update|write|delete|modify|move and update) (\S+?)\s*│\n│ (\S+?)\?\s*│(?:\n|$)/,
            value: (m) => `${m[1] ?? ''}${m[2] ?? ''}`,
          },
          /^│ Do you want to (?:create|edit|update|write|delete|modify|move and update) (\S+?)\??\s*│$/,
          // The box above the question of a command ("Do you want to run this command?"), of a path
          // it reads ("Allow path access", "Do you want to allow this?") or of a URL it fetches
          // ("Do you want to allow this access?"). (An MCP tool's input is boxed too, as JSON.)
          /(?:^|\n)│ │ ([^\n]+?)\s*│ │\n(?:│ │[^\n]*│ │\n)*│ ╰─+╯ │\n(?:│\s*│\n)*│ Do you want to (?:run this command|allow this(?: access)?)\?/,
        ],
        // The tool, by Copilot's own name: the question says which (a command, a file written or
        // edited), an MCP tool's option names it and its server ("… for tool "ping" from "probe"
        // …", Copilot's `probe-ping`).
        tool: {
          pattern:
            /^│ (?:Do you want to (run this command|create|edit|update|write)\b|\s+2\. Yes, and don't ask again for tool "([^"]+)" from "([^"]+)")/,
          name: (m) =>
            m[2] !== undefined
              ? `${m[3] ?? ''}-${m[2]}`
              : m[1] === 'run this command'
                ? 'bash'
                : m[1] === 'create'
                  ? 'create'
                  : 'edit',
        },
      },
      {
        id: 'question',
        state: 'needs_input',
        reason: 'question',
        within: 'bottom',
        any: [/^ Copilot needs information\.$/, /\benter accept · ctrl\+d decline · esc cancel\b/],
      },
      {
        // Autopilot's warning on its first prompt ("Enable autopilot mode"): a choice of the
        // permission policy, by its options "Enable all permissions (recommended)" / "Use Manual
        // Approval for this session" / "Cancel (Esc)".
        id: 'mode-warning',
        state: 'needs_input',
        reason: 'question',
        within: 'bottom',
        any: [/^│ (?:❯ | {2})\d\. (?:Enable all permissions|Use Manual Approval for this session)\b/],
      },
      {
        // A boxed dialog with numbered options (the cursor on "1.", a "2." under it) no rule above
        // knows: a dialog all the same, answered only with the keys the user names (`wtp send --force`).
        id: 'unknown-dialog',
        state: 'needs_permission',
        reason: 'permission',
        unknown: true,
        within: 'bottom',
        any: [/(?:^|\n)│ ❯ 1\. [^\n]*\n│ {2,}2\. /],
      },
      {
        id: 'usage-limit',
        state: 'needs_input',
        reason: 'usage_limit',
        within: 'bottom',
        any: [failedTurn('429')],
        unless: [footer(' \\S Working\\b[^\\n]*')],
      },
      { id: 'working', state: 'working', within: 'bottom', any: [footer(' \\S Working\\b[^\\n]*')] },
      {
        id: 'interrupted',
        state: 'idle',
        reason: 'interrupted',
        within: 'bottom',
        // The newest transcript entry, then the folder row and the input box (Esc on a dialog).
        any: [/(?:^|\n) ● Operation cancelled by user\b[^\n]*\n(?:[^\n❯]*\n){0,3}❯/u],
        unless: [footer(' \\S Working\\b[^\\n]*')],
      },
      {
        id: 'error',
        state: 'idle',
        reason: 'error',
        within: 'bottom',
        any: [failedTurn('\\d{3}')],
        unless: [footer(' \\S Working\\b[^\\n]*')],
      },
      {
        id: 'prompt',
        state: 'idle',
        reason: 'at_prompt',
        within: 'bottom',
        all: [footer(' (?:← open sidebar · )?(?:Interactive|Plan|Autopilot)\\b[^\\n]*')],
      },
    ],
  },
];
