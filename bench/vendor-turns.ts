import { percentile, round } from './stats.js';

/**
 * Pure pieces of the `vendors` part (vendor-latency.ts): the terminal text a user sees, pairing a
 * scripted answer with the state event and the CLI's own drawing of it, the spread of a sample.
 */

/** One `agent.stateChanged` as the benchmark received it (`at`: nowMs on arrival). */
export interface StateArrival {
  at: number;
  to: string;
  /** The signal that set it: hook, status, screen, … (none for lifecycle changes). */
  source?: string;
  reason: string;
  evidence?: string;
}

/**
 * Whether every needle shows on the screen: rows joined, whitespace removed from both (a diff
 * renderer leaves cells it skipped as they were, and a wrapped needle continues on the next row).
 */
export function screenShows(lines: readonly string[], needles: readonly string[]): boolean {
  const flat = lines.join('').replace(/\s+/g, '');
  return needles.every((n) => flat.includes(n.replace(/\s+/g, '')));
}

/** What one measured turn gave (all times in ms after the scripted answer's last byte went out). */
export type TurnOutcome =
  | {
      kind: 'ok';
      /** Answer sent → the state event arrived. */
      toState: number;
      /** Answer sent → the CLI drew it (null: the text was not seen on the terminal). */
      toDrawn: number | null;
      /** The CLI drew it → the state event (what wtp adds; null without `toDrawn`). */
      added: number | null;
      source: string;
      evidence: string;
    }
  /** The agent was already in the state before the answer was complete (and no later change came). */
  | { kind: 'early'; before: number; source: string; evidence: string }
  /** No change into the state after the prompt was sent. */
  | { kind: 'missed' };

/**
 * Pairs one turn: the first change into `target` that arrived at or after the answer went out
 * (`answeredAt`), among the changes since the prompt was sent (`sentAt`), and the time the CLI
 * drew the answer (`drawnAt`, when seen).
 */
export function pairTurn(o: {
  target: string;
  sentAt: number;
  answeredAt: number;
  drawnAt: number | null;
  events: readonly StateArrival[];
}): TurnOutcome {
  const since = o.events.filter((e) => e.at >= o.sentAt && e.to === o.target);
  const hit = since.find((e) => e.at >= o.answeredAt);
  const source = (e: StateArrival): string => e.source ?? 'lifecycle';
  if (hit) {
    const toDrawn = o.drawnAt === null ? null : o.drawnAt - o.answeredAt;
    return {
      kind: 'ok',
      toState: hit.at - o.answeredAt,
      toDrawn,
      added: o.drawnAt === null ? null : hit.at - o.drawnAt,
      source: source(hit),
      evidence: hit.evidence ?? hit.reason,
    };
  }
  const early = since.at(-1);
  if (early) {
    return {
      kind: 'early',
      before: o.answeredAt - early.at,
      source: source(early),
      evidence: early.evidence ?? early.reason,
    };
  }
  return { kind: 'missed' };
}

/** p50/p95/max (null for an empty sample, never 0). */
export interface Spread {
  samples: number;
  p50: number | null;
  p95: number | null;
  max: number | null;
}

export function spread(values: readonly number[], digits = 1): Spread {
  if (values.length === 0) return { samples: 0, p50: null, p95: null, max: null };
  return {
    samples: values.length,
    p50: round(percentile(values, 50), digits),
    p95: round(percentile(values, 95), digits),
    max: round(Math.max(...values), digits),
  };
}

/** How many times each key occurs, keys sorted. */
export function tally(keys: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [...keys].sort()) out[k] = (out[k] ?? 0) + 1;
  return out;
}

/** The turn marker the scripted server looks for in the last user text (the last one wins). */
export function turnMarker(text: string): { kind: TurnKind; turn: number } | null {
  const all = [...text.matchAll(/wtpbench-(idle|perm|ask)-(\d+)/g)];
  const last = all.at(-1);
  if (!last) return null;
  return { kind: last[1] as TurnKind, turn: Number(last[2]) };
}

/** The kinds of measured turns: a text answer (idle), a tool call (needs_permission), a question (needs_input). */
export type TurnKind = 'idle' | 'perm' | 'ask';

/**
 * `--vendors a,b` (default: all of `known`), `--vendor-turns N` (recorded turns of each kind) and
 * `--vendor-warmup N` (unrecorded ones first).
 */
export function vendorOptions(
  argv: readonly string[],
  known: readonly string[],
  defaults: { turns: number; warmup: number },
): { vendors: string[]; turns: number; warmup: number } {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i < 0 ? undefined : (argv[i + 1] ?? '');
  };
  const count = (flag: string, fallback: number, min: number): number => {
    const v = value(flag);
    if (v === undefined) return fallback;
    if (!/^\d+$/.test(v) || Number(v) < min)
      throw new Error(`${flag} takes a whole number ≥ ${min}, not "${v}"`);
    return Number(v);
  };
  const list = value('--vendors');
  const vendors = list === undefined ? [...known] : list.split(',').filter((v) => v !== '');
  const unknown = vendors.filter((v) => !known.includes(v));
  if (unknown.length > 0 || vendors.length === 0) {
    throw new Error(`--vendors takes ${known.join(', ')} (comma-separated), not "${list ?? ''}"`);
  }
  return {
    vendors,
    turns: count('--vendor-turns', defaults.turns, 1),
    warmup: count('--vendor-warmup', defaults.warmup, 0),
  };
}
