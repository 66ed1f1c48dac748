/**
 * A headless host group's control socket (0600, in the state dir's `run/`): the daemon adds an
 * agent to it or closes one of its agents. One JSON line each way per connection.
 */
export type GroupRequest = { op: 'add'; args: string[] } | { op: 'close'; agent: string };

export type GroupReply =
  | { ok: true }
  /** closing: the group is ending (its last agent left), start another; the rest are refusals. */
  | { ok: false; code: 'closing' | 'unknown' | 'invalid'; message: string };

/** A request line is at most this long; longer input is refused, not buffered. */
export const GROUP_LINE_MAX_BYTES = 64 * 1024;
const MAX_ARGS = 64;
const MAX_ARG_BYTES = 4096;
const AGENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function parseGroupRequest(line: string): GroupRequest | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const r = v as Record<string, unknown>;
  if (r.op === 'add' && Array.isArray(r.args) && r.args.length <= MAX_ARGS) {
    const args = r.args as unknown[];
    if (args.every((a): a is string => typeof a === 'string' && a.length <= MAX_ARG_BYTES))
      return { op: 'add', args };
  }
  if (r.op === 'close' && typeof r.agent === 'string' && AGENT_ID.test(r.agent))
    return { op: 'close', agent: r.agent };
  return null;
}

export function parseGroupReply(line: string): GroupReply | null {
  try {
    const v = JSON.parse(line) as Record<string, unknown>;
    if (v.ok === true) return { ok: true };
    const codes = ['closing', 'unknown', 'invalid'] as const;
    const code = codes.find((c) => c === v.code);
    if (v.ok === false && code && typeof v.message === 'string')
      return { ok: false, code, message: v.message.slice(0, 500) };
  } catch {
    // not JSON
  }
  return null;
}

/** The members file a group writes for the daemon: the ids of the agents it holds. */
export function parseGroupMembers(text: string): string[] | null {
  try {
    const v = JSON.parse(text) as unknown;
    if (Array.isArray(v) && v.every((x): x is string => typeof x === 'string' && AGENT_ID.test(x))) return v;
  } catch {
    // half-written: the group writes through a rename, so only a foreign file gets here
  }
  return null;
}

/** A pane a group's agent left because it was closed by hand: the agent, and its pane as the daemon names it. */
export interface ClosedPane {
  agent: string;
  /** `%N/<group pid>` (tmux) or `N/<group pid>` (WezTerm). */
  pane: string;
}

/** What a group's closed-panes file says, or why it was not believed. */
export type ClosedPanesRead = { panes: ClosedPane[] } | { refused: string };

/** A group's closed-panes file is at most this large; one agent has one entry, the newest. */
export const CLOSED_PANES_MAX_BYTES = 64 * 1024;
export const CLOSED_PANES_MAX = 256;

/** `%N/<group pid>` (tmux) or `N/<group pid>` (WezTerm). */
const PANE = /^%?\d{1,9}\/\d{1,10}$/;

/**
 * The closed-panes file a group leaves for a daemon that was away; null for anything else. Read
 * by hand, as the other group files are: the host loads no zod.
 */
export function parseClosedPanes(text: string): ClosedPane[] | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(v) || v.length > CLOSED_PANES_MAX) return null;
  const out: ClosedPane[] = [];
  for (const e of v as unknown[]) {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) return null;
    const { agent, pane, ...rest } = e as Record<string, unknown>;
    if (Object.keys(rest).length > 0) return null;
    if (typeof agent !== 'string' || !AGENT_ID.test(agent)) return null;
    if (typeof pane !== 'string' || !PANE.test(pane)) return null;
    out.push({ agent, pane });
  }
  return out;
}
