import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WtpClient } from '../../src/client/wtp-client.js';
import { environmentForChildren, readEnv } from '../../src/config/env.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon/main.js';
import type { AgentView } from '../../src/protocol/agent.js';
import { answerWords, isAnswerEvent } from '../../src/protocol/answer-words.js';
import { pushMessageSchema } from '../../src/protocol/push.js';
import { writeFakeWeb } from '../support/dashboard-rig.js';
import { ENTRY, eventually, TestHome } from '../support/harness.js';
import { PushService, untilPush } from '../support/push-service.js';
import { httpsRaw } from '../support/remote-rig.js';

const FAKE_CLAUDE = resolve('test/fixtures/fake-claude/claude');

/**
 * Web Push to a paired device, against a push service that checks VAPID (RFC 8292) and decrypts
 * (RFC 8291) on its own: a permission pushed with approve and deny and nothing secret on the lock
 * screen, its approve answering the dialog it names (audited with the device), the dialog it does
 * not name refused, and a subscription to anything but a push service refused (no SSRF).
 */
describe('wtp remote: Web Push to a paired device', () => {
  let home: TestHome;
  let daemon: RunningDaemon;
  let client: WtpClient;
  let service: PushService;
  let port: number;
  let ca: string;
  let cookie: string;
  let agent: AgentView;
  const browser = (): Record<string, string> => ({
    host: `127.0.0.1:${port}`,
    origin: `https://127.0.0.1:${port}`,
    'sec-fetch-site': 'same-origin',
    cookie,
  });
  const post = (path: string, body: unknown) =>
    httpsRaw(port, path, { ca, method: 'POST', headers: browser(), body: JSON.stringify(body) });
  const hook = (body: unknown) =>
    fetch(`http://127.0.0.1:${daemon.tcpPort ?? 0}/api/v1/hooks/${agent.id}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${readFileSync(daemon.paths.tokenFile, 'utf8').trim()}`,
      },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    service = await PushService.start();
    home = new TestHome({ WTP_CLAUDE_BIN: FAKE_CLAUDE });
    writeFakeWeb(home.path('web'), home.path('token'));
    writeFileSync(home.path('push-ca.pem'), service.ca);
    home.writeConfig(
      `notifications:\n  desktop: false\n  push:\n    extraServices: ["127.0.0.1:${service.port}"]\n    caFile: ${home.path('push-ca.pem')}\n`,
    );
    daemon = await startDaemon({
      entry: ENTRY,
      env: readEnv({ ...home.env, WTP_WEB_DIR: home.path('web') }),
      childEnv: environmentForChildren(home.env),
    });
    client = new WtpClient({ socketPath: daemon.paths.apiSocket, source: 'api' });
    const on = await client.call('remoteOn', { body: { listen: '127.0.0.1:0' } });
    port = Number(new URL(on.url ?? '').port);
    ca = readFileSync(join(daemon.paths.stateDir, 'remote', 'ca', 'ca.crt'), 'utf8');
    const pair = await client.call('remotePair', { body: {} });
    const code = new URLSearchParams(new URL(pair.url).hash.slice(1)).get('code');
    cookie = '';
    const made = await post('/remote/pair', { code, name: 'pixel-9' });
    cookie = (made.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
    ({ agent } = await client.call('createAgent', {
      body: { profile: 'claude', name: 'pushy', cwd: home.dir },
    }));
  });
  afterAll(async () => {
    await daemon?.stop({ stopAgents: true });
    await home?.cleanup();
    await service?.close();
  });

  it('refuses a subscription to anything but a push service, and any from a client that is no device', async () => {
    const { subscription } = service.subscribe();
    const inward = { ...subscription, endpoint: `https://127.0.0.1:${daemon.tcpPort ?? 0}/api/v1/agents` };
    const r = await post('/api/v1/push/subscription', { subscription: inward });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).message).toMatch(/is not allowed|not a known push service/);
    await expect(client.call('pushSubscribe', { body: { subscription } })).rejects.toMatchObject({
      code: 'REMOTE_FORBIDDEN',
    });
  });

  it('pushes a permission with approve and deny, the agent and kind only; approve answers that dialog', async () => {
    const settings = JSON.parse((await httpsRaw(port, '/api/v1/push', { ca, headers: browser() })).body);
    const { subscription, received } = service.subscribe({ applicationServerKey: settings.publicKey });
    expect((await post('/api/v1/push/subscription', { subscription })).status).toBe(200);
    const held = hook({
      hook_event_name: 'PermissionRequest',
      tool_name: 'Bash',
      tool_input: { command: 'npm test' },
    });
    const got = await untilPush(received, () => true, 20_000);
    const msg = pushMessageSchema.parse(got.payload);
    const waiting = await client.call('getAgent', { params: { agent: 'pushy' } });
    expect(msg).toMatchObject({
      kind: 'permission',
      agentId: agent.id,
      title: 'pushy needs permission',
      body: '',
      actions: ['approve', 'deny'],
      expect: { state: 'needs_permission', since: waiting.agent.stateSince },
    });
    expect(got.urgency).toBe('high');
    // The notification's approve, as the service worker sends it.
    const answering = post(`/api/v1/agents/${agent.id}/answer`, {
      action: 'approve',
      via: 'dashboard',
      expect: msg.expect,
    });
    expect((await held).status).toBe(200);
    // The stand-in moves on as Claude Code does once its hook allowed the tool.
    await hook({ hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_input: { command: 'npm test' } });
    const answered = await answering;
    expect(answered.status, answered.body).toBe(200);
    const events = (await client.call('listEvents', { query: { agent: agent.id } })).events;
    const approved = events.filter(isAnswerEvent).at(-1);
    expect(approved && answerWords(approved)).toMatch(/^approved .*via dashboard from device "pixel-9"/);
  });

  it('refuses an action on a dialog that is not the one pushed', async () => {
    const stale = { state: 'needs_permission', since: new Date(0).toISOString() };
    const held = hook({
      hook_event_name: 'PermissionRequest',
      tool_name: 'Bash',
      tool_input: { command: 'ls' },
    });
    await eventually(
      'needs_permission',
      async () =>
        (await client.call('getAgent', { params: { agent: 'pushy' } })).agent.state === 'needs_permission',
    );
    const r = await post(`/api/v1/agents/${agent.id}/answer`, {
      action: 'approve',
      via: 'dashboard',
      expect: stale,
    });
    expect(r.status).toBe(409);
    expect(JSON.parse(r.body).code).toMatch(/DIALOG_CHANGED|AGENT_NOT_WAITING/);
    const denying = client.call('answerAgent', { params: { agent: 'pushy' }, body: { action: 'deny' } });
    await held;
    await hook({ hook_event_name: 'Stop' });
    await denying;
  });
});
