import { describe, expect, it } from 'vitest';
import { answerOptions, maybeStats, pairLeave, schedule, withP99, type StateMove } from './answer-rounds.js';

const move = (at: number, from: string | null, to: string, source = 'status'): StateMove => ({
  at,
  from,
  to,
  source,
});

describe('schedule', () => {
  it('runs every mode once a round, starting one mode further each round; warm-up rounds first', () => {
    const slots = schedule(['raw', 'api', 'cli'], 1, 3);
    expect(slots.map((s) => `${s.round}:${s.mode}${s.warmup ? '*' : ''}`)).toEqual([
      '1:raw*',
      '1:api*',
      '1:cli*',
      '2:api',
      '2:cli',
      '2:raw',
      '3:cli',
      '3:raw',
      '3:api',
      '4:raw',
      '4:api',
      '4:cli',
    ]);
  });

  it('gives each mode the same number of measured rounds, and each position as often as the rounds allow', () => {
    const measured = schedule(['a', 'b', 'c', 'd'], 2, 8).filter((s) => !s.warmup);
    for (const m of ['a', 'b', 'c', 'd']) {
      const mine = measured.filter((s) => s.mode === m);
      expect(mine).toHaveLength(8);
      const firsts = measured.filter((s, i) => i % 4 === 0 && s.mode === m);
      expect(firsts).toHaveLength(2);
    }
  });
});

describe('pairLeave', () => {
  const at = { readyAt: 1_000, sentAt: 1_300 };

  it('takes the first change out of needs_permission at or after the action', () => {
    const events = [
      move(100, 'idle', 'working'),
      move(900, 'working', 'needs_permission'),
      move(1_400, 'needs_permission', 'working', 'hook'),
      move(1_500, 'working', 'idle'),
      move(1_700, 'needs_permission', 'working'),
    ];
    expect(pairLeave({ ...at, events })).toEqual({ kind: 'ok', ms: 100, to: 'working', source: 'hook' });
  });

  it('a leave between the dialog check and the action is not caused by the action: early', () => {
    const events = [
      move(1_100, 'needs_permission', 'working'),
      move(1_200, 'working', 'needs_permission'),
      move(1_400, 'needs_permission', 'working'),
    ];
    expect(pairLeave({ ...at, events })).toEqual({ kind: 'early', to: 'working' });
  });

  it('a leave before the dialog was checked (an earlier turn) does not count; none after is missed', () => {
    const events = [move(500, 'needs_permission', 'working'), move(900, 'working', 'needs_permission')];
    expect(pairLeave({ ...at, events })).toEqual({ kind: 'missed' });
  });

  it('names a change without a signal (lifecycle) as such', () => {
    const events: StateMove[] = [{ at: 1_350, from: 'needs_permission', to: 'exited' }];
    expect(pairLeave({ ...at, events })).toEqual({ kind: 'ok', ms: 50, to: 'exited', source: 'lifecycle' });
  });
});

describe('statistics and options', () => {
  it('adds the p99 (interpolated) to the summary; null, never 0, for no sample', () => {
    const s = withP99(Array.from({ length: 101 }, (_, i) => i));
    expect(s).toMatchObject({ samples: 101, p50: 50, p90: 90, p99: 99, max: 100 });
    expect(withP99([10, 20]).p99).toBe(19.9);
    expect(maybeStats([])).toBeNull();
  });

  it('--answer-rounds and --answer-warmup, with defaults; bad counts refused', () => {
    const d = { rounds: 20, warmup: 2 };
    expect(answerOptions(['--only', 'answers'], d)).toEqual(d);
    expect(answerOptions(['--answer-rounds', '50', '--answer-warmup', '0'], d)).toEqual({
      rounds: 50,
      warmup: 0,
    });
    expect(() => answerOptions(['--answer-rounds', '0'], d)).toThrow(/≥ 1/);
    expect(() => answerOptions(['--answer-warmup', 'x'], d)).toThrow(/whole number/);
  });
});
