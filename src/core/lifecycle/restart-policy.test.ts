import { describe, expect, it } from 'vitest';
import type { ExitInfo } from '../../protocol/agent.js';
import {
  decideRestart,
  emptyHistory,
  isFailure,
  type RestartHistory,
  type RestartSettings,
} from './restart-policy.js';

const S: RestartSettings = {
  backoffBaseMs: 100,
  backoffMaxMs: 1_000,
  crashLoopCount: 3,
  crashLoopWindowMs: 10_000,
  stableAfterMs: 1_000,
};
const ok: ExitInfo = { exitCode: 0, signal: null };
const fail: ExitInfo = { exitCode: 1, signal: null };
const killed: ExitInfo = { exitCode: null, signal: 'SIGKILL' };
const unknown: ExitInfo = { exitCode: null, signal: null };

describe('isFailure', () => {
  it('counts a non-zero code, a signal and an unknown exit as failures, exit 0 as success', () => {
    expect(isFailure(ok)).toBe(false);
    expect(isFailure(fail)).toBe(true);
    expect(isFailure(killed)).toBe(true);
    expect(isFailure({ exitCode: 0, signal: 'SIGTERM' })).toBe(true);
    expect(isFailure(unknown)).toBe(true);
  });
});

describe('decideRestart: whether to restart', () => {
  it('never restarts with policy never, whatever the exit', () => {
    for (const exit of [ok, fail, killed, unknown]) {
      const h = emptyHistory();
      const r = decideRestart('never', exit, 10, h, 1_000, S);
      expect(r.decision).toEqual({ kind: 'stay-down' });
      expect(r.history).toBe(h);
    }
  });

  it('on-failure stays down after exit 0 and restarts after a failure', () => {
    expect(decideRestart('on-failure', ok, 10, emptyHistory(), 0, S).decision).toEqual({ kind: 'stay-down' });
    for (const exit of [fail, killed, unknown]) {
      expect(decideRestart('on-failure', exit, 10, emptyHistory(), 0, S).decision.kind).toBe('restart');
    }
  });

  it('always restarts, even after exit 0', () => {
    expect(decideRestart('always', ok, 10, emptyHistory(), 0, S).decision).toEqual({
      kind: 'restart',
      delayMs: 100,
      attempt: 1,
    });
  });

  it('stay-down does not touch the history (no restart is recorded)', () => {
    const h: RestartHistory = { restartTimes: [5], consecutiveQuickExits: 2 };
    const r = decideRestart('on-failure', ok, 10, h, 1_000, S);
    expect(r.history).toEqual({ restartTimes: [5], consecutiveQuickExits: 2 });
  });
});

describe('decideRestart: backoff', () => {
  /** Runs `n` exits in a row, each after `ranMs`, `gapMs` apart; returns the delays. */
  function delays(ranMs: number[], s: RestartSettings = S, gapMs = 1): number[] {
    let history = emptyHistory();
    const out: number[] = [];
    ranMs.forEach((ran, i) => {
      const r = decideRestart('always', fail, ran, history, i * gapMs, s);
      if (r.decision.kind !== 'restart') throw new Error(`exit ${i}: ${r.decision.kind}`);
      out.push(r.decision.delayMs);
      history = r.history;
    });
    return out;
  }

  it('doubles the delay for consecutive quick exits', () => {
    const s = { ...S, crashLoopCount: 100 };
    expect(delays([10, 10, 10, 10], s)).toEqual([100, 200, 400, 800]);
  });

  it('caps the delay at backoffMaxMs', () => {
    const s = { ...S, crashLoopCount: 100 };
    expect(delays([10, 10, 10, 10, 10, 10], s)).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('resets after a run of at least stableAfterMs, then doubles again', () => {
    const s = { ...S, crashLoopCount: 100 };
    expect(delays([10, 10, 10, 1_000, 10, 10], s)).toEqual([100, 200, 400, 100, 100, 200]);
    expect(delays([10, 999], s)).toEqual([100, 200]);
  });

  it('numbers attempts by the restarts inside the window', () => {
    let history = emptyHistory();
    const attempts: number[] = [];
    for (const now of [0, 100, 200]) {
      const r = decideRestart('always', fail, 10, history, now, S);
      if (r.decision.kind === 'restart') attempts.push(r.decision.attempt);
      history = r.history;
    }
    expect(attempts).toEqual([1, 2, 3]);
    expect(history).toEqual({ restartTimes: [0, 100, 200], consecutiveQuickExits: 3 });
  });

  it('is pure: the history passed in is not changed', () => {
    const h: RestartHistory = { restartTimes: [1, 2], consecutiveQuickExits: 2 };
    decideRestart('always', fail, 10, h, 3, { ...S, crashLoopCount: 10 });
    expect(h).toEqual({ restartTimes: [1, 2], consecutiveQuickExits: 2 });
  });
});

describe('decideRestart: crash loop', () => {
  it('stops after crashLoopCount restarts inside the window', () => {
    const h: RestartHistory = { restartTimes: [1_000, 2_000, 3_000], consecutiveQuickExits: 3 };
    const r = decideRestart('always', fail, 10, h, 4_000, S);
    expect(r.decision).toEqual({ kind: 'crash-loop', restarts: 3, windowMs: 10_000 });
    expect(r.history).toEqual({ restartTimes: [1_000, 2_000, 3_000], consecutiveQuickExits: 3 });
  });

  it('forgets restarts older than the window (a restart exactly windowMs ago no longer counts)', () => {
    const h: RestartHistory = { restartTimes: [0, 5_000, 6_000], consecutiveQuickExits: 0 };
    const r = decideRestart('always', fail, 5_000, h, 10_000, S);
    expect(r.decision).toEqual({ kind: 'restart', delayMs: 100, attempt: 3 });
    expect(r.history.restartTimes).toEqual([5_000, 6_000, 10_000]);
  });

  it('still counts a restart one millisecond inside the window', () => {
    const h: RestartHistory = { restartTimes: [1, 5_000, 6_000], consecutiveQuickExits: 0 };
    expect(decideRestart('always', fail, 10, h, 10_000, S).decision.kind).toBe('crash-loop');
  });

  it('does not apply to exits the policy would not restart anyway', () => {
    const h: RestartHistory = { restartTimes: [1, 2, 3], consecutiveQuickExits: 3 };
    expect(decideRestart('on-failure', ok, 10, h, 4, S).decision).toEqual({ kind: 'stay-down' });
  });
});
