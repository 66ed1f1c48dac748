import { describe, expect, it } from 'vitest';
import {
  pairTurn,
  screenShows,
  spread,
  tally,
  turnMarker,
  vendorOptions,
  type StateArrival,
} from './vendor-turns.js';

const ev = (at: number, to: string, source = 'screen', evidence = `${source} ${to}`): StateArrival => ({
  at,
  to,
  source,
  reason: to,
  evidence,
});

describe('screenShows', () => {
  it('finds needles across rows and around cells a diff renderer skipped', () => {
    const lines = ['│ Would you like', ' to run the following command?', '  $ touch P3abc', 'defgh.txt'];
    expect(screenShows(lines, ['Would you like to run the following command?', 'P3abcdefgh'])).toBe(true);
  });

  it('needs every needle', () => {
    expect(screenShows(['✦ Answer Q1abcdefgh'], ['Q1abcdefgh'])).toBe(true);
    expect(screenShows(['✦ Answer Q1abcdefgh'], ['Q1abcdefgh', 'Allow execution of'])).toBe(false);
    expect(screenShows(['✦ Answer Q1abcdefg'], ['Q1abcdefgh'])).toBe(false);
  });
});

describe('pairTurn', () => {
  const base = { target: 'idle', sentAt: 100, answeredAt: 1_100, drawnAt: 1_130 };

  it('takes the first change into the state at or after the answer, against the drawing', () => {
    // A spurious idle mid-turn (700) is not the turn's end: the sample is the one after the answer.
    const events = [
      ev(50, 'idle'),
      ev(400, 'working'),
      ev(700, 'idle'),
      ev(800, 'working'),
      ev(1_150, 'idle', 'hook', 'hook Stop'),
      ev(1_300, 'idle'),
    ];
    expect(pairTurn({ ...base, events })).toEqual({
      kind: 'ok',
      toState: 50,
      toDrawn: 30,
      added: 20,
      source: 'hook',
      evidence: 'hook Stop',
    });
  });

  it('leaves the drawing out when the CLI was not seen drawing the answer', () => {
    const r = pairTurn({ ...base, drawnAt: null, events: [ev(1_200, 'idle')] });
    expect(r).toMatchObject({ kind: 'ok', toState: 100, toDrawn: null, added: null });
  });

  it('a state reached before the answer was complete, and never again, is early (not a sample)', () => {
    const events = [ev(50, 'idle'), ev(400, 'working'), ev(700, 'idle', 'screen', 'screen x/composer')];
    expect(pairTurn({ ...base, events })).toEqual({
      kind: 'early',
      before: 400,
      source: 'screen',
      evidence: 'screen x/composer',
    });
  });

  it('no change into the state since the prompt is missed (the one before the prompt does not count)', () => {
    expect(pairTurn({ ...base, events: [ev(50, 'idle'), ev(400, 'working')] })).toEqual({ kind: 'missed' });
  });

  it('names a lifecycle change (no source) as such', () => {
    const events: StateArrival[] = [{ at: 1_200, to: 'idle', reason: 'spawned' }];
    expect(pairTurn({ ...base, events })).toMatchObject({ source: 'lifecycle', evidence: 'spawned' });
  });
});

describe('spread, tally, turnMarker', () => {
  it('p50/p95/max, and nulls (never 0) for no sample', () => {
    expect(spread([10, 20, 30, 40, 50])).toEqual({ samples: 5, p50: 30, p95: 48, max: 50 });
    expect(spread([])).toEqual({ samples: 0, p50: null, p95: null, max: null });
  });

  it('counts keys', () => {
    expect(tally(['screen', 'hook', 'screen'])).toEqual({ hook: 1, screen: 2 });
  });

  it('reads the last marker of the user text (system reminders and earlier prompts around it)', () => {
    expect(turnMarker('<system-reminder>x</system-reminder>\nwtpbench-idle-3: answer')).toEqual({
      kind: 'idle',
      turn: 3,
    });
    expect(turnMarker('wtpbench-idle-3: answer\nwtpbench-perm-12: touch')).toEqual({
      kind: 'perm',
      turn: 12,
    });
    expect(turnMarker('say hi')).toBeNull();
  });
});

describe('vendorOptions', () => {
  const known = ['claude', 'codex', 'gemini'];
  const defaults = { turns: 5, warmup: 1 };

  it('defaults to every vendor, 5 turns after 1 warm-up', () => {
    expect(vendorOptions(['--only', 'vendors'], known, defaults)).toEqual({
      vendors: known,
      turns: 5,
      warmup: 1,
    });
  });

  it('takes a vendor list and counts', () => {
    const argv = ['--vendors', 'gemini,claude', '--vendor-turns', '20', '--vendor-warmup', '0'];
    expect(vendorOptions(argv, known, defaults)).toEqual({
      vendors: ['gemini', 'claude'],
      turns: 20,
      warmup: 0,
    });
  });

  it('refuses an unknown vendor and a bad count', () => {
    expect(() => vendorOptions(['--vendors', 'claude,aider'], known, defaults)).toThrow(/--vendors takes/);
    expect(() => vendorOptions(['--vendor-turns', '0'], known, defaults)).toThrow(/≥ 1/);
    expect(() => vendorOptions(['--vendor-turns', 'x'], known, defaults)).toThrow(/whole number/);
  });
});
