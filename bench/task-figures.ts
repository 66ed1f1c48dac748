import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DispatchRig } from '../test/support/dispatch-rig.js';
import type { WtpEvent } from '../src/protocol/events.js';
import type { TaskView } from '../src/protocol/tasks.js';
import { gitEnv, gitRun } from './git-repo.js';
import { sleep } from './proc.js';
import type { RepoPaths } from './repo-paths.js';
import { latencyBaseline, latencyResult, progress, type BenchResult } from './report.js';
import { disposeHome, makeHome } from './sandbox.js';
import { startSession, type Session } from './session.js';
import { round } from './stats.js';

export interface TaskRuns {
  /** Graph sizes of the dispatcher figure. */
  sizes: readonly number[];
  /** Merge → dependant samples through the daemon. */
  mergeSamples: number;
}

export async function measureTasks(paths: RepoPaths, runs: TaskRuns): Promise<Record<string, BenchResult>> {
  const results: Record<string, BenchResult> = {};
  progress(`tasks 1/2: dispatching random task graphs of ${runs.sizes.join(', ')} tasks with instant agents`);
  results['tasks.dispatchGraph'] = await measureDispatchGraphs(runs.sizes);
  progress(`tasks 2/2: a dependency's merge → its dependant's agent running (${runs.mergeSamples} samples)`);
  results['tasks.mergeToDependant'] = await measureMergeToDependant(paths, runs.mergeSamples);
  return results;
}

/** Runs of each graph size (the median is reported). */
const REPEATS = 3;

/** A random DAG: task i waits for 0-2 earlier tasks (uniform), the same for a given seed. */
function randomDag(n: number, seed: number): number[][] {
  let s = seed;
  const rand = (k: number): number => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s % k;
  };
  return Array.from({ length: n }, (_, i) =>
    i === 0 ? [] : [...new Set([rand(i), rand(i)].slice(0, rand(3)))],
  );
}

/**
 * The whole graph through the real TaskService, TaskIndex and Dispatcher over in-memory ports
 * (`dispatcher: true`), with agents that finish and are merged the moment they start; or the same
 * store writes with no dispatcher, tasks taken in topological order (the floor).
 */
async function runGraph(dag: number[][], dispatcher: boolean): Promise<number> {
  const rig = new DispatchRig(
    { maxAgentsPerWorkspace: 8, defaultProfile: 'cmd', retries: 0 },
    { retainHistory: false },
  );
  await rig.start();
  rig.dispatcher.stop();
  const ids: string[] = [];
  for (const [i, deps] of dag.entries()) {
    const after = deps.map((d) => ids[d] as string);
    ids.push((await rig.tasks.add({ title: `t${i}`, prompt: 'true', status: 'ready', after }, 'cli')).id);
  }
  const finish = async (agentId: string): Promise<void> => {
    const agent = rig.registry.get(agentId);
    if (!agent) return;
    agent.state = 'exited';
    agent.stateDetail = { reason: 'exited', exitCode: 0 };
    const ws = agent.workspaceId;
    const data = { from: 'starting' as const, to: 'exited' as const, detail: agent.stateDetail, pid: null };
    await rig.registry.save(agent, [
      { type: 'agent.stateChanged', source: 'host', agentId, workspaceId: ws, data },
    ]);
    if (!dispatcher) await rig.tasks.runEnded(agentId, 'review', 'command succeeded');
    const merged = { strategy: 'merge' as const, target: 'main', commit: 'c0ffee', test: null };
    await rig.registry.record([
      { type: 'agent.merged', source: 'cli', agentId, workspaceId: ws, data: merged },
    ]);
    if (!dispatcher) await rig.tasks.runEnded(agentId, 'merged', 'merged');
  };
  let done = 0;
  let resolveAll = (): void => {};
  const all = new Promise<void>((r) => (resolveAll = r));
  rig.bus.subscribe((e: WtpEvent) => {
    if (e.type === 'task.attemptStarted' && dispatcher && e.agentId)
      queueMicrotask(() => void finish(e.agentId as string));
    if (e.type === 'task.statusChanged' && e.data.to === 'done' && ++done === dag.length) resolveAll();
  });
  const t0 = performance.now();
  if (dispatcher) {
    rig.dispatcher.start();
    await all;
  } else {
    for (const id of ids) {
      const agent = await rig.newAgent();
      await rig.tasks.runStarted(id, {
        attempt: 1,
        try: 1,
        agentId: agent,
        profile: 'cmd',
        model: null,
        reused: false,
      });
      await finish(agent);
    }
    await all;
  }
  const ms = performance.now() - t0;
  rig.stop();
  return ms;
}

async function measureDispatchGraphs(sizes: readonly number[]): Promise<BenchResult> {
  const rows: { tasks: number; dispatcherMs: number; floorMs: number; overheadUsPerTask: number }[] = [];
  await runGraph(randomDag(500, 11), true); // warm-up (JIT)
  await runGraph(randomDag(500, 11), false);
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  for (const n of sizes) {
    const dag = randomDag(n, 42 + n);
    const floor: number[] = [];
    const disp: number[] = [];
    for (let k = 0; k < REPEATS; k++) {
      floor.push(await runGraph(dag, false));
      disp.push(await runGraph(dag, true));
    }
    const [floorMs, dispatcherMs] = [median(floor), median(disp)];
    const overheadUsPerTask = round(((dispatcherMs - floorMs) * 1000) / n, 1);
    rows.push({
      tasks: n,
      dispatcherMs: round(dispatcherMs, 1),
      floorMs: round(floorMs, 1),
      overheadUsPerTask,
    });
    progress(`  ${n} tasks: ${round(dispatcherMs, 0)} ms with the dispatcher, ${round(floorMs, 0)} ms floor`);
  }
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (!first || !last) throw new Error('no graph sizes');
  const perTask = (r: typeof first): number => r.dispatcherMs / r.tasks;
  return {
    value: last.dispatcherMs,
    unit: 'ms',
    baseline: {
      name: `the same ${last.tasks} tasks' store writes in topological order, no dispatcher`,
      value: last.floorMs,
    },
    ratio: round(last.dispatcherMs / last.floorMs, 2),
    samples: 1,
    note:
      `A random DAG of ${last.tasks} tasks (0-2 dependencies each) dispatched to completion, 8 agents at a time, ` +
      'by the real TaskService/TaskIndex/Dispatcher over in-memory ports (median of 3 runs per size); agents exit 0 and are merged the moment ' +
      'they start. extra.rows gives each size; growth = time per task at the largest size / at the smallest ' +
      '(1.0 is linear).',
    extra: { rows, growth: round(perTask(last) / perTask(first), 2) },
  };
}

/**
 * Through the daemon: task B waits for task A (cmd tasks in a git workspace); once A is in review,
 * A's agent is merged over the API; the figure is the daemon's time from A's `agent.merged` event to
 * B's agent `running`. Baseline: `agent.created` → `running` of a `wtp new`-style agent in the same
 * repository (a worktree each), in the same run.
 */
async function measureMergeToDependant(paths: RepoPaths, samples: number): Promise<BenchResult> {
  const root = makeHome('tasks-repo');
  const repo = join(root, 'repo');
  mkdirSync(repo, { recursive: true });
  await gitRun(['init', '-q', '-b', 'main'], repo);
  writeFileSync(join(repo, 'README'), 'bench\n');
  await gitRun(['add', '-A'], repo);
  await gitRun(['commit', '-qm', 'start'], repo);
  const config = join(root, 'config.yaml');
  writeFileSync(
    config,
    `tasks:\n  defaultProfile: cmd\n  retries: 0\ngit:\n  worktreesDir: ${JSON.stringify(join(root, 'wt'))}\n`,
  );
  const s = await startSession(paths, 'tasks', { ...gitEnv(), WTP_CONFIG: config, WTP_BACKEND: 'headless' });
  try {
    await s.client.call('createWorkspace', { body: { name: 'bench', repo, backend: 'headless' } });
    const dependant: number[] = [];
    const direct: number[] = [];
    for (let i = 0; i <= samples; i++) {
      const a = await addTask(s, `a${i}`, `echo ${i} > f${i} && git add f${i} && git commit -qm f${i}`);
      const b = await addTask(s, `b${i}`, 'true', [a.id]);
      const ready = await waitTask(s, a.id, (t) => t.status === 'review');
      const agentA = ready.runs[0]?.agentId as string;
      await s.client.call('agentMerge', { params: { agent: agentA }, body: { strategy: 'merge' } });
      const started = await waitTask(s, b.id, (t) => t.runs.length > 0);
      const mergedAt = await eventTime(s, agentA, (e) => e.type === 'agent.merged');
      const runningAt = await eventTime(s, started.runs[0]?.agentId as string, isRunning);

      const { agent } = await s.client.call('createAgent', {
        body: {
          profile: 'cmd',
          argv: ['sleep', '600'],
          workspace: 'bench',
          cwd: repo,
          name: `direct-${i}`,
          wait: true,
        },
      });
      const createdAt = await eventTime(s, agent.id, (e) => e.type === 'agent.created');
      const directRunning = await eventTime(s, agent.id, isRunning);
      // Finished agents go, as `wtp gc` would take them: the conflict radar that runs after each merge
      // covers every agent branch pairwise, and a growing pile of them would slow later samples.
      for (const id of [agent.id, agentA, started.runs[0]?.agentId as string]) {
        await waitGone(s, id);
      }
      if (i === 0) continue; // warm-up
      dependant.push(runningAt - mergedAt);
      direct.push(directRunning - createdAt);
    }
    return latencyResult({
      samples: dependant,
      baseline: latencyBaseline(
        'agent.created → running of an agent created directly (worktree, cmd)',
        direct,
      ),
      note:
        "A dependency's agent.merged event → its dependant's agent running (daemon event times, ms resolution); " +
        'the task waits for the merge, then the dispatcher creates its agent with a worktree of its own.',
    });
  } finally {
    disposeHome(s.home, paths.binWtp);
  }
}

/** Removes the agent (with its worktree), retrying while it is still settling. */
async function waitGone(s: Session, agentId: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    try {
      await s.client.call('removeAgent', { params: { agent: agentId }, query: { force: 'true' } });
      return;
    } catch (err) {
      if (i === 999) throw err;
      await sleep(10);
    }
  }
}

const isRunning = (e: WtpEvent): boolean => e.type === 'agent.stateChanged' && e.data.to === 'running';

async function addTask(s: Session, title: string, prompt: string, after: string[] = []): Promise<TaskView> {
  const { task } = await s.client.call('createTask', { body: { title, prompt, workspace: 'bench', after } });
  return task;
}

async function waitTask(s: Session, id: string, ok: (t: TaskView) => boolean): Promise<TaskView> {
  for (let i = 0; i < 3000; i++) {
    const { task } = await s.client.call('getTask', { params: { task: id } });
    if (ok(task)) return task;
    if (task.status === 'failed') throw new Error(`task ${task.title} failed: ${task.statusReason ?? ''}`);
    await sleep(5);
  }
  throw new Error(`task ${id} did not get there in time`);
}

async function eventTime(s: Session, agentId: string, match: (e: WtpEvent) => boolean): Promise<number> {
  for (let i = 0; i < 1000; i++) {
    const { events } = await s.client.call('listEvents', { query: { agent: agentId, limit: 1000 } });
    const hit = events.find(match);
    if (hit) return Date.parse(hit.ts);
    await sleep(5);
  }
  throw new Error(`no such event for ${agentId}`);
}
