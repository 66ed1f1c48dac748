import type { TreeSample } from '../../core/ports/daemon.js';

/** CPU time and memory of each root and all its descendants, from one look at the process table. */
export function sumTrees(
  rows: readonly { pid: number; ppid: number; cpuMs: number; rssBytes: number }[],
  roots: readonly number[],
): Map<number, TreeSample> {
  const byPid = new Map(rows.map((r) => [r.pid, r]));
  const children = new Map<number, (typeof rows)[number][]>();
  for (const r of rows) {
    const list = children.get(r.ppid);
    if (list) list.push(r);
    else children.set(r.ppid, [r]);
  }
  const out = new Map<number, TreeSample>();
  for (const root of roots) {
    const first = byPid.get(root);
    if (!first) continue;
    const sample = { cpuMs: 0, rssBytes: 0, processes: 0 };
    const stack = [first];
    for (let r = stack.pop(); r; r = stack.pop()) {
      sample.cpuMs += r.cpuMs;
      sample.rssBytes += r.rssBytes;
      sample.processes += 1;
      stack.push(...(children.get(r.pid) ?? []));
    }
    out.set(root, sample);
  }
  return out;
}

/** Sends a signal to a process group (or the process if it leads none); false if it is gone. */
export function signalGroup(pid: number, signal: 'SIGTERM' | 'SIGKILL'): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * Signals every process `scan` finds. A process may fork between a scan and the signal reaching its
 * parent: scan again until a pass finds nobody new (three passes at most). Returns how many.
 */
export function signalAll(
  scan: () => number[],
  signal: 'SIGTERM' | 'SIGKILL' | 'SIGHUP' | 'SIGSTOP' | 'SIGCONT',
): number {
  const signalled = new Set<number>();
  for (let pass = 0; pass < 3; pass++) {
    const fresh = scan().filter((pid) => !signalled.has(pid));
    if (fresh.length === 0) break;
    for (const pid of fresh) {
      try {
        process.kill(pid, signal);
        signalled.add(pid);
      } catch {
        // already gone
      }
    }
  }
  return signalled.size;
}
