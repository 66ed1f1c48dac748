import { describe, expect, it } from 'vitest';
import { readCopilotHook } from './copilot/hooks.js';
import { readGeminiHook } from './gemini/hooks.js';
import { firedAt } from './hook-signal.js';
import { readQwenHook } from './qwen/hooks.js';

/** Every reader whose CLI stamps its hook payloads, with a prompt hook as that CLI sends it. */
const STAMPED = {
  gemini: { read: readGeminiHook, body: { hook_event_name: 'BeforeAgent', session_id: 's', prompt: 'x' } },
  qwen: { read: readQwenHook, body: { hook_event_name: 'UserPromptSubmit', session_id: 's', prompt: 'x' } },
  copilot: {
    read: readCopilotHook,
    body: { hook_event_name: 'UserPromptSubmit', session_id: 's', prompt: 'x' },
  },
};

const FIRED = Date.parse('2026-11-23T16:48:02.325Z');
const RECEIVED = FIRED + 4_000; // a hook command that took 4 s to start on a loaded machine

describe('hook signals are dated when the CLI fired them', () => {
  for (const [name, { read, body }] of Object.entries(STAMPED)) {
    it(`${name}: a late call is not newer than the screen; a stamp not to believe is the arrival`, () => {
      expect(read({ ...body, timestamp: new Date(FIRED).toISOString() }, RECEIVED).signal?.at).toBe(FIRED);
      expect(read({ ...body, timestamp: FIRED }, RECEIVED).signal?.at).toBe(FIRED);
      for (const bad of [undefined, 'soon', '', RECEIVED + 1, Number.NaN, {}, [FIRED]]) {
        expect(read({ ...body, timestamp: bad }, RECEIVED).signal?.at).toBe(RECEIVED);
      }
    });
  }

  it('reads ISO text and epoch ms, never a time after the arrival', () => {
    expect(firedAt('2026-11-23T16:48:02.325Z', RECEIVED)).toBe(FIRED);
    expect(firedAt(FIRED, RECEIVED)).toBe(FIRED);
    expect(firedAt('2026-11-23T16:48:09.000Z', RECEIVED)).toBe(RECEIVED);
    expect(firedAt(Number.POSITIVE_INFINITY, RECEIVED)).toBe(RECEIVED);
  });
});
