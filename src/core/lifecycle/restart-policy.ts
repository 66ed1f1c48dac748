import type { ExitInfo, RestartPolicy } from '../../protocol/agent.js';

/** Tunables of the restart policy (config `restart.*`). */
export interface RestartSettings {
  /** First delay before a restart. */
  backoffBaseMs: number;
  /** Cap of the exponential delay. */
  backoffMaxMs: number;
  /** This many automatic restarts inside `crashLoopWindowMs` stop the agent as `crashed`. */
  crashLoopCount: number;
  crashLoopWindowMs: number;
  /** A process that ran at least this long resets the backoff. */
  stableAfterMs: number;
}

export const DEFAULT_RESTART_SETTINGS: RestartSettings = {
  backoffBaseMs: 500,
  backoffMaxMs: 30_000,
  crashLoopCount: 5,
  crashLoopWindowMs: 60_000,
  stableAfterMs: 10_000,
};

/** What the supervisor remembers between exits of one agent (in memory). */
export interface RestartHistory {
  /** Times of automatic restarts, newest last, pruned to the window. */
  restartTimes: number[];
  /** Quick exits in a row, for the exponential backoff. */
  consecutiveQuickExits: number;
}

export function emptyHistory(): RestartHistory {
  return { restartTimes: [], consecutiveQuickExits: 0 };
}

export type RestartDecision =
  | { kind: 'stay-down' }
  | { kind: 'restart'; delayMs: number; attempt: number }
  | { kind: 'crash-loop'; restarts: number; windowMs: number };

export function isFailure(exit: ExitInfo): boolean {
  return exit.signal !== null || exit.exitCode !== 0;
}

/**
 * Decides what follows an exit that nobody asked for. Pure: returns the decision and the
 * updated history; the caller schedules the timer.
 */
export function decideRestart(
  policy: RestartPolicy,
  exit: ExitInfo,
  ranMs: number,
  history: RestartHistory,
  now: number,
  s: RestartSettings,
): { decision: RestartDecision; history: RestartHistory } {
  const wants = policy === 'always' || (policy === 'on-failure' && isFailure(exit));
  if (!wants) return { decision: { kind: 'stay-down' }, history };

  const recent = history.restartTimes.filter((t) => now - t < s.crashLoopWindowMs);
  if (recent.length >= s.crashLoopCount) {
    return {
      decision: { kind: 'crash-loop', restarts: recent.length, windowMs: s.crashLoopWindowMs },
      history: { restartTimes: recent, consecutiveQuickExits: history.consecutiveQuickExits },
    };
  }
  const quick = ranMs < s.stableAfterMs ? history.consecutiveQuickExits + 1 : 0;
  const delayMs =
    quick === 0 ? s.backoffBaseMs : Math.min(s.backoffMaxMs, s.backoffBaseMs * 2 ** (quick - 1));
  return {
    decision: { kind: 'restart', delayMs, attempt: recent.length + 1 },
    history: { restartTimes: [...recent, now], consecutiveQuickExits: quick },
  };
}
