import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WtpClient } from '../../src/client/wtp-client.js';
import { environmentForChildren, readEnv } from '../../src/config/env.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon/main.js';
import { routes } from '../../src/protocol/routes.js';
import {
  cookiePair,
  rawHttp,
  tryWebSocket,
  writeFakeWeb,
  type HttpAnswer,
} from '../support/dashboard-rig.js';
import { FakeClock } from '../support/fake-clock.js';
import { ENTRY, TestHome } from '../support/harness.js';

/** What a browser adds to the dashboard page's own fetches. */
const SAME_ORIGIN = { 'sec-fetch-site': 'same-origin' };

/**
 * The dashboard's sign-in over real sockets (in-process daemon on a fake clock): one-time
 * links, the session cookie bound to the daemon's port, Sec-Fetch-Site/Origin/CSRF rules for
 * REST and WebSockets, and no CORS.
 */
describe('dashboard sign-in and cookie auth', () => {
  let home: TestHome;
  let daemon: RunningDaemon;
  let client: WtpClient;
  let clock: FakeClock;
  let port: number;
  let own: string;
  let token: string;
  const seen: HttpAnswer[] = [];
  const http = async (path: string, o: Parameters<typeof rawHttp>[2] = {}): Promise<HttpAnswer> => {
    const r = await rawHttp(port, path, o);
    seen.push(r);
    return r;
  };
  const link = async (): Promise<string> => {
    const l = routes.dashboardLink.response.parse(await client.call('dashboardLink', { body: {} }));
    return new URL(l.url).pathname + new URL(l.url).search;
  };
  const signIn = async (): Promise<string> =>
    cookiePair((await http(await link())).headers['set-cookie'] as string[] | undefined);

  beforeAll(async () => {
    home = new TestHome();
    writeFakeWeb(home.path('web'), home.path('token'));
    clock = new FakeClock(Date.now());
    daemon = await startDaemon({
      entry: ENTRY,
      env: readEnv({ ...home.env, WTP_WEB_DIR: home.path('web') }),
      childEnv: environmentForChildren(home.env),
      clock,
    });
    client = new WtpClient({ socketPath: daemon.paths.apiSocket, source: 'api' });
    port = daemon.tcpPort ?? 0;
    own = `http://127.0.0.1:${port}`;
    token = readFileSync(daemon.paths.tokenFile, 'utf8').trim();
  });
  afterAll(async () => {
    await daemon?.stop({ stopAgents: true });
    await home?.cleanup();
  });

  it('makes a one-time link that signs a browser in with an HttpOnly, SameSite=Strict cookie', async () => {
    const made = await client.call('dashboardLink', { body: {} });
    expect(made.url).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:${port}/dashboard/login\\?code=[\\w-]{43}$`),
    );
    expect(Date.parse(made.expiresAt)).toBe(clock.now() + 60_000);
    const path = new URL(made.url).pathname + new URL(made.url).search;
    const login = await http(path, { headers: { accept: 'text/html' } });
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/dashboard/');
    expect(login.headers['cache-control']).toBe('no-store');
    expect(login.headers['set-cookie']).toEqual([
      expect.stringMatching(
        new RegExp(
          `^wtp_session_${port}=${port}\\.\\d+\\.[\\w-]{43}\\.[\\w-]{43}; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200$`,
        ),
      ),
    ]);
    // The code works once: a second visit is refused with a page saying what to do, and sets nothing.
    const again = await http(path, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(again.status).toBe(401);
    expect(again.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(again.body).toContain('wtp dashboard');
    expect(again.headers['set-cookie']).toBeUndefined();
    const script = await http(path);
    expect(script.status).toBe(401);
    expect(JSON.parse(script.body)).toMatchObject({ code: 'UNAUTHORIZED', message: /wtp dashboard/ });
    for (const bad of ['/dashboard/login', '/dashboard/login?code=', '/dashboard/login?code=AAAA']) {
      const r = await http(bad);
      expect(r.status, bad).toBe(401);
      expect(r.headers['set-cookie'], bad).toBeUndefined();
    }
  });

  it('refuses a link after its 60 seconds', async () => {
    const late = await link();
    const inTime = await link();
    clock.advance(59_999);
    expect((await http(inTime)).status).toBe(303);
    clock.advance(1);
    const r = await http(late);
    expect(r.status).toBe(401);
    expect(r.headers['set-cookie']).toBeUndefined();
  });

  it('makes links only for authenticated callers: the unix socket, the bearer token or a session', async () => {
    const url = routes.dashboardLink.path;
    const post = { method: 'POST', body: '{}' };
    expect((await http(url, post)).status).toBe(401);
    const bearer = await http(url, { ...post, headers: { authorization: `Bearer ${token}` } });
    expect(bearer.status).toBe(200);
    const cookie = await signIn();
    expect((await http(url, { ...post, headers: { cookie, origin: own, ...SAME_ORIGIN } })).status).toBe(200);
  });

  it('lets the session cookie stand in for the token on REST calls; without it they are refused', async () => {
    const cookie = await signIn();
    const ok = await http('/api/v1/agents', { headers: { cookie, ...SAME_ORIGIN } });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ agents: [] });
    expect((await http('/api/v1/agents', { headers: { cookie, origin: own, ...SAME_ORIGIN } })).status).toBe(
      200,
    );
    const localhost = {
      cookie,
      host: `localhost:${port}`,
      origin: `http://localhost:${port}`,
      ...SAME_ORIGIN,
    };
    expect((await http('/api/v1/agents', { headers: localhost })).status).toBe(200);
    expect((await http('/api/v1/agents')).status).toBe(401);
    const forged = { cookie: `wtp_session_${port}=forged`, ...SAME_ORIGIN };
    expect((await http('/api/v1/agents', { headers: forged })).status).toBe(401);
    expect(
      (await http('/api/v1/agents', { headers: { cookie: `other=1; ${cookie}`, ...SAME_ORIGIN } })).status,
    ).toBe(200);
    // A foreign Origin is refused even with the cookie; so is a foreign Host (DNS rebinding).
    const foreign = await http('/api/v1/agents', {
      headers: { cookie, origin: 'http://evil.example', ...SAME_ORIGIN },
    });
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body)).toMatchObject({ code: 'FORBIDDEN_ORIGIN' });
    const rebound = await http('/api/v1/agents', {
      headers: { cookie, host: `evil.example:${port}`, ...SAME_ORIGIN },
    });
    expect(rebound.status).toBe(403);
  });

  it('takes state changes with the cookie only with the daemon’s own Origin (CSRF)', async () => {
    const cookie = await signIn();
    const broadcast = (headers: Record<string, string>) =>
      http('/api/v1/broadcast', { method: 'POST', body: JSON.stringify({ text: 'hi' }), headers });
    for (const origin of [undefined, 'http://evil.example', 'null', `http://127.0.0.1:${port + 1}`]) {
      const r = await broadcast({ cookie, ...(origin === undefined ? {} : { origin }) });
      expect(r.status, String(origin)).toBe(403);
      expect(JSON.parse(r.body), String(origin)).toMatchObject({ code: 'FORBIDDEN_ORIGIN' });
    }
    const ok = await broadcast({ cookie, origin: own, ...SAME_ORIGIN });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ sent: [], skipped: [] });
    const stop = await http('/api/v1/agents/nobody/stop', { method: 'POST', headers: { cookie } });
    expect(stop.status).toBe(403); // refused before it could do anything
    const del = await http('/api/v1/workspaces/nowhere', { method: 'DELETE', headers: { cookie } });
    expect(del.status).toBe(403);
  });

  it('opens /api/v1/events with the cookie and the own Origin only', async () => {
    const cookie = await signIn();
    const url = `ws://127.0.0.1:${port}/api/v1/events?since=0`;
    const ok = await tryWebSocket(url, { cookie, origin: own });
    expect(ok.status).toBe(101);
    expect(JSON.parse(ok.first ?? '{}')).toMatchObject({ type: 'hello' });
    expect((await tryWebSocket(url, { cookie, origin: 'http://evil.example' })).status).toBe(403);
    expect((await tryWebSocket(url, { cookie })).status).toBe(403);
    expect((await tryWebSocket(url, { origin: own })).status).toBe(401);
    expect((await tryWebSocket(url, { origin: own, cookie: 'wtp_session=forged' })).status).toBe(401);
    const pty = `ws://127.0.0.1:${port}/api/v1/agents/nobody/pty`;
    expect((await tryWebSocket(pty, { cookie, origin: 'http://evil.example' })).status).toBe(403);
  });

  it('refuses a cookie request that is not the page’s own (Sec-Fetch-Site), GETs included', async () => {
    const cookie = await signIn();
    // An <img> or a link on a page served from another port of 127.0.0.1 is same-site (and
    // SameSite=Strict sends the cookie); from anywhere else cross-site; typed in the address bar none.
    for (const site of ['same-site', 'cross-site', 'none', undefined]) {
      const headers = { cookie, ...(site === undefined ? {} : { 'sec-fetch-site': site }) };
      for (const path of ['/api/v1/agents', '/api/v1/tasks/nothing/compare?test=true', '/api/v1/status']) {
        const r = await http(path, { headers });
        expect(r.status, `${path} ${site}`).toBe(403);
        expect(JSON.parse(r.body), `${path} ${site}`).toMatchObject({ code: 'FORBIDDEN_ORIGIN' });
      }
      const post = await http('/api/v1/broadcast', {
        method: 'POST',
        body: JSON.stringify({ text: 'hi' }),
        headers: { ...headers, origin: own },
      });
      expect(post.status, String(site)).toBe(403);
    }
    // Bearer-token clients send no fetch metadata and need none.
    expect((await http('/api/v1/agents', { headers: { authorization: `Bearer ${token}` } })).status).toBe(
      200,
    );
  });

  it('never sends CORS headers, not even to a preflight', async () => {
    const preflight = await http('/api/v1/agents', {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(403);
    await http('/dashboard/');
    expect(seen.length).toBeGreaterThan(20);
    for (const r of seen) {
      expect(Object.keys(r.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    }
  });

  it('ends a session after 12 hours', async () => {
    const cookie = await signIn();
    clock.advance(12 * 3_600_000 - 1);
    expect((await http('/api/v1/agents', { headers: { cookie, ...SAME_ORIGIN } })).status).toBe(200);
    clock.advance(1);
    expect((await http('/api/v1/agents', { headers: { cookie, ...SAME_ORIGIN } })).status).toBe(401);
  });

  it('binds a session to the daemon’s port: a restart on another port refuses it, the same port takes it', async () => {
    const cookie = await signIn();
    const value = cookie.slice(cookie.indexOf('=') + 1);
    const restart = async (apiPort: number): Promise<void> => {
      await daemon.stop({ stopAgents: true });
      daemon = await startDaemon({
        entry: ENTRY,
        env: readEnv({ ...home.env, WTP_WEB_DIR: home.path('web'), WTP_API_PORT: String(apiPort) }),
        childEnv: environmentForChildren(home.env),
        clock,
      });
    };
    const first = port;
    await restart(0); // another free port, the same token
    const other = daemon.tcpPort ?? 0;
    expect(other).not.toBe(first);
    for (const name of ['wtp_session', `wtp_session_${first}`, `wtp_session_${other}`]) {
      const r = await rawHttp(other, '/api/v1/agents', {
        headers: { cookie: `${name}=${value}`, host: `127.0.0.1:${other}`, ...SAME_ORIGIN },
      });
      expect(r.status, name).toBe(401);
    }
    await restart(first); // back on its port: the page reconnects and resumes
    expect((await http('/api/v1/agents', { headers: { cookie, ...SAME_ORIGIN } })).status).toBe(200);
  });
});
