import { inject as lightInject, type InjectOptions } from 'light-my-request';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WtpClient } from '../../src/client/wtp-client.js';
import { AppError } from '../../src/protocol/app-error.js';
import { environmentForChildren, readEnv } from '../../src/config/env.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon/main.js';
import { buildOpenApi } from '../../src/interfaces/http/openapi.js';
import { errorBodySchema } from '../../src/protocol/errors.js';
import type { AgentView } from '../../src/protocol/agent.js';
import { eventsServerMessageSchema } from '../../src/protocol/event-socket.js';
import type { WtpEvent } from '../../src/protocol/events.js';
import { routes } from '../../src/protocol/routes.js';
import { ENTRY, eventually, TestHome } from '../support/harness.js';
import { rawRequest } from '../support/raw-socket.js';
import { YAML_BOMB } from '../support/yaml-bomb.js';

/** The daemon graph runs in this process; hosts and agents are real child processes. */
describe('HTTP API (in-process daemon)', () => {
  let home: TestHome;
  let daemon: RunningDaemon;
  let client: WtpClient;
  const inject = (opts: InjectOptions) => lightInject(daemon.api.dispatch, opts);

  beforeAll(async () => {
    home = new TestHome();
    daemon = await startDaemon({
      entry: ENTRY,
      env: readEnv(home.env),
      childEnv: environmentForChildren(home.env),
    });
    client = new WtpClient({ socketPath: daemon.paths.apiSocket, source: 'api' });
  });
  afterAll(async () => {
    await daemon.stop({ stopAgents: true });
    await home.cleanup();
  });

  it('serves health and status that match their schemas', async () => {
    const health = await inject({ method: 'GET', url: '/api/v1/health' });
    expect(health.statusCode).toBe(200);
    expect(routes.health.response.parse(health.json())).toMatchObject({ ok: true, pid: process.pid });
    const status = routes.status.response.parse(
      (await inject({ method: 'GET', url: '/api/v1/status' })).json(),
    );
    expect(status.backend).toBe('headless');
    expect(status.api.socket).toBe(home.path('run/api.sock'));
  });

  it('validates bodies and answers with stable error codes', async () => {
    const cases: [unknown, number, string, string?][] = [
      [{}, 400, 'INVALID_INPUT', 'body.profile'],
      [{ profile: 'cmd', cwd: 'relative/dir', argv: ['true'] }, 400, 'INVALID_INPUT', 'body.cwd'],
      [{ profile: 'cmd', cwd: '/', argv: ['true'], restart: 'maybe' }, 400, 'INVALID_INPUT', 'body.restart'],
      [{ profile: 'cmd', cwd: '/', argv: ['true'], surprise: 1 }, 400, 'INVALID_INPUT', 'body'],
      [
        { profile: 'cmd', cwd: '/', argv: ['true'], env: { 'BAD-KEY': 'x' } },
        400,
        'INVALID_INPUT',
        'body.env.BAD-KEY',
      ],
      [{ profile: 'robot', cwd: '/' }, 400, 'PROFILE_UNKNOWN'],
      [{ profile: 'cmd', cwd: '/', argv: [] }, 400, 'COMMAND_MISSING'],
      [{ profile: 'cmd', cwd: '/', argv: ['/nope/x'] }, 400, 'COMMAND_NOT_FOUND'],
      [{ profile: 'cmd', cwd: '/nope', argv: ['true'] }, 400, 'CWD_INVALID'],
      [{ profile: 'cmd', cwd: '/', argv: ['true'], workspace: 'mars' }, 404, 'WORKSPACE_NOT_FOUND'],
    ];
    for (const [payload, status, code, path] of cases) {
      const r = await inject({ method: 'POST', url: '/api/v1/agents', payload: payload as object });
      expect(r.statusCode, JSON.stringify(payload)).toBe(status);
      const body = errorBodySchema.parse(r.json());
      expect(body.code, JSON.stringify(payload)).toBe(code);
      if (path) expect((body.details?.issues as { path: string }[]).map((i) => i.path)).toContain(path);
    }
    const badJson = await inject({
      method: 'POST',
      url: '/api/v1/agents',
      payload: '{"profile": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(badJson.statusCode).toBe(400);
    expect(errorBodySchema.parse(badJson.json()).code).toBe('INVALID_INPUT');
    const notJson = await inject({
      method: 'POST',
      url: '/api/v1/agents',
      payload: 'profile=cmd',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(notJson.json()).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('JSON') });
    const huge = await inject({
      method: 'POST',
      url: '/api/v1/agents',
      payload: JSON.stringify({ profile: 'cmd', cwd: '/', argv: ['x'.repeat(3 * 1024 * 1024)] }),
      headers: { 'content-type': 'application/json' },
    });
    expect(huge.statusCode).toBe(400);
    expect(huge.json()).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('larger than'),
    });
    const wrongMethod = await inject({ method: 'DELETE', url: '/api/v1/agents' });
    expect(wrongMethod.statusCode).toBe(404);
    expect(wrongMethod.json()).toMatchObject({ code: 'NOT_FOUND', details: { allowed: ['GET', 'POST'] } });
    const badEscape = await inject({ method: 'GET', url: '/api/v1/agents/%E0%A4%A' });
    expect(badEscape.json()).toMatchObject({ code: 'INVALID_INPUT' });
    const noRoute = await inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(noRoute.statusCode).toBe(404);
    expect(noRoute.json()).toMatchObject({ code: 'NOT_FOUND' });
    const badQuery = await inject({ method: 'GET', url: '/api/v1/agents?state=flying' });
    expect(badQuery.json()).toMatchObject({ code: 'INVALID_INPUT' });
    expect((await client.call('listAgents')).agents).toEqual([]); // nothing was created
  });

  it('runs an agent over the real unix socket: create, input, screen, logs, stop', async () => {
    const created = await client.call('createAgent', {
      body: {
        profile: 'cmd',
        name: 'echo',
        cwd: home.dir,
        argv: ['sh', '-c', 'while read l; do echo "<$l>"; done'],
      },
    });
    const { agent } = created;
    expect(routes.createAgent.response.parse(created)).toMatchObject({
      agent: { state: 'running' },
      cli: null,
    });
    const sent = await client.call('sendInput', {
      params: { agent: 'echo' },
      body: { text: 'ping', enter: true },
    });
    expect(sent.bytes).toBe(5);
    const screen = await eventually('the reply on screen', async () => {
      const s = await client.call('getScreen', { params: { agent: agent.id } });
      return s.lines.includes('<ping>') ? s : undefined;
    });
    expect(routes.getScreen.response.parse(screen).cursor.y).toBeGreaterThan(0);
    const logs = await client.raw('getLogs', { params: { agent: 'echo' }, query: {} });
    expect(logs.headers['content-type']).toBe('application/octet-stream');
    expect(logs.body.toString()).toContain('<ping>');
    expect(Number(logs.headers['x-wtp-to-seq'])).toBe(logs.body.length);
    const tail = await client.raw('getLogs', { params: { agent: 'echo' }, query: { tailBytes: 4 } });
    expect(tail.body.length).toBe(4);
    expect(Number(tail.headers['x-wtp-from-seq'])).toBe(logs.body.length - 4);
    const stopped = await client.call('stopAgent', { params: { agent: 'echo' }, body: {} });
    expect(stopped.agent.state).toBe('exited');
    await expect(
      client.call('sendInput', { params: { agent: 'echo' }, body: { text: 'x' } }),
    ).rejects.toMatchObject({
      code: 'AGENT_NOT_RUNNING',
      status: 409,
    });
  });

  it('refuses NUL bytes and option-like refs before they reach git or a shell (400 with the path, not 500)', async () => {
    const repo = home.path('nul-repo');
    const g = (...args: string[]) => execFileSync('git', args, { cwd: repo, env: home.env });
    mkdirSync(repo);
    g('init', '-q', '-b', 'main');
    writeFileSync(`${repo}/README`, 'x\n');
    g('add', '-A');
    g('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'start');
    await client.call('createAgent', {
      body: { profile: 'cmd', name: 'nul', cwd: repo, repo, argv: ['sleep', '300'] },
    });
    const cases: [string, unknown, string][] = [
      ['/api/v1/agents/nul/merge', { into: '\u0000' }, 'body.into'],
      ['/api/v1/agents/nul/merge', { test: 'true\u0000' }, 'body.test'],
      ['/api/v1/agents/nul/merge', { into: 'main', test: '\u0000', commit: 'm' }, 'body.test'],
      ['/api/v1/agents/nul/merge', { into: '--orphan' }, 'body.into'],
      ['/api/v1/agents/nul/commit', { message: 'a\u0000b' }, 'body.message'],
      ['/api/v1/agents', { profile: 'cmd', cwd: repo, repo, argv: ['true'], base: '-h' }, 'body.base'],
      ['/api/v1/agents', { profile: 'cmd', cwd: repo, argv: ['tr\u0000ue'] }, 'body.argv.0'],
      ['/api/v1/tasks/x/compare', { test: 'make\u0000' }, 'body.test'],
    ];
    for (const [url, payload, path] of cases) {
      const r = await inject({ method: 'POST', url, payload: payload as object });
      expect(r.statusCode, `${url} ${JSON.stringify(payload)}`).toBe(400);
      const body = errorBodySchema.parse(r.json());
      expect(body.code).toBe('INVALID_INPUT');
      expect((body.details?.issues as { path: string }[]).map((i) => i.path)).toContain(path);
    }
    const param = await inject({ method: 'GET', url: '/api/v1/agents/nu%00l' });
    expect(param.statusCode).toBe(400);
    expect(param.json()).toMatchObject({ code: 'INVALID_INPUT' });
    await client.call('removeAgent', { params: { agent: 'nul' }, query: { force: 'true' } });
  });

  it('guards TCP with the bearer token and rejects foreign browser origins', async () => {
    const base = `http://127.0.0.1:${daemon.tcpPort ?? 0}`;
    const token = readFileSync(home.path('token'), 'utf8').trim();
    const anonymous = await fetch(`${base}/api/v1/health`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: 'UNAUTHORIZED' });
    const wrong = await fetch(`${base}/api/v1/health`, {
      headers: { authorization: `Bearer ${'0'.repeat(64)}` },
    });
    expect(wrong.status).toBe(401);
    const ok = await fetch(`${base}/api/v1/health`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    const foreign = await fetch(`${base}/api/v1/health`, {
      headers: { authorization: `Bearer ${token}`, origin: 'http://evil.example' },
    });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ code: 'FORBIDDEN_ORIGIN' });
    const tcpClient = new WtpClient({ baseUrl: base, token });
    expect((await tcpClient.call('health')).ok).toBe(true);
    await expect(new WtpClient({ baseUrl: base }).call('health')).rejects.toBeInstanceOf(AppError);
    const missing = new WebSocket(`${base.replace('http', 'ws')}/api/v1/nowhere`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const missingStatus = await new Promise<number>((r) =>
      missing.on('unexpected-response', (_req, res) => r(res.statusCode ?? 0)),
    );
    expect(missingStatus).toBe(404);
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/events`);
    const wsStatus = await new Promise<number>((r) =>
      ws.on('unexpected-response', (_req, res) => r(res.statusCode ?? 0)),
    );
    expect(wsStatus).toBe(401);
  });

  it('removes a workspace while an agent is being made in it: a clear error, never a 500 or an orphan', async () => {
    const repo = home.path('race-repo');
    const g = (...args: string[]) => execFileSync('git', args, { cwd: repo, env: home.env });
    mkdirSync(repo);
    g('init', '-q', '-b', 'main');
    g('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'start');
    await client.call('createWorkspace', { body: { name: 'race', repo, backend: 'headless' } });
    // The agent's worktree is being made (git) when the workspace goes (found by the API fuzz: a 500,
    // the store's foreign key refusing an agent of a removed workspace).
    const [made, removed] = await Promise.all([
      inject({
        method: 'POST',
        url: '/api/v1/agents',
        payload: { profile: 'cmd', name: 'late', workspace: 'race', cwd: repo, repo, argv: ['sleep', '60'] },
      }),
      inject({ method: 'DELETE', url: '/api/v1/workspaces/race?force=true' }),
    ]);
    expect(removed.statusCode, removed.body).toBe(200);
    expect(made.statusCode, made.body).toBe(404);
    expect(made.json()).toMatchObject({ code: 'WORKSPACE_NOT_FOUND' });
    const { agents } = await client.call('listAgents');
    expect(agents.filter((a) => a.name === 'late')).toEqual([]);
    expect(g('worktree', 'list').toString().trim().split('\n')).toHaveLength(1); // its worktree went too
  });

  it('refuses YAML with an alias to no anchor, or a YAML bomb, as invalid input (found by the API fuzz: a 500)', async () => {
    for (const yaml of ['*fz', YAML_BOMB]) {
      const plan = await inject({ method: 'POST', url: '/api/v1/tasks/import', payload: { yaml } });
      expect(plan.statusCode, plan.body).toBe(400);
      expect(plan.json()).toMatchObject({ code: 'INVALID_INPUT' });
      const ws = await inject({
        method: 'POST',
        url: '/api/v1/workspaces',
        payload: { name: 'yaml', repo: home.dir, templateYaml: yaml },
      });
      expect(ws.statusCode, ws.body).toBe(400);
      expect(ws.json()).toMatchObject({ code: 'TEMPLATE_INVALID' });
    }
  });

  it('answers every method and every malformed request on a raw socket, with an error body', async () => {
    const port = daemon.tcpPort ?? 0;
    const token = readFileSync(home.path('token'), 'utf8').trim();
    const send = (requestLine: string, headers = '', connection = 'close') =>
      rawRequest(
        port,
        `${requestLine}\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\n${headers}Connection: ${connection}\r\n\r\n`,
      );
    const connect = await send('CONNECT 127.0.0.1:22 HTTP/1.1');
    expect(connect.timedOut).toBe(false);
    expect(connect.status).toBe(405);
    expect(connect.headers.allow).toBe('GET, POST, DELETE');
    expect(JSON.parse(connect.body)).toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
    for (const method of ['PUT', 'PATCH', 'TRACE', 'PROPFIND']) {
      const r = await send(`${method} /api/v1/agents HTTP/1.1`);
      expect(r.status, method).toBe(405);
      expect(r.headers.allow, method).toBe('GET, POST');
      expect(JSON.parse(r.body), method).toMatchObject({
        code: 'METHOD_NOT_ALLOWED',
        details: { allowed: ['GET', 'POST'] },
      });
    }
    for (const line of [
      'FOO /api/v1/agents HTTP/1.1',
      'GET /api/v1/agents HTTP/9.9',
      'GET  HTTP/1.1',
      '\u0000',
    ]) {
      const r = await send(line);
      expect(r.status, JSON.stringify(line)).toBe(400);
      expect(JSON.parse(r.body), JSON.stringify(line)).toMatchObject({ code: 'INVALID_INPUT' });
    }
    const badHeader = await send('GET /api/v1/agents HTTP/1.1', 'X-Bad: a\u0000b\r\n');
    expect(badHeader.status, badHeader.body).toBe(400);
    const hugeHeader = await send('GET /api/v1/agents HTTP/1.1', `X-Big: ${'a'.repeat(40_000)}\r\n`);
    expect(hugeHeader.status, hugeHeader.body).toBe(431);
    const badTarget = await send('GET http://[::1 HTTP/1.1');
    expect(badTarget.status, badTarget.body).toBe(400);
    const badEscape = await send(
      'GET /api/v1/agents/%E0%A4%A/pty HTTP/1.1',
      'Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n',
      'Upgrade',
    );
    expect(badEscape.status, badEscape.body).toBe(400);
    expect(JSON.parse(badEscape.body)).toMatchObject({ code: 'INVALID_INPUT' });
    expect((await send('DELETE /api/v1/agents HTTP/1.1')).status).toBe(404); // a served method elsewhere
  });

  it('streams events over WebSocket and resumes from a sequence number without gaps', async () => {
    const { url } = client.socketUrl('/api/v1/events', { since: 0 });
    const received: WtpEvent[] = [];
    let latest = -1;
    const ws = new WebSocket(url);
    ws.on('message', (d: Buffer) => {
      const msg = eventsServerMessageSchema.parse(JSON.parse(d.toString()));
      if (msg.type === 'hello') latest = msg.latestSeq;
      if (msg.type === 'event') received.push(msg.event);
    });
    await eventually('the replay', () => latest > 0 && received.length >= latest);
    expect(received.map((e) => e.seq)).toEqual(Array.from({ length: received.length }, (_, i) => i + 1));
    await client.call('createAgent', {
      body: { profile: 'cmd', name: 'live', cwd: home.dir, argv: ['sleep', '60'] },
    });
    await eventually('live events', () =>
      received.some((e) => e.type === 'agent.created' && e.data.agent.name === 'live'),
    );
    ws.close();

    // Resume from the middle: exactly the events after `since`, once each, then live.
    const since = Math.floor(received.length / 2);
    const { url: resumeUrl } = client.socketUrl('/api/v1/events', { since, types: 'agent.stateChanged' });
    const resumed: WtpEvent[] = [];
    const ws2 = new WebSocket(resumeUrl);
    ws2.on('message', (d: Buffer) => {
      const msg = eventsServerMessageSchema.parse(JSON.parse(d.toString()));
      if (msg.type === 'event') resumed.push(msg.event);
    });
    const expected = received
      .filter((e) => e.seq > since && e.type === 'agent.stateChanged')
      .map((e) => e.seq);
    await eventually('the resumed replay', () => resumed.length >= expected.length);
    await client.call('stopAgent', { params: { agent: 'live' }, body: {} });
    await eventually('the live stop event', () =>
      resumed.some(
        (e) =>
          e.type === 'agent.stateChanged' &&
          e.data.to === 'exited' &&
          e.agentId !== null &&
          e.seq > (expected.at(-1) ?? 0),
      ),
    );
    ws2.close();
    const seqs = resumed.map((e) => e.seq);
    expect(seqs.slice(0, expected.length)).toEqual(expected);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(resumed.every((e) => e.type === 'agent.stateChanged')).toBe(true);
    const page = await client.call('listEvents', { query: { since, types: 'agent.stateChanged' } });
    expect(page.events.map((e) => e.seq)).toEqual(seqs.filter((s) => s <= page.latestSeq));
  });

  it('with agents=true, sends the agent an event changed as GET /agents/{id} answers, and only then', async () => {
    const { url } = client.socketUrl('/api/v1/events', { since: 0, agents: 'true' });
    const got: { event: WtpEvent; agent?: AgentView | undefined }[] = [];
    const ws = new WebSocket(url);
    ws.on('message', (d: Buffer) => {
      const msg = eventsServerMessageSchema.parse(JSON.parse(d.toString()));
      if (msg.type === 'event') got.push(msg);
    });
    await new Promise((r) => ws.once('open', r));
    const { agent } = await client.call('createAgent', {
      body: { profile: 'cmd', name: 'viewed', cwd: home.dir, argv: ['sleep', '60'] },
    });
    await client.call('stopAgent', { params: { agent: agent.id }, body: {} });
    const exited = () =>
      got.find(
        (m) =>
          m.event.agentId === agent.id &&
          m.event.type === 'agent.stateChanged' &&
          m.event.data.to === 'exited',
      );
    await eventually('the stop event', () => exited() !== undefined);
    // The view it carries is the daemon's own (what GET /agents/{id} answers), as it was when sent.
    const now = (await client.call('getAgent', { params: { agent: agent.id } })).agent;
    expect(exited()?.agent).toMatchObject({ id: agent.id, name: 'viewed', state: 'exited' });
    expect(Object.keys(exited()?.agent ?? {}).sort()).toEqual(Object.keys(now).sort());
    await client.call('removeAgent', { params: { agent: agent.id }, query: {} });
    await eventually('the removal', () =>
      got.some((m) => m.event.type === 'agent.removed' && m.event.agentId === agent.id),
    );
    ws.close();
    const mine = got.filter((m) => m.event.agentId === agent.id);
    // Events that change nothing shown carry no agent; nor does any event without the query.
    expect(mine.find((m) => m.event.type === 'agent.removed')?.agent).toBeUndefined();
    expect(
      mine.filter((m) => m.event.type === 'agent.stateChanged').every((m) => m.agent?.id === agent.id),
    ).toBe(true);
    const plain: { agent?: unknown }[] = [];
    const ws2 = new WebSocket(client.socketUrl('/api/v1/events', { since: 0 }).url);
    ws2.on('message', (d: Buffer) => plain.push(JSON.parse(d.toString()) as { agent?: unknown }));
    await eventually('the replay without agents', () =>
      plain.some(
        (m) => JSON.stringify(m).includes(`"agent.removed"`) && JSON.stringify(m).includes(agent.id),
      ),
    );
    ws2.close();
    expect(plain.filter((m) => m.agent !== undefined)).toEqual([]);
  });

  it("tells its event loop's delay since the last read, at once, sampling only once asked", async () => {
    const first = await client.call('loopDelay');
    // The first read starts the sampling: nothing to tell yet, or only what the last test's read left.
    expect(first.resolutionMs).toBe(10);
    await new Promise((r) => setTimeout(r, 300));
    const d = await client.call('loopDelay');
    expect(d.sinceMs).toBeGreaterThanOrEqual(300);
    // A 10 ms timer over 300 ms fires about 30 times; each value is how late it fired, never negative.
    expect(d.samples).toBeGreaterThan(5);
    expect(d.minMs).toBeGreaterThanOrEqual(0);
    expect(d.minMs).toBeLessThanOrEqual(d.p50Ms);
    expect(d.p50Ms).toBeLessThanOrEqual(d.p99Ms);
    expect(d.p99Ms).toBeLessThanOrEqual(d.maxMs);
    // Each read starts over.
    const again = await client.call('loopDelay');
    expect(again.sinceMs).toBeLessThan(d.sinceMs);
  });

  it('exposes Prometheus metrics and the OpenAPI document generated from the schemas', async () => {
    const metrics = await inject({ method: 'GET', url: '/metrics' });
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toMatch(/^# TYPE wtp_agents gauge$/m);
    expect(metrics.body).toMatch(/^wtp_agents\{state="exited"\} \d+$/m);
    expect(metrics.body).toMatch(/^wtp_http_requests_total\{route="\/api\/v1\/agents",status="400"\} \d+$/m);
    expect(metrics.body).toMatch(/^wtp_agent_output_bytes_total\{agent="echo",workspace="default"\} \d+$/m);
    expect(metrics.body).toMatch(/^wtp_storage_ok 1$/m);
    expect(metrics.body).toMatch(/^wtp_storage_failed_writes_total\{component="database"\} 0$/m);
    const doc = (await inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<
      Record<string, unknown>
    >();
    expect(doc).toEqual(buildOpenApi(daemon.status().version));
    const paths = Object.keys(doc.paths as object);
    for (const r of Object.values(routes)) expect(paths).toContain(r.path.replace(/:([A-Za-z]+)/g, '{$1}'));
  });
});
