import type { DetectorTable } from './screen-detector.js';

/**
 * Screen patterns per agent and version (the DATA for screen-detector.ts). ANSI is removed before
 * matching; a pattern is tested row by row unless its source contains `\n` (then across rows).
 * The engine runs waiting rules first, then busy, then idle, whatever the order here.
 *
 * All of this is version-fragile (research: wezterm-tmux-agents.md §4.8, field-notes.md §3).
 * Claude's rules were checked against recorded screens (test/fixtures/screens/claude/<version>)
 * and the UI strings of the binary; codex, gemini and aider rules come from peers' patterns only.
 *
 * `resetsAt` returns the reset text as the agent printed it ("3pm (Europe/Paris)", "in 2h 10m"):
 * an ISO time needs a clock and a time zone, which a pure detector does not have. The host may
 * turn it into an ISO time when it records the signal.
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
const BRAILLE = /^\s*[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] \S/u;

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

/** Trailing reset text of "… resets 3pm (Europe/Paris)" / "… will reset at 3pm". */
const resetText = (m: RegExpMatchArray): string | undefined => {
  const t = m.groups?.['reset']?.trim();
  return t === undefined || t === '' ? undefined : t.replace(/[.\s]+$/, '');
};

export const DETECTORS: DetectorTable = {
  claude: [
    {
      versions: { from: '2.0.0' },
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
          any: [/ready to execute\. Would you like to proceed\?/, /Approve this plan\?/],
        },
        {
          id: 'permission-dialog',
          state: 'needs_permission',
          reason: 'permission',
          within: 'bottom',
          any: [
            // The question alone could be a reply's text: require a "1. Yes" option under it.
            /Do you want to (?:proceed|make this edit|create|allow|run|fetch|use)\b[^\n]*\?[^\n]*\n(?:[^\n]*\n){0,3}[^\n]*\b1\. Yes\b/,
            /\b(?:No|Deny), and tell Claude what to do differently\b/,
            /\bYes, and don['’]t ask again\b/,
            /\bYes, allow (?:once|always|reading|access|all|external)\b/,
            /Allow this MCP server/,
          ],
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
  ],

  codex: [
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
          id: 'approval',
          state: 'needs_permission',
          reason: 'permission',
          within: 'bottom',
          any: [
            /would you like to (?:run|make|apply|grant|send) (?:the following|these|this|input)/i,
            /allow command\?/i,
            /\b(?:yes|yes, proceed) \(y\)/i,
            /press enter to confirm or esc to cancel/i,
            /\bconfirm with .+ enter\b/i,
            /\[y\/n\]/i,
          ],
        },
        {
          id: 'question',
          state: 'needs_input',
          reason: 'question',
          within: 'bottom',
          any: [/\| enter to submit answer/i, /\benter to submit\b(?!.*interrupt)/i],
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
  ],

  gemini: [
    {
      versions: {},
      rules: [
        {
          id: 'confirmation',
          state: 'needs_permission',
          reason: 'permission',
          within: 'bottom',
          any: [
            /│\s*Apply this change\?/,
            /│\s*Allow execution/,
            /│\s*Do you want to proceed/,
            /Yes, allow once/,
            /waiting for user confirmation/i,
          ],
        },
        // For Gemini `esc to cancel` is the busy hint (unlike Claude, where it closes a dialog).
        { id: 'cancel-hint', state: 'working', within: 'bottom', any: [/\(esc to cancel\b/i, BRAILLE] },
        {
          id: 'input-box',
          state: 'idle',
          reason: 'at_prompt',
          within: 'bottom',
          all: [/^\s*│\s*> /], // "│ >   Type your message or @path/to/file   │"
        },
      ],
    },
  ],

  aider: [
    {
      versions: {},
      rules: [
        {
          id: 'confirm',
          state: 'needs_permission',
          reason: 'permission',
          within: 'bottom',
          any: [
            /\(Y\)es\/\(N\)o(?:\/\(A\)ll)?(?:\/\(S\)kip all)?(?:\/\(D\)on't ask again)? \[(?:Yes|No)\]:\s*$/,
          ],
        },
        {
          id: 'streaming',
          state: 'working',
          within: 'bottom',
          any: [/^\s*(?:Waiting for|Thinking)\b.*[░█▒]/, BRAILLE],
        },
        {
          id: 'prompt',
          state: 'idle',
          reason: 'at_prompt',
          within: 'bottom',
          // The input prompt as the bottom non-empty row: "> ", "architect> ", "diff multi> ".
          all: [/(?:^|\n)(?:[\w-]+(?: [\w-]+)?)?> ?$/],
        },
      ],
    },
  ],
};
