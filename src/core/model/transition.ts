import type { AgentState, StateDetail } from '../../protocol/agent.js';
import type { EventSource, NewEvent } from '../../protocol/events.js';
import { agentEvent } from './agent-event.js';
import type { AgentRecord } from './agent-record.js';
import { canTransition } from './agent-state.js';
import type { Clock, Logger } from '../ports/daemon.js';
import type { AgentRegistry } from './registry.js';

/**
 * Moves an agent to a new state with its evidence, and persists it with an
 * `agent.stateChanged` event (after `extra` events, e.g. the exit that caused it).
 * Impossible transitions are logged and ignored.
 */
export async function transitionAgent(
  d: { registry: AgentRegistry; clock: Clock; log: Logger },
  agent: AgentRecord,
  to: AgentState,
  detail: StateDetail,
  source: EventSource,
  extra: NewEvent[] = [],
): Promise<void> {
  const from = agent.state;
  if (!canTransition(from, to)) {
    d.log.warn({ agentId: agent.id, from, to }, 'ignored impossible transition');
    return;
  }
  agent.state = to;
  agent.stateDetail = detail;
  agent.stateSince = d.clock.now();
  if (to === 'exited' || to === 'crashed') agent.pid = null;
  await d.registry.save(agent, [
    ...extra,
    agentEvent(agent, source, 'agent.stateChanged', {
      from,
      to,
      detail,
      pid: agent.pid,
      since: new Date(agent.stateSince).toISOString(),
    }),
  ]);
}
