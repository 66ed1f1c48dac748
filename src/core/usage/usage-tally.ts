import type { TokenCounts } from './token-counts.js';
import { addCounts, floorCounts, isZero, KINDS, subCounts, zeroCounts } from './token-counts.js';

/** How full the context window was at the last request of a session file. */
export interface ContextReading {
  used: number;
  /** From the record itself (Codex's `model_context_window`), else null: the model's known window. */
  window: number | null;
  model: string | null;
}

/**
 * What was counted from one session file, kept with its read position so that a daemon restart
 * reads on from there and counts nothing twice. Plain data (stored as JSON).
 */
export interface FileTally {
  /** Tokens per model counted from this file. */
  models: Record<string, TokenCounts>;
  /**
   * The last keyed entry (a message id): a later line of the same key replaces it (streamed
   * messages are written once per content block, each line with the message's usage).
   */
  last: { key: string; model: string; counts: TokenCounts } | null;
  /** A cumulative source's last running total (Codex's `total_token_usage`). */
  cumulative: TokenCounts | null;
  /** The model in use, for sources that name it on other lines than the usage. */
  model: string | null;
  context: ContextReading | null;
  /** Time (epoch ms) of the newest entry counted. */
  watermark: number;
  /**
   * Set when the file was replaced or cut under us: entries up to this time were counted before,
   * so only later ones count (entries without a time are not counted while it is set).
   */
  replayUntil: number | null;
}

/** What a line added: tokens of a model at a time (negative fields correct a line counted before). */
export interface UsageDelta {
  model: string;
  counts: TokenCounts;
  /** When the vendor wrote it (epoch ms), or null when the line has no time. */
  at: number | null;
}

/** What reading one line gave. */
export interface LineOutcome {
  deltas: UsageDelta[];
  /** Why the line was refused (forged numbers, not JSON…), or undefined. */
  refused?: string;
}

export const NOTHING: LineOutcome = { deltas: [] };

export const newTally = (): FileTally => ({
  models: {},
  last: null,
  cumulative: null,
  model: null,
  context: null,
  watermark: 0,
  replayUntil: null,
});

/** Whether an entry at `at` was counted before the file was replaced (then it is skipped). */
function counted(tally: FileTally, at: number | null): boolean {
  if (tally.replayUntil === null) return false;
  return at === null || at <= tally.replayUntil;
}

function apply(tally: FileTally, model: string, delta: TokenCounts, at: number | null): UsageDelta[] {
  if (isZero(delta)) return [];
  tally.models[model] = floorCounts(addCounts(tally.models[model] ?? zeroCounts(), delta));
  if (at !== null && at > tally.watermark) tally.watermark = at;
  return [{ model, counts: delta, at }];
}

/**
 * A keyed entry (a message or response id) with its usage: counted once; a later line of the same
 * key replaces what it counted (the delta is the difference).
 */
export function keyedUsage(
  tally: FileTally,
  key: string,
  model: string,
  counts: TokenCounts,
  at: number | null,
): UsageDelta[] {
  if (counted(tally, at)) return [];
  const last = tally.last;
  if (last !== null && last.key === key) {
    const out =
      last.model === model
        ? apply(tally, model, subCounts(counts, last.counts), at)
        : [
            ...apply(tally, last.model, subCounts(zeroCounts(), last.counts), at),
            ...apply(tally, model, counts, at),
          ];
    tally.last = { key, model, counts };
    return out;
  }
  tally.last = { key, model, counts };
  return apply(tally, model, counts, at);
}

/**
 * A running total of the session (Codex's): what grew since the last one is counted, to the model
 * in use. A total lower than the last in some kind (a file started over, a forged line) is taken
 * as the new base: nothing is counted twice, and the line is reported.
 */
export function cumulativeUsage(
  tally: FileTally,
  model: string,
  total: TokenCounts,
  at: number | null,
): LineOutcome {
  const prev = tally.cumulative;
  tally.cumulative = total;
  if (prev === null) return { deltas: counted(tally, at) ? [] : apply(tally, model, total, at) };
  const delta = subCounts(total, prev);
  if (KINDS.some((k) => delta[k] < 0)) {
    return { deltas: [], refused: 'a running total went down: taken as the new base, nothing counted' };
  }
  return { deltas: apply(tally, model, delta, at) };
}

/** Every model's tokens of a set of tallies. */
export function tallyModels(tallies: Iterable<FileTally>): Map<string, TokenCounts> {
  const out = new Map<string, TokenCounts>();
  for (const t of tallies) {
    for (const [model, c] of Object.entries(t.models))
      out.set(model, addCounts(out.get(model) ?? zeroCounts(), c));
  }
  return out;
}

/** A time from a record (ISO text or epoch ms), or null. */
export function recordTime(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v;
  if (typeof v !== 'string' || v.length > 40) return null;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? ms : null;
}

/** A JSON object from a line, or null (not JSON, or not an object). */
export function jsonObject(line: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** `v` as an object, or undefined. */
export const obj = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** A model name from a record: printable, at most 200 characters; else null. */
export function modelName(v: unknown): string | null {
  if (typeof v !== 'string' || v.length === 0 || v.length > 200) return null;
  return /[\u0000-\u001f\u007f-\u009f]/.test(v) ? null : v;
}
