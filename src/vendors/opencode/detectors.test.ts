import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCorpusScreen } from '../../core/state/detectors/screen-corpus.js';
import { detectScreen } from '../../core/state/detectors/screen-detector.js';
import { DETECTORS } from '../registry.js';

const SCREENS = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'screens', 'opencode');
const recorded = (name: string): string[] => [
  ...parseCorpusScreen(readFileSync(join(SCREENS, '1.18.33', name), 'utf8')).lines,
];
/** The same dialog with words no rule knows (a new dialog of a later release). */
const unknown = (lines: string[]): string[] =>
  lines.map((l) =>
    l.replace('△ Permission required', '△ Frobnication wanted').replace(/Allow once.*Reject/, 'Frob   Skip'),
  );

describe('opencode rules', () => {
  it.each(['census-bash-network-ask-80.screen', 'census-bash-network-ask-120.screen'])(
    'a dialog no rule knows is still a dialog, its footer cut at 80 columns too: %s',
    (name) => {
      const lines = unknown(recorded(name));
      expect(lines.join('\n')).not.toMatch(/Permission required|Allow once/);
      expect(detectScreen(DETECTORS, 'opencode', '1.18.33', { lines })).toMatchObject({
        state: 'needs_permission',
        rule: 'opencode/unknown-dialog',
        unknown: true,
      });
    },
  );
});
