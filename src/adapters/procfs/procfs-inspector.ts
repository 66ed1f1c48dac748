import { readdirSync, readFileSync } from 'node:fs';
import type { ProcessInspector, TreeSample } from '../../core/ports/daemon.js';

const PAGE_SIZE = 4096;
/** USER_HZ is 100 on every Linux architecture Node supports. */
const TICKS_PER_SECOND = 100;

interface StatLine {
  pid: number;
  ppid: number;
  session: number;
  cpuTicks: number;
  startTicks: string;
  rssPages: number;
}

/** Parses /proc/<pid>/stat; the command name may contain spaces and parentheses. */
function readStat(pid: number | string): StatLine | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  const close = text.lastIndexOf(')');
  const f = text.slice(close + 2).split(' ');
  // f[0] is field 3 (state); field n is f[n - 3].
  if (f[0] === 'Z' || f[0] === 'X') return null; // zombies are gone for our purposes
  return {
    pid: Number(pid),
    ppid: Number(f[1]),
    session: Number(f[3]),
    cpuTicks: Number(f[11]) + Number(f[12]),
    startTicks: f[19] ?? '',
    rssPages: Number(f[21]),
  };
}

/** Process facts from Linux /proc. */
export const procfsInspector: ProcessInspector = {
  identity(pid: number): string | null {
    const s = readStat(pid);
    return s ? `${pid}@${s.startTicks}` : null;
  },

  sampleTrees(roots: readonly number[]): Map<number, TreeSample> {
    // One pass over /proc for all agents: the cost does not grow with the number of agents.
    const byPid = new Map<number, StatLine>();
    const children = new Map<number, StatLine[]>();
    for (const name of readdirSync('/proc')) {
      if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
      const s = readStat(name);
      if (!s) continue;
      byPid.set(s.pid, s);
      const list = children.get(s.ppid);
      if (list) list.push(s);
      else children.set(s.ppid, [s]);
    }
    const out = new Map<number, TreeSample>();
    for (const root of roots) {
      const rootStat = byPid.get(root);
      if (!rootStat) continue;
      let cpuTicks = 0;
      let rssPages = 0;
      let processes = 0;
      const stack = [rootStat];
      while (stack.length > 0) {
        const s = stack.pop();
        if (!s) break;
        cpuTicks += s.cpuTicks;
        rssPages += s.rssPages;
        processes += 1;
        for (const c of children.get(s.pid) ?? []) stack.push(c);
      }
      out.set(root, {
        cpuMs: (cpuTicks * 1000) / TICKS_PER_SECOND,
        rssBytes: rssPages * PAGE_SIZE,
        processes,
      });
    }
    return out;
  },

  signalGroup(pid: number, signal: 'SIGTERM' | 'SIGKILL'): boolean {
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
  },
};

/** Proportional set size of one process (for benchmarks): shared pages split between sharers. */
export function pssBytes(pid: number): number | null {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1');
    const m = /^Pss:\s+(\d+) kB/m.exec(text);
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Signals every process of a terminal session (field 6 of /proc/<pid>/stat is the session id) and
 * their descendants in other sessions: an agent CLI runs its tool commands (builds, dev servers) in
 * sessions of their own, and a stop, a pause or a clean-up must reach them too.
 */
export const procfsSessionKiller = {
  signalSession(sid: number, signal: 'SIGTERM' | 'SIGKILL' | 'SIGHUP' | 'SIGSTOP' | 'SIGCONT'): number {
    // A process may fork between a scan and the signal reaching its parent: scan again until a
    // pass finds nobody new (three passes at most), so a stop or a kill also catches those.
    const signalled = new Set<number>();
    for (let pass = 0; pass < 3; pass++) {
      const fresh = sessionTree(sid).filter((pid) => !signalled.has(pid));
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
  },
};

/** The live processes of session `sid` and their descendants in other sessions. */
function sessionTree(sid: number): number[] {
  const children = new Map<number, number[]>();
  const targets: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    const st = readStat(name);
    if (!st) continue;
    const siblings = children.get(st.ppid);
    if (siblings) siblings.push(st.pid);
    else children.set(st.ppid, [st.pid]);
    if (st.session === sid) targets.push(st.pid);
  }
  const seen = new Set(targets);
  for (let i = 0; i < targets.length; i++) {
    for (const c of children.get(targets[i] as number) ?? []) {
      if (!seen.has(c)) {
        seen.add(c);
        targets.push(c);
      }
    }
  }
  return targets;
}
