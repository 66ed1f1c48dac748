import type { AgentView } from '../../src/protocol/agent.js';
import type { ErrorBody } from '../../src/protocol/errors.js';

/**
 * The dashboard's calls to the daemon: same origin, authenticated by the HttpOnly session cookie
 * that `wtp dashboard`'s one-time link set (the page never sees a token).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody | null,
  ) {
    super(body?.message ?? `HTTP ${status}`);
  }
}

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, (body as ErrorBody | null) ?? null);
  return body as T;
}

export const api = {
  agents: (): Promise<AgentView[]> =>
    getJson<{ agents: AgentView[] }>('/api/v1/agents').then((r) => r.agents),
  agent: (id: string): Promise<AgentView> =>
    getJson<{ agent: AgentView }>(`/api/v1/agents/${encodeURIComponent(id)}`).then((r) => r.agent),
  latestSeq: (): Promise<number> =>
    getJson<{ latestSeq: number }>('/api/v1/events/history?limit=1&since=0').then((r) => r.latestSeq),
};
