import type { RuleSet } from '../../core/state/detectors/screen-detector.js';

/**
 * Claude Code's screen patterns (the data of core/state/detectors/screen-detector.ts). ANSI is removed
 * before matching; a pattern is tested row by row unless its source contains `\n`; the engine runs
 * waiting rules first, then busy, then idle, whatever the order here. Version-fragile (research:
 * wezterm-tmux-agents.md §4.8, field-notes.md §3): checked against recorded screens
 * (test/fixtures/screens/claude/<version>) and the binary's UI strings. `resetsAt` returns the reset
 * text as printed ("3pm (Europe/Paris)", "in 2h 10m"): a pure detector has no clock or time zone to
 * make it an ISO time; the host may, when it records the signal.
 */

/** Claude's spinner glyphs (·✢✳✶✻✽, `*` on some terminals) plus older ones peers list. */
const CLAUDE_GLYPHS = '·✢✳✶✻✽*✱✲✴✵✷✸✹✺✼✾✿❀✣✤✥✦✧✨•⏺';
/** A spinner row: glyph, a capitalised verb, an ellipsis ("✻ Pondering… (12s · ↓ 1.2k tokens)"). */
const CLAUDE_SPINNER = new RegExp(
  `^\\s*[${CLAUDE_GLYPHS}] \\p{Lu}[\\p{L}'-]*(?: [\\p{L}'-]+){0,3}(?:…|\\.\\.\\.)`,
  'u',
);
/** A border row of the prompt box. */
const BORDER = '\\s*[─━]{8,}\\s*';
/** Claude's prompt box: a `❯` row (empty, or holding typed text) between two border rows. */
const PROMPT_BOX = new RegExp(`(?:^|\\n)${BORDER}\\n\\s*❯(?:[\\s\\u00a0][^\\n]*)?\\n${BORDER}(?:\\n|$)`, 'u');
/**
 * `row` as the newest transcript entry: followed by at most `gap` rows that are not a border, a
 * message (`●`) or a prompt (`❯`) (wrapped text, the effort hint), then the prompt box.
 * (Empty rows are not part of the window, so they never count.)
 */
const aboveBox = (row: string, gap: number): RegExp =>
  new RegExp(`(?:^|\\n)${row}[^\\n]*\\n(?:[^\\n─━❯●]*\\n){0,${gap}}${BORDER}\\n\\s*❯`, 'u');
/** The stats on a spinner row: "(9m 21s · ↓ 13.7k tokens", "(running PreToolUse hook · 0s · ↓ 3 tokens". */
const TOKEN_STATS = /\([^)]*\b\d+s · [↑↓] [\d.]+k? tokens\b/;
const INTERRUPT = /\b(?:esc|ctrl\+c) to interrupt\b/i;
/** Trailing reset text of "… resets 3pm (Europe/Paris)" / "… will reset at 3pm". */
const resetText = (m: RegExpMatchArray): string | undefined => {
  const t = m.groups?.['reset']?.trim();
  return t === undefined || t === '' ? undefined : t.replace(/[.\s]+$/, '');
};

export const CLAUDE_RULES: readonly RuleSet[] = [
  {
    versions: { from: '2.0.0' },
    // 2.1.330 at 180 columns, once a file changed: "│1 file changed +1 -1" at column 100 on every row.
    panelBorder: '│',
    rules: [
      {
        id: 'usage-limit',
        state: 'needs_input',
        reason: 'usage_limit',
        any: [
          /\blimit will reset at (?<reset>.+)$/i,
          /\b(?:usage|session|weekly|\d+-hour|opus|sonnet) limit reached\b(?:.*?[∙·•] (?:limit )?resets (?<reset>.+?))?(?: [∙·•] |$)/i,
          /\bYou've hit your (?:session|weekly|\d+-hour|opus|sonnet)[\w -]* limit\b(?:.*?[∙·•] resets (?<reset>.+?))?(?: [∙·•] |[.]|$)/i,
          /\bContinuing automatically (?<reset>at .+?) [∙·•] Esc to cancel/i,
        ],
        // Near the bottom only, and not while a new turn works: an old limit row in the
        // transcript must not outlive the limit.
        within: 'bottom',
        unless: [CLAUDE_SPINNER, INTERRUPT],
        resetsAt: resetText,
      },
      {
        id: 'trust-dialog',
        state: 'needs_permission',
        reason: 'trust',
        // Not once Claude has exited after "No, exit" (the dialog is still on the normal screen).
        unless: [/didn't start because this folder isn't trusted/],
        any: [
          /Do you trust the files in this folder\?/i,
          /Quick safety check: Is this a project you created or one you trust\?/i,
          /Yes, I trust this folder/,
          /Yes, I trust these settings/,
          /Trust this directory\?/,
        ],
      },
      {
        id: 'question-dialog',
        state: 'needs_input',
        reason: 'question',
        within: 'bottom',
        any: [
          /^\W*\d+\. Chat about this\b/,
          /^\W*\d+\. Type something\b/,
          /Review your answers/,
          /\bSubmit answers\b/,
          /Enter to select · ↑\/↓ to navigate/,
        ],
      },
      {
        id: 'plan-approval',
        state: 'needs_permission',
        reason: 'permission',
        within: 'bottom',
        any: [
          /ready to execute\. Would you like to proceed\?/,
          /Approve this plan\?/,
          // 2.1.330: "Exit plan mode?" / "Claude wants to exit plan mode" / "❯ 1. Yes, and switch to …".
          /(?:^|\n)\W*Exit plan mode\?[^\n]*\n(?:[^\n]*\n){0,3}[^\n]*\b1\. Yes\b/,
        ],
      },
      {
        id: 'permission-dialog',
        state: 'needs_permission',
        reason: 'permission',
        within: 'bottom',
        // A reply's own "Do you want to …?" above the prompt box is not a dialog (a dialog replaces the box).
        unless: [PROMPT_BOX],
        any: [
          // Any "Do you want to <verb> …?" (proceed, create, overwrite, make this edit to, allow Claude
          // to fetch …) with a "1. Yes" option under it: the question alone could be a reply's text.
          /Do you want to [^\n]*\?[^\n]*\n(?:[^\n]*\n){0,3}[^\n]*\b1\. Yes\b/,
          /\b(?:No|Deny), and tell Claude what to do differently\b/,
          /\bYes, and don['’]t ask again\b/,
          /\bYes, allow (?:once|always|reading|access|all|external)\b/,
          /Allow this MCP server/,
        ],
        about: [
          // The file a Write or an Edit would change, as named under the dialog's title: relative to
          // the folder (`../outside/x.txt`), where the question names only its last part.
          /(?:^|\n)\s*(?:Create|Overwrite|Edit) file\n\s*(\S[^\n]*)\n\s*╌{8,}/,
          // Else the file named in the question (its content is framed above it: the file's first
          // line is not what the dialog is about).
          /^\s*Do you want to (?:create|overwrite|make this edit to) (\S.*?)\?\s*$/,
          // WebFetch: the URL framed under "Claude wants to fetch content from <host>".
          /Claude wants to fetch content from [^\n]*\n\s*╌{8,}\n\s*url: (\S+)/,
          // WebSearch: the query.
          /Claude wants to search the web for: (\S.*?)\s*$/,
          // The command (or path) framed by dashed rows above the question, maybe with a row or two
          // of its own between ("This command requires approval", "│ Compound command contains cd
          // …"), but not a description a row ending in ":" heads (an MCP tool's).
          /(?:^|\n)\s*╌{8,}\n\s*(\S[^\n]*)(?:\n[^\n]*){0,8}?\n\s*╌{8,}\n(?:[^\n╌]*[^\n╌:]\n){0,2}?\s*Do you want to\b/,
        ],
      },
      {
        // A numbered dialog (a cursor on "1.", a "2." under it) that no rule above knows, with no
        // prompt box: a dialog all the same, reported as one wezterm-parallel cannot answer by
        // itself (its keys are unknown: the user answers it with explicit keys).
        id: 'unknown-dialog',
        state: 'needs_permission',
        reason: 'permission',
        unknown: true,
        within: 'bottom',
        unless: [PROMPT_BOX],
        any: [/(?:^|\n)\s*❯ 1\. [^\n]*\n\s+2\. /],
      },
      {
        // A screen that waits on a choice, with no prompt box: a cursor on an unnumbered list over
        // "Enter to confirm", the last row (the bypass-permissions warning at its start; not once
        // it printed more and exited). Answered by its labels.
        id: 'choice-screen',
        state: 'needs_input',
        reason: 'question',
        within: 'bottom',
        unless: [PROMPT_BOX],
        any: [/(?:^|\n)\s*❯ (?!\d{1,2}\. )\S[^\n]*\n(?:\s+\S[^\n]*\n){1,8}\s*Enter to confirm\b[^\n]*$/],
      },
      { id: 'interrupt-hint', state: 'working', within: 'bottom', any: [INTERRUPT] },
      { id: 'spinner', state: 'working', within: 'bottom', any: [CLAUDE_SPINNER, TOKEN_STATS] },
      // Idle rules: a reason row right above the prompt box (the newest thing in the transcript).
      {
        id: 'rate-limited',
        // A usage or rate limit stops the agent until the user acts (or the limit resets).
        state: 'needs_input',
        reason: 'usage_limit',
        within: 'bottom',
        any: [aboveBox(/● API Error:[^\n]*(?:\b429\b|rate limit|usage limit)/.source, 3)],
      },
      {
        id: 'api-error',
        state: 'idle',
        reason: 'error',
        within: 'bottom',
        any: [aboveBox('● API Error:', 3)],
      },
      {
        id: 'turn-done',
        state: 'idle',
        reason: 'turn_done',
        within: 'bottom',
        // "✻ Worked for 2s · done 12:41 PM", "✻ Sautéed for 1s", "✻ Churned for 3m 2s · 1 still running"
        any: [aboveBox(`\\s*[${CLAUDE_GLYPHS}] \\p{L}[\\p{L}'-]* for (?:\\d+[dhms] ?)+`, 2)],
      },
      {
        id: 'interrupted',
        state: 'idle',
        reason: 'interrupted',
        within: 'bottom',
        any: [aboveBox('\\s*⎿\\s+Interrupted\\b', 2)],
      },
      { id: 'prompt-box', state: 'idle', reason: 'at_prompt', within: 'bottom', any: [PROMPT_BOX] },
    ],
  },
];
