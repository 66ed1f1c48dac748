import type { ProcessFacts, ProcessInspector, TreeSample } from '../../core/ports/daemon.js';
import type { SessionKiller } from '../../core/ports/host.js';
import { signalGroup, signalAll, sumTrees } from './process-tree.js';
import { pidInUse } from '../pid-in-use.js';
import { psRows, type PsRow } from './ps-table.js';

const live = (rows: PsRow[]): PsRow[] => rows.filter((r) => r.state !== 'Z');

/** Process facts from `ps` (procps on Linux, BSD `ps` on macOS): no /proc needed. */
export const portableInspector: ProcessInspector = {
  identity(pid: number): string | null {
    const row = live(psRows(pid))[0];
    return row ? `${pid}@t${row.startS}` : null;
  },
  sampleTrees(roots: readonly number[]): Map<number, TreeSample> {
    return sumTrees(live(psRows()), roots);
  },
  signalGroup,
};

/** A session's members: the same session token as its leader (or, once the leader is gone, its process group). */
function sessionTree(sid: number): number[] {
  const rows = live(psRows());
  const token = rows.find((r) => r.pid === sid)?.session;
  const members = rows.filter((r) => (token === undefined ? r.pgid === sid : r.session === token));
  const children = new Map<number, number[]>();
  for (const r of rows) children.set(r.ppid, [...(children.get(r.ppid) ?? []), r.pid]);
  const out = members.map((r) => r.pid);
  const seen = new Set(out);
  for (let i = 0; i < out.length; i++)
    for (const c of children.get(out[i] as number) ?? [])
      if (!seen.has(c)) {
        seen.add(c);
        out.push(c);
      }
  return out;
}

export const portableSessionKiller: SessionKiller = {
  signalSession: (sid, signal, o) =>
    o?.leaderExited && pidInUse(sid) ? 0 : signalAll(() => sessionTree(sid), signal),
};

export const portableFacts: ProcessFacts = {
  stat(pid) {
    const row = psRows(pid)[0];
    return row ? { zombie: row.state === 'Z', leader: row.pgid === pid, start: `t${row.startS}` } : null;
  },
};
