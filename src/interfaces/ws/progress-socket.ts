import { invalidInput } from '../../core/errors.js';
import { progressQuerySchema, type ProgressMessage } from '../../protocol/forge.js';
import { zodIssues } from '../../protocol/zod-issues.js';
import type { ApiContext } from '../server/api-context.js';
import type { HttpApp } from '../server/http-app.js';
import type { HttpCounters } from '../server/http-counters.js';
import { failSocket, MAX_BUFFERED_BYTES, sendJson } from './send-json.js';

/**
 * `/api/v1/progress?op=<id>`: the progress lines of the operation given that id (a push's
 * `progress`), as they come; nothing is kept, so the client opens it before it starts the
 * operation and closes it once the operation answered.
 */
export function registerProgressSocket(
  app: HttpApp,
  api: Pick<ApiContext, 'progress'>,
  counters: HttpCounters,
): void {
  app.socket('/api/v1/progress', (socket, req) => {
    const parsed = progressQuerySchema.safeParse(req.query);
    if (!parsed.success) {
      failSocket(socket, invalidInput(zodIssues(parsed.error, 'query')).toBody());
      return;
    }
    counters.wsClients += 1;
    const off = api.progress.subscribe(parsed.data.op, (line, partial) => {
      if (line === null) sendJson(socket, { type: 'done' } satisfies ProgressMessage);
      // A slow reader misses lines, never the push.
      else if (socket.bufferedAmount <= MAX_BUFFERED_BYTES)
        sendJson(socket, { type: 'progress', line, partial } satisfies ProgressMessage);
    });
    socket.on('close', () => {
      off();
      counters.wsClients -= 1;
    });
  });
}
