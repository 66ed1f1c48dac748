import { useEffect, useRef, useState } from 'react';
import type { AgentView } from '../../src/protocol/agent.js';
import type { WtpEvent } from '../../src/protocol/events.js';
import { api, WtpError } from './api.js';
import { useEventHub } from './event-hub.js';

export interface Fleet {
  agents: AgentView[];
  /** Set when the daemon refused the page (no or expired session) or a load failed. */
  error: Error | null;
}

/**
 * Every agent, kept live: the list is loaded once, then `agent.stateChanged` events are applied at
 * once (the state, its evidence and since when) and the agents other events touch are fetched
 * again, coalesced. After a reconnect the whole list is fetched again.
 */
export function useFleet(): Fleet {
  const hub = useEventHub();
  const [agents, setAgents] = useState<Map<string, AgentView>>(new Map());
  const [error, setError] = useState<Error | null>(null);
  /** Agents being fetched; true when an event touched one again meanwhile (fetched once more). */
  const pending = useRef(new Map<string, boolean>());

  useEffect(() => {
    let stopped = false;
    const fail = (err: unknown): void => setError(err instanceof Error ? err : new Error(String(err)));
    // Agents events touched while the whole list was loading: fetched again once it has arrived,
    // so a list that left the daemon before their events cannot hide them.
    let loading: Set<string> | null = null;
    const loadAll = async (): Promise<void> => {
      const touched = new Set<string>();
      loading = touched;
      try {
        const list = await api.agents();
        if (stopped) return;
        setAgents(new Map(list.map((a) => [a.id, a])));
      } finally {
        if (loading === touched) loading = null;
      }
      refresh(touched);
    };
    const refresh = (ids: Iterable<string>): void => {
      for (const id of ids) {
        if (pending.current.has(id)) {
          pending.current.set(id, true); // the answer in flight may predate this event
          continue;
        }
        pending.current.set(id, false);
        api
          .agent(id)
          .then((a) => !stopped && setAgents((m) => new Map(m).set(a.id, a)))
          .catch((err: unknown) => {
            if (err instanceof WtpError && err.status === 404) setAgents((m) => without(m, id));
            else fail(err);
          })
          .finally(() => {
            const again = pending.current.get(id) === true;
            pending.current.delete(id);
            if (again && !stopped) refresh([id]);
          });
      }
    };
    const apply = (batch: WtpEvent[]): void => {
      // Worked out here, not in the state updater: React may run an updater later (or twice).
      const touched = new Set<string>();
      for (const e of batch) {
        if (e.agentId !== null && e.type !== 'agent.removed' && e.type !== 'agent.inputSent')
          touched.add(e.agentId);
      }
      setAgents((m) => {
        const next = new Map(m);
        for (const e of batch) {
          if (e.agentId === null) continue;
          if (e.type === 'agent.removed') next.delete(e.agentId);
          const a = next.get(e.agentId);
          if (e.type === 'agent.stateChanged' && a) {
            next.set(a.id, { ...a, state: e.data.to, stateDetail: e.data.detail, stateSince: e.ts });
          }
        }
        return next;
      });
      for (const id of touched) loading?.add(id);
      refresh(touched);
    };
    const offEvents = hub.subscribe(apply);
    const offReconnect = hub.onReconnect(() => void loadAll().catch(fail));
    hub.ready.then(loadAll).catch(fail);
    return () => {
      stopped = true;
      offEvents();
      offReconnect();
    };
  }, [hub]);

  const list = [...agents.values()].sort(
    (a, b) => a.workspace.localeCompare(b.workspace) || a.name.localeCompare(b.name),
  );
  return { agents: list, error };
}

function without<K, V>(m: Map<K, V>, key: K): Map<K, V> {
  const next = new Map(m);
  next.delete(key);
  return next;
}
