import http from 'node:http';
import type net from 'node:net';

/** What the filter refused: the method and path asked. */
export type DeniedRequest = (target: string) => void;

/** Bodies above this are refused (a hook payload is a few kilobytes; a transcript excerpt at most a few hundred). */
const MAX_HOOK_BODY_BYTES = 4 * 1024 * 1024;

/**
 * What the sandbox shows of the daemon, at its socket's path and (bridged) its TCP port: the
 * agent's own hook route (`POST /api/v1/hooks/<id>`) goes through to the daemon's unix socket,
 * anything else — another agent's hooks, the rest of the API, a WebSocket — gets 403 and is
 * reported. The route is compared on the raw path, before any decoding.
 */
export function createDaemonFilter(o: {
  daemonSocket: string;
  hookPath: string;
  denied: DeniedRequest;
}): http.Server {
  const server = http.createServer((req, res) => {
    const raw = req.url ?? '';
    const path = raw.split('?')[0] ?? '';
    const length = Number(req.headers['content-length'] ?? 0);
    if (req.method !== 'POST' || path !== o.hookPath) {
      o.denied(`${String(req.method).slice(0, 16)} ${raw.slice(0, 300)}`);
      res
        .writeHead(403, { 'content-type': 'application/json', connection: 'close' })
        .end(
          `${JSON.stringify({ error: { code: 'FORBIDDEN', message: 'the wtp sandbox lets this agent reach its own hook route only' } })}\n`,
        );
      return;
    }
    if (length > MAX_HOOK_BODY_BYTES) {
      res.writeHead(413, { connection: 'close' }).end();
      return;
    }
    // The whole body first, then one write: the daemon may answer (a refusal) before reading it,
    // and a body still being streamed then fails with EPIPE and loses the answer.
    const chunks: Buffer[] = [];
    let seen = 0;
    req.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > MAX_HOOK_BODY_BYTES) {
        if (!res.headersSent) res.writeHead(413, { connection: 'close' }).end();
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (seen > MAX_HOOK_BODY_BYTES) return;
      const body = Buffer.concat(chunks);
      const headers = { ...req.headers, host: 'localhost', 'content-length': String(body.length) };
      delete headers['transfer-encoding'];
      let answered = false;
      const upstream = http.request(
        { socketPath: o.daemonSocket, method: 'POST', path: raw, headers },
        (up) => {
          answered = true;
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', (err) => {
        if (answered) return;
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`wtp sandbox: the daemon did not answer: ${err.message}\n`);
      });
      upstream.end(body);
    });
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket) => {
    o.denied(`${String(req.method).slice(0, 16)} ${(req.url ?? '').slice(0, 300)} (upgrade)`);
    socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  return server;
}
