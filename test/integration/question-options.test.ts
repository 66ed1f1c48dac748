import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCorpusScreen } from '../../src/core/state/detectors/screen-corpus.js';
import { detectScreen } from '../../src/core/state/detectors/screen-detector.js';
import { pickOption, questionOptions } from '../../src/core/state/question-options.js';
import type { ProfileName } from '../../src/protocol/agent.js';
import { DETECTORS, PROFILES } from '../../src/vendors/registry.js';

/**
 * `wtp answer` reads a question's options from the screen: every recorded question dialog of the
 * real CLIs (test/fixtures/screens/<vendor>/<version>/) against what each one offered.
 */
const ROOT = join(import.meta.dirname, '..', 'fixtures', 'screens');

function question(vendor: string, version: string, file: string) {
  const screen = parseCorpusScreen(readFileSync(join(ROOT, vendor, version, file), 'utf8'));
  const detector = PROFILES.get(vendor as ProfileName).detector ?? vendor;
  const verdict = detectScreen(DETECTORS, detector, version, { lines: screen.lines });
  return { screen, verdict };
}

describe('questionOptions on recorded question dialogs', () => {
  it.each([
    ['claude', '2.1.330', 'question-03.screen', ['Red', 'Blue', 'Type something.', 'Chat about this']],
    ['gemini', '0.61.0', 'question-01.screen', ['Red', 'Blue', 'Enter a custom value']],
    ['qwen', '0.24.4', 'question-01.screen', ['a.txt', 'b.txt', 'Type something...']],
    ['opencode', '1.18.33', 'question-01.screen', ['Red', 'Blue', 'Type your own answer']],
  ])('%s %s %s', (vendor, version, file, options) => {
    const { screen, verdict } = question(vendor, version, file);
    expect(verdict?.state).toBe('needs_input');
    const found = questionOptions(screen.lines, verdict?.line ?? 0);
    expect(found?.options).toEqual(options);
    // Where the dialog marks its cursor, it is on the first option of a fresh dialog.
    expect(found?.selected ?? 0).toBe(0);
  });

  it('a list with a cursor and no numbers (Copilot’s form, Claude Code’s bypass warning): its options in order', () => {
    const copilot = question('copilot', '1.0.102', 'question-01.screen');
    expect(questionOptions(copilot.screen.lines, copilot.verdict?.line ?? 0)).toEqual({
      options: ['red', 'blue', 'Other (type your answer)'],
      selected: 0,
    });
    const bypass = question('claude', '2.1.330', 'mode-bypass-accept-01.screen');
    expect(bypass.verdict).toMatchObject({
      state: 'needs_input',
      reason: 'question',
      rule: 'claude/choice-screen',
    });
    expect(questionOptions(bypass.screen.lines, bypass.verdict?.line ?? 0)).toEqual({
      options: ['No, exit', 'Yes, I accept'],
      selected: 0,
    });
  });

  it('an idle screen with a numbered list in a reply offers no options above a rule row that is not there', () => {
    expect(questionOptions(['Steps:', '1. install', 'done'], 0)).toBeNull();
    expect(questionOptions(['  1. one', '  2. two', '  1. Red', '  2. Blue', '  3. Green'], 0)).toEqual({
      options: ['Red', 'Blue', 'Green'],
      selected: null,
    });
  });
});

describe('pickOption', () => {
  const options = ['Red (Recommended)', 'Blue', 'Type something.'];
  it.each([
    ['2', 1],
    ['blue', 1],
    [' BLUE ', 1],
    ['red', 0],
    ['Red (Recommended)', 0],
    ['4', null],
    ['0', null],
    ['green', null],
    ['type', null],
  ])('%j → %j', (answer, index) => {
    expect(pickOption(options, answer)).toBe(index);
  });
});
