import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { portableInspector, portableSessionKiller } from '../../src/adapters/process/portable-inspector.js';
import { procfsInspector, procfsSessionKiller } from '../../src/adapters/process/procfs-inspector.js';
import { Children, descendants, exited, pidsWhere, statFields } from '../support/adapters/children.js';
import { TempDirs } from '../support/adapters/temp-dirs.js';
import { eventually } from '../support/harness.js';
import { isAlive } from '../support/processes.js';

const children = new Children();
const temp = new TempDirs();

/** A pid above pid_max: no process can ever have it. */
const NO_SUCH_PID = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8')) + 1;
/** A shell with two sleeping children: three processes. */
const TREE = 'sleep 30 & sleep 30 & wait';

const sleeper = (opts: { detached?: boolean } = {}) => children.spawn('sleep', ['30'], opts);

/** Waits until `root` has `n` descendants and returns them. */
async function withDescendants(root: number, n: number): Promise<number[]> {
  const found = await eventually(`${n} descendants of ${root}`, () => {
    const d = descendants(root);
    return d.length >= n ? d : undefined;
  });
  children.track(...found);
  return found;
}

const allGone = (pids: number[]) =>
  eventually(`processes ${pids.join(', ')} to die`, () => pids.every((p) => !isAlive(p)) || undefined);

afterEach(async () => {
  await children.killAll();
  temp.removeAll();
});

/** Start time as each adapter words it: clock ticks since boot (/proc), or `t` + seconds since the epoch (`ps lstart`). */
const startOf = {
  procfs: (pid: number) => statFields(pid)?.[19],
  portable: (pid: number) => {
    const boot = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    return `t${Math.floor(boot + Number(statFields(pid)?.[19]) / 100)}`;
  },
};

/**
 * The process inspector's conformance suite, run against both adapters: Linux /proc, and `ps` as on
 * macOS (only the keywords procps and BSD `ps` share). /proc is read here only to check them.
 */
describe.each([
  { kind: 'procfs' as const, inspector: procfsInspector, killer: procfsSessionKiller },
  { kind: 'portable' as const, inspector: portableInspector, killer: portableSessionKiller },
])('process inspector: $kind', ({ kind, inspector, killer }) => {
  const start = startOf[kind];

  describe('inspector.identity', () => {
    it('is "<pid>@<start time>" for a live process and stays the same while it lives', () => {
      const child = sleeper();
      const pid = child.pid as number;
      const id = inspector.identity(pid);
      expect(id).toBe(`${pid}@${start(pid)}`);
      expect(inspector.identity(pid)).toBe(id);
      expect(inspector.identity(process.pid)).toMatch(new RegExp(`^${process.pid}@t?\\d+$`));
    });

    it('differs between two processes', () => {
      const a = sleeper().pid as number;
      const b = sleeper().pid as number;
      expect(inspector.identity(a)).not.toBeNull();
      expect(inspector.identity(a)).not.toBe(inspector.identity(b));
    });

    it('is null for a process that has died, and for a pid that cannot exist', async () => {
      const child = sleeper();
      const pid = child.pid as number;
      expect(inspector.identity(pid)).not.toBeNull();
      child.kill('SIGKILL');
      await exited(child);
      await eventually('the dead child to leave /proc', () => inspector.identity(pid) === null);
      expect(inspector.identity(NO_SUCH_PID)).toBeNull();
    });

    it('parses a command name that contains spaces and parentheses', async () => {
      const odd = join(temp.make(), 'a) b (c');
      copyFileSync('/bin/sleep', odd);
      const pid = children.spawn(odd, ['30']).pid as number;
      await eventually('the copy to run under its odd name', () => {
        const comm = readFileSync(`/proc/${pid}/comm`, 'latin1');
        return comm === 'a) b (c\n';
      });
      expect(inspector.identity(pid)).toBe(`${pid}@${start(pid)}`);
      // Right after the exec the new image may not be mapped yet (RSS 0 for an instant).
      const sample = await eventually('the copy to have memory', () => {
        const s = inspector.sampleTrees([pid]).get(pid);
        return s && s.rssBytes > 0 ? s : undefined;
      });
      expect(sample.processes).toBe(1);
    });
  });

  describe('inspector.sampleTrees', () => {
    it('counts every process of a tree and sums their memory', async () => {
      const root = children.spawn('sh', ['-c', TREE]).pid as number;
      await withDescendants(root, 2);
      const sample = inspector.sampleTrees([root]).get(root);
      expect(sample).toBeDefined();
      expect(sample?.processes).toBeGreaterThanOrEqual(3);
      expect(sample?.rssBytes).toBeGreaterThan(0);
      expect((sample?.rssBytes ?? 1) % 4096).toBe(0); // whole pages
      expect(sample?.cpuMs).toBeGreaterThanOrEqual(0);
    });

    it('samples several roots in one call and leaves unknown roots out', async () => {
      const a = children.spawn('sh', ['-c', TREE]).pid as number;
      const b = sleeper().pid as number;
      const inner = (await withDescendants(a, 2))[0] as number;
      const samples = inspector.sampleTrees([a, b, NO_SUCH_PID, inner]);
      const byPid = (x: number, y: number): number => x - y;
      expect([...samples.keys()].sort(byPid)).toEqual([a, b, inner].sort(byPid));
      expect(samples.get(a)?.processes).toBe(3);
      expect(samples.get(b)?.processes).toBe(1);
      expect(samples.get(inner)?.processes).toBe(1); // a root inside another tree counts its own subtree
      expect(samples.has(NO_SUCH_PID)).toBe(false);
    });

    it('returns an empty map for no roots', () => {
      expect(inspector.sampleTrees([]).size).toBe(0);
    });

    it('counts the memory of children: a tree uses more than its root alone', async () => {
      const root = children.spawn('sh', ['-c', TREE]).pid as number;
      const [c1] = await withDescendants(root, 2);
      const samples = inspector.sampleTrees([root, c1 as number]);
      expect(samples.get(root)?.rssBytes).toBeGreaterThan(samples.get(c1 as number)?.rssBytes ?? Infinity);
    });
  });

  describe('inspector.signalGroup', () => {
    it('kills a whole detached process group', async () => {
      const root = children.spawn('sh', ['-c', TREE], { detached: true }).pid as number;
      const kids = await withDescendants(root, 2);
      expect(kids.every((k) => Number(statFields(k)?.[2]) === root)).toBe(true); // same group as the shell
      expect(inspector.signalGroup(root, 'SIGKILL')).toBe(true);
      await allGone([root, ...kids]);
    });

    it('sends SIGTERM to the group', async () => {
      const root = children.spawn('sh', ['-c', TREE], { detached: true }).pid as number;
      const kids = await withDescendants(root, 2);
      expect(inspector.signalGroup(root, 'SIGTERM')).toBe(true);
      await allGone([root, ...kids]);
    });

    it('signals just the process when it leads no group', async () => {
      const other = sleeper();
      const child = sleeper();
      const pid = child.pid as number;
      expect(Number(statFields(pid)?.[2])).not.toBe(pid);
      expect(inspector.signalGroup(pid, 'SIGKILL')).toBe(true);
      await exited(child);
      expect(child.signalCode).toBe('SIGKILL');
      expect(isAlive(other.pid as number)).toBe(true);
      expect(isAlive(process.pid)).toBe(true);
    });

    it('returns false for a process that does not exist', () => {
      expect(inspector.signalGroup(NO_SUCH_PID, 'SIGKILL')).toBe(false);
    });
  });

  describe('killer.signalSession', () => {
    it('kills every process of a session, including ones in another process group', async () => {
      // setsid execs the shell as a session leader (pid = sid); perl moves itself to a group of its own.
      const script = `sleep 30 & perl -e 'setpgrp(0, 0); sleep 30' & wait`;
      const leader = children.spawn('setsid', ['sh', '-c', script]);
      const sid = leader.pid as number;
      const kids = await withDescendants(sid, 2);
      await eventually('perl to lead its own group', () =>
        kids.some((k) => Number(statFields(k)?.[2]) === k && Number(statFields(k)?.[3]) === sid),
      );
      expect(Number(statFields(sid)?.[3])).toBe(sid);
      const members = pidsWhere(3, sid).sort((a, b) => a - b);
      expect(members).toEqual([sid, ...kids].sort((a, b) => a - b));
      const bystander = sleeper(); // another session: must survive

      expect(killer.signalSession(sid, 'SIGKILL')).toBe(members.length);
      await allGone(members);
      expect(isAlive(bystander.pid as number)).toBe(true);
      expect(isAlive(process.pid)).toBe(true);
    });

    it('reaches descendants in sessions of their own (an agent CLI runs its tool commands under setsid)', async () => {
      // The leader's child starts a new session (setsid) that runs a loop forking sleeps: the tool command.
      const script = `setsid sh -c 'while :; do sleep 0.05; done' & wait`;
      const leader = children.spawn('setsid', ['sh', '-c', script]);
      const sid = leader.pid as number;
      const [tool] = await withDescendants(sid, 1);
      const toolPid = tool as number;
      await eventually(
        'the tool command in its own session',
        () => Number(statFields(toolPid)?.[3]) === toolPid || undefined,
      );
      const bystander = sleeper({ detached: true });

      killer.signalSession(sid, 'SIGSTOP');
      // The whole tree stops, the loop included: no sleep forked between the scan and the stop runs on.
      // Stopped is 'T', or the loop in 'D': dash vforks, and a child stopped before its exec holds its
      // parent there until SIGCONT (seen 2 times in 150 tries with 2 busy loops).
      await eventually('every process of the tree stopped', () => {
        const tree = [sid, ...descendants(sid)];
        const state = (p: number) => statFields(p)?.[0] ?? 'gone';
        const held = (p: number) =>
          state(p) === 'T' || (state(p) === 'D' && pidsWhere(1, p).some((c) => state(c) === 'T'));
        if (tree.every(held)) return true;
        throw new Error(tree.map((p) => `${p}:${state(p)}`).join(' '));
      });
      expect(statFields(bystander.pid as number)?.[0]).not.toBe('T');
      killer.signalSession(sid, 'SIGCONT');
      await eventually(
        'the tree running again',
        () => [sid, ...descendants(sid)].every((p) => statFields(p)?.[0] !== 'T') || undefined,
      );
      const all = [sid, ...descendants(sid)];
      children.track(...all);
      expect(killer.signalSession(sid, 'SIGKILL')).toBeGreaterThanOrEqual(2); // the leader and the loop, maybe a sleep
      await allGone(all);
    });

    it('after its leader exited: cleans up what is left, but never a newer session that took its pid', async () => {
      // The leader exits and leaves a sleep in its session: that is what an exited agent leaves.
      const leader = children.spawn('setsid', ['sh', '-c', 'sleep 30 & exit 0']);
      const sid = leader.pid as number;
      await new Promise((r) => (leader.exitCode === null ? leader.once('exit', r) : r(null)));
      await eventually('the leader reaped', () => !isAlive(sid) || undefined);
      const left = pidsWhere(3, sid);
      children.track(...left);
      expect(left).toHaveLength(1);
      expect(killer.signalSession(sid, 'SIGKILL', { leaderExited: true })).toBe(1);
      await allGone(left);
      // A live process with the session's id is a newer session leader (the pid was reused).
      const newer = children.spawn('setsid', ['sleep', '30']);
      const newSid = newer.pid as number;
      await eventually(
        'the newer leader in its session',
        () => Number(statFields(newSid)?.[3]) === newSid || undefined,
      );
      expect(killer.signalSession(newSid, 'SIGKILL', { leaderExited: true })).toBe(0);
      expect(isAlive(newSid)).toBe(true);
    });

    it('signals nobody for a session that does not exist', () => {
      expect(killer.signalSession(NO_SUCH_PID, 'SIGTERM')).toBe(0);
    });
  });
});
