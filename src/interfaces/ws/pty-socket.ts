import type { RawData } from 'ws';
import { isLive } from '../../core/agent-state.js';
import { invalidInput, isAppError } from '../../core/errors.js';
import { agentRefParamsSchema } from '../../protocol/agent.js';
import { ptyClientMessageSchema, ptyQuerySchema } from '../../protocol/pty.js';
import { zodIssues } from '../../protocol/zod-issues.js';
import type { ApiContext } from '../http/api-context.js';
import type { HttpApp } from '../http/http-app.js';
import type { HttpCounters } from '../http/metrics.js';
import { toErrorResponse } from '../http/to-error-body.js';
import { failSocket, MAX_BUFFERED_BYTES, sendJson } from './send-json.js';

/**
 * `/api/v1/agents/:agent/pty`: a live terminal. With `snapshot=true` the client first gets
 * a repaint of the screen, then every byte after it; with `from=N` it gets output from
 * byte N (log, then live). Binary frames from the client are keystrokes.
 */
export function registerPtySocket(app: HttpApp, ctx: ApiContext, counters: HttpCounters): void {
  const svc = ctx.core.service;
  app.socket('/api/v1/agents/:agent/pty', (socket, req) => {
    const params = agentRefParamsSchema.safeParse(req.params);
    const query = ptyQuerySchema.safeParse(req.query);
    if (!params.success || !query.success) {
      const issues = [
        ...(params.success ? [] : zodIssues(params.error, 'params')),
        ...(query.success ? [] : zodIssues(query.error, 'query')),
      ];
      failSocket(socket, invalidInput(issues).toBody());
      return;
    }
    const q = query.data;
    let cleanup: (() => void)[] = [];
    // Keystrokes and resizes may arrive before the snapshot is sent; hold them until then.
    const early: [RawData, boolean][] = [];
    let onMessage: ((data: RawData, isBinary: boolean) => void) | null = null;
    socket.on('message', (data: RawData, isBinary: boolean) => {
      if (onMessage) onMessage(data, isBinary);
      else early.push([data, isBinary]);
    });
    counters.wsClients += 1;
    socket.on('close', () => {
      counters.wsClients -= 1;
      for (const c of cleanup) c();
      cleanup = [];
    });
    void (async () => {
      const agent = svc.resolve(params.data.agent);
      let start: number;
      if (q.snapshot) {
        const snap = await svc.snapshot(agent);
        sendJson(socket, { type: 'snapshot', data: snap.data, cols: snap.cols, rows: snap.rows });
        start = snap.seq;
      } else {
        start = q.from ?? agent.outputSeq;
      }
      if (socket.readyState !== socket.OPEN) return;
      sendJson(socket, { type: 'ready', seq: start });
      const finish = (): void => {
        sendJson(socket, { type: 'exit', exit: agent.lastExit, state: agent.state });
        socket.close(1000, 'agent exited');
      };
      cleanup.push(
        svc.follow(agent, start, (_seq, data) => {
          if (socket.bufferedAmount > MAX_BUFFERED_BYTES) socket.close(1013, 'client too slow');
          else if (socket.readyState === socket.OPEN) socket.send(data);
        }),
      );
      cleanup.push(
        ctx.core.bus.subscribe((e) => {
          if (e.agentId !== agent.id) return;
          if (e.type === 'agent.removed') socket.close(1000, 'agent removed');
          else if (e.type === 'agent.stateChanged' && !isLive(e.data.to)) finish();
        }),
      );
      if (!isLive(agent.state)) {
        finish();
        return;
      }
      if (q.input) {
        void svc.recordAttach(agent, q.client, true);
        cleanup.push(() => void svc.recordAttach(agent, q.client, false));
      }
      onMessage = (data: RawData, isBinary: boolean) => {
        const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
        if (isBinary) {
          if (q.input) svc.typeRaw(agent, bytes);
          return;
        }
        let msg: unknown;
        try {
          msg = JSON.parse(bytes.toString('utf8'));
        } catch {
          return;
        }
        const parsed = ptyClientMessageSchema.safeParse(msg);
        if (parsed.success && parsed.data.type === 'resize' && q.input) {
          svc.resize(agent, parsed.data.cols, parsed.data.rows);
        }
      };
      for (const [data, isBinary] of early.splice(0)) onMessage(data, isBinary);
    })().catch((err: unknown) => {
      if (!isAppError(err)) ctx.log.error({ err }, 'pty socket failed');
      failSocket(socket, toErrorResponse(err).body, 1011);
    });
  });
}
