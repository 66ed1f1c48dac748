import type { AgentState, StateDetail } from '../../protocol/agent.js';
import type { EventSource } from '../../protocol/events.js';
import type { Signal, SignalSource } from '../../protocol/signals.js';
import type { AgentRecord } from '../model/agent-record.js';
import { hasProcess } from '../model/agent-state.js';
import type { ProfileCatalog } from '../agents/profiles.js';
import type { Clock, Logger, TimerHandle } from '../ports/daemon.js';
import type { AgentRegistry } from '../model/registry.js';
import {
  defaultReason,
  EVENT_SOURCES,
  nextResolveAt,
  resolveActivity,
  withoutSpent,
  type ResolveSettings,
} from './state-resolve.js';
import { forgetRequests, mergeRequests, pendingRequest, requestChange } from './pending-request.js';
import { agentEvent } from '../model/agent-event.js';
import { newTurn, turnHoldUntil, underVerdict, type TurnRecord } from './turn-end.js';

export interface StateEngineSettings extends ResolveSettings {
  /** `working` with no output, no new signal and CPU under `stallCpuPercent` this long → stalled evidence. */
  stallAfterMs: number;
  stallCpuPercent: number;
  /** Signals kept per agent for `wtp why`. */
  historySize: number;
}

export interface StateEngineDeps {
  registry: AgentRegistry;
  /** Which signals each profile supports, and how long its idle must hold. */
  profileCatalog: ProfileCatalog;
  clock: Clock;
  log: Logger;
  settings: StateEngineSettings;
  /** Moves the agent to a state with its evidence (persisted, pushed to the pane). */
  transition(agent: AgentRecord, to: AgentState, detail: StateDetail, source: EventSource): Promise<void>;
  /** When the agent last wrote output (epoch ms), or null. */
  lastOutputAt(agentId: string): number | null;
  /** CPU of the agent's process tree in the last sample, or null. */
  cpuPercent(agentId: string): number | null;
  /**
   * Whether approval rules decide this agent's permission requests through its CLI's decision hook
   * (HookDecider): a dialog another source announces first is held `hookGraceMs` for that hook.
   */
  decidesByHook?(agentId: string): boolean;
}

interface AgentSignals {
  latest: Partial<Record<SignalSource, Signal>>;
  history: Signal[];
  timer: TimerHandle | null;
  /** When the timer re-decides (`wtp why`). */
  timerAt?: number;
  /** The last turn's end and the verdict on its last message. */
  turn?: TurnRecord;
  /** Its process ended: no later signal can come to replace what it last said. */
  ended?: boolean;
  /**
   * Waits a hook or stream announced that are over (the agent left them on another source's word:
   * the screen overrode a wait answered by hand). Each stays the latest of its source until that
   * source speaks again, but decides nothing: else it would wait again once the screen changed.
   */
  spent?: Signal[];
}

const EVENT_SOURCE: Record<SignalSource, EventSource> = {
  status: 'host',
  hook: 'agent',
  stream: 'host',
  screen: 'host',
  process: 'daemon',
};

/**
 * Turns signals into one state per agent, with its provenance (DESIGN §5). Signals of sources a
 * profile does not declare are ignored; the rules are in `state-resolve.ts`.
 */
export class StateEngine {
  private readonly agents = new Map<string, AgentSignals>();
  private readonly queue = new Map<string, Promise<void>>();
  /**
   * Agent id → a permission request an approval rule is deciding (or decided) through the CLI's
   * decision hook: its CLI may say it is blocked while it waits for the hook's answer, but that wait
   * is the rule's, not the user's.
   */
  private readonly rulings = new Map<string, { decided: boolean; at: number }>();

  constructor(private readonly d: StateEngineDeps) {}

  /** Records a signal and re-decides the agent's state. */
  observe(agentId: string, signal: Signal): Promise<void> {
    const agent = this.d.registry.get(agentId);
    if (!agent || !this.d.profileCatalog.get(agent.profile).signals.includes(signal.source))
      return Promise.resolve();
    const s = this.signalsOf(agentId);
    s.latest[signal.source] = signal;
    s.history.push({ ...signal, receivedAt: this.d.clock.now() });
    if (s.history.length > this.d.settings.historySize) s.history.shift();
    return this.decide(agentId);
  }

  /** An approval rule is deciding a request of this agent through its CLI's decision hook. */
  ruling(agentId: string): void {
    this.rulings.set(agentId, { decided: false, at: this.d.clock.now() });
  }

  /**
   * The rule decided (`decided`: the CLI was answered, it shows no dialog; what it says about being
   * blocked until it says something else is stale), or left the request to the user (its dialog
   * shows: the wait is the user's). Re-decides the agent's state either way.
   */
  ruled(agentId: string, decided: boolean): Promise<void> {
    if (decided) this.rulings.set(agentId, { decided: true, at: this.d.clock.now() });
    else this.rulings.delete(agentId);
    return this.decide(agentId);
  }

  /** A new process: what earlier processes said no longer applies. */
  processStarted(agentId: string): void {
    const s = this.agents.get(agentId);
    if (!s) return;
    if (s.timer) this.d.clock.clearTimer(s.timer);
    s.latest = {};
    s.timer = null;
    delete s.spent;
    delete s.turn;
    delete s.ended;
  }

  /**
   * Its process ended (told before the exit is recorded): an idle held for a turn's last message
   * or a settle time is decided now — the turn did end, and nothing later can say otherwise (a CLI
   * that prints its result and exits at once would else go from working to exited). A held wait
   * for permission is not: the process that asked is gone.
   */
  processEnded(agentId: string): Promise<void> {
    const s = this.agents.get(agentId);
    if (!s) return Promise.resolve();
    s.ended = true;
    return this.decide(agentId);
  }

  /**
   * A turn ended, with the verdict on its last message (null: none to read; a model
   * deciding: `pendingUntil`, and a later call with its verdict). Re-decides the agent's state.
   */
  turnEnded(agentId: string, turn: TurnRecord): Promise<void> {
    const agent = this.d.registry.get(agentId);
    if (!agent || this.d.profileCatalog.get(agent.profile).turnEnd === undefined) return Promise.resolve();
    const s = this.signalsOf(agentId);
    // A model's late verdict on a turn a newer one replaced says nothing.
    if (s.turn !== undefined && s.turn.at > turn.at) return Promise.resolve();
    s.turn = turn;
    return this.decide(agentId);
  }

  /**
   * Input was submitted to the agent (a reply, a prompt): the turn that ended before is over once
   * the agent works again, however soon (a record within TURN_TAIL_MS would else read as its tail).
   */
  submitted(agentId: string, at: number): void {
    const t = this.agents.get(agentId)?.turn;
    if (t !== undefined && at >= t.at) t.repliedAt = at;
  }

  /** The last turn end and its verdict, for `wtp why` and tests. */
  lastTurn(agentId: string): TurnRecord | undefined {
    const t = this.agents.get(agentId)?.turn;
    return t === undefined ? undefined : { ...t };
  }

  /** The latest signal of each source (HookWatch: whether a hook told a wait). */
  latestSignals(agentId: string): Partial<Record<SignalSource, Signal>> {
    return { ...(this.agents.get(agentId)?.latest ?? {}) };
  }

  /** The last signals of an agent, oldest first, each with when it came. */
  recentSignals(agentId: string): Signal[] {
    return [...(this.agents.get(agentId)?.history ?? [])];
  }

  /** When the agent's state is decided again without a new signal (a hold or an override due), or null. */
  nextDecisionAt(agentId: string): number | null {
    const s = this.agents.get(agentId);
    return s?.timer ? (s.timerAt ?? null) : null;
  }

  forget(agentId: string): void {
    this.rulings.delete(agentId);
    const s = this.agents.get(agentId);
    if (s?.timer) this.d.clock.clearTimer(s.timer);
    this.agents.delete(agentId);
  }

  /**
   * Marks `working` agents that show no sign of life as stalled (called periodically); agents that
   * are `paused` on purpose (the usage-limit governor) are quiet for a known reason and skipped.
   */
  async checkStalls(paused: (agentId: string) => boolean = () => false): Promise<void> {
    const now = this.d.clock.now();
    const { stallAfterMs, stallCpuPercent } = this.d.settings;
    for (const agent of this.d.registry.all()) {
      if (agent.state !== 'working' || agent.stateDetail.stalled || paused(agent.id)) continue;
      const quietSince = Math.max(agent.stateSince, this.d.lastOutputAt(agent.id) ?? 0);
      const cpu = this.d.cpuPercent(agent.id);
      if (now - quietSince < stallAfterMs || (cpu !== null && cpu >= stallCpuPercent)) continue;
      const minutes = Math.round(stallAfterMs / 6_000) / 10;
      await this.d.transition(
        agent,
        'working',
        {
          ...agent.stateDetail,
          stalled: true,
          overrode: `no output, no new signal and CPU ${cpu === null ? 'unknown' : `${cpu.toFixed(1)}%`} for ${minutes} min: stalled, not silently idle`,
        },
        'daemon',
      );
    }
  }

  dispose(): void {
    for (const s of this.agents.values()) if (s.timer) this.d.clock.clearTimer(s.timer);
    this.agents.clear();
  }

  private signalsOf(agentId: string): AgentSignals {
    let s = this.agents.get(agentId);
    if (!s) {
      s = { latest: {}, history: [], timer: null };
      this.agents.set(agentId, s);
    }
    return s;
  }

  /** Decisions of one agent run one at a time, in arrival order. */
  private decide(agentId: string): Promise<void> {
    const prev = this.queue.get(agentId) ?? Promise.resolve();
    const next = prev
      .then(() => this.decideNow(agentId))
      .catch((err: unknown) => {
        this.d.log.warn({ err, agentId }, 'state decision failed');
      });
    this.queue.set(agentId, next);
    void next.then(() => {
      if (this.queue.get(agentId) === next) this.queue.delete(agentId);
    });
    return next;
  }

  private async decideNow(agentId: string): Promise<void> {
    const agent = this.d.registry.get(agentId);
    const s = this.agents.get(agentId);
    if (!agent || !s || !hasProcess(agent.state)) return;
    const now = this.d.clock.now();
    // A decided request's hold ends once no other source still says it waits (or after a bound).
    const rule = this.rulings.get(agentId);
    const stale =
      rule?.decided === true && !Object.values(s.latest).some((x) => x.source !== 'hook' && isRuledWait(x));
    if (rule && (stale || now - rule.at > RULED_MAX_MS)) this.rulings.delete(agentId);
    const live = withoutSpent(s.latest, s.spent);
    const resolved = resolveActivity(
      this.rulings.has(agentId) ? withoutRuledWaits(live) : live,
      now,
      this.d.settings,
    );
    // A new turn began: the last one's verdict is over.
    if (resolved && s.turn && newTurn(s.turn, resolved.signal)) delete s.turn;
    const spec = this.d.profileCatalog.get(agent.profile);
    // A profile may ask for idle to hold before a working agent is called idle (a CLI that reports
    // idle between two parts of one turn): false idle costs more than a late one. A verdict on the
    // turn's last message says the turn is over: no need to hold.
    const settle = s.turn?.verdict ? 0 : (spec.idleSettleMs ?? 0);
    const settleUntil = Math.max(
      resolved && resolved.signal.state === 'idle' && agent.state === 'working'
        ? resolved.signal.at + settle
        : resolved && this.awaitsHook(agentId, resolved.signal, s)
          ? resolved.signal.at + HOOK_GRACE_MS
          : 0,
      resolved ? turnHoldUntil(spec.turnEnd, s.turn, resolved.signal, agent.state === 'working', now) : 0,
    );
    const held = s.ended === true && resolved?.signal.state === 'idle' ? 0 : settleUntil;
    this.arm(agentId, s, held, now);
    if (!resolved || held > now) return;
    const r = { ...resolved, signal: underVerdict(resolved.signal, s.turn) };
    const verdict = resolved.signal.state === 'idle' ? (s.turn?.verdict ?? undefined) : undefined;
    const sig = r.signal;
    // The agent stops waiting: what was asked is over (a working signal while it was not waiting
    // forgets nothing: a hook's request may come before the status record that says blocked).
    if (isWaiting(agent.state) && !isWaiting(sig.state)) {
      forgetRequests(s.latest, sig.at);
      s.spent = Object.values(s.latest).filter((x) => EVENT_SOURCES.includes(x.source) && isWaiting(x.state));
    }
    const request = pendingRequest(sig, s.latest);
    const detail: StateDetail = {
      reason: sig.reason ?? defaultReason(sig.state),
      source: sig.source,
      evidence: sig.evidence,
      signalAt: new Date(sig.at).toISOString(),
      ...(sig.tool === undefined ? {} : { tool: sig.tool }),
      ...(sig.resetsAt === undefined ? {} : { resetsAt: sig.resetsAt }),
      ...(r.overrode === undefined ? {} : { overrode: r.overrode }),
      ...(request === undefined ? {} : { request }),
      ...(verdict === undefined ? {} : { verdict }),
    };
    const cur = agent.stateDetail;
    // The same state with the same reason is no news, whichever source repeats it: the first
    // signal that told it stays as its evidence (`wtp why` lists the later ones). Except for what
    // a waiting agent asks: a source that adds to the request (a hook's diff after the status
    // record's command) fills it in under the same evidence and since (agent.requestChanged);
    // another dialog (another target) is a new wait: a state change to the same state (which
    // composeNotification does not notify).
    const same =
      agent.state === sig.state &&
      cur.reason === detail.reason &&
      !cur.stalled &&
      cur.resetsAt === detail.resetsAt;
    if (same) {
      const change = requestChange(cur.request, request);
      if (change === 'replace') await this.d.transition(agent, sig.state, detail, EVENT_SOURCE[sig.source]);
      if (change !== 'fill' || request === undefined) return;
      // What the sources say now, in order of trust, with what only the detail still has.
      const filled = cur.request === undefined ? request : mergeRequests(request, cur.request);
      agent.stateDetail = { ...cur, request: filled };
      const event = agentEvent(agent, EVENT_SOURCE[sig.source], 'agent.requestChanged', { request: filled });
      await this.d.registry.save(agent, [event]);
      return;
    }
    await this.d.transition(agent, sig.state, detail, EVENT_SOURCE[sig.source]);
  }

  /**
   * A permission wait another source (the status record, the screen) announced before the CLI's
   * decision hook came, for an agent whose rules decide through that hook: a rule may answer it
   * before the user must, so it is held briefly (the hook arrives within tens of ms).
   */
  private awaitsHook(agentId: string, sig: Signal, s: AgentSignals): boolean {
    if (sig.source === 'hook' || !isRuledWait(sig) || this.rulings.has(agentId)) return false;
    if (this.d.decidesByHook?.(agentId) !== true) return false;
    const hook = s.latest.hook;
    return hook === undefined || !isRuledWait(hook) || hook.at < sig.at - HOOK_GRACE_MS;
  }

  /**
   * Re-decides when a pending screen override, a hold or a rule's bound becomes due: a dialog
   * that stays on screen sends no new signal to end them. `now` is the decision's own reading: a
   * second one can pass a due time the decision found still ahead, and then nothing decides again
   * (a timer fires up to 1 ms early by Date.now()).
   */
  private arm(agentId: string, s: AgentSignals, settleUntil: number, now: number): void {
    if (s.timer) this.d.clock.clearTimer(s.timer);
    s.timer = null;
    const rule = this.rulings.get(agentId);
    const ruleEnds = rule === undefined ? null : rule.at + RULED_MAX_MS + 1;
    const due = [nextResolveAt(s.latest, this.d.settings), settleUntil, ruleEnds].filter(
      (t): t is number => t !== null && t > now,
    );
    const at = due.length === 0 ? null : Math.min(...due);
    if (at === null) return;
    s.timerAt = at;
    s.timer = this.d.clock.setTimer(at - now, () => {
      s.timer = null;
      void this.decide(agentId);
    });
  }
}

const isWaiting = (state: string): boolean => state === 'needs_permission' || state === 'needs_input';

/** How long a permission wait is held for the decision hook of an agent whose rules decide there. */
const HOOK_GRACE_MS = 1_000;

/** How long a rule's decision may keep other sources' "blocked" from counting as the user's wait. */
const RULED_MAX_MS = 15_000;

/** A wait for permission that a rule being (or just) decided through the hook accounts for. */
const isRuledWait = (s: Signal): boolean => s.state === 'needs_permission' && s.reason === 'permission';

/** The latest signals without the other sources' permission waits (the hook's own stays). */
function withoutRuledWaits(
  latest: Partial<Record<SignalSource, Signal>>,
): Partial<Record<SignalSource, Signal>> {
  const out: Partial<Record<SignalSource, Signal>> = {};
  for (const [source, sig] of Object.entries(latest) as [SignalSource, Signal][]) {
    if (source === 'hook' || !isRuledWait(sig)) out[source] = sig;
  }
  return out;
}
