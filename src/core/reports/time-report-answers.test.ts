import { describe, expect, it } from 'vitest';
import type { AnswerVia } from '../../protocol/answers.js';
import type { WtpEvent } from '../../protocol/events.js';
import { H, M, T0, base, created, durations, report, to } from '../../../test/support/report-events.js';
import { TimeReportBuilder } from './time-report.js';
import { fixedOffsetCalendar } from './calendar-days.js';

const approved = (agentId: string, via: AnswerVia, at: number, rule?: string): WtpEvent => ({
  ...base(at, agentId, 'ws-1'),
  type: 'agent.approved',
  data: {
    via,
    ...(rule === undefined ? {} : { rule }),
    tool: 'Bash',
    about: 'npm test',
    keys: ['enter'],
    waitedMs: 1_000,
    always: false,
    scope: null,
  },
});

const denied = (agentId: string, via: AnswerVia, at: number): WtpEvent => ({
  ...base(at, agentId, 'ws-1'),
  type: 'agent.denied',
  data: { via, tool: 'Bash', about: 'rm -rf /', keys: ['esc'], waitedMs: 1_000, message: null },
});

/** An agent that waits four times: two answers recorded after the wait ended, one during it, one by hand. */
const EVENTS = [
  created('a1', 'api', T0),
  to('a1', 'working', T0),
  to('a1', 'needs_permission', T0 + M),
  to('a1', 'working', T0 + 2 * M),
  approved('a1', 'dashboard', T0 + 2 * M + 300), // recorded once the agent left the dialog
  to('a1', 'needs_permission', T0 + 3 * M),
  approved('a1', 'policy', T0 + 3 * M + 10, 'Bash(npm test*)'), // recorded while it still waits
  to('a1', 'working', T0 + 3 * M + 500),
  to('a1', 'needs_input', T0 + 4 * M),
  to('a1', 'working', T0 + 5 * M), // answered by hand: no event
  to('a1', 'needs_permission', T0 + 6 * M),
  to('a1', 'idle', T0 + 7 * M),
  denied('a1', 'cli', T0 + 7 * M + 200),
  // An answer long after any wait ended answers none of them.
  approved('a1', 'plugin', T0 + 30 * M),
];

describe('time report: who ended the waits', () => {
  it('counts each answered wait under who answered it, whether the event came before or after the wait ended', () => {
    const r = report(EVENTS, T0, T0 + H);
    expect(r.totals).toMatchObject({ waits: 4, answeredBy: { dashboard: 1, policy: 1, cli: 1 } });
    expect(r.agents[0]?.answeredBy).toEqual({ dashboard: 1, policy: 1, cli: 1 });
    expect(r.days[0]?.answeredBy).toEqual({ dashboard: 1, policy: 1, cli: 1 });
    // No answers: no field (the documents' reports stay as they were).
    const quiet = report(EVENTS.slice(0, 4), T0, T0 + H);
    expect(quiet.totals).toEqual(durations({ workingMs: 59 * M, waitingMs: M, waits: 1, longestWaitMs: M }));
  });

  it('an open wait answered: counted when the window ends; a checkpoint carries who answered', () => {
    const open = [...EVENTS.slice(0, 7)];
    expect(report(open, T0, T0 + 3 * M + 100).totals.answeredBy).toEqual({ dashboard: 1, policy: 1 });
    // Replayed up to the answer, then resumed from its snapshot: the same.
    const cal = fixedOffsetCalendar(0);
    const first = new TimeReportBuilder({ since: T0 + 3 * M + 50, until: T0 + H }, cal);
    for (const e of EVENTS.slice(0, 7)) first.add(e);
    const resumed = new TimeReportBuilder({ since: T0 + 3 * M + 50, until: T0 + H }, cal, first.snapshot());
    for (const e of EVENTS.slice(7)) resumed.add(e);
    expect(resumed.build([]).totals).toMatchObject({ waits: 3, answeredBy: { policy: 1, cli: 1 } });
  });
});
