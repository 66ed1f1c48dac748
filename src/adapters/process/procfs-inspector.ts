import { readdirSync, readFileSync } from 'node:fs';
import type { ProcessFacts, ProcessInspector, TreeSample } from '../../core/ports/daemon.js';
import type { SessionKiller } from '../../core/ports/host.js';
import { signalAll, signalGroup, sumTrees } from './process-tree.js';
import { pidInUse } from '../pid-in-use.js';

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
    const rows = allStats().map((st) => ({
      pid: st.pid,
      ppid: st.ppid,
      cpuMs: (st.cpuTicks * 1000) / TICKS_PER_SECOND,
      rssBytes: st.rssPages * PAGE_SIZE,
    }));
    return sumTrees(rows, roots);
  },

  signalGroup,
};

/** Every live process in /proc. */
function allStats(): StatLine[] {
  const out: StatLine[] = [];
  for (const name of readdirSync('/proc')) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    const s = readStat(name);
    if (s) out.push(s);
  }
  return out;
}

/** A process's state, whether it leads its session, and its start time (`/proc/<pid>/stat` fields 3, 6, 22). */
export const procfsFacts: ProcessFacts = {
  stat(pid) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return { zombie: f[0] === 'Z', leader: Number(f[3]) === pid, start: f[19] ?? '' };
    } catch {
      return null;
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
export const procfsSessionKiller: SessionKiller = {
  signalSession: (sid, signal, o) =>
    o?.leaderExited && pidInUse(sid) ? 0 : signalAll(() => sessionTree(sid), signal),
};

/** The live processes of session `sid` and their descendants in other sessions. */
function sessionTree(sid: number): number[] {
  const children = new Map<number, number[]>();
  const targets: number[] = [];
  for (const st of allStats()) {
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
