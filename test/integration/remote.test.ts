import { X509Certificate } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WtpClient } from '../../src/client/wtp-client.js';
import { environmentForChildren, readEnv } from '../../src/config/env.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon/main.js';
import type { WtpEvent } from '../../src/protocol/events.js';
import { writeFakeWeb } from '../support/dashboard-rig.js';
import { FakeClock } from '../support/fake-clock.js';
import { ENTRY, TestHome } from '../support/harness.js';
import { httpsRaw, openWss } from '../support/remote-rig.js';

/**
 * The remote (phone) listener over real TLS sockets, in-process daemon on a fake clock: TLS only,
 * pairing by one-time code, the device cookie, and each attack of the threat model refused with
 * its code: a stolen or replayed code, guessing, DNS rebinding, another page, a device reaching
 * for the remote settings, a revoked device with an open socket.
 */
describe('wtp remote: pairing and the device gate', () => {
  let home: TestHome;
  let daemon: RunningDaemon;
  let client: WtpClient;
  let clock: FakeClock;
  let port: number;
  let ca: string;
  let own: string;
  let cookie = '';
  const start = async (): Promise<void> => {
    daemon = await startDaemon({
      entry: ENTRY,
      env: readEnv({ ...home.env, WTP_WEB_DIR: home.path('web') }),
      childEnv: environmentForChildren(home.env),
      clock,
    });
    client = new WtpClient({ socketPath: daemon.paths.apiSocket, source: 'api' });
  };
  const browser = (extra: Record<string, string> = {}): Record<string, string> => ({
    host: `127.0.0.1:${port}`,
    origin: own,
    'sec-fetch-site': 'same-origin',
    ...(cookie ? { cookie } : {}),
    ...extra,
  });
  const get = (path: string, headers: Record<string, string> = browser()) =>
    httpsRaw(port, path, { ca, headers });
  const post = (path: string, body: unknown, headers: Record<string, string> = browser()) =>
    httpsRaw(port, path, { ca, method: 'POST', headers, body: JSON.stringify(body) });
  const remoteFile = (...parts: string[]): string => join(daemon.paths.stateDir, 'remote', ...parts);
  const codeOf = (url: string): string => new URLSearchParams(new URL(url).hash.slice(1)).get('code') ?? '';
  const pairCode = async (): Promise<string> => codeOf((await client.call('remotePair', { body: {} })).url);
  const events = async (type: string): Promise<WtpEvent[]> =>
    (await client.call('listEvents', { query: { types: type } })).events;

  beforeAll(async () => {
    home = new TestHome();
    writeFakeWeb(home.path('web'), home.path('token'));
    clock = new FakeClock(Date.now());
    await start();
    const on = await client.call('remoteOn', { body: { listen: '127.0.0.1:0' } });
    port = Number(new URL(on.url ?? '').port);
    own = `https://127.0.0.1:${port}`;
    ca = readFileSync(remoteFile('ca', 'ca.crt'), 'utf8');
  });
  afterAll(async () => {
    await daemon?.stop({ stopAgents: true });
    await home?.cleanup();
  });

  it('serves over TLS with the local CA, whose root a phone downloads and checks by its fingerprint', async () => {
    const s = await client.call('remoteStatus');
    expect(s).toMatchObject({ on: true, listen: '127.0.0.1:0', url: `${own}/dashboard/`, error: null });
    expect(s.certificate).toMatchObject({ kind: 'local-ca' });
    const root = await get('/remote/ca.crt', { host: `127.0.0.1:${port}` });
    expect(root.status).toBe(200);
    expect(new X509Certificate(root.body).fingerprint256).toBe(s.certificate?.caFingerprint256);
    expect(statSync(remoteFile('ca', 'ca.key')).mode & 0o777).toBe(0o600);
    await expect(httpsRaw(port, '/remote/pair', { headers: { host: `127.0.0.1:${port}` } })).rejects.toThrow(
      /self[- ]signed|unable to (get|verify)/,
    );
  });

  it('refuses plain HTTP on its port: there is no downgrade', async () => {
    const plain = await new Promise<string>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/dashboard/' }, (res) =>
        resolve(`answered ${res.statusCode ?? 0}`),
      );
      req.on('error', (err) => resolve(`failed: ${err.message}`));
      req.end();
    });
    expect(plain).not.toMatch(/^answered 2/);
    expect(
      (await get('/remote/pair', { host: `127.0.0.1:${port}` })).headers['strict-transport-security'],
    ).toMatch(/max-age=\d+/);
  });

  it('lets in no one unpaired: not the API token either, which never crosses the network', async () => {
    const token = readFileSync(daemon.paths.tokenFile, 'utf8').trim();
    expect((await get('/api/v1/agents')).status).toBe(401);
    expect((await get('/api/v1/agents', browser({ authorization: `Bearer ${token}` }))).status).toBe(401);
    expect((await get('/dashboard/')).status).toBe(401);
  });

  it('pairs a device with a one-time code: an HttpOnly, Secure, SameSite=Strict cookie, and the event', async () => {
    const pair = await client.call('remotePair', { body: {} });
    expect(pair.url).toMatch(new RegExp(`^${own}/remote/pair#code=[\\w-]{43}$`));
    expect(Date.parse(pair.expiresAt)).toBe(clock.now() + 120_000);
    const page = await get('/remote/pair', { host: `127.0.0.1:${port}`, 'sec-fetch-site': 'none' });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    const made = await post(
      '/remote/pair',
      { code: codeOf(pair.url), name: 'pixel-9' },
      browser({ 'user-agent': 'Pixel 9 Chrome' }),
    );
    expect(made.status, made.body).toBe(200);
    const set = made.headers['set-cookie']?.[0] ?? '';
    expect(set).toMatch(
      /^__Host-wtp_device=[\w-]{16}\.[\w-]{43}; HttpOnly; Secure; SameSite=Strict; Path=\/; Max-Age=\d+$/,
    );
    cookie = set.split(';')[0] ?? '';
    expect((await get('/api/v1/agents')).status).toBe(200);
    const { devices } = await client.call('remoteDevices');
    expect(devices).toMatchObject([{ name: 'pixel-9', address: '127.0.0.1', userAgent: 'Pixel 9 Chrome' }]);
    expect(devices[0]?.lastSeenAt).not.toBeNull();
    expect((await events('remote.paired')).map((e) => e.data)).toEqual([
      { device: 'pixel-9', address: '127.0.0.1' },
    ]);
    expect(readFileSync(remoteFile('devices.json'), 'utf8')).not.toContain(cookie.split('.')[1]);
  });

  it('refuses a replayed code, an expired one, and a name already paired', async () => {
    const code = await pairCode();
    expect((await post('/remote/pair', { code, name: 'tablet' }, browser({ cookie: '' }))).status).toBe(200);
    const replay = await post('/remote/pair', { code, name: 'thief' }, browser({ cookie: '' }));
    expect(replay.status).toBe(401);
    expect(JSON.parse(replay.body)).toMatchObject({
      code: 'PAIRING_REFUSED',
      details: { reason: 'expired_code' },
    });
    const late = await pairCode();
    clock.advance(120_001);
    expect(JSON.parse((await post('/remote/pair', { code: late, name: 'late' })).body)).toMatchObject({
      details: { reason: 'expired_code' },
    });
    const taken = await post('/remote/pair', { code: await pairCode(), name: 'pixel-9' });
    expect(JSON.parse(taken.body)).toMatchObject({
      code: 'PAIRING_REFUSED',
      details: { reason: 'name_taken' },
    });
    expect((await client.call('remoteRevoke', { params: { name: 'tablet' }, body: {} })).device.name).toBe(
      'tablet',
    );
  });

  it('locks pairing after five wrong codes: even a right code is refused until the lock ends', async () => {
    const good = await pairCode();
    for (let i = 0; i < 4; i++)
      expect(
        JSON.parse((await post('/remote/pair', { code: `guess-${i}`, name: 'x' })).body).details.reason,
      ).toBe('wrong_code');
    const fifth = JSON.parse((await post('/remote/pair', { code: 'guess-4', name: 'x' })).body);
    expect(fifth.details).toMatchObject({
      reason: 'locked',
      lockedUntil: new Date(clock.now() + 600_000).toISOString(),
    });
    expect(JSON.parse((await post('/remote/pair', { code: good, name: 'x' })).body).details.reason).toBe(
      'locked',
    );
    await expect(client.call('remotePair', { body: {} })).rejects.toMatchObject({ code: 'PAIRING_REFUSED' });
    expect((await client.call('remoteStatus')).pairingLockedUntil).not.toBeNull();
    clock.advance(600_001);
    expect((await post('/remote/pair', { code: await pairCode(), name: 'after-lock' })).status).toBe(200);
    await client.call('remoteRevoke', { params: { name: 'after-lock' }, body: {} });
    const refused = (await events('remote.pairRefused')).map((e) => (e.data as { reason: string }).reason);
    expect(refused.filter((r) => r === 'wrong_code')).toHaveLength(4);
    expect(refused.filter((r) => r === 'locked')).toHaveLength(2);
  });

  it('refuses DNS rebinding, another page, a change without Origin, and cross-site requests, cookie or not', async () => {
    const cases: [string, Record<string, string>, string][] = [
      ['GET', browser({ host: `evil.example:${port}` }), 'host'],
      ['GET', browser({ origin: 'https://evil.example' }), 'origin'],
      ['GET', browser({ 'sec-fetch-site': 'cross-site', origin: '' }), 'cross-site'],
      ['POST', browser({ origin: '' }), 'origin'],
    ];
    for (const [method, headers, reason] of cases) {
      const h = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== ''));
      const r = await httpsRaw(port, '/api/v1/agents', {
        ca,
        method,
        headers: h,
        ...(method === 'POST' ? { body: '{}' } : {}),
      });
      expect(r.status, `${method} ${reason}`).toBe(403);
      expect(JSON.parse(r.body)).toMatchObject({ code: 'REMOTE_FORBIDDEN', details: { reason } });
    }
  });

  it('never lets a device reach the remote settings, hooks, MCP or the local sign-in, however the path is written', async () => {
    for (const [method, path] of [
      ['POST', '/api/v1/remote/pair'],
      ['POST', '/api/v1/remot%65/pair'],
      ['GET', '/api/v1/remote'],
      ['POST', '/api/v1/remote/devices/pixel-9/revoke'],
      ['POST', '/api/v1/hooks/ag-x'],
      ['POST', '/mcp'],
      ['POST', '/api/v1/dashboard/link'],
    ] as const) {
      const r = await httpsRaw(port, path, {
        ca,
        method,
        headers: browser(),
        ...(method === 'POST' ? { body: '{}' } : {}),
      });
      expect([403, 404], `${method} ${path}: ${r.body}`).toContain(r.status);
    }
    expect((await client.call('remoteDevices')).devices.map((d) => d.name)).toEqual(['pixel-9']);
  });

  it('revokes a device at once: its open WebSocket closes and its next request is refused', async () => {
    const opened = await openWss(`wss://127.0.0.1:${port}/api/v1/events`, browser(), ca);
    expect(opened.status).toBe(101);
    if (!('ws' in opened)) return;
    const closed = new Promise<number>((resolve) => opened.ws.once('close', (code) => resolve(code)));
    const r = await client.call('remoteRevoke', { params: { name: 'pixel-9' }, body: {} });
    expect(r.closedSockets).toBe(1);
    expect(await closed).toBe(1008);
    expect((await get('/api/v1/agents')).status).toBe(401);
    expect((await events('remote.revoked')).at(-1)?.data).toEqual({ device: 'pixel-9', closedSockets: 1 });
  });

  it('serves again after a daemon restart, with the same CA and the devices still paired; off stops it', async () => {
    cookie = '';
    const made = await post('/remote/pair', { code: await pairCode(), name: 'phone-2' });
    cookie = (made.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
    const before = (await client.call('remoteStatus')).certificate?.caFingerprint256;
    await daemon.stop();
    await start();
    const s = await client.call('remoteStatus');
    expect(s.on).toBe(true);
    expect(s.certificate?.caFingerprint256).toBe(before);
    port = Number(new URL(s.url ?? '').port);
    own = `https://127.0.0.1:${port}`;
    expect((await get('/api/v1/agents')).status).toBe(200);
    expect((await client.call('remoteOff', { body: {} })).on).toBe(false);
    await expect(get('/api/v1/agents')).rejects.toThrow(/ECONNREFUSED/);
    expect((await client.call('remoteDevices')).devices.map((d) => d.name)).toEqual(['phone-2']);
  });

  it('starts, serving nothing and overwriting nothing, when the devices file was planted or damaged', async () => {
    const devices = remoteFile('devices.json');
    const good = readFileSync(devices, 'utf8');
    const elsewhere = home.path('elsewhere.json');
    writeFileSync(elsewhere, good, { mode: 0o600 });
    // A device "paired" by whoever wrote the file: its secret itself, no hash of it.
    const forged = JSON.parse(good) as { devices: Record<string, unknown>[] };
    forged.devices.push({
      ...forged.devices[0],
      id: 'AAAAAAAAAAAAAAAA',
      name: 'evil',
      secretHash: undefined,
      secret: 'x',
    });
    const plants: [string, () => void][] = [
      ['a symbolic link', () => symlinkSync(elsewhere, devices)],
      ['not JSON', () => writeFileSync(devices, '{"version":1,', { mode: 0o600 })],
      ['a forged device', () => writeFileSync(devices, JSON.stringify(forged), { mode: 0o600 })],
    ];
    for (const [what, plant] of plants) {
      await daemon.stop();
      rmSync(devices, { force: true });
      plant();
      await start();
      const s = await client.call('remoteStatus');
      expect(s, what).toMatchObject({ on: false, devices: 0 });
      expect(s.error, what).toMatch(/devices/);
      await expect(client.call('remoteOn', { body: { listen: '127.0.0.1:0' } }), what).rejects.toMatchObject({
        code: 'REMOTE_FILE_INVALID',
      });
      await expect(client.call('remotePair', { body: {} }), what).rejects.toMatchObject({
        code: 'REMOTE_OFF',
      });
    }
    expect(readFileSync(elsewhere, 'utf8')).toBe(good);
    // Deleted, as the message says: the listener serves again.
    rmSync(devices);
    // Its settings planted as a link: the daemon starts off and says why; turning on replaces the link.
    const settings = remoteFile('settings.json');
    await daemon.stop();
    writeFileSync(home.path('listen.json'), '{"listen":"0.0.0.0:443"}', { mode: 0o600 });
    rmSync(settings, { force: true });
    symlinkSync(home.path('listen.json'), settings);
    await start();
    expect(await client.call('remoteStatus')).toMatchObject({
      on: false,
      error: expect.stringMatching(/symbolic link/),
    });
    expect((await client.call('remoteOn', { body: { listen: '127.0.0.1:0' } })).on).toBe(true);
    expect(readFileSync(home.path('listen.json'), 'utf8')).toBe('{"listen":"0.0.0.0:443"}');
    expect((await client.call('remoteDevices')).devices).toEqual([]);
  });
});
