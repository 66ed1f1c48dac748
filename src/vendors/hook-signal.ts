import type { HookReading } from '../core/agents/profiles.js';
import { resetTimeIn } from '../core/state/detectors/reset-time.js';
import type { Signal } from '../protocol/signals.js';

/** A non-empty string from a payload field, else undefined. */
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * When the CLI fired the hook (its payload's `timestamp`: ISO text or epoch ms), not when the call
 * reached the daemon: a hook that arrives late (its command starts slowly on a loaded machine)
 * must not count as newer than what the screen showed since. A stamp that is missing, unreadable
 * or after the arrival is not believed.
 */
export function firedAt(stamp: unknown, received: number): number {
  const fired = typeof stamp === 'number' ? stamp : typeof stamp === 'string' ? Date.parse(stamp) : NaN;
  return Number.isFinite(fired) && fired <= received ? fired : received;
}

/** What every vendor's hook reader knows of one call before it decides. */
export interface HookCall {
  /** The event's name as the vendor wrote it (it starts the evidence: `hook <event> …`). */
  event: string;
  sessionId: string | null;
  tool?: string | undefined;
  /** When it happened (the daemon's arrival time, or the vendor's own stamp). */
  at: number;
}

/**
 * The two builders every hook reader uses: `sig` makes a hook signal whose evidence is
 * `hook <event> <extra…>` (500 characters at most) carrying the call's tool, and `reading` pairs
 * a signal (or null: the call says nothing of the state) with the call's session and event.
 */
export function hookSignals(call: HookCall): {
  sig: (
    state: Signal['state'],
    reason: Signal['reason'] | undefined,
    extra?: string | readonly (string | undefined)[],
    more?: Partial<Signal>,
  ) => Signal;
  reading: (signal: Signal | null) => HookReading;
} {
  const { event, sessionId, tool, at } = call;
  return {
    sig: (state, reason, extra, more = {}) => ({
      source: 'hook',
      state,
      ...(reason === undefined ? {} : { reason }),
      evidence: [`hook ${event}`, ...(Array.isArray(extra) ? extra : [extra])]
        .filter(Boolean)
        .join(' ')
        .slice(0, 500),
      at,
      ...(tool === undefined ? {} : { tool }),
      ...more,
    }),
    reading: (signal) => ({ signal, sessionId, event }),
  };
}

type Sig = ReturnType<typeof hookSignals>['sig'];

/**
 * A SessionStart reading: its session is fresh (nothing to resume yet) when it began at startup or
 * after `/clear` — the `source` Claude Code, Gemini CLI and Qwen Code give — not when resumed,
 * compacted or forked (those carry a conversation).
 */
export function sessionStart(reading: HookReading, body: Record<string, unknown>): HookReading {
  return body.source === 'startup' || body.source === 'clear' ? { ...reading, fresh: true } : reading;
}

/**
 * A reading that ends a turn, with the payload's last assistant message when it has
 * one as a string (any other type is no message: the turn's end stands, undecided).
 */
export function turnEnding(reading: HookReading, message: unknown, from: string): HookReading {
  return { ...reading, turnEnd: { message: typeof message === 'string' ? message : null, from } };
}

/**
 * A StopFailure call (Claude Code's payload, which Qwen Code copies): `rate_limit` and
 * `billing_error` are a usage limit (needs_input, with the reset time when the details give one),
 * any other error ends the turn (idle, reason error).
 */
export function stopFailureSignal(body: Record<string, unknown>, sig: Sig): Signal {
  const error = str(body.error) ?? 'unknown';
  const details = str(body.error_details) ?? str(body.last_assistant_message);
  const text = `${error}${details ? ` ${JSON.stringify(details.slice(0, 160))}` : ''}`;
  if (error === 'rate_limit' || error === 'billing_error') {
    const resetsAt = details ? resetTimeIn(details) : undefined;
    return sig('needs_input', 'usage_limit', text, resetsAt === undefined ? {} : { resetsAt });
  }
  return sig('idle', 'error', text);
}
