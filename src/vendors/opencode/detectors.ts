import type { RuleSet } from '../../core/state/detectors/screen-detector.js';

/**
 * OpenCode's TUI (1.18.33): the transcript, then the prompt box (rows starting `┃`, closed by a
 * `╹▀▀▀…` row) and a footer row. Dialogs (permission, question) replace the box's content; every
 * finished assistant message ends with a `▣  <agent> · <model>` row that gains ` · <n>s` when the
 * turn is done and ` · interrupted` when it was aborted.
 */

/** The newest `▣` row (no later `▣` row down to the bottom) ending in `suffix`. */
const newestFooter = (suffix: string): RegExp =>
  new RegExp(`(?:^|\\n)\\s*▣ [^\\n]*· ${suffix}\\n(?:[^▣\\n]*\\n)*[^▣\\n]*$`, 'u');

/** OpenCode's screen patterns (matched as src/vendors/claude/detectors.ts explains). */
export const OPENCODE_RULES: readonly RuleSet[] = [
  {
    // Recorded from the real 1.18.33 TUI (test/fixtures/screens/opencode/1.18.33).
    versions: {},
    // From about 160 columns a side panel (context, folder, version) fills the rows' right end.
    panelGap: true,
    rules: [
      {
        id: 'permission',
        state: 'needs_permission',
        reason: 'permission',
        within: 'bottom',
        any: [
          /△ Permission required\b/,
          /\bAllow once\s+Allow always\s+Reject\b/,
          // "Allow always" asks once more: "This will allow edit until OpenCode is restarted."
          /△ Always allow\b/,
          /\bThis will allow .+ until OpenCode is restarted\b/,
          // Rejecting a subagent's request asks what to do differently.
          /△ Reject permission\b/,
        ],
        // The `$ command` row of a shell dialog, the `→ Edit <file>` row of an edit dialog, the
        // `% WebFetch <url>` row of a fetch, `→ Read <file>` (a .env file), `← Access external
        // directory <folder>`; a search's pattern in its quotes (`✱ Glob "<pattern>"`, Grep).
        about: [
          /△ Permission required\n(?:\s*┃[^\n]*\n){0,4}?\s*┃\s+(?:\$|→ Edit|% WebFetch|→ Read|← Access external directory) ([^\n]+)/u,
          /△ Permission required\n(?:\s*┃[^\n]*\n){0,4}?\s*┃\s+✱ (?:Glob|Grep) "([^\n]*)"/u,
        ],
      },
      {
        id: 'question',
        state: 'needs_input',
        reason: 'question',
        within: 'bottom',
        any: [/↑↓ select\s+enter submit\s+esc dismiss\b/u],
      },
      {
        // A dialog with OpenCode's choice footer ("⇆ select  enter confirm") no rule above knows:
        // a dialog all the same, answered only with the keys the user names (`wtp send --force`).
        // At 80 columns the footer is cut at the pane's edge ("⇆ select  enter con", census-*-80).
        id: 'unknown-dialog',
        state: 'needs_permission',
        reason: 'permission',
        unknown: true,
        within: 'bottom',
        any: [/\s⇆ select {2}enter\b/u],
      },
      {
        id: 'usage-limit',
        state: 'needs_input',
        reason: 'usage_limit',
        within: 'bottom',
        // OpenCode retries by itself and shows the provider's message in the status row:
        // "Rate limit reached for requests [retrying in 29s attempt #1]".
        any: [/\b(?:rate limit|too many requests|usage limit|quota)\b.*\[retrying in \d/i],
      },
      // "esc interrupt", then "esc again to interrupt" after one Esc.
      { id: 'interrupt-hint', state: 'working', within: 'bottom', any: [/\besc (?:again to )?interrupt\b/] },
      {
        id: 'turn-done',
        state: 'idle',
        reason: 'turn_done',
        within: 'bottom',
        any: [newestFooter('(?:\\d+m ?)?\\d+(?:\\.\\d+)?s')], // "▣  Build · Fake Model · 6.2s"
      },
      {
        id: 'interrupted',
        state: 'idle',
        reason: 'interrupted',
        within: 'bottom',
        any: [newestFooter('interrupted')],
      },
      {
        id: 'prompt',
        state: 'idle',
        reason: 'at_prompt',
        within: 'bottom',
        // The prompt box's closing row and the footer's key hint; from about 160 columns a side
        // panel follows the hint on its row (idle-rejected-160).
        all: [/^\s*╹▀{10,}/u, /\bctrl\+p commands\b/],
      },
    ],
  },
];
