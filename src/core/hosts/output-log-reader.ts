import type { OutputGap, OutputLogs } from '../ports/daemon.js';

/** What the log keeps of a range: the bytes (gaps left out), where they start and end, and the gaps. */
export interface KeptOutput {
  /** Offset of the first kept byte (later than asked when the start was rotated away or not written). */
  from: number;
  /** Offset one past the last kept byte. */
  to: number;
  /** The kept bytes of [from, to), gaps left out. */
  data: Uint8Array;
  /** Gaps inside [asked start, to), clipped to it. */
  gaps: OutputGap[];
}

/**
 * Reads [from, to) across gaps through `deliver` (each call a contiguous run of kept bytes at its
 * offset), calling `gap` before the bytes that follow a gap; returns the offset it reached.
 */
export function replayLog(
  logs: OutputLogs,
  agentId: string,
  from: number,
  to: number,
  deliver: (seq: number, data: Uint8Array) => void,
  gap?: (g: OutputGap) => void,
): number {
  let pos = from;
  let gaps: OutputGap[] | null = null;
  while (pos < to) {
    const r = logs.read(agentId, pos, to - pos);
    const resumes = Math.min(r.from, to);
    if (resumes > pos && gap) {
      gaps ??= logs.gaps(agentId);
      for (const g of gaps) {
        if (g.to > pos && g.from < resumes)
          gap({ ...g, from: Math.max(g.from, pos), to: Math.min(g.to, resumes) });
      }
    }
    if (r.data.length === 0) break;
    deliver(r.from, r.data);
    pos = r.from + r.data.length;
  }
  return pos;
}

/** The kept bytes of [from, to) in one buffer, with the gaps inside. */
export function readKept(logs: OutputLogs, agentId: string, from: number, to: number): KeptOutput {
  const parts: Uint8Array[] = [];
  const gaps: OutputGap[] = [];
  let first: number | null = null;
  let size = 0;
  const end = replayLog(
    logs,
    agentId,
    from,
    to,
    (seq, data) => {
      first ??= seq;
      parts.push(data);
      size += data.length;
    },
    (g) => gaps.push(g),
  );
  const data = new Uint8Array(size);
  let off = 0;
  for (const p of parts) {
    data.set(p, off);
    off += p.length;
  }
  const start = first ?? from;
  return { from: start, to: Math.max(start, end), data, gaps };
}
