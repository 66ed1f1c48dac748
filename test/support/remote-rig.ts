import { request } from 'node:https';
import { checkServerIdentity } from 'node:tls';
import { WebSocket } from 'ws';
import type { HttpAnswer } from './dashboard-rig.js';

/** An HTTPS request to the remote listener on 127.0.0.1, trusting `ca` (or nothing). */
export function httpsRaw(
  port: number,
  path: string,
  o: { method?: string; headers?: Record<string, string>; body?: string; ca?: string } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    // An empty value leaves the header out (a browser that sends none).
    const headers = Object.fromEntries(Object.entries(o.headers ?? {}).filter(([, v]) => v !== ''));
    if (o.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      headers['content-length'] = String(Buffer.byteLength(o.body));
    }
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: o.method ?? 'GET',
        headers,
        ...(o.ca ? { ca: o.ca } : {}),
        agent: false,
        // The certificate is checked for the address connected to, whatever Host the request names.
        checkServerIdentity: (_host, cert) => checkServerIdentity('127.0.0.1', cert),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}

/** A WebSocket to the remote listener: opened, or the status it was refused with. */
export function openWss(
  url: string,
  headers: Record<string, string>,
  ca: string,
): Promise<{ ws: WebSocket; status: 101 } | { status: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, ca });
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.once('open', () => resolve({ ws, status: 101 }));
    ws.once('error', reject);
  });
}
