import type { RuleSet } from '../../core/state/detectors/screen-detector.js';
import { BRAILLE_SPINNER as BRAILLE } from '../screen-patterns.js';

/** Gemini CLI's screen patterns: from peers' patterns only, checked on synthetic screens. */
export const GEMINI_RULES: readonly RuleSet[] = [
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
];
