import { invalidInput } from '../../core/errors.js';
import type { AgentView } from '../../protocol/agent.js';
import { agentViewChangedBy } from '../../protocol/agent-view-events.js';
import { eventsSocketQuerySchema } from '../../protocol/event-socket.js';
import type { WtpEvent } from '../../protocol/events.js';
import { zodIssues } from '../../protocol/zod-issues.js';
import type { ApiContext } from '../server/api-context.js';
import type { HttpApp } from '../server/http-app.js';
import type { HttpCounters } from '../server/http-counters.js';
import { failSocket, MAX_BUFFERED_BYTES, sendJson } from './send-json.js';

const PAGE = 1000;

/**
 * `/api/v1/events`: replays the log after `since`, then streams live events. Live events
 * that arrive during the replay are held and delivered after it, so nothing is missed
 * or sent twice.
 */
export function registerEventsSocket(
  app: HttpApp,
  api: Pick<ApiContext, 'events' | 'log' | 'fleet' | 'agents'>,
  counters: HttpCounters,
): void {
  const { events } = api;
  // One view per event, however many sockets asked for it; none for an agent gone meanwhile.
  const views = new WeakMap<WtpEvent, AgentView | null>();
  const viewOf = (e: WtpEvent): AgentView | null => {
    const id = agentViewChangedBy(e);
    if (id === null) return null;
    let v = views.get(e);
    if (v === undefined) {
      try {
        v = api.agents.get(id);
      } catch {
        v = null; // the client asks for it, and hears why it cannot have it
      }
      views.set(e, v);
    }
    return v;
  };
  app.socket('/api/v1/events', (socket, req) => {
    const parsed = eventsSocketQuerySchema.safeParse(req.query);
    if (!parsed.success) {
      failSocket(socket, invalidInput(zodIssues(parsed.error, 'query')).toBody());
      return;
    }
    const q = parsed.data;
    const types = q.types?.split(',').filter((t) => t !== '');
    const typeSet = types && types.length > 0 ? new Set(types) : null;
    const agentId = q.agent === undefined ? undefined : events.agentId(q.agent);
    const matches = (e: WtpEvent): boolean =>
      (!typeSet || typeSet.has(e.type)) && (agentId === undefined || e.agentId === agentId);
    let last = q.since;
    let live = false;
    const held: WtpEvent[] = [];
    const send = (e: WtpEvent): void => {
      if (e.seq <= last || socket.readyState !== socket.OPEN) return;
      if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
        socket.close(1013, `too slow; reconnect with since=${last}`);
        return;
      }
      last = e.seq;
      const agent = q.agents === 'true' ? viewOf(e) : null;
      sendJson(socket, agent === null ? { type: 'event', event: e } : { type: 'event', event: e, agent });
    };
    counters.wsClients += 1;
    const unsubscribe = events.subscribe((e) => {
      if (!matches(e)) return;
      if (live) send(e);
      else held.push(e);
    });
    // The other machines' changes, as they come (not replayed: a client reloads after a reconnect).
    const unsubscribeFleet =
      q.fleet === 'true' && api.fleet
        ? api.fleet.subscribe((change) => {
            if (!live || socket.readyState !== socket.OPEN) return;
            if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
              socket.close(1013, `too slow; reconnect with since=${last}`);
              return;
            }
            sendJson(socket, { type: 'fleet', change });
          })
        : () => undefined;
    socket.on('close', () => {
      unsubscribe();
      unsubscribeFleet();
      counters.wsClients -= 1;
    });
    void (async () => {
      sendJson(socket, { type: 'hello', latestSeq: await events.latestSeq(), resumeFrom: q.since });
      let cursor = q.since;
      for (;;) {
        const page = await events.since({ since: cursor, limit: PAGE, types, agentId });
        for (const e of page) send(e);
        const lastOfPage = page.at(-1);
        if (page.length < PAGE || !lastOfPage) break;
        cursor = lastOfPage.seq;
      }
      live = true;
      for (const e of held) send(e);
      held.length = 0;
    })().catch((err: unknown) => {
      api.log.error({ err }, 'event replay failed');
      socket.close(1011, 'replay failed');
    });
  });
}
