import type { EventSource, NewEvent } from '../../protocol/events.js';
import { agentEvent } from '../model/agent-event.js';
import type { AgentRecord } from '../model/agent-record.js';
import type { AgentRegistry } from '../model/registry.js';
import type { Clock, Logger } from '../ports/daemon.js';
import {
  observePermission,
  restartPermission,
  startPermission,
  toPermissionView,
  type AgentPermissionState,
} from './permission-mode.js';
import type { ModeReading, ProfileCatalog, StartMode } from './profiles.js';

/** How long after the screen showed a mode a hook naming another one is taken for a late one. */
export const LATE_HOOK_MS = 2_000;

export interface PermissionTrackerDeps {
  registry: AgentRegistry;
  profileCatalog: ProfileCatalog;
  clock: Clock;
  log: Logger;
}

/**
 * Keeps each agent's effective permission mode: the mode it starts in (its setup's
 * reading of arguments and settings, or its profile's default), then what the CLI itself says —
 * the `permission_mode` of its hooks, the mode line on its screen (shift+tab changes it). A change
 * of mode is saved with `agent.permissionModeChanged`; a source confirming the mode writes nothing
 * new, so a hook and a screen that agree never make it flap.
 */
export class PermissionTracker {
  /** The mode each agent's screen last showed, and when (not kept over a daemon restart). */
  private readonly screens = new Map<string, { native: string; at: number }>();

  constructor(private readonly d: PermissionTrackerDeps) {}

  /** Forgets a removed agent. */
  forget(agentId: string): void {
    this.screens.delete(agentId);
  }

  /** A new agent's start mode (set on the record before it is first saved). */
  created(agent: AgentRecord, fromSetup: StartMode | null): void {
    const initial = this.initial(agent, fromSetup);
    if (initial) agent.permission = initial;
    else delete agent.permission;
  }

  /**
   * A new process of the agent: back to the mode it starts in (what a session changed goes with it).
   * The record is saved by the transition that follows; the event, when the mode differs, here.
   */
  processStarted(agentId: string): void {
    const agent = this.d.registry.get(agentId);
    if (!agent) return;
    const now = this.d.clock.now();
    const p = agent.permission ?? this.initial(agent, null);
    if (!p) return;
    this.screens.delete(agentId);
    const before = agent.permission?.current;
    agent.permission = before === undefined ? p : restartPermission(p, now);
    if (before !== undefined && before.native !== p.start.native) {
      const event = this.changed(agent, before.mode, agent.permission, 'host');
      void this.d.registry.record([event]).catch((err: unknown) => {
        this.d.log.warn({ err, agentId }, 'could not record the permission mode');
      });
    }
  }

  /** What one hook call says of the mode (Claude Code, Qwen Code: `permission_mode`). */
  hook(agent: AgentRecord, body: Record<string, unknown>, event: string, at: number): Promise<void> {
    const native = this.d.profileCatalog.get(agent.profile).permissions?.fromHook?.(body) ?? null;
    if (native === null) return Promise.resolve();
    const evidence = `hook ${event} permission_mode ${JSON.stringify(native)}`;
    return this.observe(agent.id, { native, evidence, source: 'hook', at });
  }

  /** What the CLI itself says (a hook, its mode line): saved, with an event when the mode changed. */
  async observe(
    agentId: string,
    reading: ModeReading & { source: 'hook' | 'screen'; at: number },
  ): Promise<void> {
    const agent = this.d.registry.get(agentId);
    const spec = agent ? this.d.profileCatalog.get(agent.profile).permissions : undefined;
    if (!agent || !spec) return;
    if (reading.source === 'screen') this.screens.set(agentId, { native: reading.native, at: reading.at });
    // A hook sent before a shift+tab can arrive after the screen showed the new mode, and the screen
    // says a mode only when it changes: a hook that contradicts it this soon after is taken as late.
    const shown = this.screens.get(agentId);
    if (
      reading.source === 'hook' &&
      shown !== undefined &&
      shown.native !== reading.native &&
      reading.at - shown.at < LATE_HOOK_MS
    )
      return;
    const p = agent.permission ?? this.initial(agent, null);
    if (!p) return;
    const r = observePermission(spec, p, { ...reading, native: reading.native.slice(0, 100) });
    if (r === null) {
      if (!agent.permission) agent.permission = p;
      return;
    }
    agent.permission = r.next;
    const source = reading.source === 'hook' ? 'agent' : 'host';
    await this.d.registry.save(
      agent,
      r.modeChanged ? [this.changed(agent, p.current.mode, r.next, source)] : [],
    );
  }

  private initial(agent: AgentRecord, fromSetup: StartMode | null): AgentPermissionState | null {
    const spec = this.d.profileCatalog.get(agent.profile).permissions;
    if (!spec) return null;
    return startPermission(spec, {
      args: agent.args,
      version: agent.version,
      fromSetup,
      now: this.d.clock.now(),
    });
  }

  private changed(
    agent: AgentRecord,
    from: AgentPermissionState['current']['mode'] | null,
    p: AgentPermissionState,
    source: EventSource,
  ): NewEvent {
    return agentEvent(agent, source, 'agent.permissionModeChanged', {
      from,
      permission: toPermissionView(p.current),
    });
  }
}
