import type { EventSource, NewEvent } from '../../protocol/events.js';
import type { AgentRecord } from './agent-record.js';

/** A new event about one agent, typed by its `type`. */
export function agentEvent<T extends NewEvent['type']>(
  agent: AgentRecord,
  source: EventSource,
  type: T,
  data: Extract<NewEvent, { type: T }>['data'],
): NewEvent {
  return { type, source, agentId: agent.id, workspaceId: agent.workspaceId, data } as NewEvent;
}
