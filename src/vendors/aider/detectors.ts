import type { RuleSet } from '../../core/state/detectors/screen-detector.js';
import { BRAILLE_SPINNER as BRAILLE } from '../screen-patterns.js';

/** Aider's screen patterns: from peers' patterns only, checked on synthetic screens. */
export const AIDER_RULES: readonly RuleSet[] = [
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
];
