import { join } from 'node:path';
import { openDatabase } from '../src/adapters/sqlite/open-database.js';
import { SqliteStateStore } from '../src/adapters/sqlite/sqlite-state-store.js';
import { ReplayCheckpoints } from '../src/core/reports/replay-checkpoints.js';
import type { OpenSpans } from '../src/core/reports/state-timeline.js';
import { localCalendar } from '../src/core/reports/calendar-days.js';
import type { AgentRegistry } from '../src/core/model/registry.js';
import type { ReportReplayState } from '../src/core/reports/time-report.js';
import { queryStateTimeline, queryTimeReport } from '../src/core/reports/time-report-query.js';
import { latencyBaseline, latencyResult, progress, type BenchResult } from './report.js';
import { disposeHome, makeHome } from './sandbox.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const AGENTS = 100;

/** Lets other work in between pages of the log, as the daemon's report routes do. */
const between = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The Metrics view's two queries of the event log — `GET /api/v1/report/states` (agents by state
 * over the last hour) and `GET /api/v1/report` (time per state, waits) — against a log of `events`
 * state changes of 100 agents spread over the last 7 days, in the daemon's real SQLite store: a
 * query after the first (from a checkpoint) against the same query replayed from the start of the
 * log (what every query cost before checkpoints). Also the longest the event loop was held during
 * a replay from the start, read page by page as the daemon does.
 */
export async function measureStateTimeline(
  binWtp: string,
  events: number,
  samples: number,
): Promise<Record<string, BenchResult>> {
  const home = makeHome('timeline');
  try {
    const db = openDatabase(join(home, 'state.db'));
    const store = new SqliteStateStore(db);
    progress(`dashboard: writing ${events.toLocaleString('en')} state events for the timeline figure`);
    const now = Date.now();
    const insert = db.prepare(
      'INSERT INTO events (ts, type, source, agent_id, workspace_id, data) VALUES (?, ?, ?, ?, ?, ?)',
    );
    db.transaction(() => {
      for (let i = 0; i < events; i++) {
        const to = i % 3 === 0 ? 'idle' : 'working';
        const reason = to === 'idle' ? 'turn_done' : 'working';
        const data = { from: null, to, detail: { reason, source: 'hook', evidence: 'hook Stop' }, pid: null };
        insert.run(
          now - 7 * DAY + Math.floor((i / events) * 7 * DAY),
          'agent.stateChanged',
          'hook',
          `ag-${i % AGENTS}`,
          'ws-1',
          JSON.stringify(data),
        );
      }
    })();
    const clock = { now: () => now };
    const since = new Date(now - HOUR).toISOString();
    const timeline = (c?: ReplayCheckpoints<OpenSpans>) =>
      queryStateTimeline({ events: store, clock, checkpoints: c, between }, { since, buckets: 60 });
    const registry = { listWorkspaces: () => [], all: () => [] } as unknown as AgentRegistry;
    const report = (c?: ReplayCheckpoints<ReportReplayState>) =>
      queryTimeReport(
        {
          events: store,
          clock,
          checkpoints: c,
          between,
          registry,
          tasks: { list: () => [] },
          calendar: localCalendar,
        },
        { since },
      );
    const results = {
      'dashboard.stateTimeline.1h': await figure(
        'the state timeline (GET /api/v1/report/states, the last hour in 60 buckets: the Metrics chart)',
        timeline,
        () => new ReplayCheckpoints<OpenSpans>(),
        events,
        samples,
      ),
      'dashboard.timeReport.1h': await figure(
        'the time report (GET /api/v1/report since an hour ago: the Metrics view’s time waiting for you, `wtp report`)',
        report,
        () => new ReplayCheckpoints<ReportReplayState>(),
        events,
        samples,
      ),
    };
    db.close();
    return results;
  } finally {
    disposeHome(home, binWtp);
  }
}

/** One query replayed from the start of the log against the same after a first one took checkpoints. */
async function figure<S>(
  what: string,
  query: (c?: ReplayCheckpoints<S>) => Promise<unknown>,
  fresh: () => ReplayCheckpoints<S>,
  events: number,
  samples: number,
): Promise<BenchResult> {
  const timed = async (c?: ReplayCheckpoints<S>): Promise<number> => {
    const t0 = performance.now();
    await query(c);
    return performance.now() - t0;
  };
  progress(`dashboard: ${what.split(' (')[0] ?? what}, replayed from the start (${samples} samples)`);
  const whole: number[] = [];
  let stall = 0;
  for (let i = 0; i < samples; i++) {
    // The longest gap between two turns of the event loop while the log is read.
    let last = performance.now();
    const probe = setInterval(() => {
      const t = performance.now();
      stall = Math.max(stall, t - last);
      last = t;
    }, 1);
    whole.push(await timed());
    clearInterval(probe);
  }
  progress(`dashboard: the same from checkpoints (${samples} samples after the first)`);
  const checkpoints = fresh();
  const first = await timed(checkpoints);
  const cached: number[] = [];
  for (let i = 0; i < samples; i++) cached.push(await timed(checkpoints));
  return latencyResult({
    samples: cached,
    baseline: latencyBaseline(
      'the same query replayed from the start of the log (every query before checkpoints)',
      whole,
    ),
    note: `${what}, in process against the daemon's SQLite store holding ${events} agent.stateChanged events of ${AGENTS} agents over 7 days: a query after the first one took its checkpoints (every 10,000 events) starts from the latest checkpoint before the hour. Pages of the log are read with a turn of the event loop between them, as in the daemon.`,
    extra: {
      events,
      firstQueryMs: Math.round(first),
      checkpoints: checkpoints.size,
      maxEventLoopStallMsDuringReplay: Math.round(stall * 10) / 10,
    },
  });
}
