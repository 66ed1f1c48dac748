import {
  SIGNAL_SOURCES,
  type PendingRequest,
  type Signal,
  type SignalSource,
} from '../../protocol/signals.js';
import { sameAbout } from './dialog-answer.js';

/** The reasons whose state is a dialog that asks something (a request): a permission, a question. */
const ASKING = new Set(['permission', 'question']);

const trimmed = (s: string): string => s.replace(/…$/, '');

/** Whether two targets name the same thing: equal, the same file relative and absolute, or a clipped prefix. */
export function sameTarget(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return true;
  if (sameAbout(a, b) || sameAbout(b, a)) return true;
  const [x, y] = [trimmed(a), trimmed(b)];
  return x !== '' && y !== '' && (x.startsWith(y) || y.startsWith(x));
}

/**
 * What a waiting agent asks, from every source that tells the same state and reason as the one
 * that decided: its request first, then what the others add in order of trust (a hook's diff to
 * a status record's command; a screen's target last: what a detector reads off a dialog is the
 * least sure), as long as they name the same target (one from a previous dialog does not).
 * Undefined when the state asks nothing or no source said what.
 */
export function pendingRequest(
  decided: Signal,
  latest: Partial<Record<SignalSource, Signal>>,
): PendingRequest | undefined {
  if (!ASKING.has(decided.reason ?? '')) return undefined;
  const told = [decided, ...SIGNAL_SOURCES.map((src) => latest[src])].filter(
    (s): s is Signal =>
      s !== undefined && s.state === decided.state && s.reason === decided.reason && s.request !== undefined,
  );
  let out: PendingRequest | undefined;
  for (const s of told) {
    const r = s.request as PendingRequest;
    if (out === undefined) out = { ...r };
    else if (r.kind === out.kind && sameTarget(out.about, r.about)) out = mergeRequests(out, r);
  }
  // The tool by its own name, as the CLI's hook gives it (`Edit`), not as its status line shows it
  // (`Update`): approval rules and the audit name tools by what the CLI calls them.
  const hook = told.find((s) => s.source === 'hook' && s.request?.tool !== undefined);
  if (out !== undefined && hook?.request !== undefined && sameTarget(out.about, hook.request.about)) {
    out.tool = hook.request.tool;
  }
  return out;
}

/**
 * The agent no longer waits (as of `at`): what its sources said was asked until then is over (a
 * source that does not speak again, a hook, must not lend its old dialog's target to the next
 * dialog). A newer signal (a screen verdict that may yet override a stale hook) keeps its own.
 */
export function forgetRequests(latest: Partial<Record<SignalSource, Signal>>, at: number): void {
  for (const [source, s] of Object.entries(latest) as [SignalSource, Signal][]) {
    if (s.request === undefined || s.at > at) continue;
    const { request: _over, ...rest } = s;
    latest[source] = rest;
  }
}

/**
 * How a new request changes the one a waiting agent's detail holds: `same` (nothing new),
 * `fill` (the same dialog, with fields it lacked or said by a more trusted source: a quiet
 * refinement), `replace` (another dialog: a different target, or a different kind).
 */
export function requestChange(
  current: PendingRequest | undefined,
  next: PendingRequest | undefined,
): 'same' | 'fill' | 'replace' {
  if (next === undefined) return 'same';
  if (current === undefined) return 'fill';
  if (next.kind !== current.kind || !sameTarget(current.about, next.about)) return 'replace';
  const merged = mergeRequests(next, current);
  const keys = Object.keys(merged) as (keyof PendingRequest)[];
  return keys.some((k) => merged[k] !== current[k]) ? 'fill' : 'same';
}

/**
 * One request of a dialog completed by another of the same dialog: the first's fields, and what
 * it lacks from the other; a `complete` target (a hook's whole command or path) over any other, else
 * of two targets one of which goes on from the other (a command drawn half-way when the screen was
 * read), the longer. `complete` stays only with the target it was said of.
 */
export function mergeRequests(first: PendingRequest, other: PendingRequest): PendingRequest {
  const merged = { ...other, ...first };
  // A complete target (a hook's whole command) is never replaced by one read off a screen.
  const whole = [first, other].find((r) => r.complete === true && r.about !== undefined);
  if (whole !== undefined) return { ...merged, about: whole.about, complete: true };
  delete merged.complete;
  const [a, b] = [first.about, other.about];
  if (a !== undefined && b !== undefined) {
    const [x, y] = [trimmed(a), trimmed(b)];
    if (y.length > x.length && y.startsWith(x)) merged.about = b;
  }
  return merged;
}
