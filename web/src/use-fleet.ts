import { useEffect, useRef, useState } from 'react';
import type { AgentView } from '../../src/protocol/agent.js';
import type { WtpEvent } from '../../src/protocol/events.js';
import { api, WtpError } from './api.js';
import { useEventHub } from './event-hub.js';

/** Events that change nothing the fleet shows about an agent (no fetch). */
const NOT_SHOWN = new Set<WtpEvent['type']>([
  'agent.removed',
  'agent.inputSent',
  'agent.attached',
  'agent.detached',
]);
/** Above this many agents touched by one batch of events, the whole list is fetched once. */
const MAX_SINGLE_FETCHES = 8;

export interface Fleet {
  agents: AgentView[];
  /** False until the list has been loaded once. */
  loaded: boolean;
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
  const [loaded, setLoaded] = useState(false);
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
        setLoaded(true);
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
        if (e.agentId !== null && !NOT_SHOWN.has(e.type)) touched.add(e.agentId);
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
      // Many agents at once (a fleet starting, a broadcast): one list instead of a call per agent.
      if (touched.size > MAX_SINGLE_FETCHES) reloadAll();
      else refresh(touched);
    };
    let reloading: 'no' | 'yes' | 'again' = 'no';
    const reloadAll = (): void => {
      if (reloading !== 'no') {
        reloading = 'again';
        return;
      }
      reloading = 'yes';
      loadAll()
        .catch(fail)
        .finally(() => {
          const again = reloading === 'again';
          reloading = 'no';
          if (again && !stopped) reloadAll();
        });
    };
    const offEvents = hub.subscribe(apply);
    const offReconnect = hub.onReconnect(reloadAll);
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
  return { agents: list, loaded, error };
}

function without<K, V>(m: Map<K, V>, key: K): Map<K, V> {
  const next = new Map(m);
  next.delete(key);
  return next;
}
