import { readFileSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';

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

/**
 * Lowers an agent's priority to nice `nice` (1-19; never raises: 0 or less does nothing).
 *
 * The process's own nice value, right after the fork (threads and children inherit it). On Linux
 * with autogroup scheduling (`/proc/sys/kernel/sched_autogroup_enabled`, the default of most desktop
 * kernels), that alone changes nothing against other programs: each session is scheduled as a group,
 * and an agent leads a session of its own (its PTY's), so its group's nice (`/proc/<pid>/autogroup`)
 * is set too — only once the agent leads its session (sid = pid), never the group of the host that
 * forked it. Best effort, and asynchronous for the group: `done` says what was set.
 */
export function lowerPriority(
  pid: number,
  nice: number,
  done: (set: { process: boolean; group: boolean | null }) => void = () => {},
): void {
  if (!(nice > 0)) return;
  let process = false;
  try {
    setPriority(pid, Math.min(19, Math.trunc(nice)));
    process = true;
  } catch {
    // gone already
  }
  const autogroup = `/proc/${pid}/autogroup`;
  let enabled = false;
  try {
    enabled = readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'latin1').trim() === '1';
  } catch {
    // not Linux, or no autogroup: the process's nice is what counts
  }
  if (!enabled) return done({ process, group: null });
  const attempt = (left: number): void => {
    // Before the child's setsid() its group is the host's: wait until it leads a session of its own.
    if (sessionOf(pid) === pid) {
      try {
        writeFileSync(autogroup, String(Math.min(19, Math.trunc(nice))));
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
