import { describe, expect, it } from 'vitest';
import { agentClean, checkAgentLog, checkIncarnation, type Ending } from './line-check.js';

const A = '101-0000000a';
const B = '202-0000000b';
const C = '303-0000000c';
const line = (token: string, n: number, name = 'w1'): string => `soak ${name} ${token} ${n}\r\n`;
const lines = (token: string, from: number, to: number): string =>
  Array.from({ length: to - from + 1 }, (_, i) => line(token, from + i)).join('');

function check(text: string, ledgers: [string, number][], endings: Record<string, Ending>, hostKills = 0) {
  return checkAgentLog({
    name: 'w1',
    text,
    ledgers: new Map(ledgers),
    endingOf: (t) => endings[t] ?? 'unexplained',
    hostKills,
  });
}

describe('checkAgentLog', () => {
  it('accepts a complete log of one live incarnation, with lines written after the ledger was read', () => {
    const v = check(lines(A, 1, 50), [[A, 48]], { [A]: 'live' });
    expect(agentClean(v)).toBe(true);
    expect(v.incarnations).toEqual([
      expect.objectContaining({ token: A, seen: 50, written: 48, lost: [], duplicated: 0 }),
    ]);
  });

  it('finds a line deleted from the middle', () => {
    const text = lines(A, 1, 50).replace(line(A, 17), '');
    const v = check(text, [[A, 50]], { [A]: 'live' });
    expect(agentClean(v)).toBe(false);
    expect(v.incarnations[0]?.lost).toEqual([17]);
  });

  it('finds lines missing at the end of a live incarnation (the ledger says they were written)', () => {
    const v = check(lines(A, 1, 40), [[A, 43]], { [A]: 'live' });
    expect(v.incarnations[0]?.lost).toEqual([41, 42, 43]);
    expect(agentClean(v)).toBe(false);
  });

  it('finds a duplicated line and lines out of order', () => {
    const dup = check(lines(A, 1, 10) + line(A, 10) + lines(A, 11, 12), [[A, 12]], { [A]: 'live' });
    expect(dup.incarnations[0]?.duplicated).toBe(1);
    expect(agentClean(dup)).toBe(false);
    const swapped = check(lines(A, 1, 4) + line(A, 6) + line(A, 5) + lines(A, 7, 9), [[A, 9]], {
      [A]: 'live',
    });
    expect(swapped.incarnations[0]?.outOfOrder).toBe(1);
    expect(agentClean(swapped)).toBe(false);
  });

  it('lets a host kill lose the lines still in the PTY, and the line it read half of', () => {
    // A was killed with its host after line 30 was read; it had written 32; 31 arrived in part.
    const text = lines(A, 1, 30) + 'soak w1 101-0000000a 3' + lines(B, 1, 20);
    const v = check(
      text,
      [
        [A, 32],
        [B, 20],
      ],
      { [A]: 'hostKilled', [B]: 'live' },
      1,
    );
    expect(agentClean(v)).toBe(true);
    expect(v.cutByHostKill).toBe(1);
    expect(v.incarnations.find((i) => i.token === A)).toMatchObject({ inFlight: 2, lost: [] });
  });

  it('still finds a line lost inside an incarnation that was later killed', () => {
    const text = lines(A, 1, 30).replace(line(A, 12), '') + lines(B, 1, 5);
    const v = check(
      text,
      [
        [A, 30],
        [B, 5],
      ],
      { [A]: 'hostKilled', [B]: 'live' },
      1,
    );
    expect(v.incarnations.find((i) => i.token === A)?.lost).toEqual([12]);
    expect(agentClean(v)).toBe(false);
  });

  it('does not take a cut line for a host kill when the same incarnation goes on after it', () => {
    const text = lines(A, 1, 10) + 'soak w1 101-0000000a 1' + lines(A, 12, 14);
    const v = check(text, [[A, 14]], { [A]: 'live' });
    expect(v.garbled).toEqual(['soak w1 101-0000000a 1']);
    expect(v.incarnations[0]?.lost).toEqual([11]);
    expect(agentClean(v)).toBe(false);
  });

  it('does not excuse a cut line of an incarnation that was not killed', () => {
    const text = lines(A, 1, 10) + 'soak w1 101-0000000a 1' + lines(B, 1, 3);
    const v = check(
      text,
      [
        [A, 10],
        [B, 3],
      ],
      { [A]: 'unexplained', [B]: 'live' },
    );
    expect(v.garbled).toHaveLength(1);
    expect(agentClean(v)).toBe(false);
  });

  it('finds garbage, another agent’s lines and two incarnations printing at once', () => {
    const garbage = check(lines(A, 1, 5) + 'xx' + lines(A, 6, 8), [[A, 8]], { [A]: 'live' });
    expect(garbage.garbled).toEqual(['xx']);
    const foreign = check(lines(A, 1, 5) + line(A, 1, 'w2') + lines(A, 6, 8), [[A, 8]], { [A]: 'live' });
    expect(foreign.foreign).toBe(1);
    const both = check(
      lines(A, 1, 3) + lines(B, 1, 2) + lines(A, 4, 5),
      [
        [A, 5],
        [B, 2],
      ],
      {
        [A]: 'live',
        [B]: 'live',
      },
    );
    expect(both.interleaved).toEqual([A]);
    for (const v of [garbage, foreign, both]) expect(agentClean(v)).toBe(false);
  });

  it('accepts a line being written at the end of the log', () => {
    const v = check(lines(A, 1, 5) + 'soak w1 101-00', [[A, 5]], { [A]: 'live' });
    expect(agentClean(v)).toBe(true);
  });

  it('accepts an incarnation killed before its first whole line, and counts a ledger never seen as in flight', () => {
    const text = lines(A, 1, 3) + 'soak w1 202-0000000b 1\r' + lines(C, 1, 2);
    const v = check(
      text,
      [
        [A, 3],
        [B, 1],
        [C, 2],
      ],
      { [A]: 'hostKilled', [B]: 'hostKilled', [C]: 'live' },
      2,
    );
    expect(agentClean(v)).toBe(true);
    expect(v.incarnations.find((i) => i.token === B)).toMatchObject({ seen: 0, inFlight: 1 });
  });

  it('finds lines in the log that were never written (more than one beyond a dead incarnation’s ledger)', () => {
    const v = check(
      lines(A, 1, 9) + lines(B, 1, 2),
      [
        [A, 5],
        [B, 2],
      ],
      { [A]: 'hostKilled', [B]: 'live' },
      1,
    );
    expect(v.incarnations.find((i) => i.token === A)?.phantom).toBe(3);
    expect(agentClean(v)).toBe(false);
  });
});

describe('checkIncarnation', () => {
  it('counts every missing number below the highest one seen', () => {
    expect(checkIncarnation(A, [1, 2, 5, 6], 6, 'hostKilled').lost).toEqual([3, 4]);
    expect(checkIncarnation(A, [], 0, 'live').lost).toEqual([]);
  });
});
