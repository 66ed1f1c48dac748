import type { StreamReader } from '../../core/agents/profiles.js';
import { resetTimeIn } from '../../core/state/detectors/reset-time.js';
import type { Signal } from '../../protocol/signals.js';

/**
 * Claude Code run headless with `--output-format stream-json --verbose` (with `-p "<prompt>"`, or
 * `-p --input-format stream-json` reading user messages from stdin) prints one JSON object per line:
 * `system` (`init`, `api_retry`, hook events…), `assistant`, `user`, `stream_event` and, when a turn
 * ends, `result`. In `-p` mode nothing asks the user (tools that need approval are denied), so a run
 * is working from `init` until its `result`, then idle. Seen with 2.1.330 (docs/research): a
 * rate-limited turn's `result` still says `subtype: success`, with `is_error: true`, status 429.
 */

/** An unfinished line longer than this is dropped, and so is the rest of it up to its newline. */
export const MAX_LINE = 1024 * 1024;
const EVIDENCE_MAX = 500;

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** A line of the stream as JSON, or null (other text the PTY carried, a broken line). */
export function parseStreamLine(line: string): Json | null {
  const start = line.indexOf('{');
  const end = line.lastIndexOf('}');
  if (start < 0 || end < start) return null;
  try {
    const v: unknown = JSON.parse(line.slice(start, end + 1));
    return isObj(v) && typeof v.type === 'string' ? v : null;
  } catch {
    return null;
  }
}

/**
 * Reads a Claude Code stream-json output stream (decoded text, any chunking) and turns its events
 * into `stream` signals. Consecutive signals with the same state, reason and tool are reported
 * once. The session id the stream names is kept (`sessionId`), for a later `--resume`.
 */
export class ClaudeStreamReader implements StreamReader {
  private pending = '';
  /** Inside an oversize line: drop text up to its newline. */
  private skipping = false;
  private lastKey = '';
  private session: string | null = null;

  constructor(private readonly now: () => number) {}

  /** The session id of the run, once a line has named it. */
  get sessionId(): string | null {
    return this.session;
  }

  feed(text: string): Signal[] {
    const out: Signal[] = [];
    let s = this.pending + text;
    this.pending = '';
    if (this.skipping) {
      const nl = s.indexOf('\n');
      if (nl < 0) return out;
      this.skipping = false;
      s = s.slice(nl + 1);
    }
    let from = 0;
    for (let nl = s.indexOf('\n'); nl >= 0; nl = s.indexOf('\n', from)) {
      this.line(s.slice(from, nl), out);
      from = nl + 1;
    }
    const rest = s.slice(from);
    if (rest.length > MAX_LINE) this.skipping = true;
    else this.pending = rest;
    return out;
  }

  private line(raw: string, out: Signal[]): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const ev = parseStreamLine(line);
    if (!ev) return;
    const session = str(ev.session_id);
    if (session !== undefined) this.session = session;
    const sig = eventToSignal(ev, this.now());
    if (!sig) return;
    const key = `${sig.state}|${sig.reason ?? ''}|${sig.tool ?? ''}`;
    if (key === this.lastKey) return;
    this.lastKey = key;
    out.push(sig);
  }
}

/** The signal one stream event stands for, or null when it tells nothing about the state. */
export function eventToSignal(ev: Json, at: number): Signal | null {
  const sig = (
    state: Signal['state'],
    evidence: string,
    more: { reason?: Signal['reason']; tool?: string | undefined; resetsAt?: string | undefined } = {},
  ): Signal => ({
    source: 'stream',
    state,
    ...(more.reason === undefined ? {} : { reason: more.reason }),
    evidence: `stream ${evidence}`.slice(0, EVIDENCE_MAX),
    at,
    ...(more.tool === undefined ? {} : { tool: more.tool.slice(0, 200) }),
    ...(more.resetsAt === undefined ? {} : { resetsAt: more.resetsAt }),
  });
  switch (ev.type) {
    case 'system':
      return systemSignal(ev, sig);
    case 'assistant': {
      const message = isObj(ev.message) ? ev.message : {};
      const error = str(ev.error);
      if (error !== undefined || ev.is_api_error_message === true) {
        const status = num(ev.api_error_status);
        const text = firstText(message.content);
        const what =
          `assistant error ${[error, status].filter((x) => x !== undefined).join(' ')}` +
          (text === undefined ? '' : ` ${JSON.stringify(text.slice(0, 160))}`);
        if (isUsageLimit(error, status, text)) return limit(sig, what, text);
        return null; // the `result` that follows tells how the turn ended
      }
      const tools = blocksOf(message.content, 'tool_use')
        .map((b) => str(b.name))
        .filter((n) => n !== undefined);
      const tool = tools.at(-1);
      if (tool !== undefined) return sig('working', `assistant tool_use ${tools.join(' ')}`, { tool });
      const kinds = blocksOf(message.content).map((b) => str(b.type) ?? '?');
      return sig('working', `assistant ${kinds.length > 0 ? [...new Set(kinds)].join(' ') : 'message'}`);
    }
    case 'user': {
      if (ev.shouldQuery === false) return null; // appended to the conversation, no turn runs
      const message = isObj(ev.message) ? ev.message : {};
      const results = blocksOf(message.content, 'tool_result');
      if (results.length === 0) return sig('working', 'user message');
      const failed = results.some((b) => b.is_error === true);
      return sig('working', `user tool_result${failed ? ' (error)' : ''}`);
    }
    case 'stream_event': {
      const event = isObj(ev.event) ? str(ev.event.type) : undefined;
      return sig('working', `stream_event ${event ?? '?'}`);
    }
    case 'control_request': {
      // The SDK control protocol (`--permission-prompt-tool stdio`): the CLI asks its driver.
      const req = isObj(ev.request) ? ev.request : {};
      if (str(req.subtype) !== 'can_use_tool') return null;
      const tool = str(req.tool_name);
      return sig('needs_permission', `control_request can_use_tool${tool ? ` ${tool}` : ''}`, {
        reason: 'permission',
        tool,
      });
    }
    case 'result':
      return resultSignal(ev, sig);
    default:
      return null;
  }
}

type Make = (
  state: Signal['state'],
  evidence: string,
  more?: { reason?: Signal['reason']; tool?: string | undefined; resetsAt?: string | undefined },
) => Signal;

function systemSignal(ev: Json, sig: Make): Signal | null {
  const subtype = str(ev.subtype) ?? '?';
  switch (subtype) {
    case 'init':
      return sig('working', 'system init');
    case 'api_retry': {
      const status = num(ev.error_status);
      const error = str(ev.error);
      const attempt = num(ev.attempt);
      const max = num(ev.max_retries);
      const what =
        `system api_retry ${[status, error].filter((x) => x !== undefined).join(' ')}`.trimEnd() +
        (attempt === undefined ? '' : ` (attempt ${attempt}${max === undefined ? '' : `/${max}`})`);
      const text = str(ev.message) ?? str(ev.error_message);
      if (isUsageLimit(error, status, text)) return limit(sig, what, text);
      return sig('working', what);
    }
    case 'permission_denied': {
      // Denied without asking (-p): the turn goes on with the denial as the tool's result.
      const tool = str(ev.tool_name);
      return sig('working', `system permission_denied${tool ? ` ${tool}` : ''}`, { tool });
    }
    default:
      return null; // hook_*, status, compact_boundary…: nothing about the state
  }
}

function resultSignal(ev: Json, sig: Make): Signal {
  const subtype = str(ev.subtype) ?? '?';
  const turns = num(ev.num_turns);
  const denials = Array.isArray(ev.permission_denials) ? ev.permission_denials.filter(isObj) : [];
  const denied = [...new Set(denials.map((d) => str(d.tool_name) ?? '?'))];
  const details = [
    turns === undefined ? undefined : `${turns} turn${turns === 1 ? '' : 's'}`,
    denied.length === 0 ? undefined : `${denials.length} permission denied: ${denied.join(' ')}`,
  ].filter((x) => x !== undefined);
  const tail = details.length === 0 ? '' : ` (${details.join(', ')})`;
  const isError = ev.is_error === true || subtype !== 'success';
  if (!isError) return sig('idle', `result success${tail}`, { reason: 'turn_done' });
  const status = num(ev.api_error_status);
  const errors = Array.isArray(ev.errors) ? ev.errors.map(str).filter((e) => e !== undefined) : [];
  const text = str(ev.result) ?? errors[0];
  const what =
    `result ${subtype}${subtype === 'success' ? ' is_error' : ''}` +
    (status === undefined ? '' : ` ${status}`) +
    tail +
    (text === undefined ? '' : ` ${JSON.stringify(text.slice(0, 160))}`);
  if (isUsageLimit(str(ev.terminal_reason), status, text)) return limit(sig, what, text);
  return sig('idle', what, { reason: 'error' });
}

function limit(sig: Make, what: string, text: string | undefined): Signal {
  const resetsAt = text === undefined ? undefined : resetTimeIn(text);
  return sig('needs_input', what, { reason: 'usage_limit', resetsAt });
}

/** A rate or usage limit: HTTP 429, the CLI's `rate_limit` / `billing_error`, or the text says so. */
function isUsageLimit(
  error: string | undefined,
  status: number | undefined,
  text: string | undefined,
): boolean {
  if (status === 429 || error === 'rate_limit' || error === 'billing_error') return true;
  return text !== undefined && /\b(rate[ _-]limit|usage limit|429)\b/i.test(text);
}

function blocksOf(content: unknown, type?: string): Json[] {
  if (!Array.isArray(content)) return [];
  return content.filter(isObj).filter((b) => type === undefined || b.type === type);
}

function firstText(content: unknown): string | undefined {
  if (typeof content === 'string') return str(content);
  return blocksOf(content, 'text')
    .map((b) => str(b.text))
    .find((t) => t !== undefined);
}

/** Claude Code's `-p`/`--print` with `--output-format stream-json`: a headless run we can read. */
export function isClaudeStreamJson(args: readonly string[]): boolean {
  let print = false;
  let streamJson = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') break;
    if (a === '-p' || a === '--print') print = true;
    else if (a === '--output-format') streamJson = args[i + 1] === 'stream-json';
    else if (a === '--output-format=stream-json') streamJson = true;
    else if (a?.startsWith('--output-format=')) streamJson = false;
  }
  return print && streamJson;
}

/** `args` without `option` and its value. */
export function withoutOption(args: readonly string[], option: string): string[] {
  return args.filter((a, i) => a !== option && args[i - 1] !== option);
}
