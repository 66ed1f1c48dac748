import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type WebSocket from 'ws';
import type { TaskView } from '../src/protocol/tasks.js';
import { PgServer } from '../test/support/pg-server.js';
import { nowMs, runTimed, sleep, until } from './proc.js';
import type { RepoPaths } from './repo-paths.js';
import { latencyBaseline, latencyResult, progress, type BenchResult } from './report.js';
import { disposeHome, makeHome, sandboxEnv } from './sandbox.js';
import { startSession, type Session } from './session.js';
import { openWs } from './state-latency.js';
import { percentile, round } from './stats.js';

/** Fast heartbeats and polls, as a fleet's tests run; leases short enough to matter. */
const FLEET_CONFIG = 'fleet:\n  heartbeatMs: 1000\n  unreachableAfterMs: 5000\n  pollMs: 1000\n';
const MACHINES = ['alpha', 'bravo', 'charlie'] as const;

export interface FleetRuns {
  events: number;
  tasks: number;
  slots: number;
  loadEvents: number;
}

interface Fleet {
  pg: PgServer;
  sessions: Record<string, Session>;
  adminUrl: string;
}

/**
 * Part `fleet` (issue 21): three daemons with homes of their own on one real PostgreSQL (a private
 * server, one role per machine). Figures: an owner's event → the fleet view of another daemon
 * (against the same event on the owner's own stream); claiming a task graph with three daemons
 * (against one daemon dispatching the same graph alone), and how evenly it spread; what one agent
 * event costs PostgreSQL (WAL bytes, transactions, rows), net of the fleet's idle load measured
 * over a window as long.
 */
export async function measureFleet(paths: RepoPaths, runs: FleetRuns): Promise<Record<string, BenchResult>> {
  const root = makeHome('fleet-pg');
  const pg = new PgServer(root);
  const results: Record<string, BenchResult> = {};
  const homes: string[] = [root];
  try {
    await pg.start();
    const urls = await pg.fleetDatabase('fleet', [...MACHINES]);
    await pg.admin('ALTER DATABASE fleet OWNER TO wtp_admin');
    const adminUrl = pg.url('wtp_admin', pg.adminPassword, 'fleet');
    const migrate = await runTimed(process.execPath, [paths.binWtp, 'fleet', 'migrate'], {
      env: { ...sandboxEnv(root), WTP_FLEET_URL: adminUrl },
      cwd: root,
      timeoutMs: 30_000,
    });
    if (migrate.code !== 0) throw new Error(`wtp fleet migrate: ${migrate.stderr}`);
    const sessions: Record<string, Session> = {};
    for (const m of MACHINES) {
      const s = await startSession(
        paths,
        `fleet-${m}`,
        {
          WTP_FLEET_URL: urls[m] as string,
          WTP_MACHINE: m,
          WTP_BACKEND: 'headless',
        },
        // `cmd` tasks are taken from the fleet only where the policy says so (issue 30).
        `${FLEET_CONFIG}  taskSlots: ${runs.slots}\n  acceptTasks:\n    profiles: [claude, cmd]\ntasks:\n  maxAgentsPerWorkspace: ${runs.slots}\n`,
      );
      sessions[m] = s;
      homes.push(s.home);
    }
    const fleet: Fleet = { pg, sessions, adminUrl };
    progress(`fleet 1/3: an event on alpha → bravo's fleet view (${runs.events} events)`);
    Object.assign(results, await eventLatency(fleet, runs.events));
    progress(`fleet 2/3: PostgreSQL's load per agent event (${runs.loadEvents} events, then as long idle)`);
    Object.assign(results, await loadPerEvent(fleet, runs.loadEvents));
    progress(`fleet 3/3: ${runs.tasks} tasks claimed by three daemons, then by one alone`);
    Object.assign(results, await claims(paths, fleet, runs));
  } finally {
    for (const h of homes.reverse()) if (h !== root) disposeHome(h, paths.binWtp);
    await pg.cleanup();
    disposeHome(root, paths.binWtp);
  }
  return results;
}

/** A `cat` agent on alpha: each input is an `agent.inputSent` event of alpha's. */
async function eventLatency(f: Fleet, n: number): Promise<Record<string, BenchResult>> {
  const alpha = f.sessions.alpha as Session;
  const bravo = f.sessions.bravo as Session;
  const { agent } = await alpha.client.call('createAgent', {
    body: { profile: 'cmd', argv: ['cat'], cwd: alpha.home, name: 'echo', wait: true },
  });
  await until(
    async () =>
      (await bravo.client.call('listAgents')).agents.some((a) => a.id === agent.id) ? true : undefined,
    30_000,
    "bravo's view of alpha's agent",
  );
  const local = new Map<number, number>();
  const remote = new Map<number, number>();
  const bytesOf = (data: Buffer): { bytes: number; machine?: string } | null => {
    const msg = JSON.parse(data.toString('utf8')) as {
      type: string;
      event?: { type: string; agentId: string | null; data: { bytes?: number } };
      change?: {
        kind: string;
        machine?: string;
        event?: { type: string; agentId: string | null; data: { bytes?: number } };
      };
    };
    const e = msg.type === 'event' ? msg.event : msg.type === 'fleet' ? msg.change?.event : undefined;
    if (!e || e.type !== 'agent.inputSent' || e.agentId !== agent.id || e.data.bytes === undefined)
      return null;
    return { bytes: e.data.bytes, ...(msg.change?.machine ? { machine: msg.change.machine } : {}) };
  };
  const { latestSeq } = await alpha.client.call('listEvents', { query: { limit: 1 } });
  const sockets: WebSocket[] = [
    await openWs(
      alpha,
      '/api/v1/events',
      { types: 'agent.inputSent', agent: agent.id, since: latestSeq },
      'hello',
      (d, bin, at) => {
        const hit = bin ? null : bytesOf(d);
        if (hit && !local.has(hit.bytes)) local.set(hit.bytes, at);
      },
    ),
    await openWs(
      bravo,
      '/api/v1/events',
      { types: 'daemon.started', fleet: 'true' },
      'hello',
      (d, bin, at) => {
        const hit = bin ? null : bytesOf(d);
        if (hit && hit.machine === 'alpha' && !remote.has(hit.bytes)) remote.set(hit.bytes, at);
      },
    ),
  ];
  const localMs: number[] = [];
  const remoteMs: number[] = [];
  try {
    for (let i = 0; i < n + 5; i++) {
      // A distinct length per input: its event says how many bytes were typed.
      const text = 'x'.repeat(i + 1);
      const bytes = text.length + 1;
      const t0 = nowMs();
      await alpha.client.call('sendInput', { params: { agent: agent.id }, body: { text, enter: true } });
      const l = await until(() => local.get(bytes), 10_000, `local event ${i}`, 1);
      const r = await until(() => remote.get(bytes), 10_000, `fleet event ${i}`, 1);
      if (i >= 5) {
        localMs.push(l - t0);
        remoteMs.push(r - t0);
      }
      await sleep(20);
    }
  } finally {
    for (const ws of sockets) ws.close();
  }
  const p99 = (xs: number[]): number => round(percentile(xs, 99), 1);
  return {
    'fleet.event.toOtherDaemon': latencyResult({
      samples: remoteMs,
      baseline: latencyBaseline("the same event on the owner's own events WebSocket", localMs),
      note:
        "POST /agents/:id/input on alpha (a `cat` agent) → the agent.inputSent event arriving as a `fleet` message on bravo's " +
        '/api/v1/events?fleet=true WebSocket: alpha writes it to SQLite, its outbox publishes it to PostgreSQL (events, agents ' +
        'and cursor in one transaction, then NOTIFY), bravo is woken by LISTEN and reads it by its cursor. Baseline: the same ' +
        "event's arrival on alpha's own events WebSocket. 5 unrecorded warm-up events first.",
      extra: { p99: p99(remoteMs), baselineP99: p99(localMs) },
    }),
  };
}

/** WAL bytes, commits and rows written in the fleet database, now (the counters of every backend). */
async function pgCounters(pg: PgServer): Promise<{ wal: number; commits: number; rows: number }> {
  const [w] = await pg.admin<{ wal: string }>(
    "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text AS wal",
  );
  const [d] = await pg.admin<{ commits: string; rows: string }>(
    "SELECT xact_commit::text AS commits, (tup_inserted + tup_updated + tup_deleted)::text AS rows FROM pg_stat_database WHERE datname = 'fleet'",
  );
  return { wal: Number(w?.wal ?? 0), commits: Number(d?.commits ?? 0), rows: Number(d?.rows ?? 0) };
}

/** Waits until every backend has flushed its statistics (they do within 10 s of going idle). */
const STATS_FLUSH_MS = 11_000;

async function loadPerEvent(f: Fleet, n: number): Promise<Record<string, BenchResult>> {
  const alpha = f.sessions.alpha as Session;
  const agent = (await alpha.client.call('listAgents', { query: { local: 'true' } })).agents.find(
    (a) => a.name === 'echo',
  );
  if (!agent) throw new Error('no echo agent');
  await sleep(STATS_FLUSH_MS);
  const before = await pgCounters(f.pg);
  const t0 = nowMs();
  for (let i = 0; i < n; i++) {
    await alpha.client.call('sendInput', {
      params: { agent: agent.id },
      body: { text: `load ${i}`, enter: true },
    });
  }
  await until(
    async () => {
      const s = (await alpha.client.call('fleetStatus')).fleet;
      return s && s.backlog === 0 ? true : undefined;
    },
    60_000,
    'the outbox to drain',
  );
  const burstMs = nowMs() - t0;
  await sleep(STATS_FLUSH_MS);
  const after = await pgCounters(f.pg);
  const windowMs = nowMs() - t0;
  // The fleet's own load while nothing happens (heartbeats, polls), over a window as long.
  const quietFrom = await pgCounters(f.pg);
  await sleep(windowMs);
  const quietTo = await pgCounters(f.pg);
  const idle = {
    wal: quietTo.wal - quietFrom.wal,
    commits: quietTo.commits - quietFrom.commits,
    rows: quietTo.rows - quietFrom.rows,
  };
  const net = {
    wal: after.wal - before.wal - idle.wal,
    commits: after.commits - before.commits - idle.commits,
    rows: after.rows - before.rows - idle.rows,
  };
  const per = (x: number): number => round(x / n, 2);
  return {
    'fleet.pg.walBytesPerEvent': {
      value: per(net.wal),
      unit: 'bytes',
      baseline: {
        name: 'the fleet idle over as long a window, per event of the burst',
        value: per(idle.wal),
      },
      samples: n,
      note:
        `${n} agent.inputSent events on alpha, published to PostgreSQL as they come; WAL written during the burst and ` +
        "the statistics' flush after it, minus the WAL of an equally long quiet window (three daemons' heartbeats and polls). " +
        'Includes the events row, the agent row rewritten and the machine cursor, and their indexes.',
      extra: {
        commitsPerEvent: per(net.commits),
        rowsPerEvent: per(net.rows),
        idle,
        burstMs: round(burstMs, 0),
      },
    },
    'fleet.pg.commitsPerEvent': {
      value: per(net.commits),
      unit: 'transactions',
      baseline: {
        name: 'the fleet idle over as long a window, per event of the burst',
        value: per(idle.commits),
      },
      samples: n,
      note:
        'Transactions committed in the fleet database per event, net of the idle window: the owner’s publication (events ' +
        'batch when they come faster than a transaction takes) and the other daemons’ reads it wakes (their cursor reads ' +
        'are transactions too); every backend of the three daemons counted.',
      extra: { rowsPerEvent: per(net.rows) },
    },
  };
}

/** `n` cmd tasks claimed and run by the three daemons, then the same graph on one daemon alone. */
async function claims(paths: RepoPaths, f: Fleet, runs: FleetRuns): Promise<Record<string, BenchResult>> {
  const dir = makeHome('fleet-repo');
  const origin = join(dir, 'origin.git');
  const git = (cwd: string, ...args: string[]): void => {
    execFileSync('git', args, { cwd, stdio: 'ignore', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } });
  };
  git(dir, 'init', '-q', '--bare', origin);
  const seed = join(dir, 'seed');
  git(dir, 'clone', '-q', origin, seed);
  writeFileSync(join(seed, 'README.md'), '# bench\n');
  git(seed, '-c', 'user.name=b', '-c', 'user.email=b@b', 'add', '.');
  git(seed, '-c', 'user.name=b', '-c', 'user.email=b@b', 'commit', '-qm', 'init');
  git(seed, 'push', '-q', 'origin', 'HEAD');
  for (const m of MACHINES) {
    const s = f.sessions[m] as Session;
    const clone = join(s.home, 'app');
    git(dir, 'clone', '-q', origin, clone);
    await s.client.call('createWorkspace', { body: { name: 'app', repo: clone } });
  }
  const plan = join(dir, 'plan.yaml');
  mkdirSync(join(dir, 'plans'), { recursive: true });
  writeFileSync(
    plan,
    `tasks:\n${Array.from({ length: runs.tasks }, (_, i) => `  - name: t${i}\n    prompt: "true"\n    profile: cmd\n`).join('')}`,
  );
  const alpha = f.sessions.alpha as Session;
  const t0 = Date.now();
  const imported = await runTimed(
    process.execPath,
    [paths.binWtp, 'task', 'import', plan, '--workspace', 'app'],
    {
      env: alpha.env,
      cwd: alpha.home,
      timeoutMs: 60_000,
    },
  );
  if (imported.code !== 0) throw new Error(`wtp task import: ${imported.stderr}`);
  const done = await until(
    async () => {
      const { tasks } = await alpha.client.call('listTasks');
      const fleetTasks = tasks.filter((t: TaskView) => t.fleet !== undefined);
      return fleetTasks.length === runs.tasks && fleetTasks.every((t) => t.status === 'review')
        ? fleetTasks
        : undefined;
    },
    600_000,
    'every fleet task in review',
    200,
  );
  const fleetMs = Date.now() - t0;
  const by = new Map<string, number>(MACHINES.map((m) => [m, 0]));
  const starts: number[] = [];
  for (const t of done) {
    const run = t.fleet?.runs.at(-1);
    if (run) {
      by.set(run.machine, (by.get(run.machine) ?? 0) + 1);
      starts.push(Date.parse(run.startedAt));
    }
  }
  const counts = [...by.values()];
  const jain = round(
    counts.reduce((a, b) => a + b, 0) ** 2 / (counts.length * counts.reduce((a, b) => a + b * b, 0)),
    3,
  );
  const claimSpanMs = Math.max(...starts) - Math.min(...starts);

  // The same graph on one daemon alone, outside any fleet, with the three daemons' slots together.
  const solo = await startSession(
    paths,
    'fleet-solo',
    { WTP_BACKEND: 'headless' },
    `tasks:\n  maxAgentsPerWorkspace: ${runs.slots * 3}\n`,
  );
  try {
    const clone = join(solo.home, 'app');
    git(dir, 'clone', '-q', origin, clone);
    await solo.client.call('createWorkspace', { body: { name: 'app', repo: clone } });
    const s0 = Date.now();
    const r = await runTimed(process.execPath, [paths.binWtp, 'task', 'import', plan, '--workspace', 'app'], {
      env: solo.env,
      cwd: solo.home,
      timeoutMs: 60_000,
    });
    if (r.code !== 0) throw new Error(`wtp task import (solo): ${r.stderr}`);
    await until(
      async () => {
        const { tasks } = await solo.client.call('listTasks');
        return tasks.length === runs.tasks && tasks.every((t) => t.status === 'review') ? true : undefined;
      },
      600_000,
      'every solo task in review',
      200,
    );
    const soloMs = Date.now() - s0;
    const perSecond = (ms: number): number => round((runs.tasks * 1000) / ms, 2);
    return {
      'fleet.tasks.throughput': {
        value: perSecond(fleetMs),
        unit: 'tasks/s',
        baseline: {
          name: `one daemon alone, ${runs.slots * 3} agents at once (no fleet)`,
          value: perSecond(soloMs),
        },
        samples: runs.tasks,
        note:
          `${runs.tasks} cmd tasks (\`true\`, each in a git worktree of its own) imported on alpha into the fleet's graph ` +
          `and claimed by three daemons (${runs.slots} slots each, leases, FOR UPDATE SKIP LOCKED) → all in review; against ` +
          `the same plan dispatched by one daemon alone with as many agents at once. All on this one machine: the three ` +
          'daemons share its 2 cores, so this measures overhead, not scale-out.',
        extra: { fleetMs, soloMs, claimSpanMs },
      },
      'fleet.tasks.fairness': {
        value: jain,
        unit: "Jain's index",
        baseline: { name: 'an even split (1.0)', value: 1 },
        samples: runs.tasks,
        note: 'How evenly the three daemons shared the graph: (Σx)² / (n·Σx²) over the tasks each ran (1 = even, 1/3 = one took all).',
        extra: Object.fromEntries(by),
      },
    };
  } finally {
    disposeHome(solo.home, paths.binWtp);
    disposeHome(dir, paths.binWtp);
  }
}
