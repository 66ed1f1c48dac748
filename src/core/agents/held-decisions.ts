import type { AgentRegistry } from '../model/registry.js';
import type { CancelSignal, Clock, Logger } from '../ports/daemon.js';

/** What a held hook call asks, as its CLI handed it over. */
export interface HeldRequest {
  event: string;
  tool?: string | undefined;
  /** The whole command or path (the hook's own input, never a screen's copy). */
  about?: string | undefined;
}

/** A hook call held for the user's answer: the dialog it belongs to, and how to answer it. */
export interface HeldDecision extends HeldRequest {
  agentId: string;
  /** The agent's needs_permission since this time: the dialog the call belongs to. */
  since: number;
  /** Sends the response to the CLI; false when the call is no longer held. */
  answer(response: Record<string, unknown>): boolean;
}

/** Calls held for one agent at most: an agent's hook payloads are its own to forge, its sockets are not. */
const MAX_HELD_PER_AGENT = 8;

interface Entry extends HeldRequest {
  agentId: string;
  /** The dialog it belongs to; undefined until the agent is seen waiting (see `hold`). */
  since: number | undefined;
  answer(response: Record<string, unknown>): boolean;
  release(): void;
}

/**
 * States of a CLI that may send its decision hook before the agent is seen waiting: its status
 * record, more trusted than a hook, may say "blocked" after the call came (under load, seconds).
 */
const BEFORE_THE_WAIT = new Set(['running', 'working']);

export interface HeldDecisionsDeps {
  registry: Pick<AgentRegistry, 'get' | 'onChange'>;
  clock: Clock;
  log: Logger;
}

/**
 * Decision hooks held open for the user (Claude Code's PermissionRequest): the CLI draws its dialog
 * while the call waits, and takes the first answer, the hook's or its screen's. A call held here
 * is answered by `wtp approve`/`deny` (the answerer) with the CLI's own allow or deny: no key is
 * pressed and no screen is read. It is let go with no answer — the CLI goes on with its dialog —
 * once the agent leaves that dialog (answered in its terminal), when the CLI stops waiting (its
 * connection closed), or at `holdMs`, before the CLI's own timeout.
 */
export class HeldDecisions {
  private readonly held = new Map<string, Entry[]>();
  /** Answers waiting for an agent's call to come in (`arrival`). */
  private readonly waiting = new Map<string, Set<() => void>>();
  /** Agents whose CLI called over its own connection: their decision calls can be held. */
  private readonly connected = new Set<string>();
  private off: (() => void) | null = null;

  constructor(private readonly d: HeldDecisionsDeps) {}

  /**
   * Holds a hook call of the agent's current dialog until it is answered (the response) or let go
   * (null). A call that comes while the agent still works belongs to the wait for permission it
   * enters next; it is let go if the agent goes anywhere else. Nothing is held otherwise.
   */
  hold(
    agentId: string,
    request: HeldRequest,
    o: { holdMs: number; signal?: CancelSignal | undefined },
  ): Promise<Record<string, unknown> | null> {
    const agent = this.d.registry.get(agentId);
    const waits = agent?.state === 'needs_permission';
    if (agent === undefined || (!waits && !BEFORE_THE_WAIT.has(agent.state)) || o.signal?.aborted === true)
      return Promise.resolve(null);
    if ((this.held.get(agentId)?.length ?? 0) >= MAX_HELD_PER_AGENT) {
      this.d.log.warn(
        { agentId, tool: request.tool },
        'too many held decision hooks: this one answered at once',
      );
      return Promise.resolve(null);
    }
    const since = waits ? agent.stateSince : undefined;
    return new Promise((resolve) => {
      let done = false;
      const finish = (response: Record<string, unknown> | null): boolean => {
        if (done) return false;
        done = true;
        this.d.clock.clearTimer(timer);
        o.signal?.removeEventListener('abort', onAbort);
        this.drop(agentId, entry);
        resolve(response);
        return true;
      };
      const onAbort = (): void => void finish(null);
      const timer = this.d.clock.setTimer(o.holdMs, () => {
        this.d.log.info({ agentId, tool: request.tool }, 'a held decision hook let go at its bound');
        finish(null);
      });
      const entry: Entry = {
        ...request,
        agentId,
        since,
        answer: (response) => finish(response),
        release: () => void finish(null),
      };
      o.signal?.addEventListener('abort', onAbort);
      this.held.set(agentId, [...(this.held.get(agentId) ?? []), entry]);
      this.watch();
      for (const wake of this.waiting.get(agentId) ?? []) wake();
    });
  }

  /**
   * The held call of the dialog the agent waits on now (since `since`): the one about `about`
   * when the agent has several (a CLI that queues its dialogs), else the oldest.
   */
  current(agentId: string, since: number, about?: string): HeldDecision | undefined {
    const mine = (this.held.get(agentId) ?? []).filter(
      (e): e is Entry & { since: number } => e.since === since,
    );
    return mine.find((e) => about !== undefined && e.about === about) ?? mine[0];
  }

  /**
   * The held call of the agent's dialog (since `since`), once it comes in: a dialog announced by its
   * screen or status line can come a moment before its hook call. Undefined after `ms`.
   */
  arrival(
    agentId: string,
    since: number,
    about: string | undefined,
    ms: number,
  ): Promise<HeldDecision | undefined> {
    const now = this.current(agentId, since, about);
    if (now !== undefined || ms <= 0) return Promise.resolve(now);
    return new Promise((resolve) => {
      const set = this.waiting.get(agentId) ?? new Set<() => void>();
      this.waiting.set(agentId, set);
      const done = (found: HeldDecision | undefined): void => {
        this.d.clock.clearTimer(timer);
        set.delete(wake);
        if (set.size === 0) this.waiting.delete(agentId);
        resolve(found);
      };
      const wake = (): void => {
        const found = this.current(agentId, since, about);
        if (found !== undefined) done(found);
      };
      const timer = this.d.clock.setTimer(ms, () => done(undefined));
      set.add(wake);
    });
  }

  /**
   * A hook call of the agent came over its CLI's own connection (http hooks). Command hooks (`wtp
   * hook`) never come that way, so an answer need not wait for a call that will not be held.
   */
  reached(agentId: string): void {
    this.connected.add(agentId);
  }

  /** Whether the agent's hook calls come over a connection a decision can be held on. */
  canHold(agentId: string): boolean {
    return this.connected.has(agentId);
  }

  /** Lets every held call go (the daemon stops). */
  releaseAll(): void {
    for (const entries of [...this.held.values()]) for (const e of entries) e.release();
  }

  private drop(agentId: string, entry: Entry): void {
    const rest = (this.held.get(agentId) ?? []).filter((e) => e !== entry);
    if (rest.length > 0) this.held.set(agentId, rest);
    else this.held.delete(agentId);
    if (this.held.size === 0) {
      this.off?.();
      this.off = null;
    }
  }

  /** While calls are held: one that no longer belongs to the agent's dialog is let go. */
  private watch(): void {
    if (this.off !== null) return;
    this.off = this.d.registry.onChange((agentId) => {
      const entries = this.held.get(agentId);
      if (entries === undefined) return;
      const a = this.d.registry.get(agentId);
      let bound = false;
      for (const e of entries) {
        if (e.since === undefined && a?.state === 'needs_permission') {
          e.since = a.stateSince;
          bound = true;
        } else if (
          e.since === undefined
            ? !BEFORE_THE_WAIT.has(a?.state ?? '')
            : a?.state !== 'needs_permission' || a.stateSince !== e.since
        ) {
          e.release();
        }
      }
      if (bound) for (const wake of this.waiting.get(agentId) ?? []) wake();
    });
  }
}
