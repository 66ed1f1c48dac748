import type { SandboxDenial } from '../../protocol/sandbox.js';
import { agentEvent } from '../model/agent-event.js';
import type { AgentRegistry } from '../model/registry.js';

/**
 * What an agent's sandbox refused, as its host reported it: an `agent.sandboxDenied` event, so
 * the user sees what was asked and can widen the policy knowingly (`wtp events`, `wtp why`). A
 * report for an agent that is gone or was never sandboxed is dropped.
 */
export async function recordSandboxDenial(
  registry: AgentRegistry,
  agentId: string,
  denial: SandboxDenial,
): Promise<void> {
  const agent = registry.get(agentId);
  if (!agent?.sandbox) return;
  await registry.record([agentEvent(agent, 'host', 'agent.sandboxDenied', { ...denial })]);
}
