import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskView } from '../../src/protocol/tasks.js';
import { FAST_FLEET, FleetRig } from '../support/fleet-rig.js';
import { eventually } from '../support/harness.js';
import { NetLab, netLabUnavailable } from '../support/net-lab.js';
import { isAlive } from '../support/processes.js';

const unavailable = netLabUnavailable();
if (unavailable) console.warn(`fleet-tasks: the partition test is not run here: ${unavailable}`);

/**
 * The task graph across machines (issue 21): tasks added on one machine for a repository (by its
 * remote URL) are claimed by the machines that have a clone of it, one each while each has one
 * slot; dependents wait for done; a machine killed mid-task loses its lease and the task runs
 * again elsewhere — once in the fleet's record, the late result of the first run refused; so does a
 * machine cut off from the network mid-task, whose daemon lives on. Where network namespaces can be
 * made (root, as on CI), each machine is in one of its own (test/support/net-lab.ts).
 */
describe('fleet tasks on three daemons', () => {
  const machines = ['alpha', 'bravo', 'charlie'] as const;
  let lab: NetLab | undefined;
  let rig: FleetRig;
  let dir = '';
  /** A task that writes who ran it, then waits for its release file. */
  const blocking = (name: string): string =>
    `echo "${name} $WTP_MACHINE" >> '${dir}/ledger'; while [ ! -e '${dir}/release-${name}' ]; do sleep 0.1; done`;
  const release = (name: string): void => writeFileSync(join(dir, `release-${name}`), '');
  const ledger = (): string[] =>
    existsSync(join(dir, 'ledger')) ? readFileSync(join(dir, 'ledger'), 'utf8').trim().split('\n') : [];
  const tasks = async (m: string): Promise<TaskView[]> => {
    const r = await rig.home(m).json<{ tasks: TaskView[] }>(['task', 'ls']);
    if (r.code !== 0) throw new Error(r.stderr);
    return r.doc.tasks;
  };
  const task = async (m: string, title: string): Promise<TaskView> => {
    const t = (await tasks(m)).find((x) => x.title === title);
    if (!t) throw new Error(`no task ${title}`);
    return t;
  };
  const add = async (title: string, prompt: string, after: string[] = []): Promise<void> => {
    const args = ['task', 'add', title, '-p', prompt, '--profile', 'cmd', '--workspace', 'app'];
    for (const a of after) args.push('--after', a);
    const r = await rig.home('alpha').run(args);
    expect(r.code, r.stderr).toBe(0);
  };

  /** The task running again on another machine than `victim`, its first run recorded as lost. */
  const runsElsewhere = async (title: string, victim: string): Promise<TaskView> => {
    const other = machines.find((m) => m !== victim) as string;
    const second = await eventually(
      `${title} to run on another machine`,
      async () => {
        const t = await task(other, title);
        if (t.status === 'running' && t.fleet?.machine !== victim) return t;
        // What each machine sees, for the message of a wait that times out.
        const seen = await Promise.all(
          machines.map(async (m) => {
            const all = await tasks(m).catch((err: unknown) => String(err));
            if (typeof all === 'string') return `${m}: ${all}`;
            const live = all.filter((x) => x.status === 'running' || x.status === 'ready');
            return `${m}: ${live.map((x) => `${x.title} ${x.status} on ${x.fleet?.machine ?? '-'} runs ${JSON.stringify(x.fleet?.runs.map((r) => [r.machine, r.status]))}`).join('; ')}`;
          }),
        );
        throw new Error(
          `${seen.join(' | ')}\nthe database's sessions:\n${await rig.sessions().catch(String)}`,
        );
      },
      30_000,
    );
    expect(second.fleet?.runs.map((r) => [r.machine, r.status])).toEqual([
      [victim, 'lost'],
      [second.fleet?.machine, 'running'],
    ]);
    return second;
  };
  /** The event by which `m`'s daemon let its run of the task go (cancelled locally), once there. */
  const letGo = async (m: string, taskId: string) => {
    const out = (await rig.home(m).run(['events', '--type', 'task.statusChanged', '--json'])).stdout;
    return out
      .trim()
      .split('\n')
      .filter((l) => l !== '')
      .map(
        (l) =>
          (JSON.parse(l) as { event: { data: { task?: string; to: string; reason: string } } }).event.data,
      )
      .find((d) => d.task === taskId && d.to === 'cancelled');
  };

  beforeAll(async () => {
    lab = unavailable ? undefined : new NetLab(machines);
    rig = new FleetRig(lab);
    // A lease is a liveness promise on the wall clock: a daemon that cannot renew it in time is taken
    // for gone, and its task runs again elsewhere. 1.5 s lapsed under CI's load (a task ran twice, as
    // designed for a machine that stalls); 5 s (renewed every 1.7 s) keeps the kill test short.
    // `cmd` tasks: every machine here takes them from the fleet (not the default, issue 30).
    await rig.setUp(machines, {
      config: () =>
        `${FAST_FLEET}  leaseMs: 5000\n  taskSlots: 1\n  acceptTasks:\n    profiles: [claude, cmd]\n` +
        // The tasks write which machine ran them: agents get only the allowlist of the daemon's
        // environment (issue 30), so the machine's name is passed by name.
        'agents:\n  env:\n    pass: [WTP_MACHINE]\n',
    });
    dir = rig.home('alpha').path('shared');
    mkdirSync(dir);
    // One repository, a clone of it on every machine (its origin: the same URL).
    const origin = join(dir, 'origin.git');
    const git = (cwd: string, ...args: string[]): string =>
      execFileSync('git', args, { cwd, env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } }).toString();
    git(dir, 'init', '-q', '--bare', origin);
    const seed = join(dir, 'seed');
    git(dir, 'clone', '-q', origin, seed);
    writeFileSync(join(seed, 'README.md'), '# app\n');
    git(seed, '-c', 'user.name=t', '-c', 'user.email=t@t', 'add', '.');
    git(seed, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'init');
    git(seed, 'push', '-q', 'origin', 'HEAD');
    for (const m of machines) {
      const home = rig.home(m);
      const clone = home.path('app');
      git(dir, 'clone', '-q', `${origin}/`, clone); // another spelling of the same URL: matched all the same
      await rig.up(m);
      const ws = await home.run(['workspace', 'new', 'app', '--repo', clone]);
      expect(ws.code, ws.stderr).toBe(0);
    }
  });
  afterAll(async () => {
    await rig?.cleanup();
    lab?.cleanup();
  });

  it('a graph added on alpha spreads over the three machines; dependents wait for done', async () => {
    // `one` leaves work in its worktree, to be merged from another machine.
    await add('one', `echo one > one.txt; ${blocking('one')}`);
    for (const t of ['two', 'three']) await add(t, blocking(t));
    await add('after', blocking('after'), ['one', 'two', 'three']);
    const running = await eventually(
      'the three to run, one per machine',
      async () => {
        const all = await tasks('bravo');
        const three = all.filter((t) => ['one', 'two', 'three'].includes(t.title) && t.status === 'running');
        return three.length === 3 ? three : undefined;
      },
      30_000,
    );
    expect(new Set(running.map((t) => t.fleet?.machine))).toEqual(new Set(machines));
    expect((await task('charlie', 'after')).status).toBe('ready');
    for (const t of ['one', 'two', 'three']) release(t);
    await eventually(
      'the three to be in review',
      async () => (await tasks('alpha')).filter((t) => t.status === 'review').length === 3,
    );
    // `after` waits for done, not review: `one` is merged from another machine (its holder carries
    // the merge out in its clone), the two others moved to done by the machine that added them
    // (a third machine may not: issue 30).
    expect((await task('alpha', 'after')).status).toBe('ready');
    const holder = (await task('alpha', 'one')).fleet?.machine ?? '';
    const merger = machines.find((m) => m !== holder) as string;
    const merged = await rig.home(merger).run(['merge', `${holder}/one`, '--commit', 'one done']);
    expect(merged.code, merged.stderr).toBe(0);
    await eventually('one to be done', async () => (await task(merger, 'one')).status === 'done');
    expect(execFileSync('git', ['-C', rig.home(holder).path('app'), 'show', 'HEAD:one.txt']).toString()).toBe(
      'one\n',
    );
    for (const t of ['two', 'three']) {
      const holder = (await task('alpha', t)).fleet?.machine ?? '';
      const third = machines.find((m) => m !== 'alpha' && m !== holder) as string;
      const refused = await rig.home(third).run(['task', 'move', t, 'done']);
      expect(refused.stderr).toContain('[FLEET_TASK_NOT_YOURS]');
      expect((await rig.home('alpha').run(['task', 'move', t, 'done'])).code).toBe(0);
    }
    release('after');
    await eventually(
      'after to run and finish',
      async () => (await task('bravo', 'after')).status === 'review',
    );
    expect(ledger().sort()).toEqual(
      [
        ...running.map((t) => `${t.title} ${t.fleet?.machine ?? ''}`),
        `after ${(await task('alpha', 'after')).fleet?.machine ?? ''}`,
      ].sort(),
    );
    // Each ran once; its run says where.
    for (const t of await tasks('alpha'))
      expect(t.fleet?.runs.map((r) => r.status)).toEqual([t.title === 'one' ? 'done' : 'review']);
  });

  it('a daemon killed mid-task: its lease lapses, the task runs again elsewhere, the late result is refused', async () => {
    await add('kill', blocking('kill'));
    const first = await eventually('kill to run', async () => {
      const t = await task('alpha', 'kill');
      return t.status === 'running' && t.fleet?.machine ? t : undefined;
    });
    const victim = first.fleet?.machine ?? '';
    const home = rig.home(victim);
    const pid = (await home.json<{ daemon: { pid: number } }>(['status'])).doc.daemon.pid;
    process.kill(pid, 'SIGKILL');
    await eventually('its daemon to die', () => !isAlive(pid));
    const other = machines.find((m) => m !== victim) as string;
    const second = await runsElsewhere('kill', victim);
    // Both runs were started (the first one's agent outlived its daemon): both get their release.
    release('kill');
    await eventually('kill to be in review', async () => (await task(other, 'kill')).status === 'review');
    // The killed machine comes back (in its namespace, where the lab has one): its run's result is
    // refused, the fleet keeps the second one.
    await rig.up(victim);
    const settled = await eventually(
      'the killed machine to let its run go',
      async () => {
        const gaveUp = await letGo(victim, first.id);
        return gaveUp ? { gaveUp, task: await task(other, 'kill') } : undefined;
      },
      30_000,
    );
    // Its run is let go for one of three reasons, by when the machine reads the fleet: its lease
    // lapsed, its late result refused, or (its task still live here) the run moved to the other machine.
    expect(settled.gaveUp.reason).toMatch(
      new RegExp(
        `lease lapsed|refused its result|its run moved on in the fleet \\(${second.fleet?.machine ?? ''} holds it now\\)`,
      ),
    );
    expect(settled.task.status).toBe('review');
    expect(settled.task.fleet?.runs.map((r) => r.status)).toEqual([
      expect.stringMatching(/^(lost|refused)$/),
      'review',
    ]);
    expect(settled.task.fleet?.machine).toBe(second.fleet?.machine);
  });
  it.skipIf(unavailable !== null)(
    'a machine cut off mid-task: its lease lapses, the task runs elsewhere; back, its result is refused',
    { timeout: 180_000 },
    async () => {
      await add('cut', blocking('cut'));
      const first = await eventually('cut to run', async () => {
        const t = await task('alpha', 'cut');
        return t.status === 'running' && t.fleet?.machine ? t : undefined;
      });
      const victim = first.fleet?.machine ?? '';
      const other = machines.find((m) => m !== victim) as string;
      // A daemon outside its machine's namespace would not be cut off by its link going down (the
      // kill test's restart once brought one back outside, and its lease never lapsed).
      const pid = (await rig.home(victim).json<{ daemon: { pid: number } }>(['status'])).doc.daemon.pid;
      expect((lab as NetLab).runsIn(victim, pid), `${victim}'s daemon in its namespace`).toBe(true);
      (lab as NetLab).cut(victim);
      let second: TaskView;
      try {
        second = await runsElsewhere('cut', victim);
        // Both runs finish, the first one while its machine is still cut off: its daemon lived on.
        release('cut');
        await eventually('cut to be in review', async () => (await task(other, 'cut')).status === 'review');
        expect(ledger().filter((l) => l.startsWith('cut '))).toHaveLength(2);
      } finally {
        (lab as NetLab).restore(victim);
      }
      const gaveUp = await eventually(
        'the machine that was cut off to let its run go',
        () => letGo(victim, first.id),
        60_000,
      );
      expect(gaveUp.reason).toMatch(/lease lapsed|refused its result/);
      // The fleet's record: one result, the second run's.
      const settled = await task(victim, 'cut');
      expect(settled.status).toBe('review');
      expect(settled.fleet?.machine).toBe(second.fleet?.machine);
      expect(settled.fleet?.runs.map((r) => r.status)).toEqual([
        expect.stringMatching(/^(lost|refused)$/),
        'review',
      ]);
    },
  );
});
