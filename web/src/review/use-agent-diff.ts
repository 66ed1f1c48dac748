import { useCallback, useEffect, useRef, useState } from 'react';
import type { WtpEvent } from '../../../src/protocol/events.js';
import type { RouteResponse } from '../../../src/protocol/routes.js';
import { client } from '../api.js';
import { useEventHub, useEvents } from '../event-hub.js';

export type AgentDiff = RouteResponse<'agentDiff'>['diff'];

export interface LoadedDiff {
  diff: AgentDiff | null;
  error: Error | null;
  loading: boolean;
  reload: () => void;
}

const totals = (d: AgentDiff) => ({
  files: d.files.length,
  insertions: d.files.reduce((n, f) => n + f.insertions, 0),
  deletions: d.files.reduce((n, f) => n + f.deletions, 0),
});

/** True when an event says the agent's diff may differ from `shown`. */
function touches(e: WtpEvent, agentId: string, shown: AgentDiff | null): boolean {
  if (e.agentId !== agentId) return false;
  if (e.type === 'agent.committed' || e.type === 'agent.merged') return true;
  if (e.type !== 'agent.diffChanged') return false;
  if (!shown) return true;
  const t = totals(shown); // the daemon also hears of the diffs this page loads: no echo reload
  return t.files !== e.data.files || t.insertions !== e.data.insertions || t.deletions !== e.data.deletions;
}

/**
 * The full diff of an agent (committed, uncommitted and untracked work against its base), loaded
 * after the event hub is ready and again when `agent.diffChanged`, `agent.committed` or
 * `agent.merged` of that agent arrive, and after a reconnect.
 */
export function useAgentDiff(agentId: string | null): LoadedDiff {
  const hub = useEventHub();
  const [diff, setDiff] = useState<AgentDiff | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(false);
  const ticket = useRef(0);
  const shown = useRef<AgentDiff | null>(null);

  const load = useCallback(() => {
    if (agentId === null) return;
    const mine = ++ticket.current;
    setLoading(true);
    client
      .call('agentDiff', { params: { agent: agentId }, query: { stat: 'false' } })
      .then(
        (r) => {
          if (mine !== ticket.current) return;
          shown.current = r.diff;
          setDiff(r.diff);
          setError(null);
        },
        (err: unknown) => {
          if (mine === ticket.current) setError(err instanceof Error ? err : new Error(String(err)));
        },
      )
      .finally(() => mine === ticket.current && setLoading(false));
  }, [agentId]);

  useEffect(() => {
    shown.current = null;
    setDiff(null);
    setError(null);
    let stopped = false;
    void hub.ready.then(() => {
      if (!stopped) load();
    });
    return () => {
      stopped = true;
      ticket.current++;
    };
  }, [hub, load]);
  useEvents((batch) => {
    if (agentId !== null && batch.some((e) => touches(e, agentId, shown.current))) load();
  }, load);
  return { diff, error, loading, reload: load };
}
