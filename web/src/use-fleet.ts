import { useMemo } from 'react';
import type { AgentView } from '../../src/protocol/agent.js';
import type { WtpEvent } from '../../src/protocol/events.js';
import { api } from './api.js';
import { useLiveCollection, type LiveSource } from './live-collection.js';

export interface Fleet {
  agents: AgentView[];
  /** False until the list has been loaded once. */
  loaded: boolean;
  /** Set when the daemon refused the page (no or expired session) or a load failed. */
  error: Error | null;
}

/** Events that change nothing the fleet shows about an agent (no fetch). */
const NOT_SHOWN = new Set<WtpEvent['type']>([
  'agent.removed',
  'agent.inputSent',
  'agent.attached',
  'agent.detached',
]);

const AGENTS: LiveSource<AgentView> = {
  loadAll: api.agents,
  loadOne: api.agent,
  touched: (e) => (e.agentId !== null && !NOT_SHOWN.has(e.type) ? e.agentId : null),
  removed: (e) => (e.type === 'agent.removed' ? e.agentId : null),
  // The state, its evidence and since when show at once; the fetch brings the rest.
  patch: (a, e) =>
    e.type === 'agent.stateChanged'
      ? { ...a, state: e.data.to, stateDetail: e.data.detail, stateSince: e.ts }
      : a,
};

/** Every agent, kept live, by workspace then name. */
export function useFleet(): Fleet {
  const { items, loaded, error } = useLiveCollection(AGENTS);
  const agents = useMemo(
    () =>
      [...items.values()].sort(
        (a, b) => a.workspace.localeCompare(b.workspace) || a.name.localeCompare(b.name),
      ),
    [items],
  );
  return { agents, loaded, error };
}
