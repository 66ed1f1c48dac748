import { useMemo } from 'react';
import type { AgentView } from '../../src/protocol/agent.js';
import { agentSource } from '../../src/client/live-sources.js';
import { client } from './api.js';
import { useLiveCollection } from './live-collection.js';

export interface Fleet {
  agents: AgentView[];
  /** False until the list has been loaded once. */
  loaded: boolean;
  /** Set when the daemon refused the page (no or expired session) or a load failed. */
  error: Error | null;
}

const AGENTS = agentSource(client);

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
