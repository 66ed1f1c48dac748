import { percentile, round, summarize, type Summary } from './stats.js';

/**
 * Pure pieces of the `answers` part (answer-latency.ts): the round schedule, pairing an action
 * with the state event that took the agent out of its permission dialog, the statistics with p99,
 * the part's options.
 */

/** One `agent.stateChanged` as the benchmark received it (`at`: nowMs on arrival). */
export interface StateMove {
  at: number;
  from: string | null;
  to: string;
  /** The signal that set it: hook, status, screen, … (none for lifecycle changes). */
  source?: string;
}

/** One measured (or warm-up) action: which mode, in which round. */
export interface Slot {
  round: number;
  mode: string;
  warmup: boolean;
}

/**
 * Rounds of every mode, interleaved (drift in the machine's load hits all alike): each round runs
 * every mode once, starting one mode further each round, so no mode always comes first.
 */
export function schedule(modes: readonly string[], warmup: number, rounds: number): Slot[] {
  const out: Slot[] = [];
  for (let r = 0; r < warmup + rounds; r++) {
    for (let i = 0; i < modes.length; i++) {
      const mode = modes[(r + i) % modes.length] as string;
      out.push({ round: r + 1, mode, warmup: r < warmup });
    }
  }
  return out;
}

/** What one action gave (ms after `sentAt`, the moment the action started). */
export type LeaveOutcome =
  | { kind: 'ok'; ms: number; to: string; source: string }
  /** The agent left the dialog after it was checked but before the action: not a sample. */
  | { kind: 'early'; to: string }
  /** No event out of the dialog at or after the action. */
  | { kind: 'missed' };

/**
 * Pairs one action: the first change out of `needs_permission` that arrived at or after `sentAt`.
 * A change out of it between `readyAt` (the dialog was checked on screen) and `sentAt` means the
 * action did not cause it: the round is `early`.
 */
export function pairLeave(o: {
  readyAt: number;
  sentAt: number;
  events: readonly StateMove[];
}): LeaveOutcome {
  const leaving = o.events.filter((e) => e.at >= o.readyAt && e.from === 'needs_permission');
  const before = leaving.find((e) => e.at < o.sentAt);
  if (before) return { kind: 'early', to: before.to };
  const hit = leaving.find((e) => e.at >= o.sentAt);
  if (!hit) return { kind: 'missed' };
  return { kind: 'ok', ms: hit.at - o.sentAt, to: hit.to, source: hit.source ?? 'lifecycle' };
}

/** Milliseconds statistics with the p99 the report shape has no field for. */
export function withP99(samples: readonly number[], digits = 1): Summary & { p99: number } {
  return { ...summarize(samples, digits), p99: round(percentile(samples, 99), digits) };
}

/** Statistics of a sample that may be empty (then null, never 0). */
export function maybeStats(samples: readonly number[], digits = 1): (Summary & { p99: number }) | null {
  return samples.length === 0 ? null : withP99(samples, digits);
}

/** `--answer-rounds N` (measured rounds, each mode once per round) and `--answer-warmup N`. */
export function answerOptions(
  argv: readonly string[],
  defaults: { rounds: number; warmup: number },
): { rounds: number; warmup: number } {
  const count = (flag: string, fallback: number, min: number): number => {
    const i = argv.indexOf(flag);
    if (i < 0) return fallback;
    const v = argv[i + 1] ?? '';
    if (!/^\d+$/.test(v) || Number(v) < min)
      throw new Error(`${flag} takes a whole number ≥ ${min}, not "${v}"`);
    return Number(v);
  };
  return {
    rounds: count('--answer-rounds', defaults.rounds, 1),
    warmup: count('--answer-warmup', defaults.warmup, 0),
  };
}
