import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/support/fake-clock.js';
import { MemoryLogger } from '../../../test/support/fake-ports.js';
import type { NewEvent } from '../../protocol/events.js';
import type { FleetRefusalCode } from '../../protocol/fleet-refusal.js';
import type { TaskView } from '../../protocol/tasks.js';
import { AppError } from '../errors.js';
import type { TaskRecord } from '../model/task-record.js';
import type {
  FleetTaskList,
  FleetTaskRow,
  FleetTasks,
  FleetTaskSpec,
  FleetTaskStatus,
} from '../ports/fleet.js';
import { FleetTaskRunner, GONE_REASON } from './fleet-task-runner.js';

const REPO = 'https://example.com/team/app';
const spec = (over: Partial<FleetTaskSpec> = {}): FleetTaskSpec => ({
  prompt: 'p',
  profile: 'claude',
  model: null,
  permissionMode: null,
  attempts: 1,
  retries: null,
  labels: [],
  workspace: 'default',
  ...over,
});
const row = (id: string, over: Partial<FleetTaskSpec> = {}): FleetTaskRow => ({
  id,
  repo: REPO,
  title: id,
  spec: spec(over),
  deps: [],
  priority: 0,
  status: 'ready',
  statusReason: null,
  createdBy: 'm2',
  createdAt: 0,
  updatedAt: 0,
  leaseMachine: null,
  leaseUntil: null,
  runId: null,
  runs: [],
  refusals: [],
});

/** The fleet's tasks as a test sets them; what the runner asked of them. */
class FakeTasks implements FleetTasks {
  rows: FleetTaskRow[] = [];
  unreadable: string[] = [];
  failWith: Error | null = null;
  refused: { task: string; code: FleetRefusalCode; reason: string }[][] = [];
  moves: [string, FleetTaskStatus, FleetTaskStatus, string][] = [];
  claimedOnly: (string[] | undefined)[] = [];
  /** What the next claim returns in place of the row (a task changed between read and claim). */
  swap: ((r: FleetTaskRow) => FleetTaskRow) | null = null;

  add(): Promise<void> {
    return Promise.resolve();
  }
  list(): Promise<FleetTaskList> {
    if (this.failWith) return Promise.reject(this.failWith);
    return Promise.resolve({ rows: structuredClone(this.rows), unreadable: [...this.unreadable] });
  }
  claim(repos: string[], limit: number, _leaseMs: number, only?: string[]): Promise<FleetTaskRow[]> {
    this.claimedOnly.push(only);
    const got = this.rows
      .filter(
        (r) => repos.includes(r.repo) && r.status === 'ready' && (only === undefined || only.includes(r.id)),
      )
      .slice(0, limit);
    for (const r of got) {
      r.status = 'running';
      r.leaseMachine = 'm1';
      r.runId = `run-${r.id}`;
      r.runs.push({
        runId: r.runId,
        machine: 'm1',
        startedAt: 0,
        endedAt: null,
        status: 'running',
        reason: null,
      });
    }
    return Promise.resolve(got.map((r) => (this.swap ? this.swap(structuredClone(r)) : structuredClone(r))));
  }
  refuse(refusals: { task: string; code: FleetRefusalCode; reason: string }[]): Promise<void> {
    this.refused.push(refusals);
    for (const x of refusals) {
      const r = this.rows.find((t) => t.id === x.task);
      if (!r) continue;
      r.refusals = [
        ...r.refusals.filter((f) => f.machine !== 'm1'),
        { machine: 'm1', code: x.code, reason: x.reason, at: 0 },
      ];
    }
    return Promise.resolve();
  }
  withdraw(tasks: string[]): Promise<void> {
    for (const r of this.rows)
      if (tasks.includes(r.id)) r.refusals = r.refusals.filter((f) => f.machine !== 'm1');
    return Promise.resolve();
  }
  renew(runIds: string[]): Promise<string[]> {
    return Promise.resolve(runIds);
  }
  report(): Promise<boolean> {
    return Promise.resolve(true);
  }
  move(id: string, from: FleetTaskStatus, to: FleetTaskStatus, reason: string): Promise<boolean> {
    this.moves.push([id, from, to, reason]);
    const r = this.rows.find((t) => t.id === id);
    if (r) Object.assign(r, { status: to, leaseMachine: null, runId: null });
    return Promise.resolve(true);
  }
}

/** The local task service, as much as the runner uses: adopted tasks run at once. */
class FakeLocal {
  readonly tasks = new Map<string, TaskRecord>();
  readonly released: [string, string][] = [];
  adopt(t: TaskRecord): Promise<TaskView> {
    this.tasks.set(t.id, {
      ...t,
      status: 'running',
      runs: [
        {
          attempt: 1,
          try: 1,
          round: 1,
          agentId: `ag-${t.id}`,
          agent: t.title,
          profile: 'claude',
          model: null,
          reused: false,
          status: 'running',
          reason: null,
          startedAt: 0,
          endedAt: null,
        } as unknown as TaskRecord['runs'][number],
      ],
    });
    return Promise.resolve({ id: t.id } as TaskView);
  }
  record(id: string): TaskRecord | undefined {
    return this.tasks.get(id);
  }
  setStatus(id: string, to: TaskRecord['status']): Promise<void> {
    const t = this.tasks.get(id);
    if (t) t.status = to;
    return Promise.resolve();
  }
  release(id: string, reason: string): Promise<void> {
    this.released.push([id, reason]);
    const t = this.tasks.get(id);
    if (t) {
      t.status = 'cancelled';
      t.runs = t.runs.map((r) => ({ ...r, status: 'discarded' }));
    }
    return Promise.resolve();
  }
  list(): TaskView[] {
    return [...this.tasks.values()].map((t) => ({ id: t.id }) as TaskView);
  }
}

function rig(slots = 2, pollMs = 5_000) {
  const clock = new FakeClock();
  const logger = new MemoryLogger();
  const tasks = new FakeTasks();
  const local = new FakeLocal();
  const events: NewEvent[] = [];
  const runner = new FleetTaskRunner({
    tasks,
    local,
    machine: 'm1',
    accept: {
      policy: { profiles: ['claude'], permissionModes: ['default', 'plan'], fromMachines: null },
      ctx: {
        defaultProfile: 'claude',
        modeOf: (_p, native) =>
          (({ default: 'default', plan: 'plan', bypassPermissions: 'bypass' }) as const)[
            native as 'default'
          ] ?? null,
      },
    },
    record: (e) => {
      events.push(...e);
      return Promise.resolve();
    },
    repos: () => new Map([[REPO, 'ws-1']]),
    subscribe: () => () => undefined,
    clock,
    logger,
    settings: { slots, leaseMs: 30_000, pollMs },
  });
  const poll = async (): Promise<void> => {
    runner.changed();
    await runner.settled();
  };
  return { clock, logger, tasks, local, events, runner, poll };
}

describe('the fleet task runner (issue 30)', () => {
  it('claims only what fleet.acceptTasks takes; refuses the rest in the fleet and its events, once', async () => {
    const r = rig();
    r.tasks.rows = [
      row('planted', { profile: 'shell', prompt: 'id > planted.txt' }),
      row('bypass', { permissionMode: 'bypassPermissions' }),
      row('fine'),
    ];
    await r.poll();
    expect([...r.local.tasks.keys()]).toEqual(['fine']);
    expect(r.tasks.claimedOnly).toEqual([['fine']]);
    expect(r.tasks.refused.flat().map((x) => [x.task, x.code])).toEqual([
      ['planted', 'profile'],
      ['bypass', 'permission_mode'],
    ]);
    const refusedEvents = r.events.filter((e) => e.type === 'fleet.taskRefused');
    expect(
      refusedEvents.map(
        (e) => e.type === 'fleet.taskRefused' && [e.data.task, e.data.code, e.data.createdBy],
      ),
    ).toEqual([
      ['planted', 'profile', 'm2'],
      ['bypass', 'permission_mode', 'm2'],
    ]);
    expect(r.runner.health()).toMatchObject({ error: null, refused: 2 });
    // Said once: the next read neither writes nor records them again.
    await r.poll();
    expect(r.tasks.refused).toHaveLength(1);
    expect(r.events.filter((e) => e.type === 'fleet.taskRefused')).toHaveLength(2);
    // A daemon that restarts finds its refusals in the fleet: no event again.
    const again = rig();
    again.tasks.rows = structuredClone(r.tasks.rows);
    await again.poll();
    expect(again.events.filter((e) => e.type === 'fleet.taskRefused')).toEqual([]);
    expect(again.tasks.refused).toEqual([]);
  });

  it('a task that changed between its read and its claim is let go at once, with why', async () => {
    const r = rig();
    r.tasks.rows = [row('changed')];
    r.tasks.swap = (t) => ({ ...t, spec: { ...t.spec, profile: 'shell' } });
    await r.poll();
    expect(r.local.tasks.size).toBe(0);
    expect(r.tasks.moves).toEqual([
      [
        'changed',
        'running',
        'ready',
        expect.stringMatching(/^refused by m1: profile shell runs the task's prompt/),
      ],
    ]);
  });

  it('a row gone from the fleet lets its task go here (its slot freed); an unreadable row does not', async () => {
    const r = rig(1);
    r.tasks.rows = [row('a'), row('b')];
    await r.poll();
    expect([...r.local.tasks.keys()]).toEqual(['a']);
    expect(r.runner.capacity()).toBe(0);
    // Its row fails validation: nothing is decided on it.
    r.tasks.unreadable = ['a'];
    r.tasks.rows = r.tasks.rows.filter((t) => t.id !== 'a');
    await r.poll();
    expect(r.local.released).toEqual([]);
    // Its row is gone (a database dropped and made again): let go, the slot free for another.
    r.tasks.unreadable = [];
    await r.poll();
    expect(r.local.released).toEqual([['a', GONE_REASON]]);
    expect(r.runner.health().gone).toBe(1);
    expect([...r.local.tasks.keys()]).toEqual(['a', 'b']);
    expect(r.local.tasks.get('b')?.status).toBe('running');
  });

  it('a run not renewed is said gone when its row is, and its lease lapsed only when the row is there', async () => {
    const r = rig(2, 60_000); // reads every minute, renews every 10 s
    r.tasks.rows = [row('a'), row('b')];
    r.runner.start();
    await r.runner.settled();
    r.tasks.renew = () => Promise.resolve([]);
    r.tasks.rows = r.tasks.rows.filter((t) => t.id !== 'a'); // dropped and made again, b claimed anew
    await r.clock.advanceAsync(10_000); // a renewal, before the next read
    await r.runner.settled();
    await r.runner.stop();
    expect(r.local.released).toEqual([
      ['a', GONE_REASON],
      ['b', 'its fleet lease lapsed (this machine was away too long): another machine may run it'],
    ]);
  });

  it('a failing read is kept for `wtp fleet` and warned of once, then cleared', async () => {
    const r = rig();
    r.tasks.failWith = new AppError('FLEET_UNREACHABLE', 'The fleet database cannot be reached.', {});
    await r.poll();
    await r.poll();
    expect(r.runner.health().error).toMatchObject({ code: 'FLEET_UNREACHABLE' });
    expect(
      r.logger.entries.filter((e) => e.level === 'warn' && /cannot read or claim/.test(e.msg)),
    ).toHaveLength(1);
    r.tasks.failWith = null;
    await r.poll();
    expect(r.runner.health().error).toBeNull();
  });
});
