import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** The autogroup's nice can be set once per 100 ms on the whole machine (EAGAIN otherwise): 50 agents started at once take 5 s. */
const RETRY_MS = 110;
const TRIES = 100;

/** The session id of a process (field 6 of /proc/<pid>/stat), or null when it cannot be read. */
function sessionOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
  } catch {
    return null;
  }
}

/** A `nice` program to start agents through (coreutils on Linux, the base system on macOS), or null. */
export function niceProgram(exists: (path: string) => boolean = existsSync): string | null {
  return ['/usr/bin/nice', '/bin/nice'].find(exists) ?? null;
}

/**
 * The command line that starts an agent `nice` steps below this process (1-19; 0 or less: as it
 * is): `nice -n K -- command args…`, so that the agent runs at that priority from its first
 * instruction and everything it starts inherits it — lowering it after the fork raced its first
 * children (CI: `sh -c 'sleep … & wait'` forked sleep at the host's priority). `nice` adds to the
 * current value and never raises it. Null when no `nice` program is found: then `lowerPriority`
 * sets it after the fork.
 */
export function niceCommand(
  command: string,
  args: readonly string[],
  nice: number,
  program: string | null = niceProgram(),
): { command: string; args: string[] } | null {
  if (!(nice > 0) || program === null) return null;
  return { command: program, args: ['-n', String(Math.min(19, Math.trunc(nice))), '--', command, ...args] };
}

/** The nice value of this process's autogroup: nothing printed (the boot session's group) is 0. */
function ownGroupNice(): number {
  try {
    return Number(/ nice (-?\d+)/.exec(readFileSync('/proc/self/autogroup', 'latin1'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/**
 * Lowers an agent's priority `nice` steps below this process's (1-19; never raises), right after the
 * fork unless `started` says `nice` (niceCommand) did it. Under Linux autogroup scheduling (most
 * desktop kernels) that alone changes nothing against other programs: each session is a scheduling
 * group and an agent leads its own (its PTY's), so its group's nice (`/proc/<pid>/autogroup`) is set
 * too, once it leads its session (sid = pid), never the forking host's group. Best effort, and
 * asynchronous for the group: `done` says what was set.
 */
export function lowerPriority(
  pid: number,
  nice: number,
  o: { started?: boolean; done?: (set: { process: boolean; group: boolean | null }) => void } = {},
): void {
  if (!(nice > 0)) return;
  const done = o.done ?? (() => {});
  const steps = Math.trunc(nice);
  let process = o.started === true;
  if (!process) {
    try {
      setPriority(pid, Math.min(19, getPriority() + steps));
      process = true;
    } catch {
      // gone already
    }
  }
  const autogroup = `/proc/${pid}/autogroup`;
  let enabled = false;
  try {
    enabled = readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'latin1').trim() === '1';
  } catch {
    // not Linux, or no autogroup: the process's nice is what counts
  }
  if (!enabled) return done({ process, group: null });
  const groupNice = String(Math.min(19, ownGroupNice() + steps));
  const attempt = (left: number): void => {
    // Before the child's setsid() its group is the host's: wait until it leads a session of its own.
    if (sessionOf(pid) === pid) {
      try {
        writeFileSync(autogroup, groupNice);
        return done({ process, group: true });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'EAGAIN') return done({ process, group: false });
      }
    } else if (sessionOf(pid) === null) {
      return done({ process, group: false });
    }
    if (left <= 0) return done({ process, group: false });
    setTimeout(() => attempt(left - 1), RETRY_MS).unref();
  };
  attempt(TRIES);
}
