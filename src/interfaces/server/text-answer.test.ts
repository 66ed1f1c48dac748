import { describe, expect, it } from 'vitest';
import { describeAnswer } from '../../protocol/answer-words.js';
import type { AnswerResult } from '../../protocol/answers.js';
import { cliFormat, errorOutput, resultOutput } from './text-answer.js';

const hostile = 'rm -rf x\x1b]0;owned\x07\x1b[2J\r\x9b31m\u202e';
const answered = {
  action: 'approve',
  about: hostile,
  keys: ['enter'],
  channel: 'screen',
  ms: 12,
  agent: { name: 'a1', state: 'working' },
} as unknown as AnswerResult;
const doc = { answered: [answered], refused: [] };
/** A terminal acts on these: none may reach it from what an agent wrote. */
const RAW = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/;

describe('answers as the CLI prints them (bin/wtp through curl)', () => {
  it('are given only to a client that asks for them by name', () => {
    expect(cliFormat({ accept: 'text/plain' })).toBe('text');
    expect(cliFormat({ accept: 'application/vnd.wtp.cli+json' })).toBe('json');
    for (const accept of [undefined, 'application/json', 'application/json, text/plain, */*', '*/*'])
      expect(cliFormat({ accept }), String(accept)).toBeNull();
  });

  it('show what an agent wrote (its dialog, its screen) with every control character escaped', () => {
    const line = resultOutput('text', describeAnswer(answered), doc);
    expect(line).toMatch(
      /^a1: approved: "rm -rf x.*" — it left the dialog in 12 ms \(now working; pressed enter\)\n$/,
    );
    expect(line.slice(0, -1)).not.toMatch(RAW);
    const json = resultOutput('json', describeAnswer(answered), doc);
    expect(json.slice(0, -1)).not.toMatch(RAW);
    expect(JSON.parse(json)).toEqual({ version: 1, ...doc });
    const now = { state: 'needs_permission', about: hostile, text: `row ${hostile}` };
    const err = { code: 'DIALOG_CHANGED', message: 'The dialog changed.', details: { now } };
    const text = errorOutput('text', err, {});
    expect(text.headers).toEqual({ 'x-wtp-exit-code': '1' });
    expect(text.text).toMatch(
      /^error: The dialog changed\. \[DIALOG_CHANGED\]\n {2}its screen shows: needs_permission about /,
    );
    expect(text.text.replace(/\n/g, '')).not.toMatch(RAW);
    const asJson = errorOutput('json', err, {});
    expect(asJson.text.slice(0, -1)).not.toMatch(RAW);
    expect(JSON.parse(asJson.text)).toEqual({ version: 1, error: err });
  });

  it('paint only their own colours when asked, and give bad input exit status 2', () => {
    const bad = errorOutput(
      'text',
      { code: 'INVALID_INPUT', message: 'Bad \x1b[41mred\x1b[0m.' },
      {
        'x-wtp-colour': '1',
      },
    );
    expect(bad.headers).toEqual({ 'x-wtp-exit-code': '2' });
    expect(bad.text).toContain('\x1b[31merror\x1b[0m: ');
    // A colour outside the CLI's palette, from the message, is shown, not sent.
    expect(bad.text).not.toContain('\x1b[41m');
  });
});
