import type { AgentView } from '../../src/protocol/agent.js';
import { FetchClient } from '../../src/client/fetch-client.js';
import { AppError } from '../../src/protocol/app-error.js';
import { latestSeq } from '../../src/client/live-sources.js';

export { AppError };

/**
 * The dashboard's client of the daemon: the typed route table over `fetch`, same origin,
 * authenticated by the HttpOnly session cookie (the page never sees a token).
 */
export const client = new FetchClient();

/** The calls several views share. */
export const api = {
  agents: (): Promise<AgentView[]> => client.call('listAgents').then((r) => r.agents),
  agent: (id: string): Promise<AgentView> =>
    client.call('getAgent', { params: { agent: id } }).then((r) => r.agent),
  latestSeq: (): Promise<number> => latestSeq(client),
};

/** True for the daemon's "not signed in" answer (no session, or an expired one). */
export function isUnauthorized(err: unknown): boolean {
  return err instanceof AppError && err.status === 401;
}

/** The message to show for a failed call, with its stable code. */
export function errorText(err: unknown): string {
  if (err instanceof AppError) return `${err.message} [${err.code}]`;
  return err instanceof Error ? err.message : String(err);
}
