import type { PendingRequest, Signal } from '../../protocol/signals.js';
import type { TurnVerdict } from '../../protocol/turn-verdict.js';
import type { TurnEndSpec } from '../agents/profiles.js';

/**
 * What the engine knows of an agent's last turn end: when it was told, and the verdict
 * on its last message once there is one (null: it ended without a message to read). `pendingUntil`:
 * a model is deciding, until then at most.
 */
export interface TurnRecord {
  at: number;
  verdict: TurnVerdict | null;
  /** The question asked, when the verdict is one. */
  request?: PendingRequest;
  pendingUntil?: number;
  /** When input was submitted after it: any later sign of work is the next turn, not its tail. */
  repliedAt?: number;
}

/**
 * A status record or screen verdict this soon after the turn's end is that turn's tail, arriving
 * late (a record sent before the Stop hook was handled), not a new turn.
 */
export const TURN_TAIL_MS = 500;

/**
 * Whether a decided signal says a new turn began since the recorded end: it says the agent is
 * working or asks something else, and is newer — a hook's at once, another source's only after
 * the turn's tail.
 */
export function newTurn(turn: TurnRecord, sig: Signal): boolean {
  if (sig.state === 'idle') return false;
  if (turn.repliedAt !== undefined && sig.at >= turn.repliedAt) return true;
  const margin = sig.source === 'hook' ? 0 : TURN_TAIL_MS;
  return sig.at > turn.at + margin;
}

/**
 * How long an idle that ends a turn is held for the verdict on its last message: while a model
 * decides (up to its timeout), or — the turn's end told by another source first (Codex's status
 * record comes before its notify) — up to the profile's `waitMs`. 0: not held.
 */
export function turnHoldUntil(
  spec: TurnEndSpec | undefined,
  turn: TurnRecord | undefined,
  sig: Signal,
  wasWorking: boolean,
  now: number,
): number {
  if (spec === undefined || sig.state !== 'idle') return 0;
  if (turn?.pendingUntil !== undefined && turn.pendingUntil > now) return turn.pendingUntil;
  // A hook that ends a turn brings its message itself (told to the engine before its signal).
  if (turn !== undefined || !wasWorking || sig.reason !== 'turn_done' || sig.source === 'hook') return 0;
  return sig.at + spec.waitMs;
}

/**
 * The signal an idle becomes under the turn's verdict: a question → needs_input (reason question)
 * with what it asks, from the hook that brought the message; done stays idle. Other states, and
 * an idle without a verdict, are left as they are.
 */
export function underVerdict(sig: Signal, turn: TurnRecord | undefined): Signal {
  const v = turn?.verdict;
  if (sig.state !== 'idle' || v === null || v === undefined || v.says !== 'question') return sig;
  const who =
    v.by === 'model' ? `model ${v.model?.model ?? '?'} (rules unsure: ${v.rule})` : `rules ${v.rule}`;
  return {
    source: 'hook',
    state: 'needs_input',
    reason: 'question',
    evidence: `turn end: asks the user (${who}) in ${v.from}`.slice(0, 500),
    at: turn?.at ?? sig.at,
    request: turn?.request ?? { kind: 'question' },
  };
}
