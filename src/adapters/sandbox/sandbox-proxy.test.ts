import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destinationText, hostAllowed, parseAllowed } from './host-match.js';
import { createDaemonFilter } from './daemon-filter.js';
import { createSandboxProxy, parseAuthority } from './sandbox-proxy.js';

describe('hostAllowed: the proxy’s allowlist', () => {
  const allowed = ['api.anthropic.com:443', '*.googleapis.com', '127.0.0.1:8080', '[::1]:9000'];
  it('takes a host on its port, a wildcard’s subdomains on any port, loopback only as listed', () => {
    expect(hostAllowed(allowed, { host: 'api.anthropic.com', port: 443 })).toBe(true);
    expect(hostAllowed(allowed, { host: 'API.Anthropic.com.', port: 443 })).toBe(true);
    expect(hostAllowed(allowed, { host: 'api.anthropic.com', port: 80 })).toBe(false);
    expect(hostAllowed(allowed, { host: 'x.generativelanguage.googleapis.com', port: 1 })).toBe(true);
    expect(hostAllowed(allowed, { host: 'googleapis.com', port: 443 })).toBe(false);
    expect(hostAllowed(allowed, { host: 'evilgoogleapis.com', port: 443 })).toBe(false);
    expect(hostAllowed(allowed, { host: 'api.anthropic.com.evil.example', port: 443 })).toBe(false);
    expect(hostAllowed(allowed, { host: '127.0.0.1', port: 8080 })).toBe(true);
    expect(hostAllowed(allowed, { host: '127.0.0.1', port: 8081 })).toBe(false);
    expect(hostAllowed(allowed, { host: 'localhost', port: 8080 })).toBe(false);
    expect(hostAllowed(allowed, { host: '::1', port: 9000 })).toBe(true);
    expect(hostAllowed(allowed, { host: '', port: 443 })).toBe(false);
    expect(hostAllowed(allowed, { host: 'api.anthropic.com', port: 0 })).toBe(false);
  });
  it('parses entries and authorities, and names a destination one way', () => {
    expect(parseAllowed('*.example.com:8443')).toEqual({ host: 'example.com', port: 8443, wildcard: true });
    expect(parseAuthority('[::1]:443')).toEqual({ host: '::1', port: 443 });
    expect(parseAuthority('example.com:443')).toEqual({ host: 'example.com', port: 443 });
    for (const bad of ['example.com', 'a b:1', 'user@host:1', 'host:99999', 'host:0', '/x:1', ''])
      expect(parseAuthority(bad), bad).toBeNull();
    expect(destinationText({ host: '::1', port: 9 })).toBe('[::1]:9');
  });
});

describe('the proxy and the daemon filter, over real sockets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wtp-proxy-test-'));
  const denied: string[] = [];
  let upstream: http.Server;
  let daemon: http.Server;
  let proxy: http.Server;
  let filter: http.Server;
  let port = 0;
  const daemonSeen: string[] = [];

  beforeAll(async () => {
    upstream = http.createServer((req, res) => res.end(`upstream ${req.method} ${req.url}`));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    port = (upstream.address() as AddressInfo).port;
    daemon = http.createServer((req, res) => {
      daemonSeen.push(`${req.method} ${req.url}`);
      res.end('{"ok":true}');
    });
    await new Promise<void>((r) => daemon.listen(join(dir, 'daemon.sock'), r));
    proxy = createSandboxProxy([`127.0.0.1:${port}`], (t) => denied.push(`host ${t}`));
    await new Promise<void>((r) => proxy.listen(join(dir, 'proxy.sock'), r));
    filter = createDaemonFilter({
      daemonSocket: join(dir, 'daemon.sock'),
      hookPath: '/api/v1/hooks/ag-1',
      denied: (t) => denied.push(`daemon ${t}`),
    });
    await new Promise<void>((r) => filter.listen(join(dir, 'filter.sock'), r));
  });
  afterAll(() => {
    for (const s of [upstream, daemon, proxy, filter]) s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ask = (socketPath: string, method: string, path: string, body?: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request({ socketPath, method, path }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  const connect = (authority: string) =>
    new Promise<string>((resolve) => {
      const s = net.connect(join(dir, 'proxy.sock'));
      s.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
      let text = '';
      s.on('data', (d: Buffer) => {
        text += d.toString();
        if (text.includes('\r\n\r\n')) {
          s.destroy();
          resolve(text.split('\r\n')[0] ?? '');
        }
      });
      s.on('close', () => resolve(text.split('\r\n')[0] ?? ''));
    });

  it('tunnels to an allowed host and refuses, reports, any other', async () => {
    expect(await connect(`127.0.0.1:${port}`)).toBe('HTTP/1.1 200 Connection Established');
    expect(await connect('127.0.0.1:1')).toMatch(/^HTTP\/1.1 403/);
    expect(await connect('example.com:443')).toMatch(/^HTTP\/1.1 403/);
    expect(denied).toContain('host 127.0.0.1:1');
    expect(denied).toContain('host example.com:443');
  });

  it('forwards plain http:// to an allowed host only', async () => {
    const ok = await ask(join(dir, 'proxy.sock'), 'GET', `http://127.0.0.1:${port}/v1/models?x=1`);
    expect(ok).toEqual({ status: 200, text: 'upstream GET /v1/models?x=1' });
    const no = await ask(join(dir, 'proxy.sock'), 'GET', 'http://169.254.169.254/latest/meta-data/');
    expect(no.status).toBe(403);
    expect(denied).toContain('host 169.254.169.254:80');
    expect((await ask(join(dir, 'proxy.sock'), 'GET', '/relative')).status).toBe(400);
  });

  it('lets the agent’s own hook route through to the daemon, and nothing else', async () => {
    const hook = await ask(join(dir, 'filter.sock'), 'POST', '/api/v1/hooks/ag-1', '{}');
    expect(hook).toEqual({ status: 200, text: '{"ok":true}' });
    for (const [method, path] of [
      ['GET', '/api/v1/hooks/ag-1'],
      ['POST', '/api/v1/hooks/ag-2'],
      ['POST', '/api/v1/hooks/ag-1/../../agents'],
      ['POST', '/api/v1/hooks/ag-1%2f..%2fagents'],
      ['POST', '/api/v1/hooks/ag-10'],
      ['GET', '/api/v1/agents'],
      ['POST', '/api/v1/daemon/shutdown'],
    ] as const) {
      const r = await ask(join(dir, 'filter.sock'), method, path, '{}');
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(denied).toContain(`daemon ${method} ${path}`);
    }
    expect(daemonSeen).toEqual(['POST /api/v1/hooks/ag-1']);
  });

  it('hands on the daemon’s answer when it refuses before reading the body, and refuses a huge body', async () => {
    // A daemon that answers as soon as it has the headers and closes (as it does for a refused hook).
    const early = net.createServer((s) => {
      let head = '';
      s.on('error', () => undefined);
      s.on('data', (d: Buffer) => {
        if (s.writableEnded) return;
        head += d.toString('latin1');
        if (head.includes('\r\n\r\n'))
          s.end(
            'HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: 20\r\nConnection: close\r\n\r\n{"code":"REJECTED"}\n',
            () => s.destroy(),
          );
      });
    });
    await new Promise<void>((r) => early.listen(join(dir, 'early.sock'), r));
    const f = createDaemonFilter({
      daemonSocket: join(dir, 'early.sock'),
      hookPath: '/api/v1/hooks/ag-1',
      denied: () => undefined,
    });
    await new Promise<void>((r) => f.listen(join(dir, 'filter2.sock'), r));
    try {
      for (let i = 0; i < 5; i++) {
        const r = await ask(join(dir, 'filter2.sock'), 'POST', '/api/v1/hooks/ag-1', 'x'.repeat(200_000));
        expect(r).toEqual({ status: 403, text: '{"code":"REJECTED"}\n' });
      }
      const huge = await ask(
        join(dir, 'filter2.sock'),
        'POST',
        '/api/v1/hooks/ag-1',
        'x'.repeat(5 * 1024 * 1024),
      );
      expect(huge.status).toBe(413);
    } finally {
      f.close();
      early.close();
    }
  });
});
