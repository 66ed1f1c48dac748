import { describe, expect, it } from 'vitest';
import { describeAnswer } from '../../protocol/answer-words.js';
import type { AnswerResult } from '../../protocol/answers.js';
import { errorText, resultText, wantsText } from './text-answer.js';

describe('answers as text (bin/wtp through curl)', () => {
  it('is given only to a client that asks for text/plain', () => {
    expect(wantsText({ accept: 'text/plain' })).toBe(true);
    for (const accept of [undefined, 'application/json', 'application/json, text/plain, */*', '*/*'])
      expect(wantsText({ accept }), String(accept)).toBe(false);
  });

  it('shows what an agent wrote (its dialog, its screen) with every control character escaped', () => {
    const hostile = 'rm -rf x\x1b]0;owned\x07\x1b[2J\r\x9b31m';
    const r = {
      action: 'approve',
      about: hostile,
      keys: ['enter'],
      channel: 'screen',
      ms: 12,
      agent: { name: 'a1', state: 'working' },
    } as unknown as AnswerResult;
    const line = resultText(describeAnswer(r));
    expect(line).toMatch(
      /^a1: approved: "rm -rf x.*" — it left the dialog in 12 ms \(now working; pressed enter\)\n$/,
    );
    expect(line.slice(0, -1)).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
    const err = errorText(
      {
        code: 'DIALOG_CHANGED',
        message: 'The dialog changed.',
        details: { now: { state: 'needs_permission', about: hostile, text: `row ${hostile}` } },
      },
      {},
    );
    expect(err.headers).toEqual({ 'x-wtp-exit-code': '1' });
    expect(err.text).toMatch(
      /^error: The dialog changed\. \[DIALOG_CHANGED\]\n {2}its screen shows: needs_permission about /,
    );
    expect(err.text.replace(/\n/g, '')).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
  });

  it('paints only its own colours when asked, and gives bad input exit status 2', () => {
    const bad = errorText(
      { code: 'INVALID_INPUT', message: 'Bad \x1b[41mred\x1b[0m.' },
      { 'x-wtp-colour': '1' },
    );
    expect(bad.headers).toEqual({ 'x-wtp-exit-code': '2' });
    expect(bad.text).toContain('\x1b[31merror\x1b[0m: ');
    // A colour outside the CLI's palette, from the message, is shown, not sent.
    expect(bad.text).not.toContain('\x1b[41m');
  });
});
