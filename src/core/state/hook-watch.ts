import type { ProfileCatalog } from '../agents/profiles.js';
import { agentEvent } from '../model/agent-event.js';
import type { AgentRegistry } from '../model/registry.js';
import type { Clock, Logger, TimerHandle } from '../ports/daemon.js';
import type { Signal, SignalSource } from '../../protocol/signals.js';

export interface HookWatchDeps {
  registry: Pick<AgentRegistry, 'get' | 'onChange' | 'record'>;
  profileCatalog: ProfileCatalog;
  /** The latest signal of each source for an agent (the state engine's). */
  latest(agentId: string): Partial<Record<SignalSource, Signal>>;
  clock: Clock;
  log: Logger;
  /** How long after a dialog was announced by another source its hook may still come. */
  waitMs?: number;
}

const WAIT_MS = 3_000;

/**
 * Notices a hook call that never arrived: an agent CLI whose hook announces each
 * permission dialog (`ProfileSpec.dialogHook`, Claude Code's PermissionRequest) was seen waiting
 * on one by another source (its status record, its screen), and no such hook came within
 * `waitMs`. Its hook call failed on the CLI's side (a refused or reset connection), where the
 * daemon cannot see the error: the miss is logged and recorded (`agent.hookMissed`, shown by
 * `wtp why`), with what announced the dialog instead.
 */
export class HookWatch {
  private readonly armed = new Map<string, { since: number; timer: TimerHandle }>();
  private off: (() => void) | null = null;

  constructor(private readonly d: HookWatchDeps) {}

  start(): void {
    this.off ??= this.d.registry.onChange((id) => this.check(id));
  }

  stop(): void {
    this.off?.();
    this.off = null;
    for (const { timer } of this.armed.values()) this.d.clock.clearTimer(timer);
    this.armed.clear();
  }

  private check(id: string): void {
    const agent = this.d.registry.get(id);
    const waiting = agent?.state === 'needs_permission' && agent.stateDetail.reason === 'permission';
    const armed = this.armed.get(id);
    if (armed !== undefined && (!waiting || armed.since !== agent.stateSince)) {
      this.d.clock.clearTimer(armed.timer);
      this.armed.delete(id);
    }
    if (!waiting || this.armed.has(id)) return;
    const event = this.d.profileCatalog.get(agent.profile).dialogHook;
    if (event === undefined || this.heard(id, agent.stateSince)) return;
    const since = agent.stateSince;
    const timer = this.d.clock.setTimer(this.d.waitMs ?? WAIT_MS, () => {
      this.armed.delete(id);
      void this.missed(id, since, event);
    });
    this.armed.set(id, { since, timer });
  }

  /** Whether a hook told this wait (a dialog hook at most a moment before the state changed). */
  private heard(id: string, since: number): boolean {
    const hook = this.d.latest(id).hook;
    return (
      hook !== undefined && hook.state === 'needs_permission' && hook.at >= since - (this.d.waitMs ?? WAIT_MS)
    );
  }

  private async missed(id: string, since: number, event: string): Promise<void> {
    const agent = this.d.registry.get(id);
    if (agent?.state !== 'needs_permission' || agent.stateSince !== since || this.heard(id, since)) return;
    const by = agent.stateDetail.source ?? 'another source';
    const waitMs = this.d.waitMs ?? WAIT_MS;
    this.d.log.warn(
      { agentId: id, event, announcedBy: by, waitMs },
      'a permission dialog was announced but its hook never arrived: the hook call failed on the CLI side',
    );
    await this.d.registry
      .record([agentEvent(agent, 'daemon', 'agent.hookMissed', { event, announcedBy: by, waitedMs: waitMs })])
      .catch((err: unknown) => this.d.log.warn({ err, agentId: id }, 'hook miss not recorded'));
  }
}
