import type { RuleSet } from '../../core/state/detectors/screen-detector.js';
import { BRAILLE_SPINNER } from '../screen-patterns.js';

/**
 * The composer at the bottom of Qwen Code's screen: a `─` rule, the `>` input row (`*` in YOLO
 * mode: its getApprovalModePromptStyle), a `─` rule, then the footer rows (the folder/model row,
 * the approval-mode row, and under it the background tasks when there are: "main", "✔ a helper
 * (Shell npm test (census))"). Empty rows are not counted (the detector reads non-empty rows only).
 */
const COMPOSER = '─{10,}\\n[>*][^\\n]*\\n─{10,}(?:\\n[^\\n]*){0,8}$';

/**
 * `row` as the newest transcript entry, followed by at most `gap` indented rows (its wrapped
 * text), then the composer.
 */
const qwenAboveComposer = (row: string, gap: number): RegExp =>
  new RegExp(`(?:^|\\n)\\s*${row}[^\\n]*\\n(?: {3,}[^\\n]*\\n){0,${gap}}${COMPOSER}`, 'u');

/**
 * Qwen Code's screen patterns, checked against screens recorded from the real 0.24.4 TUI
 * (test/fixtures/screens/qwen/0.24.4). Glyphs carry U+FE0E (`◆︎`), matched as optional.
 */
export const QWEN_RULES: readonly RuleSet[] = [
  {
    versions: {},
    // Once the transcript overflows the pane, 0.24.4 draws a scrollbar in the last column of every
    // history row (`│` its track, `█` its thumb), after at least one blank: "? Edit a.txt ←   █".
    rowEnd: / [│█]$/u,
    rules: [
      {
        // The ask_user_question tool: "? AskUserQuestion Ask user 1 question ←", then the options
        // and "↑/↓: Navigate | Enter: Select | Esc: Cancel". Before `confirmation`: the same
        // "Waiting for user confirmation..." row sits under it.
        id: 'question',
        state: 'needs_input',
        reason: 'question',
        within: 'bottom',
        any: [/^\s*\? AskUserQuestion\b/, /↑\/↓: Navigate \| Enter: Select \| Esc: Cancel/],
      },
      {
        // "? Shell touch x (description) ←", the command, "Allow execution of: 'touch'?",
        // "› 1. Yes, allow once" … "4. No, suggest changes (esc)".
        id: 'confirmation',
        state: 'needs_permission',
        reason: 'permission',
        within: 'bottom',
        any: [
          /^\s*Allow execution of(?: MCP tool)?\b.*\?$/,
          /^\s*Apply this change\?/,
          /^\s*Do you want to proceed\?/,
          /^\W*\d+\. Yes, allow once$/,
          // Leaving plan mode: "? ExitPlanMode Plan: ←", the plan, "Would you like to proceed?",
          // "› 1. Yes, restore previous mode (default)".
          /^\s*Would you like to proceed\?$/,
        ],
        // What the title row under "? <Tool> … ←" names: the command row under a shell command's
        // (empty rows are not counted), the file of a write, an edit, a notebook edit or a read (a
        // file outside the folder: "? ReadFile <path> ←"), a fetch's URL, an artifact's file. In
        // auto mode a warning may come before the command ("⚠ Auto Mode couldn't classify this
        // action …", wrapped): then it is the row above the question whose text starts the title.
        about: [
          /(?:^|\n)\s*\? Shell [^\n]*\n\s*(?![\s⚠])([^\n]+)/u,
          /(?:^|\n)\s*\? Shell (?=[^\n]*\n\s*⚠[^\n]*\n(?:[^\n]*\n){0,6}?\s*([^\n]+)\n\s*Allow execution of\b)\1/u,
          /^\s*\? WriteFile Writing to (\S.*?) ←$/,
          // A title too long for its row keeps "←" on the first and the file goes on under it (80
          // columns: "? WriteFile Writing to          ←", then "<path>").
          /(?:^|\n)\s*\? (?:WriteFile Writing to|ReadFile|Edit) +←\n\s*(\S[^\n]*)/u,
          /^\s*\? ReadFile (\S.*?) ←$/,
          /^\s*\? Edit (\S.*?) ←$/,
          /^\s*\? NotebookEdit \w+ notebook cell \S+ in (\S.*?) ←$/,
          /^\s*\? WebFetch Fetching content from (\S+) /,
          // An artifact published from a file: "? Artifact Publishing artifact from page.html ←".
          /^\s*\? Artifact Publishing artifact from (\S.*?) ←$/,
        ],
      },
      {
        // The folder-trust dialog (only with security.folderTrust.enabled): "Do you trust this
        // folder?" / "● 1. Trust folder (<dir>)" / "2. Trust parent folder (<parent>)" / "3. Don't
        // trust (esc)".
        id: 'trust',
        state: 'needs_permission',
        reason: 'trust',
        within: 'bottom',
        any: [/^\W*Do you trust this folder\?/, /^\W*\d\. Trust folder \(/],
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
        // A rate limit or quota (HTTP 429) Qwen Code keeps retrying: after its silent attempts
        // (about two minutes) the failed request and the countdown of the next retry show,
        // "✕ [API Error: 429 You exceeded your current quota] (Retrying in 87s… (attempt 2/10))".
        // Before `busy`: its spinner still runs.
        id: 'usage-limit',
        state: 'needs_input',
        reason: 'usage_limit',
        within: 'bottom',
        any: [/^\s*✕\uFE0E? \[API Error: 429\b.*\(Retrying in /u],
      },
      {
        // "⠹ Distracting you with this witty phrase... (3s · esc to cancel)", "⠇ Initializing...",
        // and the working footer "Enter to steer · Ctrl+Q to queue · ⏸ …".
        id: 'busy',
        state: 'working',
        within: 'bottom',
        any: [/\besc to cancel\)$/, BRAILLE_SPINNER, /^\s*Enter to steer · /],
      },
      {
        id: 'error',
        state: 'idle',
        reason: 'error',
        within: 'bottom',
        any: [qwenAboveComposer('✕\\uFE0E? ', 3)], // "✕ [API Error: 400 …] (Press Ctrl+Y to retry)"
      },
      {
        // A tool row marked `-` (Esc on its dialog: "No, suggest changes"), nothing after it.
        id: 'declined',
        state: 'idle',
        reason: 'interrupted',
        within: 'bottom',
        any: [qwenAboveComposer('- \\S', 0)],
      },
      {
        id: 'turn-done',
        state: 'idle',
        reason: 'turn_done',
        within: 'bottom',
        any: [qwenAboveComposer('◆\\uFE0E? ', 8)], // "◆︎ Hello from the fake model."
      },
      {
        id: 'composer',
        state: 'idle',
        reason: 'at_prompt',
        within: 'bottom',
        all: [new RegExp(`(?:^|\\n)${COMPOSER}`, 'u')],
      },
    ],
  },
];
