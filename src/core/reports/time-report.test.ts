import { describe, expect, it } from 'vitest';
import type { WtpEvent } from '../../protocol/events.js';
import { fixedOffsetCalendar } from './calendar-days.js';
import { AppError } from '../errors.js';
import { timeReport, TimeReportBuilder, type ReportTaskInfo } from './time-report.js';

import {
  CET,
  H,
  M,
  S,
  T0,
  base,
  created,
  durations,
  pick,
  removed,
  report,
  to,
} from '../../../test/support/report-events.js';

describe('timeReport', () => {
  it('puts each state’s time in its bucket and counts a wait for the user', () => {
    const r = report(
      [
        created('a1', 'api', T0),
        to('a1', 'starting', T0),
        to('a1', 'running', T0 + 2 * S),
        to('a1', 'working', T0 + 5 * S),
        to('a1', 'needs_permission', T0 + 65 * S),
        to('a1', 'working', T0 + 95 * S),
        to('a1', 'idle', T0 + 155 * S),
        to('a1', 'exited', T0 + 203 * S),
      ],
      T0 - H,
      T0 + H,
    );
    const expected = durations({
      otherMs: 5 * S,
      workingMs: 120 * S,
      waitingMs: 30 * S,
      idleMs: 48 * S,
      waits: 1,
      longestWaitMs: 30 * S,
    });
    expect(r.totals).toEqual(expected);
    expect(r.agents).toEqual([
      {
        id: 'a1',
        name: 'api',
        profile: 'claude',
        workspaceId: 'ws-1',
        workspace: 'default',
        task: null,
        removed: false,
        ...expected,
      },
    ]);
    expect(r.days).toEqual([{ day: '2026-11-10', workspaceId: 'ws-1', workspace: 'default', ...expected }]);
    expect(r.workspaces).toEqual([{ workspaceId: 'ws-1', workspace: 'default', ...expected }]);
    expect(r).toMatchObject({
      since: '2026-11-10T11:00:00.000Z',
      until: '2026-11-10T13:00:00.000Z',
      timeZone: 'UTC+01:00',
      workspace: null,
    });
  });

  it('clips spans to the window: a state entered before `since` counts from `since`', () => {
    const r = report(
      [
        to('early', 'working', T0 - 10 * M),
        to('early', 'idle', T0 + 5 * M),
        to('gone', 'working', T0 - 30 * M),
        to('gone', 'exited', T0 - 20 * M),
        to('late', 'working', T0 + 25 * M),
      ],
      T0,
      T0 + 20 * M,
    );
    expect(r.agents.map((a) => [a.id, pick(a)])).toEqual([
      ['early', durations({ workingMs: 5 * M, idleMs: 15 * M })],
    ]);
  });

  it('counts a span still open at `until` up to `until`, open waits included', () => {
    const r = report([to('a', 'working', T0), to('a', 'needs_input', T0 + 10 * M)], T0 - M, T0 + 15 * M);
    expect(r.totals).toEqual(
      durations({ workingMs: 10 * M, waitingMs: 5 * M, waits: 1, longestWaitMs: 5 * M }),
    );
  });

  it('counts a run of needs_permission/needs_input as one wait; the longest is clipped to the window', () => {
    const r = report(
      [
        to('a', 'needs_input', T0 - 10 * M), // began before the window: 13 min, 3 of them inside
        to('a', 'working', T0 + 3 * M),
        to('a', 'needs_permission', T0 + 10 * M),
        to('a', 'needs_input', T0 + 12 * M),
        to('a', 'needs_permission', T0 + 13 * M),
        to('a', 'working', T0 + 17 * M),
        to('a', 'needs_permission', T0 + 20 * M),
        to('a', 'needs_permission', T0 + 21 * M), // same state, another reason: the same wait
        to('a', 'idle', T0 + 22 * M),
      ],
      T0,
      T0 + H,
    );
    expect(r.totals).toEqual(
      durations({
        waitingMs: 3 * M + 7 * M + 2 * M,
        workingMs: 7 * M + 3 * M,
        idleMs: 38 * M,
        waits: 3,
        longestWaitMs: 7 * M,
      }),
    );
  });

  it('splits a span at local midnight of the calendar, and counts a wait on the day it started', () => {
    // 22:30Z-23:45Z is 23:30-00:45 in UTC+1 (two days) but 17:30-18:45 in UTC-5 (one day).
    const start = Date.UTC(2026, 10, 10, 22, 30);
    const events = [
      to('a', 'working', start),
      to('a', 'needs_permission', start + 20 * M),
      to('a', 'idle', start + 50 * M),
      to('a', 'exited', start + 75 * M),
    ];
    const cet = report(events, start - H, start + 2 * H);
    expect(cet.days.map((d) => [d.day, pick(d)])).toEqual([
      ['2026-11-10', durations({ workingMs: 20 * M, waitingMs: 10 * M, waits: 1, longestWaitMs: 30 * M })],
      ['2026-11-11', durations({ waitingMs: 20 * M, idleMs: 25 * M })],
    ]);
    expect(cet.totals).toEqual(
      durations({ workingMs: 20 * M, waitingMs: 30 * M, idleMs: 25 * M, waits: 1, longestWaitMs: 30 * M }),
    );
    const est = timeReport({
      events,
      window: { since: start - H, until: start + 2 * H },
      calendar: fixedOffsetCalendar(-300),
    });
    expect(est.timeZone).toBe('UTC-05:00');
    expect(est.days.map((d) => [d.day, d.workingMs + d.waitingMs + d.idleMs])).toEqual([
      ['2026-11-10', 75 * M],
    ]);
  });

  it('splits a span of several days into whole days', () => {
    const start = Date.UTC(2026, 10, 10, 20); // 21:00 in UTC+1
    const r = report([to('a', 'idle', start)], start - H, start + 50 * H);
    expect(r.days.map((d) => [d.day, d.idleMs])).toEqual([
      ['2026-11-10', 3 * H],
      ['2026-11-11', 24 * H],
      ['2026-11-12', 23 * H],
    ]);
    expect(r.totals.idleMs).toBe(50 * H);
  });

  it('keeps removed agents: their name and workspace from the log, their time up to the removal', () => {
    const ws: WtpEvent = {
      ...base(T0 - H, null, 'ws-2'),
      type: 'workspace.created',
      data: {
        workspace: {
          id: 'ws-2',
          name: 'shop',
          repoPath: '/src/shop',
          backend: 'headless',
          template: null,
          createdAt: new Date(T0 - H).toISOString(),
        },
      },
    };
    const r = report(
      [
        ws,
        created('old', 'web', T0, 'ws-2', 'shop'),
        to('old', 'working', T0, 'ws-2'),
        removed('old', T0 + 7 * M, 'ws-2'), // removed with --force while it worked
        to('kept', 'idle', T0, 'ws-1'),
      ],
      T0,
      T0 + 10 * M,
      { workspaces: [{ id: 'ws-1', name: 'default' }] },
    );
    expect(r.agents.map((a) => [a.name, a.workspace, a.removed, a.workingMs, a.idleMs])).toEqual([
      ['kept', 'default', false, 0, 10 * M],
      ['web', 'shop', true, 7 * M, 0],
    ]);
    expect(r.workspaces.map((w) => [w.workspace, w.workingMs + w.idleMs])).toEqual([
      ['default', 10 * M],
      ['shop', 7 * M],
    ]);
  });

  it('sums a task over its agents, links each agent to its task, and leaves out tasks with no time', () => {
    const tasks: ReportTaskInfo[] = [
      { id: 'tk-1', title: 'orders', status: 'review', workspaceId: 'ws-1', agents: ['t1', 't2'] },
      { id: 'tk-2', title: 'never ran', status: 'ready', workspaceId: 'ws-1', agents: [] },
      { id: 'tk-3', title: 'ran before', status: 'done', workspaceId: 'ws-1', agents: ['t0'] },
    ];
    const r = report(
      [
        to('t0', 'working', T0 - 2 * H),
        to('t0', 'exited', T0 - H),
        to('t1', 'working', T0),
        to('t1', 'crashed', T0 + 4 * M),
        to('t2', 'working', T0 + 5 * M),
        to('t2', 'needs_permission', T0 + 8 * M),
        to('t2', 'working', T0 + 9 * M),
        to('t2', 'idle', T0 + 12 * M),
        to('solo', 'working', T0),
      ],
      T0,
      T0 + 20 * M,
      { tasks },
    );
    expect(r.tasks).toEqual([
      {
        id: 'tk-1',
        title: 'orders',
        status: 'review',
        workspaceId: 'ws-1',
        workspace: 'ws-1',
        agents: ['t1', 't2'],
        ...durations({ workingMs: 10 * M, waitingMs: M, idleMs: 8 * M, waits: 1, longestWaitMs: M }),
      },
    ]);
    expect(r.agents.map((a) => [a.id, a.task])).toEqual([
      ['solo', null],
      ['t1', 'tk-1'],
      ['t2', 'tk-1'],
    ]);
    expect(r.totals.workingMs).toBe(30 * M);
  });

  it('sums agents per workspace per day; totals are the sum of the days', () => {
    const day2 = Date.UTC(2026, 10, 11, 8);
    const r = report(
      [
        to('a', 'working', T0, 'ws-1'),
        to('a', 'exited', T0 + H, 'ws-1'),
        to('b', 'idle', T0 + 30 * M, 'ws-1'),
        to('b', 'exited', T0 + 40 * M, 'ws-1'),
        to('c', 'needs_input', T0, 'ws-2'),
        to('c', 'exited', T0 + 2 * M, 'ws-2'),
        to('a', 'working', day2, 'ws-1'),
        to('a', 'exited', day2 + M, 'ws-1'),
      ],
      T0,
      day2 + H,
      {
        workspaces: [
          { id: 'ws-1', name: 'default' },
          { id: 'ws-2', name: 'shop' },
        ],
      },
    );
    expect(r.days.map((d) => [d.day, d.workspace, pick(d)])).toEqual([
      ['2026-11-10', 'default', durations({ workingMs: H, idleMs: 10 * M })],
      ['2026-11-10', 'shop', durations({ waitingMs: 2 * M, waits: 1, longestWaitMs: 2 * M })],
      ['2026-11-11', 'default', durations({ workingMs: M })],
    ]);
    const sum = r.days.reduce((s, d) => s + d.workingMs + d.waitingMs + d.idleMs + d.otherMs, 0);
    expect(r.totals.workingMs + r.totals.waitingMs + r.totals.idleMs + r.totals.otherMs).toBe(sum);
    expect(r.totals.waits).toBe(1);
  });

  it('keeps one workspace by name or id; an unknown one is WORKSPACE_NOT_FOUND', () => {
    const events = [to('a', 'working', T0, 'ws-1'), to('c', 'idle', T0, 'ws-2')];
    const more = {
      workspaces: [
        { id: 'ws-1', name: 'default' },
        { id: 'ws-2', name: 'shop' },
      ],
    };
    const byName = report(events, T0, T0 + M, { ...more, workspace: 'shop' });
    expect(byName.agents.map((a) => a.id)).toEqual(['c']);
    expect(byName.totals).toEqual(durations({ idleMs: M }));
    expect(byName.workspace).toBe('shop');
    expect(report(events, T0, T0 + M, { ...more, workspace: 'ws-1' }).totals).toEqual(
      durations({ workingMs: M }),
    );
    const unknown = (): unknown => report(events, T0, T0 + M, { ...more, workspace: 'nope' });
    expect(unknown).toThrow(AppError);
    expect(unknown).toThrow(expect.objectContaining({ code: 'WORKSPACE_NOT_FOUND' }));
  });

  it('never counts negative time when the clock went back, and `build` can run twice', () => {
    const b = new TimeReportBuilder({ since: T0, until: T0 + 10 * M }, CET);
    b.add(to('a', 'working', T0 + 5 * M));
    b.add(to('a', 'idle', T0 + 3 * M)); // logged later, stamped earlier
    const first = b.build([]);
    expect(first.totals).toEqual(durations({ idleMs: 5 * M }));
    expect(b.build([])).toEqual(first);
  });
});
