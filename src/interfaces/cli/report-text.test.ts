import { describe, expect, it } from 'vitest';
import type { TimeReport } from '../../protocol/report.js';
import { humanDuration, reportText } from './report-text.js';

const zero = { workingMs: 0, waitingMs: 0, idleMs: 0, otherMs: 0, waits: 0, longestWaitMs: 0 };

describe('humanDuration', () => {
  it('prints seconds, minutes and seconds, or hours and minutes', () => {
    expect(humanDuration(0)).toBe('-');
    expect(humanDuration(999)).toBe('0s');
    expect(humanDuration(45_000)).toBe('45s');
    expect(humanDuration(12 * 60_000 + 5_000)).toBe('12m 05s');
    expect(humanDuration(3_600_000 + 2 * 60_000 + 59_000)).toBe('1h 02m');
    expect(humanDuration(26 * 3_600_000 + 10 * 60_000)).toBe('26h 10m');
  });
});

describe('reportText', () => {
  const base: TimeReport = {
    since: '2026-11-15T15:00:00.000Z',
    until: '2026-11-22T15:00:00.000Z',
    timeZone: 'Europe/Paris',
    workspace: null,
    totals: zero,
    workspaces: [],
    days: [],
    tasks: [],
    agents: [],
  };

  it('says when there is nothing to show', () => {
    const lines = reportText(base);
    expect(lines[0]).toMatch(
      /^time from 2026-11-1\d \d\d:\d\d to 2026-11-2\d \d\d:\d\d \(days in Europe\/Paris\)$/,
    );
    expect(lines.at(-1)).toBe('no agent time in this window');
  });

  it('prints days with a total, tasks, then agents', () => {
    const t = { ...zero, workingMs: 62 * 60_000, waitingMs: 190_000, waits: 2, longestWaitMs: 120_000 };
    const ws = { workspaceId: 'ws-1', workspace: 'shop' };
    const text = reportText({
      ...base,
      totals: t,
      workspaces: [{ ...ws, ...t }],
      days: [{ day: '2026-11-22', ...ws, ...t }],
      tasks: [{ id: 'tk-1', title: 'orders', status: 'review', agents: ['ag-1'], ...ws, ...t }],
      agents: [{ id: 'ag-1', name: 'api', profile: 'claude', task: 'tk-1', removed: true, ...ws, ...t }],
    }).join('\n');
    expect(text).toContain(
      [
        'DAY         WORKSPACE  WORKING  WAITING FOR YOU  IDLE  OTHER  WAITS  LONGEST WAIT',
        '2026-11-22  shop       1h 02m   3m 10s           -     -      2      2m 00s',
        'total                  1h 02m   3m 10s           -     -      2      2m 00s',
      ].join('\n'),
    );
    expect(text).toContain('tk-1  orders  review  shop       1h 02m');
    expect(text).toContain('api (removed)  shop       claude   tk-1  1h 02m');
  });

  it('says who ended the waits an answer ended', () => {
    const t = {
      ...zero,
      waitingMs: 90_000,
      waits: 3,
      longestWaitMs: 60_000,
      answeredBy: { cli: 1, policy: 1 },
    };
    const ws = { workspaceId: 'ws-1', workspace: 'shop' };
    const text = reportText({
      ...base,
      totals: t,
      workspaces: [{ ...ws, ...t }],
      days: [{ day: '2026-11-22', ...ws, ...t }],
      tasks: [],
      agents: [{ id: 'ag-1', name: 'api', profile: 'claude', task: null, removed: false, ...ws, ...t }],
    }).join('\n');
    expect(text).toContain('WAITS                LONGEST WAIT');
    expect(text).toContain('3 (cli 1, policy 1)  1m 00s');
  });
});
