import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCorpusScreen } from '../core/state/detectors/screen-corpus.js';
import { detectScreen } from '../core/state/detectors/screen-detector.js';
import { DETECTORS } from './registry.js';

/**
 * Each vendor's catch-all (`unknown-dialog`): a numbered dialog its other rules do not know — a
 * recorded permission dialog whose question is changed into words no rule has (a later release's
 * new dialog) — is still a dialog (needs_permission), marked unknown; the recorded one is known.
 */
const SCREENS = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'screens');

const CASES = [
  // [vendor, version, recorded dialog, its question row, the question no rule knows]
  [
    'codex',
    '0.169.0',
    'permission-shell-01.screen',
    'Would you like to run the following command?',
    'Shall Codex frobnicate this?',
  ],
  [
    'gemini',
    '0.61.0',
    'permission-shell-01.screen',
    'Allow execution of [Shell]?',
    'Shall Gemini frobnicate this?  ',
  ],
  ['qwen', '0.24.4', 'permission-01.screen', "Allow execution of: 'touch'?", 'Shall Qwen frobnicate this?'],
  [
    'copilot',
    '1.0.102',
    'permission-01.screen',
    'Do you want to run this command?',
    'Shall Copilot frobnicate it? ',
  ],
  ['opencode', '1.18.33', 'permission-01.screen', '△ Permission required', '△ Frobnication requested'],
] as const;

describe.each(CASES)('%s: a numbered dialog no rule knows', (vendor, version, file, question, unknown) => {
  const { lines } = parseCorpusScreen(readFileSync(join(SCREENS, vendor, version, file), 'utf8'));
  const detect = (rows: readonly string[]) => detectScreen(DETECTORS, vendor, version, { lines: rows });

  it('the recorded dialog is one its rules know', () => {
    expect(detect(lines)).toMatchObject({ state: 'needs_permission', reason: 'permission' });
    expect(detect(lines)?.unknown).toBeUndefined();
  });

  it('with a question no rule knows (and none of its words): needs_permission, unknown', () => {
    const changed = lines
      .map((l) => l.replace(question, unknown))
      // The options' own words some rules know ("Yes, allow once", "(y)"…) become neutral too.
      .map((l) => l.replace(/(\d\.\s+)\S.*?(\s*│?)$/, '$1Frobnicate option$2'))
      .map((l) => l.replace('Allow once   Allow always   Reject', 'Frob once   Frob more     Nope  '))
      .filter(
        (l) => !/Press enter to confirm|to navigate · enter to select|Waiting for user confirmation/.test(l),
      );
    expect(detect(changed)).toMatchObject({
      state: 'needs_permission',
      rule: `${vendor}/unknown-dialog`,
      unknown: true,
    });
  });
});
