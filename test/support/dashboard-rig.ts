import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import WebSocket from 'ws';

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One request to 127.0.0.1:<port> with node:http, so the test controls every header (Origin,
 * Host, Cookie) and the raw path is sent as written (no URL normalisation on our side).
 */
export function rawHttp(
  port: number,
  path: string,
  o: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      headers['content-length'] = String(Buffer.byteLength(o.body));
    }
    const req = request({ host: '127.0.0.1', port, path, method: o.method ?? 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

/** Opens a WebSocket with these headers: the HTTP status it was refused with, or 101 and its first message. */
export function tryWebSocket(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; first?: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.once('message', (d: Buffer) => {
      resolve({ status: 101, first: d.toString('utf8') });
      ws.close();
    });
    ws.once('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

/** A stand-in for the built SPA (what Vite writes to dist/web), with a few things that must not be served. */
export const FAKE_WEB = {
  'index.html': '<!doctype html><title>wtp dashboard</title><div id="root"></div>',
  'assets/index-3f2a9c1b.js': 'console.log("app");',
  'assets/index-77aa00ff.css': 'body{margin:0}',
  'logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
  'icon.png': '\x89PNG\r\n',
  'assets/inter-5b3c.woff2': 'wOF2',
  'manifest.json': '{"name":"wtp"}',
  '.secret': 'a dotfile',
} as const;

/** Writes FAKE_WEB into `dir`, plus `leak.txt`, a symlink to `outside` (which must never be served). */
export function writeFakeWeb(dir: string, outside: string): void {
  for (const [rel, content] of Object.entries(FAKE_WEB)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  symlinkSync(outside, join(dir, 'leak.txt'));
}

/** The `name=value` part of a Set-Cookie header. */
export function cookiePair(setCookie: string[] | undefined): string {
  const first = setCookie?.[0];
  if (!first) throw new Error('no Set-Cookie');
  return first.split(';')[0] ?? '';
}
