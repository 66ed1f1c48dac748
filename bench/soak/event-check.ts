/** The soak's event-log checks, pure. */

export interface EventKey {
  seq: number;
  type: string;
  ts: string;
  agentId: string | null;
}

export interface StoredVerdict {
  events: number;
  latestSeq: number;
  /** Seqs in 1..latestSeq that are missing. */
  gaps: number[];
  /** Seqs read more than once. */
  duplicates: number[];
  /** Places where a seq is not above the one before it. */
  outOfOrder: number;
}

/** The stored log, read in pages from seq 0: every seq from 1 to the latest exactly once, in order. */
export function checkStoredEvents(seqs: readonly number[], latestSeq: number): StoredVerdict {
  const seen = new Set<number>();
  const duplicates: number[] = [];
  let outOfOrder = 0;
  let prev = 0;
  for (const s of seqs) {
    if (seen.has(s)) duplicates.push(s);
    seen.add(s);
    if (s <= prev) outOfOrder++;
    prev = Math.max(prev, s);
  }
  const top = Math.max(latestSeq, prev);
  const gaps: number[] = [];
  for (let s = 1; s <= top; s++) if (!seen.has(s)) gaps.push(s);
  return { events: seqs.length, latestSeq, gaps, duplicates, outOfOrder };
}

export interface LiveVerdict {
  received: number;
  /** Seqs skipped by the live stream (a jump of more than one between two events it delivered). */
  gaps: number[];
  /** Events delivered twice or going backwards. */
  repeated: number;
  /** Events delivered live that differ from the stored event of the same seq, or are not stored. */
  mismatched: number[];
}

/**
 * The live stream (`/api/v1/events`, reconnected after every daemon restart with `since` = the
 * last seq received): it must deliver 1, 2, 3 … without a hole, and each event as it was stored.
 */
export function checkLiveEvents(
  received: readonly EventKey[],
  stored: ReadonlyMap<number, EventKey>,
): LiveVerdict {
  const gaps: number[] = [];
  const mismatched: number[] = [];
  let repeated = 0;
  let prev = 0;
  for (const e of received) {
    if (e.seq <= prev) repeated++;
    else for (let s = prev + 1; s < e.seq; s++) gaps.push(s);
    prev = Math.max(prev, e.seq);
    const s = stored.get(e.seq);
    if (!s || s.type !== e.type || s.ts !== e.ts || s.agentId !== e.agentId) mismatched.push(e.seq);
  }
  return { received: received.length, gaps, repeated, mismatched };
}
