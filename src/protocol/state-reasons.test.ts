import { describe, expect, it } from 'vitest';
import { stateDetailSchema } from './agent.js';
import { SIGNAL_REASONS } from './signals.js';
import { STATE_REASON_WORDS, STATE_REASONS, type StateReason } from './state-reasons.js';

describe('STATE_REASONS', () => {
  it('holds every reason a signal gives (a signal reason is copied into the state detail)', () => {
    const given: readonly StateReason[] = SIGNAL_REASONS; // and tsc says so
    expect(STATE_REASONS).toEqual(expect.arrayContaining([...given]));
  });

  it('has each value once, each meaning one line that starts with its state', () => {
    expect(new Set(STATE_REASONS).size).toBe(STATE_REASONS.length);
    expect(Object.keys(STATE_REASON_WORDS).sort()).toEqual([...STATE_REASONS].sort());
    for (const r of STATE_REASONS) expect(STATE_REASON_WORDS[r]).toMatch(/^[a-z_ ]+: [^\n]+$/);
  });

  it('is what the API schema takes: a reason outside it is refused', () => {
    expect(stateDetailSchema.safeParse({ reason: 'setup_failed', message: 'npm ci' }).success).toBe(true);
    expect(stateDetailSchema.safeParse({ reason: 'setup_faild' }).success).toBe(false);
  });
});
