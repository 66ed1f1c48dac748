import http from 'node:http';
import net from 'node:net';
import { destinationText, hostAllowed, type Destination } from './host-match.js';

/** How long a connection to an allowed host may take to open. */
const CONNECT_TIMEOUT_MS = 30_000;

/** What the proxy refused: `host:port`. */
export type DeniedHost = (target: string) => void;

/**
 * The sandbox's HTTP proxy (on a unix socket the sandbox reaches through its bridge): CONNECT
 * tunnels and plain `http://` requests to the allowed hosts only, everything else answered 403
 * and reported. Names are resolved here, outside, never inside (the sandbox has no DNS).
 */
export function createSandboxProxy(allowed: readonly string[], denied: DeniedHost): http.Server {
  const server = http.createServer((req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res
        .writeHead(400, { 'content-type': 'text/plain' })
        .end('wtp sandbox: a proxy request needs an absolute URL\n');
      return;
    }
    if (url.protocol !== 'http:') {
      res
        .writeHead(400, { 'content-type': 'text/plain' })
        .end('wtp sandbox: only http:// goes without CONNECT\n');
      return;
    }
    const dest = { host: url.hostname, port: Number(url.port || 80) };
    if (!hostAllowed(allowed, dest)) return refuse(res, dest, denied);
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = http.request(
      {
        host: dest.host.replace(/^\[|\]$/g, ''),
        port: dest.port,
        method: req.method,
        path: `${url.pathname}${url.search}`,
        headers,
        timeout: CONNECT_TIMEOUT_MS,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`wtp sandbox: ${destinationText(dest)}: ${err.message}\n`);
    });
    req.pipe(upstream);
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const dest = parseAuthority(req.url ?? '');
    client.on('error', () => client.destroy());
    if (dest === null || !hostAllowed(allowed, dest)) {
      if (dest !== null) denied(destinationText(dest));
      client.end(
        'HTTP/1.1 403 Forbidden by the wtp sandbox\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
      );
      return;
    }
    const upstream = net.connect({ host: dest.host, port: dest.port, timeout: CONNECT_TIMEOUT_MS });
    upstream.once('connect', () => {
      upstream.setTimeout(0);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    const fail = (): void => {
      if (!client.destroyed)
        client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      upstream.destroy();
    };
    upstream.once('timeout', fail);
    upstream.on('error', fail);
    client.on('close', () => upstream.destroy());
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  return server;
}

function refuse(res: http.ServerResponse, dest: Destination, denied: DeniedHost): void {
  const target = destinationText(dest);
  denied(target);
  res
    .writeHead(403, { 'content-type': 'text/plain', connection: 'close' })
    .end(`wtp sandbox: ${target} is not among the hosts this agent may reach (sandbox.allowHosts)\n`);
}

/** `host:port` of a CONNECT (IPv6 in brackets); null when it is not one. */
export function parseAuthority(authority: string): Destination | null {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[^\s:[\]/@]+):(\d{1,5})$/.exec(authority);
  if (!m?.[1] || !m[2]) return null;
  const port = Number(m[2]);
  if (port < 1 || port > 65_535) return null;
  return { host: m[1].startsWith('[') ? m[1].slice(1, -1) : m[1], port };
}
