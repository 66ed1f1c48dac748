import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCorpusScreen } from '../../core/state/detectors/screen-corpus.js';
import { detectScreen } from '../../core/state/detectors/screen-detector.js';
import { planDialogAnswer } from '../../core/state/dialog-answer.js';
import { DETECTORS, PROFILES } from '../registry.js';

const SCREENS = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'screens', 'qwen', '0.24.4');
const recorded = (name: string): string[] => [
  ...parseCorpusScreen(readFileSync(join(SCREENS, name), 'utf8')).lines,
];

describe('qwen rules', () => {
  // Its PermissionRequest hook announces the artifact's file_path (absolute): a dialog whose file
  // the screen did not name was refused as another one (DIALOG_CHANGED), deny and approve alike.
  it.each(['deny', 'approve'] as const)(
    "%s answers an artifact's dialog, the hook's file named on its screen",
    (action) => {
      const lines = recorded('census-artifact-default-120.screen');
      const screen = detectScreen(DETECTORS, 'qwen', '0.24.4', { lines });
      expect(screen).toMatchObject({ state: 'needs_permission', about: 'page.html' });
      const plan = planDialogAnswer({
        answers: PROFILES.get('qwen').dialogs,
        action,
        announced: {
          state: 'needs_permission',
          reason: 'permission',
          about: '/work/proj/k-default-1/page.html',
          folder: '/work/proj/k-default-1',
        },
        screen,
        lines,
      });
      expect(plan).toMatchObject({ ok: true, about: 'page.html' });
    },
  );
});
