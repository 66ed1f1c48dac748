import type { RuleSet } from '../../core/state/detectors/screen-detector.js';
import { BRAILLE_SPINNER as BRAILLE } from '../screen-patterns.js';

/**
 * Gemini CLI's screen patterns (matched as src/vendors/claude/detectors.ts explains), checked
 * against screens recorded from the real 0.61.0 TUI offline (test/fixtures/screens/gemini/0.61.0).
 * The composer is the last ` > ` row (` * ` in YOLO mode: its InputPrompt's showYoloStyling) with at
 * most 3 footer rows (workspace / sandbox / model) under it; a dialog (permission, question) replaces it.
 */
/**
 * After an entry's first row: rows that start no newer entry (a ` > ` prompt, a `✦` answer), the
 * composer (` > `), then at most 4 rows (separator, footer) to the end.
 */
const NEWEST_ENTRY = String.raw`(?:\n(?! > |✦ )[^\n]*)*\n [>*] [^\n]*(?:\n(?! [>*] )[^\n]*){0,4}$`;

export const GEMINI_RULES: readonly RuleSet[] = [
  {
    versions: {},
    rules: [
      {
        // Its folder-trust dialog (FolderTrustDialog, 0.61.0 source; shown when the folder is not
        // pre-trusted): "Do you trust the files in this folder?" over "● 1. Trust folder (<dir>)" /
        // "2. Trust parent folder (<parent>)" / "3. Don't trust".
        id: 'trust',
        state: 'needs_permission',
        reason: 'trust',
        within: 'bottom',
        any: [/Do you trust the files in this folder\?/, /^│? *(?:● )?\s*\d\. Trust folder \(/],
      },
      {
        id: 'confirmation',
        state: 'needs_permission',
        reason: 'permission',
        within: 'bottom',
        // "│ Allow execution of [Shell]?", "│ Apply this change?", "│ Do you want to proceed?",
        // "Allow execution of MCP tool …", and the dialog's options "● 1. Allow once" / "(esc)".
        any: [
          /^│ (?:Allow execution of\b|Apply this change\?|Do you want to proceed\?)/,
          /^│ (?:● )?\s*\d\. Allow once\s*│$/,
          /^│ \s*\d\. No, suggest changes \(esc\)\s*│$/,
        ],
        // The box title: "│ ? Shell  touch fake-tool-ran.txt │", "│ ? WriteFile  Writing to
        // ow.txt │", "│ ? Edit  e.txt: EDIT-ME => EDITED │"; with "2 of 2" at its end when
        // several dialogs wait (a subagent's under its lead's).
        about: [
          /^│ \? Shell {2}(.+?)(?: {2,}\d+ of \d+)?\s*│$/,
          /^│ \? WriteFile {2}Writing to (.+?)(?: {2,}\d+ of \d+)?\s*│$/,
          /^│ \? Edit {2}(\S+?): /,
          // A fetch: the first of its "URLs to fetch:".
          /(?:^|\n)│ URLs to fetch:\s*│\n│\s+- (\S+)/,
        ],
      },
      {
        // The folder-trust dialog (security.folderTrust.enabled, without --skip-trust): "│ Do you
        // trust the files in this folder?" / "● 1. Trust folder (<dir>)" / "2. Trust parent folder
        // (<parent>)" / "3. Don't trust".
        id: 'trust',
        state: 'needs_permission',
        reason: 'trust',
        within: 'bottom',
        any: [/^\s*│ Do you trust the files in this folder\?/, /^\s*│ (?:● )?\s*\d\. Trust folder \(/],
      },
      {
        id: 'question',
        state: 'needs_input',
        reason: 'question',
        within: 'bottom',
        // The ask_user dialog: "│ Answer Questions", "│ Enter to select · ↑/↓ to navigate · Esc to cancel".
        any: [/^│ Answer Questions\s*│$/, /^│ Enter to select · .*\bEsc to cancel\s*│$/],
      },
      {
        id: 'usage-limit-dialog',
        state: 'needs_input',
        reason: 'usage_limit',
        within: 'bottom',
        // A quota the API says will not come back soon (HTTP 429 with a daily QuotaFailure, …):
        // "│ Usage limit reached for gemini-2.5-flash." over "● 1. Keep trying" / "2. Stop".
        all: [/^│ Usage limit reached for \S+?\.?\s*│$/, /^│ \s*(?:● )?\s*\d\. Stop\s*│$/],
      },
      {
        // A boxed dialog with numbered options (the cursor on "1.", a "2." under it) no rule above
        // knows: a dialog all the same, answered only with the keys the user names (`wtp send --force`).
        id: 'unknown-dialog',
        state: 'needs_permission',
        reason: 'permission',
        unknown: true,
        within: 'bottom',
        any: [/(?:^|\n)\s*│ ● 1\. [^\n]*\n\s*│ {2,}2\. /],
      },
      // For Gemini `esc to cancel` in parentheses is the busy hint: "⠦ Thinking... (esc to cancel, 2s)".
      { id: 'cancel-hint', state: 'working', within: 'bottom', any: [/\(esc to cancel\b/i, BRAILLE] },
      {
        id: 'usage-limit',
        state: 'needs_input',
        reason: 'usage_limit',
        // The turn ended on the quota ("2. Stop"): the newest entry (no ` > ` prompt or `✦` answer
        // under it but the composer) is "✕ [API Error: You have exhausted your daily quota on this
        // model.]". The whole window: the error and its hint rows can sit above the last 12 rows.
        any: [
          new RegExp(
            String.raw`(?:^|\n)✕ \[API Error: [^\n]*(?:exhausted your (?:daily quota|capacity)|[Qq]uota exceeded|Usage limit)[^\n]*` +
              NEWEST_ENTRY,
            'u',
          ),
        ],
      },
      {
        id: 'api-error',
        state: 'idle',
        reason: 'error',
        // The newest entry is "✕ [API Error: {…}]" (as usage-limit, any other error).
        any: [new RegExp(String.raw`(?:^|\n)✕ \[API Error:[^\n]*` + NEWEST_ENTRY, 'u')],
      },
      {
        id: 'composer',
        state: 'idle',
        reason: 'at_prompt',
        within: 'bottom',
        all: [/(?:^|\n) [>*] [^\n]*(?:\n[^\n]*){0,3}$/], // " >   Type your message or @path/to/file"
      },
    ],
  },
];
