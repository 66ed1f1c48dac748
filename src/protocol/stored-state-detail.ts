import { STATE_DETAIL_SOURCES, type StateDetail } from './agent.js';
import { STATE_REASONS, type StateReason } from './state-reasons.js';

/**
 * Reading what another version stored. The reason of a state is a closed set, but the agents table,
 * the event log and a fleet peer's rows may hold a reason written by an older version (or a newer
 * peer): such a record must still load and show, so the reading, not the API schema, is lenient.
 */

const REASONS: ReadonlySet<string> = new Set(STATE_REASONS);
const SOURCES: ReadonlySet<string> = new Set(STATE_DETAIL_SOURCES);

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A stored reason as this version reads it: one it does not know is `unknown`. */
export function storedStateReason(value: unknown): StateReason {
  return typeof value === 'string' && REASONS.has(value) ? (value as StateReason) : 'unknown';
}

/** The stored value, named for a message: printable ASCII, short (a fleet peer wrote it). */
function named(value: unknown): string {
  if (typeof value === 'string') return `"${value.slice(0, 64).replace(/[^\x20-\x7e]/g, '?')}"`;
  return value === undefined ? 'none' : value === null ? 'null' : `a ${typeof value}`;
}

/**
 * A state detail as any version stored it: a reason this version does not know reads as `unknown`,
 * the stored one named in `message` when that is free; a source it does not know is left out (the
 * evidence still says what the signal was). The rest is kept as written.
 */
export function storedStateDetail(value: unknown): StateDetail {
  const d = isRecord(value) ? value : {};
  const reason = storedStateReason(d['reason']);
  const out: Record<string, unknown> = { ...d, reason };
  if (reason === 'unknown' && d['reason'] !== 'unknown' && out['message'] === undefined)
    out['message'] = `stored reason ${named(d['reason'])}: not one this version knows`;
  if (out['source'] !== undefined && !SOURCES.has(out['source'] as string)) delete out['source'];
  return out as StateDetail;
}

/** An agent's view as stored (a fleet peer's row): its state detail read as above. */
export function storedAgentView(value: unknown): unknown {
  return isRecord(value) ? { ...value, stateDetail: storedStateDetail(value['stateDetail']) } : value;
}

/** An event's payload as stored: the state reasons it carries read as above, whatever wrote them. */
export function storedEventData(type: unknown, data: unknown): unknown {
  if (!isRecord(data)) return data;
  switch (type) {
    case 'agent.stateChanged':
      return { ...data, detail: storedStateDetail(data['detail']) };
    case 'agent.created':
      return { ...data, agent: storedAgentView(data['agent']) };
    case 'agent.dialogKeysSent':
      return { ...data, reason: storedStateReason(data['reason']) };
    default:
      return data;
  }
}

/** A whole event as stored (a fleet peer's row): its payload read by `storedEventData`. */
export function storedEvent(value: unknown): unknown {
  return isRecord(value) ? { ...value, data: storedEventData(value['type'], value['data']) } : value;
}
