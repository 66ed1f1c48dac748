import { SIGNAL_SOURCES, type Signal, type SignalSource } from '../../protocol/signals.js';
import type { StateReason } from '../../protocol/state-reasons.js';

export interface ResolveSettings {
  /**
   * A newer screen verdict that disagrees with the last hook (or stream) signal wins once it
   * has held this long: hooks are events and can be missed (Esc fires no Stop hook).
   */
  screenOverrideMs: number;
}

export interface Resolution {
  signal: Signal;
  /** The more trusted signal this one overrode, and why. */
  overrode?: string;
}

/** A screen verdict this close before a signal describes the same moment. */
const SAME_MOMENT_MS = 2_000;

/** Sources whose word is events (a missed event leaves them stale), not a reported state. */
export const EVENT_SOURCES: readonly SignalSource[] = ['hook', 'stream'];

/**
 * In order (DESIGN §5): 1. the latest signal of the most trusted source that has spoken decides;
 * 2. status records (OSC 7501), re-sent on every change, are overridden by nothing less trusted;
 * 3. a screen that has disagreed with the latest hook or stream event for `screenOverrideMs` wins
 *    (an Esc, a permission answered by hand, a turn no hook reported); 3b. so does a screen waiting
 *    on the user over a record saying the turn is done (Codex draws "Implement this plan?" after);
 * 4. a bare error (Codex's `state=error`) yields to a usage limit on screen: the user must act on it;
 * 5. process signals only speak when nothing else has. Null when no signal is known.
 */
export function resolveActivity(
  latest: Partial<Record<SignalSource, Signal>>,
  now: number,
  s: ResolveSettings,
): Resolution | null {
  const top = SIGNAL_SOURCES.map((src) => latest[src]).find((x) => x !== undefined);
  if (!top) return null;
  const screen = latest.screen;
  if (top.reason === 'error' && screen?.reason === 'usage_limit' && screen.at >= top.at - SAME_MOMENT_MS) {
    return {
      signal: screen,
      overrode: `${top.source} said ${top.state} (${top.evidence}) without saying why; the screen shows a usage limit`,
    };
  }
  if (
    (EVENT_SOURCES.includes(top.source) || waitsAfterTurn(top, screen)) &&
    screen &&
    seenSince(screen, top) &&
    !sameVerdict(screen, top) &&
    !sameFailure(screen, top) &&
    now - Math.max(screen.at, top.at) >= s.screenOverrideMs
  ) {
    const heldS = Math.round((now - Math.max(screen.at, top.at)) / 100) / 10;
    return {
      signal: screen,
      overrode: `${top.source} said ${top.state} (${top.evidence}); the screen has said ${screen.state} for ${heldS} s since`,
    };
  }
  return { signal: top };
}

/**
 * When `resolveActivity` may answer differently without a new signal (a pending screen
 * override), or null.
 */
export function nextResolveAt(
  latest: Partial<Record<SignalSource, Signal>>,
  s: ResolveSettings,
): number | null {
  const top = SIGNAL_SOURCES.map((src) => latest[src]).find((x) => x !== undefined);
  const screen = latest.screen;
  if (!top || !screen || !(EVENT_SOURCES.includes(top.source) || waitsAfterTurn(top, screen))) return null;
  if (!seenSince(screen, top) || sameVerdict(screen, top) || sameFailure(screen, top)) return null;
  return Math.max(screen.at, top.at) + s.screenOverrideMs;
}

/**
 * The screen's verdict still stands after the signal: newer than an event; for a status record's
 * done (rule 3b), drawn at the same moment too — Codex draws "Implement this plan?" as it writes
 * done, and a verdict 0 ms older was never to override it (seen: the plan prompt read idle for
 * good). The hold then counts from the signal.
 */
function seenSince(screen: Signal, top: Signal): boolean {
  return waitsAfterTurn(top, screen) ? screen.at >= top.at - SAME_MOMENT_MS : screen.at > top.at;
}

/** A status record's idle, and a screen that waits on the user (rule 3b). */
function waitsAfterTurn(top: Signal, screen: Signal | undefined): boolean {
  return (
    top.source === 'status' &&
    top.state === 'idle' &&
    (screen?.state === 'needs_input' || screen?.state === 'needs_permission')
  );
}

/**
 * The screen's error line of the failed turn the hook already told as a usage limit (Qwen's
 * StopFailure rate_limit, then "✕ [API Error: 429 …]"): the same failure, said less exactly.
 */
function sameFailure(screen: Signal, top: Signal): boolean {
  return screen.reason === 'error' && top.reason === 'usage_limit';
}

function sameVerdict(a: Signal, b: Signal): boolean {
  return a.state === b.state;
}

/** The latest signals without the spent waits (a source's newer signal is never spent). */
export function withoutSpent(
  latest: Partial<Record<SignalSource, Signal>>,
  spent: readonly Signal[] | undefined,
): Partial<Record<SignalSource, Signal>> {
  if (spent === undefined || spent.length === 0) return latest;
  const out = { ...latest };
  for (const source of Object.keys(out) as SignalSource[])
    if (spent.includes(out[source] as Signal)) delete out[source];
  return out;
}

/** The reason a state has when its signal names none. */
export function defaultReason(state: Signal['state']): StateReason {
  switch (state) {
    case 'needs_permission':
      return 'permission';
    case 'needs_input':
      return 'question';
    case 'idle':
      return 'at_prompt';
    case 'working':
      return 'working';
  }
}
