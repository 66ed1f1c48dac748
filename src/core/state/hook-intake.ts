import type { Signal } from '../../protocol/signals.js';
import type { AgentService } from '../agents/agent-service.js';
import { appError } from '../../protocol/error-messages.js';
import type { ProfileCatalog } from '../agents/profiles.js';
import type { CancelSignal, Clock } from '../ports/daemon.js';
import type { AgentRegistry } from '../model/registry.js';
import type { StateEngine } from './state-engine.js';
import type { HookDecider } from '../policies/hook-decider.js';
import type { PermissionTracker } from '../agents/permission-tracker.js';
import type { TurnJudge } from './turn-judge.js';
import type { HeldDecisions } from '../agents/held-decisions.js';

/**
 * A hook call from an agent CLI, routed by the agent id we put in its hook URL (never by
 * TMUX_PANE or cwd), read by its profile's `readHook`: records the session id (to resume, once it
 * has a conversation) and the permission mode it names, and feeds the signal to the engine.
 */
export async function receiveHook(
  d: {
    registry: AgentRegistry;
    profileCatalog: ProfileCatalog;
    service: AgentService;
    engine: StateEngine;
    clock: Clock;
    /** Approval rules through the vendor's decision hook; absent: no hook decides. */
    decider?: Pick<HookDecider, 'decide'>;
    /** The agent's permission mode, from the hook's `permission_mode`. */
    permissions?: PermissionTracker;
    /** How a turn ended, from its last message; absent: a turn's end is idle. */
    turns?: Pick<TurnJudge, 'ended'>;
    /** Decision hooks held for the user's answer; absent: none is held. */
    held?: Pick<HeldDecisions, 'hold' | 'reached'>;
  },
  agentId: string,
  body: Record<string, unknown>,
  /**
   * The CLI's own connection, aborted when it stops waiting: only such a call is held for the
   * user (`wtp hook`, its command form, would keep a process waiting).
   */
  signal?: CancelSignal,
): Promise<HookOutcome> {
  const agent = d.registry.get(agentId);
  const spec = agent ? d.profileCatalog.get(agent.profile) : undefined;
  if (!agent || !spec?.readHook || !spec.signals.includes('hook')) {
    throw appError('HOOK_REJECTED', { agentId });
  }
  if (signal !== undefined) d.held?.reached(agent.id);
  const reading = spec.readHook(body, d.clock.now());
  // A fresh session (nothing in it yet) is kept once it has a turn: `--resume` of it exits 1.
  if (reading.sessionId !== null && reading.fresh !== true)
    await d.service.noteSession(agent, reading.sessionId);
  await d.permissions?.hook(agent, body, reading.event, d.clock.now());
  // Decided by a rule before the CLI shows its dialog: no dialog, so no wait to report.
  const response = (await d.decider?.decide(agent, spec, reading.event, body)) ?? null;
  if (response !== null) return { signal: null, response };
  // The verdict on the turn's last message first: the idle this call tells is decided under it.
  if (reading.turnEnd !== undefined) {
    const of = { agent, sessionId: reading.sessionId };
    await d.turns?.ended(agent.id, reading.turnEnd, reading.signal?.at ?? d.clock.now(), of);
  }
  if (reading.signal) await d.engine.observe(agent.id, reading.signal);
  // A CLI that draws its dialog while the call waits: the call waits for the user's answer too.
  const user = spec.decisionHook?.user;
  const asked =
    user && spec.decisionHook?.events.includes(reading.event) ? spec.decisionHook.request(body) : null;
  const holds =
    user !== undefined && asked !== null && !user.screenOnly.includes(asked.tool ?? '') && user.holds(body);
  if (d.held && signal && user && holds) {
    const request = { event: reading.event, tool: asked.tool, about: asked.about };
    const response = await d.held.hold(agent.id, request, { holdMs: user.holdMs, signal });
    return { signal: reading.signal, response };
  }
  return { signal: reading.signal, response: null };
}

/** What a hook call did: the signal it gave, and the response its CLI gets (a rule's decision), if any. */
export interface HookOutcome {
  signal: Signal | null;
  response: Record<string, unknown> | null;
}
