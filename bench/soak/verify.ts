import type { AgentView } from '../../src/protocol/agent.js';
import type { WtpEvent } from '../../src/protocol/events.js';
import { sleep } from '../proc.js';
import {
  checkLiveEvents,
  checkStoredEvents,
  type EventKey,
  type LiveVerdict,
  type StoredVerdict,
} from './event-check.js';
import { ready, type Faults, type SoakAgent } from './faults.js';
import type { EventFollower, OutputFollower } from './followers.js';
import { agentClean, checkAgentLog, type AgentVerdict, type Ending } from './line-check.js';
import { alive } from './procs.js';
import { ledgerDir, readLedgers, tokenPid } from './ticker.js';

/** How long the end checks wait for things to settle (agents back, output and events caught up). */
const SETTLE_MS = 60_000;
const EVENT_PAGE = 10_000;

export interface AgentCheck {
  name: string;
  id: string;
  /** At the end: running, its host connected, its process alive. */
  alive: boolean;
  state: string;
  incarnations: number;
  hostKills: number;
  /** From the daemon's log API. */
  log: AgentVerdict & { bytes: number; from: number };
  /** From the WebSocket follower: equal to the log over the log's length? */
  stream: {
    bytes: number;
    connects: number;
    caughtUp: boolean;
    /** First offset where the stream and the log differ, or null. */
    firstDifference: number | null;
    readyMismatches: number;
    clean: boolean;
  };
}

export interface SoakVerdict {
  passed: boolean;
  failures: string[];
  agents: AgentCheck[];
  /** When something failed: the failing agents' events and the faults, in time order. */
  timeline: string[];
  events: {
    stored: StoredVerdict;
    live: LiveVerdict & { connects: number };
    daemonStarted: number;
    /** agent.stateChanged to crashed or exited during the run (none may happen). */
    agentsDown: number;
    /** Σ over agents of |agent.exited events − host kills|: each host kill is one exit, nothing else is. */
    exitsNotMatchingHostKills: number;
    exitsByAgent: Map<string, number>;
    reattached: number;
  };
}

interface VerifyInput {
  home: string;
  faults: Faults;
  agents: readonly SoakAgent[];
  outputs: ReadonlyMap<string, OutputFollower>;
  events: EventFollower;
  progress: (m: string) => void;
}

export async function verify(v: VerifyInput): Promise<SoakVerdict> {
  const failures: string[] = [];
  // Every agent running, and its live incarnation started its ledger: an agent restarted after a
  // host kill at the fault phase's end runs before its program wrote a line (its incarnation was
  // then neither counted nor checked).
  const final = await settle(async () => {
    const listed = await v.faults.agents();
    return v.agents.every((a) => started(v.home, a, listed.get(a.id))) ? listed : null;
  }).catch(() => v.faults.agents());

  const checks: AgentCheck[] = [];
  for (const a of v.agents) checks.push(await checkAgent(v, a, final.get(a.id), failures));

  const { verdict: events, all } = await checkEvents(v, failures);
  if (events.daemonStarted !== v.faults.daemonKills.length + 1)
    failures.push(
      `${events.daemonStarted} daemon.started events for ${v.faults.daemonKills.length + 1} starts`,
    );
  if (events.agentsDown > 0) failures.push(`${events.agentsDown} agent(s) went to crashed or exited`);
  for (const a of v.agents) {
    const exits = events.exitsByAgent.get(a.id) ?? 0;
    const kills = v.faults.hostKills.filter((k) => k.agentId === a.id).length;
    if (exits !== kills)
      failures.push(
        `${a.name}: ${exits} agent.exited event(s) for ${kills} host kill(s): an agent taken for dead, or a kill not seen`,
      );
  }
  const failing = v.agents.filter((a) => failures.some((f) => f.startsWith(`${a.name}`)));
  const timeline = failures.length === 0 ? [] : faultTimeline(v, failing, all);
  return { passed: failures.length === 0, failures, agents: checks, events, timeline };
}

/** Each failing agent's events, the daemon's starts, and the faults, in time order. */
function faultTimeline(v: VerifyInput, failing: readonly SoakAgent[], all: readonly WtpEvent[]): string[] {
  const names = new Map(failing.map((a) => [a.id, a.name]));
  const rows: { at: number; text: string }[] = [];
  for (const e of all) {
    if (e.type !== 'daemon.started' && (e.agentId === null || !names.has(e.agentId))) continue;
    const who = e.agentId === null ? '' : `${names.get(e.agentId)} `;
    rows.push({ at: Date.parse(e.ts), text: `#${e.seq} ${who}${e.type} ${JSON.stringify(e.data)}` });
  }
  for (const at of v.faults.daemonKills) rows.push({ at, text: 'fault: daemon SIGKILLed' });
  for (const k of v.faults.hostKills)
    rows.push({ at: k.atMs, text: `fault: host ${k.hostPid} of ${k.name} SIGKILLed (child ${k.childPid})` });
  rows.sort((a, b) => a.at - b.at);
  const t0 = rows[0]?.at ?? 0;
  return rows.map((r) => `${((r.at - t0) / 1000).toFixed(3)} s  ${r.text}`);
}

function started(home: string, a: SoakAgent, now: AgentView | undefined): boolean {
  if (!ready(now)) return false;
  return [...readLedgers(ledgerDir(home, a.name)).keys()].some((t) => tokenPid(t) === now?.pid);
}

async function checkAgent(
  v: VerifyInput,
  a: SoakAgent,
  now: AgentView | undefined,
  failures: string[],
): Promise<AgentCheck> {
  const isAlive = ready(now) && now?.pid != null && alive(now.pid);
  if (!isAlive)
    failures.push(
      `${a.name} is lost: ${now ? `${now.state} ${JSON.stringify(now.stateDetail)}` : 'not listed'}`,
    );
  const kills = v.faults.hostKills.filter((k) => k.agentId === a.id);
  const killed = new Set(kills.map((k) => k.childPid));
  const endingOf = (token: string): Ending =>
    tokenPid(token) === now?.pid ? 'live' : killed.has(tokenPid(token)) ? 'hostKilled' : 'unexplained';
  // What the program knows it handed to its PTY, read first; then the log must hold all of it.
  const ledgers = readLedgers(ledgerDir(v.home, a.name));
  const liveToken = [...ledgers.keys()].find((t) => endingOf(t) === 'live');
  const mustHold =
    liveToken === undefined ? null : `soak ${a.name} ${liveToken} ${ledgers.get(liveToken)}\r\n`;
  let log = await readLog(v, a);
  await settle(async () => {
    log = await readLog(v, a);
    return mustHold === null || log.text.includes(mustHold);
  }).catch(() => undefined);
  const logVerdict = checkAgentLog({
    name: a.name,
    text: log.text,
    ledgers,
    endingOf,
    hostKills: kills.length,
  });
  if (log.from !== 0)
    failures.push(`${a.name}: the log starts at byte ${log.from} (rotated): lines cannot be checked`);
  reportLines(`${a.name} (log)`, logVerdict, failures);
  const unexplained = logVerdict.incarnations.filter((i) => i.ending === 'unexplained');
  if (unexplained.length > 0)
    failures.push(
      `${a.name}: ${unexplained.length} incarnation(s) ended without a host kill (${unexplained.map((i) => i.token).join(', ')})`,
    );

  const follower = v.outputs.get(a.id);
  if (!follower) throw new Error(`no follower for ${a.name}`);
  const caughtUp = await settle(() => Promise.resolve(follower.received >= log.bytes.length)).catch(
    () => false,
  );
  const streamed = follower.bytes();
  const firstDifference = firstDiff(streamed, log.bytes);
  const streamVerdict = checkAgentLog({
    name: a.name,
    text: streamed.toString('latin1'),
    ledgers,
    endingOf,
    hostKills: kills.length,
  });
  if (!caughtUp)
    failures.push(`${a.name}: the stream has ${streamed.length} of the log's ${log.bytes.length} bytes`);
  if (firstDifference !== null)
    failures.push(`${a.name}: the stream differs from the log at byte ${firstDifference}`);
  if (follower.readyMismatches.length > 0)
    failures.push(
      `${a.name}: the pty socket resumed elsewhere than asked ${JSON.stringify(follower.readyMismatches)}`,
    );
  reportLines(`${a.name} (stream)`, streamVerdict, failures);
  return {
    name: a.name,
    id: a.id,
    alive: isAlive,
    state: now?.state ?? 'missing',
    incarnations: logVerdict.incarnations.length,
    hostKills: kills.length,
    log: { ...logVerdict, bytes: log.bytes.length, from: log.from },
    stream: {
      bytes: streamed.length,
      connects: follower.connects,
      caughtUp,
      firstDifference,
      readyMismatches: follower.readyMismatches.length,
      clean: agentClean(streamVerdict) && caughtUp && firstDifference === null,
    },
  };
}

function reportLines(what: string, v: AgentVerdict, failures: string[]): void {
  for (const i of v.incarnations) {
    const bad = [
      i.lost.length > 0 ? `lost ${i.lost.length} line(s) (${i.lost.slice(0, 10).join(', ')})` : '',
      i.duplicated > 0 ? `${i.duplicated} duplicate(s)` : '',
      i.outOfOrder > 0 ? `${i.outOfOrder} out of order` : '',
      i.phantom > 0 ? `${i.phantom} line(s) never written` : '',
    ].filter((s) => s !== '');
    if (bad.length > 0) failures.push(`${what} incarnation ${i.token} (${i.ending}): ${bad.join(', ')}`);
  }
  if (v.garbled.length > 0)
    failures.push(
      `${what}: ${v.garbled.length} garbled fragment(s): ${JSON.stringify(v.garbled.slice(0, 3))}`,
    );
  if (v.foreign > 0) failures.push(`${what}: ${v.foreign} line(s) of other agents`);
  if (v.interleaved.length > 0)
    failures.push(`${what}: incarnations interleaved: ${v.interleaved.join(', ')}`);
}

async function readLog(v: VerifyInput, a: SoakAgent): Promise<{ bytes: Buffer; text: string; from: number }> {
  const res = await v.faults.client.raw('getLogs', { params: { agent: a.id } });
  return {
    bytes: res.body,
    text: res.body.toString('latin1'),
    from: Number(res.headers['x-wtp-from-seq'] ?? 0),
  };
}

async function checkEvents(
  v: VerifyInput,
  failures: string[],
): Promise<{ verdict: SoakVerdict['events']; all: WtpEvent[] }> {
  const all: WtpEvent[] = [];
  let latestSeq = 0;
  for (let since = 0; ;) {
    const page = await v.faults.client.call('listEvents', { query: { since, limit: EVENT_PAGE } });
    all.push(...page.events);
    latestSeq = page.latestSeq;
    const last = page.events.at(-1);
    if (!last || page.events.length < EVENT_PAGE) break;
    since = last.seq;
  }
  await settle(() => Promise.resolve((v.events.received.at(-1)?.seq ?? 0) >= latestSeq)).catch(
    () => undefined,
  );
  const key = (e: WtpEvent): EventKey => ({ seq: e.seq, type: e.type, ts: e.ts, agentId: e.agentId });
  const stored = checkStoredEvents(
    all.map((e) => e.seq),
    latestSeq,
  );
  const live = checkLiveEvents(
    v.events.received.filter((e) => e.seq <= latestSeq),
    new Map(all.map((e) => [e.seq, key(e)])),
  );
  if (stored.gaps.length > 0) failures.push(`event log: seq gaps ${stored.gaps.slice(0, 10).join(', ')}`);
  if (stored.duplicates.length > 0)
    failures.push(`event log: seq duplicates ${stored.duplicates.slice(0, 10).join(', ')}`);
  if (stored.outOfOrder > 0) failures.push(`event log: ${stored.outOfOrder} seq(s) out of order`);
  if (live.received < latestSeq)
    failures.push(`event stream: received ${live.received} of ${latestSeq} events`);
  if (live.gaps.length > 0) failures.push(`event stream: skipped seq ${live.gaps.slice(0, 10).join(', ')}`);
  if (live.repeated > 0) failures.push(`event stream: ${live.repeated} event(s) delivered again`);
  if (live.mismatched.length > 0)
    failures.push(
      `event stream: seq ${live.mismatched.slice(0, 10).join(', ')} differ from the stored events`,
    );
  const agentIds = new Set(v.agents.map((a) => a.id));
  const exitsByAgent = new Map<string, number>();
  for (const e of all)
    if (e.type === 'agent.exited' && e.agentId !== null)
      exitsByAgent.set(e.agentId, (exitsByAgent.get(e.agentId) ?? 0) + 1);
  const verdict = {
    stored,
    live: { ...live, connects: v.events.connects },
    daemonStarted: all.filter((e) => e.type === 'daemon.started').length,
    agentsDown: all.filter(
      (e) =>
        e.type === 'agent.stateChanged' &&
        e.agentId !== null &&
        agentIds.has(e.agentId) &&
        (e.data.to === 'crashed' || e.data.to === 'exited'),
    ).length,
    reattached: all.filter((e) => e.type === 'agent.hostConnected' && e.data.reattached).length,
    exitsNotMatchingHostKills: sum(
      v.agents.map((a) =>
        Math.abs((exitsByAgent.get(a.id) ?? 0) - v.faults.hostKills.filter((k) => k.agentId === a.id).length),
      ),
    ),
    exitsByAgent,
  };
  return { verdict, all };
}

const sum = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0);

function firstDiff(a: Buffer, b: Buffer): number | null {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return null;
}

/** Polls `probe` until it gives a value (not null/false); rejects after SETTLE_MS. */
async function settle<T>(probe: () => Promise<T | null | false>): Promise<T> {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    try {
      const got = await probe();
      if (got !== null && got !== false) return got;
    } catch {
      // not answering yet
    }
    if (Date.now() > deadline) throw new Error('did not settle');
    await sleep(50);
  }
}
