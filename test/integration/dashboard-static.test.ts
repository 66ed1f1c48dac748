import { readFileSync, renameSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WtpClient } from '../../src/client/wtp-client.js';
import { AppError } from '../../src/protocol/app-error.js';
import { environmentForChildren, readEnv } from '../../src/config/env.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon/main.js';
import { FAKE_WEB, rawHttp, writeFakeWeb } from '../support/dashboard-rig.js';
import { ENTRY, TestHome } from '../support/harness.js';

/** The SPA's files under /dashboard/ (a stand-in dist/web), served over real TCP without auth. */
describe('dashboard static files', () => {
  let home: TestHome;
  let daemon: RunningDaemon;
  let port: number;
  let token: string;
  const get = (path: string) => rawHttp(port, path);

  beforeAll(async () => {
    home = new TestHome();
    writeFakeWeb(home.path('web'), home.path('token'));
    daemon = await startDaemon({
      entry: ENTRY,
      env: readEnv({ ...home.env, WTP_WEB_DIR: home.path('web') }),
      childEnv: environmentForChildren(home.env),
    });
    port = daemon.tcpPort ?? 0;
    token = readFileSync(daemon.paths.tokenFile, 'utf8').trim();
  });
  afterAll(async () => {
    await daemon?.stop({ stopAgents: true });
    await home?.cleanup();
  });

  it('serves each file with its content type, nosniff and a strict CSP, without a token', async () => {
    const types: [string, string][] = [
      ['/dashboard/', 'text/html; charset=utf-8'],
      ['/dashboard/index.html', 'text/html; charset=utf-8'],
      ['/dashboard/assets/index-3f2a9c1b.js', 'text/javascript; charset=utf-8'],
      ['/dashboard/assets/index-77aa00ff.css', 'text/css; charset=utf-8'],
      ['/dashboard/logo.svg', 'image/svg+xml'],
      ['/dashboard/icon.png', 'image/png'],
      ['/dashboard/assets/inter-5b3c.woff2', 'font/woff2'],
      ['/dashboard/manifest.json', 'application/json; charset=utf-8'],
    ];
    for (const [path, type] of types) {
      const r = await get(path);
      expect(r.status, path).toBe(200);
      expect(r.headers['content-type'], path).toBe(type);
      expect(r.headers['x-content-type-options'], path).toBe('nosniff');
      expect(r.headers['content-security-policy'], path).toBe(
        `default-src 'self'; connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}; ` +
          "img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; " +
          "form-action 'self'; frame-ancestors 'none'",
      );
      expect(
        Object.keys(r.headers).filter((h) => h.startsWith('access-control-')),
        path,
      ).toEqual([]);
    }
    expect((await get('/dashboard/')).body).toBe(FAKE_WEB['index.html']);
    expect((await get('/dashboard/assets/index-3f2a9c1b.js')).body).toBe(
      FAKE_WEB['assets/index-3f2a9c1b.js'],
    );
  });

  it('caches hashed assets for long and index.html never without checking', async () => {
    expect((await get('/dashboard/')).headers['cache-control']).toBe('no-cache');
    expect((await get('/dashboard/index.html')).headers['cache-control']).toBe('no-cache');
    expect((await get('/dashboard/assets/index-77aa00ff.css')).headers['cache-control']).toBe(
      'public, max-age=31536000, immutable',
    );
    expect((await get('/dashboard/logo.svg')).headers['cache-control']).toBe('no-cache');
  });

  it('answers client-side routes with index.html, and a missing asset with 404', async () => {
    for (const path of ['/dashboard/agents', '/dashboard/agents/ag-123/terminal', '/dashboard/tasks?x=1']) {
      const r = await get(path);
      expect(r.status, path).toBe(200);
      expect(r.body, path).toBe(FAKE_WEB['index.html']);
      expect(r.headers['cache-control'], path).toBe('no-cache');
    }
    for (const path of [
      '/dashboard/assets/gone-1234.js',
      '/dashboard/assets/agents',
      '/dashboard/nope.png',
    ]) {
      const r = await get(path);
      expect(r.status, path).toBe(404);
      expect(JSON.parse(r.body), path).toMatchObject({ code: 'NOT_FOUND' });
    }
    const bare = await get('/dashboard');
    expect(bare.status).toBe(308);
    expect(bare.headers.location).toBe('/dashboard/');
  });

  it('never serves a file outside the web dir, however the path is spelled', async () => {
    const secret = readFileSync(home.path('token'), 'utf8').trim();
    const attempts = [
      '/dashboard/../token',
      '/dashboard/%2e%2e/token',
      '/dashboard/%2E%2E/token',
      '/dashboard/..%2ftoken',
      '/dashboard/..%2Ftoken',
      '/dashboard/%2e%2e%2ftoken',
      '/dashboard/assets/..%2f..%2ftoken',
      '/dashboard/assets/%2e%2e/%2e%2e/token',
      '/dashboard/..%5ctoken',
      '/dashboard/%2f' + encodeURIComponent(home.path('token')).replace(/^%2F/, ''),
      '/dashboard//' + home.path('token').slice(1),
      '/dashboard/leak.txt',
      '/dashboard/.secret',
      '/dashboard/index.html%00.png',
      '/dashboard/%E0%A4%A',
    ];
    for (const path of attempts) {
      const r = await get(path);
      expect([400, 401, 404], `${path} → ${r.status}`).toContain(r.status);
      expect(r.body, path).not.toContain(secret);
      expect(r.body, path).not.toContain('a dotfile');
    }
  });

  it('answers 503 saying how to build it when the dashboard was not built, and will not make links', async () => {
    const client = new WtpClient({ socketPath: daemon.paths.apiSocket });
    expect((await client.call('dashboardLink', { body: {} })).url).toContain('/dashboard/login?code=');
    renameSync(home.path('web/index.html'), home.path('web/index.off'));
    try {
      for (const path of ['/dashboard/', '/dashboard/agents', '/dashboard/assets/index-3f2a9c1b.js']) {
        const r = await get(path);
        expect(r.status, path).toBe(503);
        expect(r.headers['content-type'], path).toBe('text/html; charset=utf-8');
        expect(r.body, path).toContain('npm run build');
      }
      const err = await client.call('dashboardLink', { body: {} }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: 'DASHBOARD_UNAVAILABLE', details: { reason: 'not-built' } });
    } finally {
      renameSync(home.path('web/index.off'), home.path('web/index.html'));
    }
    // The API itself still needs the token: only /dashboard/ is open.
    expect((await get('/api/v1/status')).status).toBe(401);
    const authed = await rawHttp(port, '/api/v1/status', { headers: { authorization: `Bearer ${token}` } });
    expect(authed.status).toBe(200);
  });
});
