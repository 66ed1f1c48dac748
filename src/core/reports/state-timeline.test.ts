import { describe, expect, it } from 'vitest';
import { AGENT_STATES, type AgentState, type AgentView } from '../../protocol/agent.js';
import type { WtpEvent } from '../../protocol/events.js';
import type { StateCounts } from '../../protocol/metrics.js';
import { fixedOffsetCalendar } from './calendar-days.js';
import { ArrayEventLog } from '../../../test/support/fake-ports.js';
import { REASON_OF } from '../../../test/support/report-events.js';
import { ReplayCheckpoints } from './replay-checkpoints.js';
import { bucketLength, stateTimeline, StateTimelineBuilder, type OpenSpans } from './state-timeline.js';
import { queryStateTimeline } from './time-report-query.js';
import { timeReport } from './time-report.js';

const S = 1_000;
const M = 60 * S;
/** 2026-11-10 12:00 UTC. */
const T0 = Date.UTC(2026, 10, 10, 12);

let seq = 0;
const base = (at: number, agentId: string) => ({
  seq: ++seq,
  ts: new Date(at).toISOString(),
  source: 'daemon' as const,
  agentId,
  workspaceId: 'ws-1',
});
const to = (id: string, state: AgentState, at: number): WtpEvent => ({
  ...base(at, id),
  type: 'agent.stateChanged',
  data: { from: null, to: state, detail: { reason: REASON_OF[state] }, pid: null },
});
const created = (id: string, at: number, state: AgentState = 'starting'): WtpEvent => ({
  ...base(at, id),
  type: 'agent.created',
  data: {
    agent: { id, name: id, workspaceId: 'ws-1', workspace: 'default', profile: 'cmd', state } as AgentView,
  },
});
const removed = (id: string, at: number): WtpEvent => ({
  ...base(at, id),
  type: 'agent.removed',
  data: { name: id },
});

/** Counts with every state at 0 but the given ones. */
const counts = (c: Partial<StateCounts>): StateCounts =>
  ({ ...Object.fromEntries(AGENT_STATES.map((s) => [s, 0])), ...c }) as StateCounts;

/**
 * The hand-computed example: a window of 4 minutes in buckets of 1 minute.
 * - a: created long before, working since T0−5m, needs_input at +30 s, idle at +90 s.
 * - b: created at +60 s, running at once, working at +75 s, exited at +150 s, removed at +210 s.
 * - c: created and removed before the window.
 * - d: created at +200 s, still starting.
 */
const EXAMPLE: WtpEvent[] = [
  created('a', T0 - 10 * M),
  to('a', 'working', T0 - 5 * M),
  created('c', T0 - 3 * M),
  to('c', 'running', T0 - 3 * M),
  removed('c', T0 - M),
  to('a', 'needs_input', T0 + 30 * S),
  created('b', T0 + 60 * S),
  to('b', 'running', T0 + 60 * S),
  to('b', 'working', T0 + 75 * S),
  to('a', 'idle', T0 + 90 * S),
  to('b', 'exited', T0 + 150 * S),
  created('d', T0 + 200 * S),
  removed('b', T0 + 210 * S),
];

describe('stateTimeline', () => {
  it('averages agents per state over each bucket, with agents created and removed inside the window', () => {
    const r = stateTimeline({ events: EXAMPLE, window: { since: T0, until: T0 + 4 * M }, buckets: 4 });
    expect(r.bucketMs).toBe(M);
    expect(r.states).toEqual([...AGENT_STATES]);
    expect([r.since, r.until]).toEqual([new Date(T0).toISOString(), new Date(T0 + 4 * M).toISOString()]);
    expect(r.points).toEqual([
      // a: working 30 s, needs_input 30 s.
      { t: T0, counts: counts({ working: 0.5, needs_input: 0.5 }) },
      // a: needs_input 30 s, idle 30 s; b: running 15 s, working 45 s.
      { t: T0 + M, counts: counts({ needs_input: 0.5, idle: 0.5, running: 0.25, working: 0.75 }) },
      // a: idle 60 s; b: working 30 s, exited 30 s.
      { t: T0 + 2 * M, counts: counts({ idle: 1, working: 0.5, exited: 0.5 }) },
      // a: idle 60 s; b: exited 30 s until removed; d: starting 40 s (0.667).
      { t: T0 + 3 * M, counts: counts({ idle: 1, exited: 0.5, starting: 0.667 }) },
    ]);
  });

  it('adds up to the time report: count × bucket length is the time in the state', () => {
    const window = { since: T0, until: T0 + 4 * M };
    const r = stateTimeline({ events: EXAMPLE, window, buckets: 4 });
    const total = (s: AgentState): number => r.points.reduce((n, p) => n + p.counts[s] * r.bucketMs, 0);
    const rep = timeReport({ events: EXAMPLE, window, calendar: fixedOffsetCalendar(0) });
    expect(total('working')).toBe(rep.totals.workingMs);
    expect(total('needs_input') + total('needs_permission')).toBe(rep.totals.waitingMs);
    expect(total('running')).toBe(rep.totals.otherMs); // the report counts no time before a first state change
  });

  it('rounds bucketMs up and averages the shorter last bucket over its own length', () => {
    const events = [created('a', T0 - M, 'working')];
    const r = stateTimeline({ events, window: { since: T0, until: T0 + 100 * S }, buckets: 3 });
    expect(r.bucketMs).toBe(33_334);
    expect(r.points.map((p) => p.t)).toEqual([T0, T0 + 33_334, T0 + 66_668]);
    expect(r.points.map((p) => p.counts.working)).toEqual([1, 1, 1]);
  });

  it('is empty before anything happened and counts nothing after a removal', () => {
    const r = stateTimeline({
      events: [created('a', T0 + 2 * M), removed('a', T0 + 3 * M)],
      window: { since: T0, until: T0 + 4 * M },
      buckets: 4,
    });
    expect(r.points.map((p) => p.counts.starting)).toEqual([0, 0, 1, 0]);
  });

  it('adds nothing for a span a clock set back would make negative', () => {
    const b = new StateTimelineBuilder({ since: T0, until: T0 + 2 * M }, 2);
    b.add(created('a', T0 + 90 * S, 'working'));
    b.add(to('a', 'idle', T0 + 30 * S)); // earlier than the span it ends
    const r = b.build();
    expect(r.points.map((p) => [p.counts.working, p.counts.idle])).toEqual([
      [0, 0],
      [0, 0.5],
    ]);
  });

  it('cuts a window into whole milliseconds, at least one', () => {
    expect(bucketLength({ since: 0, until: 60 * M }, 60)).toBe(M);
    expect(bucketLength({ since: 0, until: 5 }, 10)).toBe(1);
  });
});

describe('ReplayCheckpoints of the state timeline', () => {
  const logOf = (events: WtpEvent[]) => new ArrayEventLog(events);

  it('gives what a replay from the start gives, for any window, with the clock set back now and then', async () => {
    let r = 11;
    const rand = (n: number) => {
      r = (r * 1103515245 + 12345) % 2 ** 31;
      return Math.floor((r / 2 ** 31) * n); // the high bits: an LCG's low bits repeat quickly
    };
    const events: WtpEvent[] = [];
    let at = T0;
    for (let i = 0; i < 5_000; i++) {
      at += rand(10) === 0 ? -rand(20) * S : rand(30) * S; // now and then the clock goes back
      const id = `ag-${rand(12)}`;
      const k = rand(20);
      events.push(
        k === 0
          ? created(id, at)
          : k === 1
            ? removed(id, at)
            : to(id, AGENT_STATES[rand(7)] as AgentState, at),
      );
    }
    const log = logOf(events);
    const end = at;
    const checkpoints = new ReplayCheckpoints<OpenSpans>(97, 8);
    const clock = { now: () => end };
    let readWith = 0;
    let readWithout = 0;
    for (let q = 0; q < 60; q++) {
      // Mostly recent windows (the page reloading), now and then an old one.
      const span = rand(4) === 0 ? rand(end - T0) : rand(3_600) * S;
      const since = new Date(end - span - S).toISOString();
      const query = { since, buckets: 1 + rand(60) };
      log.read = 0;
      const cached = await queryStateTimeline({ events: log, clock, checkpoints }, query);
      readWith += log.read;
      log.read = 0;
      const whole = await queryStateTimeline({ events: log, clock }, query);
      readWithout += log.read;
      expect(cached).toEqual(whole);
    }
    expect(checkpoints.size).toBeGreaterThan(1);
    expect(checkpoints.size).toBeLessThanOrEqual(8);
    expect(readWith).toBeLessThan(readWithout / 2);
  });

  it('starts a recent window from the latest checkpoint before it', async () => {
    const events = Array.from({ length: 1_000 }, (_, i) => to('a', i % 2 ? 'working' : 'idle', T0 + i * S));
    const log = logOf(events);
    const checkpoints = new ReplayCheckpoints<OpenSpans>(100);
    const clock = { now: () => T0 + 1_000 * S };
    const query = { since: new Date(T0 + 950 * S).toISOString(), buckets: 5 };
    await queryStateTimeline({ events: log, clock, checkpoints }, query);
    expect(log.read).toBe(1_000);
    log.read = 0;
    const again = await queryStateTimeline({ events: log, clock, checkpoints }, query);
    expect(log.read).toBe(100); // from the checkpoint after event 900
    expect(again.points.map((p) => p.counts.working)).toEqual([0.5, 0.5, 0.5, 0.5, 0.5]);
  });
});
