import type { Signal } from '../../protocol/signals.js';
import type { AgentService } from '../agents/agent-service.js';
import { AppError } from '../errors.js';
import type { ProfileCatalog } from '../agents/profiles.js';
import type { Clock } from '../ports/daemon.js';
import type { AgentRegistry } from '../model/registry.js';
import type { StateEngine } from './state-engine.js';
import type { PermissionTracker } from '../agents/permission-tracker.js';

/**
 * A hook call from an agent CLI, routed by the agent id we put in its hook URL (never by
 * TMUX_PANE or cwd), read by its profile's `readHook`: records the session id (to resume) and the
 * permission mode it names, and feeds the signal to the engine.
 */
export async function receiveHook(
  d: {
    registry: AgentRegistry;
    profileCatalog: ProfileCatalog;
    service: AgentService;
    engine: StateEngine;
    clock: Clock;
    /** The agent's permission mode, from the hook's `permission_mode` (issue 29). */
    permissions?: PermissionTracker;
  },
  agentId: string,
  body: Record<string, unknown>,
): Promise<Signal | null> {
  const agent = d.registry.get(agentId);
  const spec = agent ? d.profileCatalog.get(agent.profile) : undefined;
  if (!agent || !spec?.readHook || !spec.signals.includes('hook')) {
    throw new AppError('HOOK_REJECTED', `No agent ${agentId} takes hook calls.`, { agentId });
  }
  const reading = spec.readHook(body, d.clock.now());
  if (reading.sessionId !== null) await d.service.noteSession(agent, reading.sessionId);
  await d.permissions?.hook(agent, body, reading.event, d.clock.now());
  if (reading.signal) await d.engine.observe(agent.id, reading.signal);
  return reading.signal;
}
