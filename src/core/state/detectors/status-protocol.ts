import type { PendingRequest, Signal, SignalReason } from '../../../protocol/signals.js';
import { utf8Decode } from '../../model/text.js';

/**
 * OSC 7501, the Program Status Protocol (spec revision 0.3; Claude Code ≥ 2.1.295, Crush, pi).
 * A program asks the terminal `ESC ] 7501 ; ? ST` whether it understands the protocol; only when
 * the terminal answers does it send status records `ESC ] 7501 ; key=value:key=value ST`. The
 * host sits between the terminal and the agent, so it IS the agent's terminal: it answers the
 * query itself and reads the records out of the output stream (the bytes still reach the pane).
 */

/** The answer that turns reporting on (Claude accepts any OSC 7501 reply whose data starts with `?`). */
export const STATUS_QUERY_REPLY = '\x1b]7501;?\x1b\\';

export const STATUS_STATES = ['idle', 'working', 'done', 'blocked', 'error', 'clear'] as const;
export type StatusState = (typeof STATUS_STATES)[number];

export interface StatusRecord {
  /** `clear` is the clear action, not a state. */
  state: StatusState;
  app?: string;
  /** Present on a child record (a subagent, a background task). */
  id?: string;
  kind?: 'permission' | 'question' | 'auth' | (string & {});
  /** 0–100. */
  progress?: number;
  /** Decoded from base64 (UTF-8). */
  title?: string;
  msg?: string;
}

export interface ScanResult {
  /** How many queries arrived: answer each with STATUS_QUERY_REPLY. */
  queries: number;
  records: StatusRecord[];
}

const PREFIX = '\x1b]7501;';
const ESC = '\x1b';
const BEL = '\x07';
/** Longest unfinished sequence kept across chunks; a longer one is dropped. */
export const MAX_PENDING = 4096;
const TEXT_MAX = 1000;

/**
 * Finds OSC 7501 sequences in an output stream, across chunk boundaries. A body ends at BEL or
 * ST (`ESC \`); any other ESC inside a body aborts it (as terminals do) and is scanned again. An
 * unfinished sequence longer than MAX_PENDING is dropped, and so is the rest of it up to its end.
 * Only 7-bit forms are recognised (the stream is decoded text, so a C1 `0x9d` is not an OSC).
 */
export class StatusProtocolScanner {
  /** Text kept from the previous chunk: an unfinished sequence, or the start of the prefix. */
  private pending = '';
  /** Inside an oversize sequence: drop text until its terminator (or an aborting ESC). */
  private skipping = false;

  feed(chunk: string): ScanResult {
    const out: ScanResult = { queries: 0, records: [] };
    const s = this.pending + chunk;
    this.pending = '';
    let i = 0;
    if (this.skipping) {
      i = this.skipPast(s, 0);
      if (i < 0) return out;
    }
    for (;;) {
      const start = s.indexOf(PREFIX, i);
      if (start < 0) {
        this.pending = partialPrefix(s, i);
        return out;
      }
      const bodyStart = start + PREFIX.length;
      const end = findEnd(s, bodyStart);
      if (end === null) {
        if (s.length - start > MAX_PENDING) {
          this.skipping = true;
          // Drop what is here, keeping a final ESC that may start the ST.
          this.pending = s.endsWith(ESC) ? ESC : '';
        } else this.pending = s.slice(start);
        return out;
      }
      if (end.kind === 'abort') {
        i = end.next;
        continue;
      }
      if (end.index - bodyStart <= MAX_PENDING) this.handle(s.slice(bodyStart, end.index), out);
      i = end.next;
    }
  }

  /** While skipping, the index just past the terminator, or -1 when the chunk ends first. */
  private skipPast(s: string, from: number): number {
    const end = findEnd(s, from);
    if (end === null) {
      this.pending = s.endsWith(ESC) ? ESC : '';
      return -1;
    }
    this.skipping = false;
    return end.next;
  }

  private handle(body: string, out: ScanResult): void {
    if (body.startsWith('?')) {
      out.queries++;
      return;
    }
    const rec = parseStatusBody(body);
    if (rec !== null) out.records.push(rec);
  }
}

type End = { kind: 'end'; index: number; next: number } | { kind: 'abort'; next: number };

/** Where the body that starts at `from` ends, or null when the text runs out first. */
function findEnd(s: string, from: number): End | null {
  for (let j = from; j < s.length; j++) {
    const c = s[j];
    if (c === BEL) return { kind: 'end', index: j, next: j + 1 };
    if (c === ESC) {
      if (j + 1 >= s.length) return null; // ESC at the very end: wait for the next chunk
      if (s[j + 1] === '\\') return { kind: 'end', index: j, next: j + 2 };
      return { kind: 'abort', next: j };
    }
  }
  return null;
}

/** The tail of `s` (from `from`) that is a proper prefix of PREFIX, kept for the next chunk. */
function partialPrefix(s: string, from: number): string {
  const max = Math.min(PREFIX.length - 1, s.length - from);
  for (let n = max; n > 0; n--) {
    if (PREFIX.startsWith(s.slice(s.length - n))) return s.slice(s.length - n);
  }
  return '';
}

/** Parses `key=value:key=value`; unknown keys are ignored; null without a known `state`. */
export function parseStatusBody(body: string): StatusRecord | null {
  const fields = new Map<string, string>();
  for (const pair of body.split(':')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    fields.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
  }
  const state = fields.get('state');
  if (state === undefined || !(STATUS_STATES as readonly string[]).includes(state)) return null;
  const rec: StatusRecord = { state: state as StatusState };
  const app = fields.get('app');
  if (app !== undefined && app !== '') rec.app = app.slice(0, 200);
  const id = fields.get('id');
  if (id !== undefined && id !== '') rec.id = id.slice(0, 200);
  const kind = fields.get('kind');
  if (kind !== undefined && kind !== '') rec.kind = kind.slice(0, 100);
  const progress = fields.get('progress');
  if (progress !== undefined && /^\d{1,3}$/.test(progress) && Number(progress) <= 100)
    rec.progress = Number(progress);
  for (const key of ['title', 'msg'] as const) {
    const raw = fields.get(key);
    const text = raw === undefined ? null : decodeBase64Utf8(raw);
    if (text !== null) rec[key] = text.slice(0, TEXT_MAX);
  }
  return rec;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Base64 (standard or URL-safe, padding optional) → UTF-8 text; null when it is not base64.
 * Written out because core has neither `atob` nor `TextDecoder` in its types (no DOM or Node).
 * Invalid UTF-8 becomes U+FFFD, as TextDecoder does.
 */
export function decodeBase64Utf8(b64: string): string | null {
  const s = b64.replace(/=+$/, '');
  if (s.length % 4 === 1 || !/^[A-Za-z0-9+/_-]*$/.test(s)) return null;
  const bytes: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const ch of s) {
    const v = B64.indexOf(ch === '-' ? '+' : ch === '_' ? '/' : ch);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((acc >> bits) & 0xff);
    }
  }
  return utf8Decode(bytes);
}

/** "usage limit reached", "You've hit your session limit", "limit will reset at 3pm". */
const LIMIT =
  /\b(?:usage|session|weekly|rate|\d+-hour) limit\b|\blimit (?:reached|will reset)\b|\bhit your .*limit\b/i;
const RESETS = /\breset(?:s| at)\s+(?<at>[^·∙•]+?)\s*(?:[·∙•]|$)/i;

/**
 * The shared vocabulary for a record. Only the root record decides the agent's state: a child
 * record (with `id`: a subagent, a background task) says nothing about whether the agent itself
 * waits for the user, so it maps to null, and so does `clear` (the absence of a statement).
 */
export function recordToSignal(rec: StatusRecord, at: number): Signal | null {
  if (rec.id !== undefined || rec.state === 'clear') return null;
  let state: Signal['state'];
  let reason: SignalReason | undefined;
  let resetsAt: string | undefined;
  switch (rec.state) {
    case 'working':
      state = 'working';
      break;
    case 'blocked':
      if (rec.kind === 'permission' && /\btrust this folder\b/i.test(rec.msg ?? '')) {
        [state, reason] = ['needs_permission', 'trust'];
      } else if (rec.kind === 'permission') [state, reason] = ['needs_permission', 'permission'];
      else if (rec.kind === 'question') [state, reason] = ['needs_input', 'question'];
      else if (rec.kind === 'auth') [state, reason] = ['needs_input', 'auth'];
      else state = 'needs_input';
      break;
    case 'idle':
      [state, reason] = ['idle', 'at_prompt'];
      break;
    case 'done':
      [state, reason] = ['idle', 'turn_done'];
      break;
    case 'error': {
      const text = `${rec.title ?? ''} ${rec.msg ?? ''}`;
      if (LIMIT.test(text)) {
        [state, reason] = ['needs_input', 'usage_limit'];
        // The raw reset text ("3pm (Europe/Paris)"): no clock here to make an ISO time of it.
        resetsAt = RESETS.exec(text)?.groups?.['at']?.trim();
      } else [state, reason] = ['idle', 'error'];
      break;
    }
  }
  const signal: Signal = { source: 'status', state, evidence: evidenceOfRecord(rec), at };
  if (reason !== undefined) signal.reason = reason;
  if (resetsAt !== undefined && resetsAt !== '') signal.resetsAt = resetsAt;
  if (reason === 'permission' || reason === 'question') signal.request = recordRequest(reason, rec.msg);
  return signal;
}

/** Claude Code's words: `approve Bash: echo hi > out.txt`, `answer: Which color? (Red · Blue)`. */
const APPROVE = /^approve (\S{1,200}): (.+)$/s;
const ANSWER = /^answer: (.+?)(?: \(([^()]*)\))?$/s;

/**
 * What a `blocked` record's message says is asked: Claude Code's `approve <tool>: <command>` and
 * `answer: <question> (<option> · <option>)`; another program's message is only the question.
 */
export function recordRequest(kind: 'permission' | 'question', msg: string | undefined): PendingRequest {
  if (msg === undefined) return { kind };
  if (kind === 'permission') {
    const m = APPROVE.exec(msg);
    return m?.[1] && m[2] ? { kind, tool: m[1], about: m[2].slice(0, 2_000) } : { kind };
  }
  const m = ANSWER.exec(msg);
  const options = m?.[2]?.split(' · ').filter((o) => o !== '');
  return {
    kind,
    question: (m?.[1] ?? msg).slice(0, 2_000),
    ...(options && options.length > 0 ? { options: options.slice(0, 20).map((o) => o.slice(0, 300)) } : {}),
  };
}

/** `status 7501 state=blocked kind=permission msg="…"`, at most 200 characters. */
export function evidenceOfRecord(rec: StatusRecord): string {
  let s = `status 7501 state=${rec.state}`;
  if (rec.kind !== undefined) s += ` kind=${rec.kind}`;
  if (rec.app !== undefined) s += ` app=${rec.app.slice(0, 40)}`;
  if (rec.progress !== undefined) s += ` progress=${rec.progress}`;
  const quoted = (t: string, room: number): string => {
    const q = JSON.stringify(t);
    return q.length <= room ? q : `${q.slice(0, Math.max(2, room - 2))}…"`;
  };
  for (const key of ['title', 'msg'] as const) {
    const t = rec[key];
    const room = 200 - s.length - key.length - 2;
    if (t !== undefined && room > 8) s += ` ${key}=${quoted(t, room)}`;
  }
  return s.slice(0, 200);
}
