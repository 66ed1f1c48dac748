import { invalidInput } from '../../core/errors.js';
import { eventsQuerySchema, type WtpEvent } from '../../protocol/events.js';
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
  api: Pick<ApiContext, 'events' | 'log' | 'fleet'>,
  counters: HttpCounters,
): void {
  const { events } = api;
  app.socket('/api/v1/events', (socket, req) => {
    const parsed = eventsQuerySchema.safeParse(req.query);
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
      sendJson(socket, { type: 'event', event: e });
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
