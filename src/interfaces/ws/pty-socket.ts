import type { RawData, WebSocket } from 'ws';
import type { AgentRecord } from '../../core/model/agent-record.js';
import { isLive } from '../../core/model/agent-state.js';
import { invalidInput, isAppError } from '../../core/errors.js';
import type { AgentUseCases } from '../../core/use-cases/use-cases.js';
import { agentRefParamsSchema } from '../../protocol/agent.js';
import { ptyClientMessageSchema, ptyQuerySchema } from '../../protocol/pty.js';
import { zodIssues } from '../../protocol/zod-issues.js';
import type { ApiContext } from '../server/api-context.js';
import type { HttpApp } from '../server/http-app.js';
import type { HttpCounters } from '../server/http-counters.js';
import { toErrorResponse } from '../server/to-error-body.js';
import { OutputPump } from './output-pump.js';
import { failSocket, sendJson } from './send-json.js';

/**
 * `/api/v1/agents/:agent/pty`: a live terminal. With `snapshot=true` the client first gets the
 * scrollback it asked for from the output log, then a repaint of the screen, then every byte
 * after it; with `from=N` it gets output from byte N (log, then live). Binary frames from the
 * client are keystrokes; with `guard=true` they take the safe-input path (`TerminalInput`).
 */
export function registerPtySocket(
  app: HttpApp,
  api: Pick<ApiContext, 'agents' | 'terminals' | 'events' | 'log'>,
  counters: HttpCounters,
): void {
  const { agents: svc, terminals } = api;
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
      const pump = await startOutput(svc, socket, agent, q);
      if (!pump) return;
      cleanup.push(() => pump.stop());
      const finish = (): void => {
        sendJson(socket, { type: 'exit', exit: agent.lastExit, state: agent.state });
        socket.close(1000, 'agent exited');
      };
      cleanup.push(
        terminals.onResize(agent.id, (cols, rows) => sendJson(socket, { type: 'size', cols, rows })),
      );
      cleanup.push(
        api.events.subscribe((e) => {
          if (e.agentId !== agent.id) return;
          if (e.type === 'agent.removed') socket.close(1000, 'agent removed');
          else if (e.type === 'agent.stateChanged' && !isLive(e.data.to)) finish();
        }),
      );
      if (!isLive(agent.state)) {
        finish();
        return;
      }
      const input = q.input ? terminals.openInput(agent, q.client, q.guard) : null;
      if (input) cleanup.push(() => input.close());
      if (q.input) {
        void svc.recordAttach(agent, q.client, true);
        cleanup.push(() => void svc.recordAttach(agent, q.client, false));
      }
      const decoder = new TextDecoder();
      onMessage = (data: RawData, isBinary: boolean) => {
        const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
        if (isBinary) {
          if (!input) return;
          const held = input.type(bytes, decoder.decode(bytes, { stream: true }));
          if (held) sendJson(socket, { type: 'held', ...held });
          return;
        }
        let msg: unknown;
        try {
          msg = JSON.parse(bytes.toString('utf8'));
        } catch {
          return;
        }
        const parsed = ptyClientMessageSchema.safeParse(msg);
        if (!parsed.success) return;
        const m = parsed.data;
        if (m.type === 'resize' && q.input) svc.resize(agent, m.cols, m.rows);
        else if (m.type === 'ack') pump.ack(m.bytes);
        else if (m.type === 'force') input?.force();
      };
      for (const [data, isBinary] of early.splice(0)) onMessage(data, isBinary);
    })().catch((err: unknown) => {
      if (!isAppError(err)) api.log.error({ err }, 'pty socket failed');
      failSocket(socket, toErrorResponse(err).body, 1011);
    });
  });
}

/**
 * Sends what comes before live output — the scrollback and the screen, or nothing but `ready` —
 * and starts the output pump; null when the socket closed meanwhile.
 */
async function startOutput(
  svc: Pick<AgentUseCases, 'snapshot' | 'follow'>,
  socket: WebSocket,
  agent: AgentRecord,
  q: { snapshot: boolean; from?: number | undefined; scrollback: number; flow: boolean },
): Promise<OutputPump | null> {
  const size = (): void => sendJson(socket, { type: 'size', cols: agent.cols, rows: agent.rows });
  if (q.snapshot && isLive(agent.state)) {
    const snap = await svc.snapshot(agent);
    if (socket.readyState !== socket.OPEN) return null;
    const from = Math.max(0, snap.seq - q.scrollback);
    if (from < snap.seq) {
      sendJson(socket, {
        type: 'scrollback',
        from,
        bytes: snap.seq - from,
        cols: snap.cols,
        rows: snap.rows,
      });
    }
    const pump = new OutputPump(svc, agent, from, socket, q.flow);
    pump.at(snap.seq, () => {
      sendJson(socket, { type: 'snapshot', data: snap.data, cols: snap.cols, rows: snap.rows });
      sendJson(socket, { type: 'ready', seq: snap.seq });
      size();
    });
    pump.start();
    return pump;
  }
  // A live stream from an offset, or an agent that has ended: no screen to repaint, only the log.
  const from = q.snapshot ? Math.max(0, agent.outputSeq - q.scrollback) : (q.from ?? agent.outputSeq);
  if (q.snapshot && from < agent.outputSeq) {
    sendJson(socket, {
      type: 'scrollback',
      from,
      bytes: agent.outputSeq - from,
      cols: agent.cols,
      rows: agent.rows,
    });
  }
  if (!q.snapshot) sendJson(socket, { type: 'ready', seq: from });
  const pump = new OutputPump(svc, agent, from, socket, q.flow);
  if (q.snapshot) pump.at(agent.outputSeq, () => sendJson(socket, { type: 'ready', seq: agent.outputSeq }));
  pump.start();
  size();
  return pump;
}
