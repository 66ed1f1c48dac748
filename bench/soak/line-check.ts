/**
 * The soak's line checks, pure: an agent's output log (as the daemon serves it) against the
 * ledgers its incarnations kept. See docs/performance.md (The soak) for the definitions.
 */

/** How an incarnation ended, as the soak knows it. */
export type Ending = 'live' | 'hostKilled' | 'unexplained';

/** What the soak knows about one agent besides its log. */
export interface AgentLogInput {
  name: string;
  /** The log as served by the daemon, decoded as latin1 (one character per byte). */
  text: string;
  /** Each incarnation's ledger: token → the last line it recorded (lines known to be in the PTY). */
  ledgers: ReadonlyMap<string, number>;
  /** How the incarnation with this token ended (from its pid: the agent's pid now, or a host kill's). */
  endingOf: (token: string) => Ending;
  /** Host kills of this agent during the run. */
  hostKills: number;
}

export interface IncarnationVerdict {
  token: string;
  ending: Ending;
  written: number;
  /** Distinct lines of this incarnation found in the log. */
  seen: number;
  /** Lines that must be in the log and are not. */
  lost: number[];
  /** Lines found more than once (each extra copy counts). */
  duplicated: number;
  /** Lines that come after a higher number of the same incarnation. */
  outOfOrder: number;
  /** Host killed: lines handed to the PTY after the last one the host read (lost with the PTY). */
  inFlight: number;
  /** Lines in the log the program never wrote (beyond what its ledger allows). */
  phantom: number;
}

export interface AgentVerdict {
  incarnations: IncarnationVerdict[];
  /** Bytes between lines that are no complete line and not a line cut off by a host kill. */
  garbled: string[];
  /** Fragments explained by a host kill (a line the host read only partly before it died). */
  cutByHostKill: number;
  /** Lines of another agent (or an unknown incarnation that did not end by a host kill). */
  foreign: number;
  /** Incarnations whose lines appear again after another incarnation's (two processes at once). */
  interleaved: string[];
}

interface Line {
  token: string;
  n: number;
}

interface Scan {
  lines: { at: number; end: number; line: Line }[];
  foreign: number;
}

const LINE = /soak ([^ \r\n]+) (\d+-[0-9a-f]{1,8}) (\d+)\r\n/g;

function scan(text: string, name: string): Scan {
  const lines: Scan['lines'] = [];
  let foreign = 0;
  for (const m of text.matchAll(LINE)) {
    if (m[1] !== name) {
      foreign++;
      continue;
    }
    lines.push({ at: m.index, end: m.index + m[0].length, line: { token: m[2] ?? '', n: Number(m[3]) } });
  }
  return { lines, foreign };
}

const expectedLine = (name: string, token: string, n: number): string => `soak ${name} ${token} ${n}\r\n`;

/**
 * Whether `piece` is the start of a line of this agent: false if not; null if its token is not
 * complete yet; else the token.
 */
function linePrefix(piece: string, name: string): string | null | false {
  const head = `soak ${name} `;
  if (piece.length <= head.length) return head.startsWith(piece) ? null : false;
  if (!piece.startsWith(head)) return false;
  const rest = piece.slice(head.length);
  if (/^\d+(-[0-9a-f]{0,8})?$/.test(rest)) return null;
  return /^(\d+-[0-9a-f]{1,8}) \d*\r?$/.exec(rest)?.[1] ?? false;
}

/**
 * Checks one agent's log. Bytes outside complete lines must be lines cut off by a host kill (the
 * host read part of a line, then died with its PTY): each piece the start of a line of an
 * incarnation that ended by a host kill — its next line — and followed by another incarnation.
 * At the very end of the log, the start of the next line is a line being written.
 */
export function checkAgentLog(input: AgentLogInput): AgentVerdict {
  const { text, name, endingOf } = input;
  const { lines, foreign } = scan(text, name);
  const numbers = new Map<string, number[]>();
  const order: string[] = [];
  const interleaved = new Set<string>();
  for (const { line } of lines) {
    let list = numbers.get(line.token);
    if (!list) {
      list = [];
      numbers.set(line.token, list);
      order.push(line.token);
    } else if (order.at(-1) !== line.token) {
      interleaved.add(line.token);
      order.push(line.token);
    }
    list.push(line.n);
  }

  const garbled: string[] = [];
  let cutByHostKill = 0;
  const lastSeen = new Map<string, number>();
  const explain = (fragment: string, before: Line | null, after: Line | null): boolean => {
    const pieces = fragment.split(/(?=soak )/);
    return pieces.every((piece, i) => {
      const token = linePrefix(piece, name);
      if (token === false) return false;
      const atEnd = after === null && i === pieces.length - 1;
      if (token === null) return atEnd || input.hostKills > 0;
      const next = expectedLine(name, token, (lastSeen.get(token) ?? 0) + 1);
      if (!next.startsWith(piece)) return false;
      if (atEnd) return before === null || token === before.token || endingOf(before.token) === 'hostKilled';
      return endingOf(token) === 'hostKilled' && after?.token !== token;
    });
  };
  let before: Line | null = null;
  let pos = 0;
  for (const l of [...lines, null]) {
    const at = l ? l.at : text.length;
    if (at > pos) {
      const fragment = text.slice(pos, at);
      if (!explain(fragment, before, l?.line ?? null)) garbled.push(fragment);
      else if (l) cutByHostKill++;
    }
    if (l) {
      lastSeen.set(l.line.token, Math.max(lastSeen.get(l.line.token) ?? 0, l.line.n));
      before = l.line;
      pos = l.end;
    }
  }

  const tokens = [...new Set([...input.ledgers.keys(), ...order])];
  const verdicts = tokens.map((token) =>
    checkIncarnation(token, numbers.get(token) ?? [], input.ledgers.get(token) ?? 0, endingOf(token)),
  );
  return { incarnations: verdicts, garbled, cutByHostKill, foreign, interleaved: [...interleaved] };
}

/**
 * One incarnation. The PTY is first in, first out: once the host has read line j, it has read
 * every line before it, so every number below the highest one seen must be there. A live
 * incarnation must also show every line its ledger holds. A host kill takes the PTY with it: the
 * lines after the last one read are `inFlight`, not lost — at most one more than the ledger.
 */
export function checkIncarnation(
  token: string,
  seen: readonly number[],
  written: number,
  ending: Ending,
): IncarnationVerdict {
  const distinct = new Set(seen);
  let outOfOrder = 0;
  let high = 0;
  for (const n of seen) {
    if (n < high) outOfOrder++;
    high = Math.max(high, n);
  }
  const horizon = ending === 'live' ? Math.max(written, high) : high;
  const lost: number[] = [];
  for (let j = 1; j <= horizon; j++) if (!distinct.has(j)) lost.push(j);
  // The ledger is written after the line: a dead program may have printed one line more.
  const phantom = ending === 'live' ? 0 : Math.max(0, high - (written + 1));
  return {
    token,
    ending,
    written,
    seen: distinct.size,
    lost,
    duplicated: seen.length - distinct.size,
    outOfOrder,
    inFlight: ending === 'live' ? 0 : Math.max(0, written - high),
    phantom,
  };
}

/** Whether the agent's verdict holds no loss, duplicate, disorder or garbage. */
export function agentClean(v: AgentVerdict): boolean {
  return (
    v.garbled.length === 0 &&
    v.foreign === 0 &&
    v.interleaved.length === 0 &&
    v.incarnations.every(
      (i) => i.lost.length === 0 && i.duplicated === 0 && i.outOfOrder === 0 && i.phantom === 0,
    )
  );
}
