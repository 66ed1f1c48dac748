import type { WtpEvent } from '../../protocol/events.js';
import type { QuotaHoldView } from '../../protocol/quota.js';
import { hasProcess } from '../model/agent-state.js';
import type { EventBus } from '../model/event-bus.js';
import type { Clock, EventLog, Logger, TimerHandle } from '../ports/daemon.js';
import type { ProfileCatalog } from '../agents/profiles.js';
import type { AgentRegistry } from '../model/registry.js';
import { resetInstant } from './reset-instant.js';

interface Hold {
  vendor: string;
  since: number;
  agentId: string | null;
  resetsAt: string | null;
  resumeAt: number | null;
  paused: string[];
}

/** The longest a timer is armed for (setTimeout's limit is ~24.8 days); it re-arms when it fires. */
const MAX_TIMER_MS = 24 * 3_600_000;

/**
 * The usage-limit governor: when an agent reports a vendor's usage limit (state needs_input,
 * reason usage_limit), no task is dispatched to that vendor's profiles until the reset time the
 * vendor gave (when it can be read) or until `wtp resume`. With `pauseOnLimit`, the vendor's
 * other working agents are paused (SIGSTOP, never killed) and continued at the resume. Holds are
 * events (`quota.exhausted`, `quota.resumed`), so they survive a daemon restart.
 */
export class UsageGovernor {
  private readonly holds = new Map<string, Hold>();
  private readonly timers = new Map<string, TimerHandle>();
  private off: (() => void) | null = null;
  private readonly resumeListeners: (() => void)[] = [];

  constructor(
    private readonly d: {
      registry: AgentRegistry;
      /** Whose quota each profile spends. */
      profileCatalog: ProfileCatalog;
      bus: EventBus;
      events: EventLog;
      clock: Clock;
      log: Logger;
      /** Sends the pause/continue message to the agent's host; false when it has none. */
      pause: (agentId: string, paused: boolean) => boolean;
      settings: { pauseOnLimit: boolean };
      /** Called after a vendor is resumed; more with `whenResumed`. */
      onResume?: () => void;
    },
  ) {}

  /** Calls `f` after a vendor is resumed (the dispatcher ticks). */
  whenResumed(f: () => void): void {
    this.resumeListeners.push(f);
  }

  /** Restores the holds from the event log and listens for usage limits. */
  async start(): Promise<void> {
    for (let since = 0; ;) {
      const page = await this.d.events.since({
        since,
        limit: 1000,
        types: ['quota.exhausted', 'quota.resumed'],
      });
      for (const e of page) this.replay(e);
      if (page.length < 1000) break;
      since = page[page.length - 1]?.seq ?? since;
    }
    for (const hold of this.holds.values()) this.arm(hold);
    this.off = this.d.bus.subscribe((e) => this.onEvent(e));
  }

  stop(): void {
    this.off?.();
    this.off = null;
    for (const t of this.timers.values()) this.d.clock.clearTimer(t);
    this.timers.clear();
  }

  /** The hold that keeps tasks of `profile` from starting, if any. */
  heldFor(profile: string): QuotaHoldView | undefined {
    const vendor = this.d.profileCatalog.vendorOf(profile);
    const hold = vendor === null ? undefined : this.holds.get(vendor);
    return hold ? this.view(hold) : undefined;
  }

  /** Whether the agent is paused by a hold (SIGSTOPped until the resume). */
  isPaused(agentId: string): boolean {
    return [...this.holds.values()].some((h) => h.paused.includes(agentId));
  }

  list(): QuotaHoldView[] {
    return [...this.holds.values()].map((h) => this.view(h));
  }

  /** Lifts the hold of `vendor` (every hold when undefined); returns the vendors resumed. */
  async resume(vendor: string | undefined, by: 'reset' | 'user'): Promise<QuotaHoldView[]> {
    const lifted = [...this.holds.values()].filter((h) => vendor === undefined || h.vendor === vendor);
    for (const hold of lifted) {
      this.holds.delete(hold.vendor);
      const timer = this.timers.get(hold.vendor);
      if (timer) this.d.clock.clearTimer(timer);
      this.timers.delete(hold.vendor);
      const resumed = hold.paused.filter((id) => this.d.pause(id, false));
      await this.d.registry.record([
        {
          type: 'quota.resumed',
          source: by === 'user' ? 'user' : 'policy',
          agentId: null,
          workspaceId: null,
          data: { vendor: hold.vendor, by, resumed },
        },
      ]);
    }
    if (lifted.length > 0) {
      this.d.onResume?.();
      for (const f of this.resumeListeners) f();
    }
    return lifted.map((h) => this.view(h));
  }

  private onEvent(e: WtpEvent): void {
    if (e.type !== 'agent.stateChanged' || e.data.to !== 'needs_input') return;
    if (e.data.detail.reason !== 'usage_limit' || e.agentId === null) return;
    const agent = this.d.registry.get(e.agentId);
    const vendor = agent ? this.d.profileCatalog.vendorOf(agent.profile) : null;
    if (!agent || vendor === null) return;
    const resetsAt = e.data.detail.resetsAt ?? null;
    const held = this.holds.get(vendor);
    if (held && (held.resumeAt !== null || resetsAt === null)) return;
    void this.hold(vendor, agent.id, resetsAt, held?.paused ?? []).catch((err: unknown) =>
      this.d.log.warn({ err, vendor }, 'usage-limit hold not recorded'),
    );
  }

  private async hold(
    vendor: string,
    agentId: string,
    resetsAt: string | null,
    paused: string[],
  ): Promise<void> {
    const now = this.d.clock.now();
    const at = resetsAt === null ? null : resetInstant(resetsAt, now);
    const more = this.d.settings.pauseOnLimit
      ? this.d.registry
          .all()
          .filter(
            (a) => a.id !== agentId && !paused.includes(a.id) && a.state === 'working' && hasProcess(a.state),
          )
          .filter((a) => this.d.profileCatalog.vendorOf(a.profile) === vendor && this.d.pause(a.id, true))
          .map((a) => a.id)
      : [];
    const hold: Hold = { vendor, since: now, agentId, resetsAt, resumeAt: at, paused: [...paused, ...more] };
    this.holds.set(vendor, hold);
    this.arm(hold);
    // The hold dates from its event, as it does when replayed after a restart.
    const [recorded] = await this.d.registry.record([
      {
        type: 'quota.exhausted',
        source: 'policy',
        agentId,
        workspaceId: this.d.registry.get(agentId)?.workspaceId ?? null,
        data: {
          vendor,
          resetsAt,
          resumeAt: at === null ? null : new Date(at).toISOString(),
          paused: hold.paused,
        },
      },
    ]);
    if (recorded) hold.since = Date.parse(recorded.ts);
  }

  private arm(hold: Hold): void {
    const previous = this.timers.get(hold.vendor);
    if (previous) this.d.clock.clearTimer(previous);
    this.timers.delete(hold.vendor);
    if (hold.resumeAt === null) return;
    const wait = Math.max(0, hold.resumeAt - this.d.clock.now());
    const timer = this.d.clock.setTimer(Math.min(wait, MAX_TIMER_MS), () => {
      this.timers.delete(hold.vendor);
      if (this.holds.get(hold.vendor) !== hold) return;
      if (wait > MAX_TIMER_MS) this.arm(hold);
      else
        void this.resume(hold.vendor, 'reset').catch((err: unknown) =>
          this.d.log.warn({ err }, 'resume failed'),
        );
    });
    this.timers.set(hold.vendor, timer);
  }

  private replay(e: WtpEvent): void {
    if (e.type === 'quota.exhausted') {
      this.holds.set(e.data.vendor, {
        vendor: e.data.vendor,
        since: Date.parse(e.ts),
        agentId: e.agentId,
        resetsAt: e.data.resetsAt,
        resumeAt: e.data.resumeAt === null ? null : Date.parse(e.data.resumeAt),
        paused: e.data.paused,
      });
    } else if (e.type === 'quota.resumed') this.holds.delete(e.data.vendor);
  }

  private view(h: Hold): QuotaHoldView {
    return {
      vendor: h.vendor,
      since: new Date(h.since).toISOString(),
      agentId: h.agentId,
      agent: h.agentId === null ? null : (this.d.registry.get(h.agentId)?.name ?? null),
      resetsAt: h.resetsAt,
      resumeAt: h.resumeAt === null ? null : new Date(h.resumeAt).toISOString(),
      paused: [...h.paused],
    };
  }
}
