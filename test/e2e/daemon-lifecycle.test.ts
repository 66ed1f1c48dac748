import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openPinned } from '../../src/adapters/sqlite/pinned-database.js';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import { eventually, TestHome } from '../support/harness.js';
import { isAlive } from '../support/processes.js';

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
const mode = (path: string): number => statSync(path).mode & 0o777;

describe('daemon lifecycle', () => {
  const homes: TestHome[] = [];
  const newHome = (env: Record<string, string> = {}): TestHome => {
    const h = new TestHome(env);
    homes.push(h);
    return h;
  };
  afterEach(async () => {
    await Promise.all(homes.splice(0).map((h) => h.cleanup()));
  });

  it('reports a missing daemon clearly in every command', async () => {
    const home = newHome();
    const status = await home.json(['status']);
    expect(status.code).toBe(3);
    expect(cliOutputSchemas.status.parse(status.doc)).toMatchObject({ running: false, daemon: null });
    const ls = await home.json(['ls']);
    expect(ls.code).toBe(1);
    expect(cliOutputSchemas.error.parse(ls.doc).error.code).toBe('DAEMON_NOT_RUNNING');
    const human = await home.run(['ls']);
    expect(human.stderr).toMatch(/daemon is not running.*wtp up.*\[DAEMON_NOT_RUNNING\]/);
  });

  it('`down` with no daemon has nothing to stop (exit 0), as `systemctl stop` does', async () => {
    const home = newHome();
    const down = await home.json(['down']);
    expect(down.code).toBe(0);
    expect(cliOutputSchemas.down.parse(down.doc)).toEqual({
      version: 1,
      stopped: true,
      wasRunning: false,
      pid: null,
      stoppedAgents: 0,
    });
    expect(await home.run(['down'])).toMatchObject({
      code: 0,
      stdout: 'daemon not running: nothing to stop\n',
      stderr: '',
    });
    expect(await home.run(['down', '--stop-agents'])).toMatchObject({
      code: 0,
      stdout: 'daemon not running: nothing to stop (and no agent host runs)\n',
    });
  });

  it('`down --stop-agents` with no daemon fails while agents may run: it cannot stop them', async () => {
    const home = newHome();
    await home.run(['up', '--detach']);
    await home.run(['new', 'cmd', '--name', 'sleeper', '--', 'sleep', '300']);
    const agent = await home.agent('sleeper');
    expect((await home.run(['down'])).code).toBe(0); // the agent keeps running
    // The daemon log's last line: how long each step of the stop took (what a slow `down` waited for).
    const last = readFileSync(home.path('logs', 'daemon.log'), 'utf8').trim().split('\n').at(-1) ?? '';
    expect(JSON.parse(last)).toMatchObject({
      msg: 'daemon stopped',
      ms: {
        agents: expect.any(Number),
        api: expect.any(Number),
        core: expect.any(Number),
        database: expect.any(Number),
      },
    });
    const refused = await home.json(['down', '--stop-agents']);
    expect(refused.code).toBe(1);
    const err = cliOutputSchemas.error.parse(refused.doc).error;
    expect(err).toMatchObject({
      code: 'DAEMON_NOT_RUNNING',
      details: { liveHosts: [{ agentId: agent.id, pid: expect.any(Number) }] },
    });
    expect(err.message).toMatch(/no agent was stopped, and 1 agent host\(s\) still run.*wtp up --detach/);
    expect(isAlive(agent.pid ?? 0)).toBe(true);
    // With the daemon back, it stops them; then there is nothing left to stop.
    await home.run(['up', '--detach']);
    const down = cliOutputSchemas.down.parse((await home.json(['down', '--stop-agents'])).doc);
    expect(down).toMatchObject({ stopped: true, wasRunning: true, stoppedAgents: 1 });
    expect(isAlive(agent.pid ?? 0)).toBe(false);
    expect((await home.run(['down', '--stop-agents'])).code).toBe(0);
  });

  it('starts once per WTP_HOME, with private sockets and token; `up` again only reports it', async () => {
    const home = newHome();
    const up = await home.json(['up', '--detach']);
    expect(up.code).toBe(0);
    const doc = cliOutputSchemas.up.parse(up.doc);
    expect(doc.daemon.api.socket).toBe(home.path('run/api.sock'));
    expect(doc.daemon.api.tcp).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(doc.daemon.backend).toBe('headless');
    expect(mode(home.path('run/api.sock'))).toBe(0o600);
    expect(mode(home.path('run/host.sock'))).toBe(0o600);
    expect(mode(home.path('token'))).toBe(0o600);
    expect(mode(home.path('run'))).toBe(0o700);
    expect(readFileSync(home.path('token'), 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);

    expect(doc).toMatchObject({ started: true, alreadyRunning: false });

    // Safe to repeat, as `systemctl start` is: the running daemon is reported, nothing else starts.
    for (const args of [['up', '--detach'], ['up']]) {
      const twin = await home.json(args);
      expect(twin.code, args.join(' ')).toBe(0);
      expect(cliOutputSchemas.up.parse(twin.doc)).toMatchObject({
        started: false,
        alreadyRunning: true,
        daemon: { pid: doc.daemon.pid },
      });
    }
    const human = await home.run(['up', '--backend', 'tmux']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(
      new RegExp(`daemon already running \\(pid ${doc.daemon.pid}\\)\n  API +unix:`),
    );
    expect(human.stderr).toContain('--backend tmux was not applied: the running daemon uses headless');
    expect(isAlive(doc.daemon.pid)).toBe(true);
    expect((await home.json(['status'])).doc).toMatchObject({ daemon: { pid: doc.daemon.pid } });
  });

  it('two `up --detach` at once both succeed, with one daemon that one of them started', async () => {
    const home = newHome();
    const both = await Promise.all([home.json(['up', '--detach']), home.json(['up', '--detach'])]);
    expect(both.map((r) => r.code)).toEqual([0, 0]);
    const docs = both.map((r) => cliOutputSchemas.up.parse(r.doc));
    expect(docs[0]?.daemon.pid).toBe(docs[1]?.daemon.pid);
    expect(docs.map((d) => d.started).sort()).toEqual([false, true]);
  });

  it('`up --template T` with a daemon running opens the workspace in it (foreground or --detach)', async () => {
    const home = newHome();
    const first = cliOutputSchemas.up.parse((await home.json(['up', '--detach'])).doc);
    mkdirSync(home.path('proj'));
    const r = await home.json(['up', '--template', 'pair'], { cwd: home.path('proj') });
    expect(r.code, JSON.stringify(r.doc)).toBe(0);
    const up = cliOutputSchemas.up.parse(r.doc);
    expect(up).toMatchObject({ started: false, alreadyRunning: true, daemon: { pid: first.daemon.pid } });
    expect(up.workspace).toMatchObject({ name: 'proj', template: 'pair' });
    expect(up.agents).toHaveLength(2);
  });

  it('replaces a stale socket and pid file left by a crash', async () => {
    const home = newHome();
    mkdirSync(home.path('run'), { recursive: true });
    writeFileSync(home.path('run/api.sock'), 'not a socket');
    writeFileSync(home.path('run/daemon.json'), JSON.stringify({ pid: 999_999, version: '0.0.0' }));
    const up = await home.json(['up', '--detach']);
    expect(up.code).toBe(0);
    expect((await home.json(['status'])).code).toBe(0);
  });

  it('stops the daemon but not the agents, and re-attaches them on the next start', async () => {
    const home = newHome();
    await home.run(['up', '--detach']);
    expect((await home.run(['new', 'cmd', '--name', 'sleeper', '--', 'sleep', '300'])).code).toBe(0);
    const agent = (await home.json<{ agent: AgentView }>(['ls'])).doc as unknown as { agents: AgentView[] };
    const pid = agent.agents[0]?.pid ?? 0;
    const down = await home.json(['down']);
    expect(cliOutputSchemas.down.parse(down.doc)).toMatchObject({ stopped: true, stoppedAgents: 0 });
    expect(isAlive(pid)).toBe(true);
    await home.run(['up', '--detach']);
    const back = await eventually('the host to re-attach', async () => {
      const a = (await home.json<{ agents: AgentView[] }>(['ls'])).doc.agents[0];
      return a?.hostConnected ? a : undefined;
    });
    expect(back).toMatchObject({ name: 'sleeper', state: 'running', pid });
  });

  it('records each stop as it was asked for: agents kept, then agents stopped', async () => {
    const home = newHome();
    await home.run(['up', '--detach']);
    expect((await home.run(['new', 'cmd', '--name', 'sleeper', '--', 'sleep', '300'])).code).toBe(0);
    await home.run(['down']);
    await home.run(['up', '--detach']);
    const stopAll = await home.json(['down', '--stop-agents']);
    expect(cliOutputSchemas.down.parse(stopAll.doc)).toMatchObject({ stopped: true, stoppedAgents: 1 });
    await home.run(['up', '--detach']);
    const stops = (await home.run(['events', '--type', 'daemon.stopped', '--json'])).stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { event: { data: { stopAgents: boolean } } }).event.data.stopAgents);
    expect(stops).toEqual([false, true]);
  });

  it('refuses a file that is not a database and leaves it untouched', async () => {
    const home = newHome();
    writeFileSync(home.path('wtp.db'), 'this is not sqlite, but it is the user’s file\n'.repeat(20));
    const before = sha(home.path('wtp.db'));
    const up = await home.json(['up']);
    expect(up.code).toBe(1);
    expect(up.doc).toMatchObject({ error: { code: 'DB_CORRUPT', details: { path: home.path('wtp.db') } } });
    expect(sha(home.path('wtp.db'))).toBe(before);
    const detached = await home.json(['up', '--detach']);
    expect(detached.doc).toMatchObject({ error: { code: 'DB_CORRUPT' } });
  });

  it('refuses a database written by a newer version and leaves it untouched', async () => {
    const home = newHome();
    const db = openPinned(home.path('wtp.db'));
    db.exec('CREATE TABLE future (x TEXT); INSERT INTO future VALUES (1);');
    db.pragma('user_version = 99');
    db.close();
    const before = sha(home.path('wtp.db'));
    const up = await home.json(['up']);
    expect(up.code).toBe(1);
    expect(up.doc).toMatchObject({ error: { code: 'DB_TOO_NEW', details: { found: 99 } } });
    expect(sha(home.path('wtp.db'))).toBe(before);
  });

  it('refuses an invalid config with the path of every problem', async () => {
    const home = newHome({ WTP_API_PORT: '' }); // the env would override api.port
    home.writeConfig('agents:\n  stopGraceMs: -5\n  colour: blue\napi:\n  port: "x"\n');
    const up = await home.json(['up']);
    expect(up.code).toBe(1);
    const err = cliOutputSchemas.error.parse(up.doc).error;
    expect(err.code).toBe('CONFIG_INVALID');
    const paths = (err.details?.issues as { path: string }[]).map((i) => i.path).sort();
    expect(paths).toEqual(['agents.colour', 'agents.stopGraceMs', 'api.port']);
    const human = await home.run(['up']);
    expect(human.stderr).toContain('agents.stopGraceMs');

    home.writeConfig('agents:\n  cols: 100\n  stopGraceMS: 1000\n');
    const typo = await home.run(['up']);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain(
      `The config file ${home.path('config.yaml')} is invalid (agents.stopGraceMS (line 3): unknown key "stopGraceMS". Did you mean "stopGraceMs"?).`,
    );

    home.writeConfig('agents: [unclosed\n');
    expect((await home.json(['up'])).doc).toMatchObject({ error: { code: 'CONFIG_INVALID' } });
  });

  it('reports a TCP port that is taken: by another daemon, or by another program', async () => {
    const first = newHome();
    const up = cliOutputSchemas.up.parse((await first.json(['up', '--detach'])).doc);
    const port = new URL(up.daemon.api.tcp ?? '').port;
    const second = newHome({ WTP_API_PORT: port });
    const clash = await second.json(['up']);
    expect(clash.doc).toMatchObject({
      error: {
        code: 'PORT_IN_USE',
        details: {
          port: Number(port),
          from: 'WTP_API_PORT',
          configFile: second.path('config.yaml'),
          heldByDaemon: true,
        },
      },
    });
    // In the background too: the start's own result, every time (it answered "started" on its
    // socket while it looked up who held the port, then exited).
    for (let i = 0; i < 3; i++) {
      const bg = await second.json(['up', '--detach']);
      expect(bg.code, JSON.stringify(bg.doc)).toBe(1);
      expect(bg.doc).toMatchObject({ error: { code: 'PORT_IN_USE' } });
    }
    const human = await second.run(['up']);
    expect(human.stderr).toContain(
      `Port ${port} on 127.0.0.1 is in use by another wezterm-parallel daemon, one with another WTP_HOME or another user’s (the port comes from WTP_API_PORT); \`ss -ltnp 'sport = :${port}'\``,
    );
    expect(human.stderr).toContain(
      `Stop it with \`wtp down\` under its WTP_HOME, or choose another with \`wtp up --port <port>\`, \`WTP_API_PORT=<port>\` or \`api.port\` in ${second.path('config.yaml')} (the variable overrides the file;`,
    );

    // Held by a program that is not a daemon; the port chosen by `wtp up --port`.
    const other = createServer((_req, res) => res.end('hello'));
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    try {
      const taken = (other.address() as AddressInfo).port;
      const third = newHome();
      const human3 = await third.run(['up', '--port', String(taken)]);
      expect(human3.code).toBe(1);
      expect(human3.stderr).toContain(
        `Port ${taken} on 127.0.0.1 is in use by another program (the port comes from wtp up --port); \`ss -ltnp`,
      );
    } finally {
      other.close();
    }
  });

  it('wtp up --port serves the API on that port; --port must be a port number', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const free = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const home = newHome();
    const up = cliOutputSchemas.up.parse((await home.json(['up', '--detach', '--port', String(free)])).doc);
    expect(new URL(up.daemon.api.tcp ?? '').port).toBe(String(free));
    const bad = await home.json(['up', '--port', '70000']);
    expect(bad.doc).toMatchObject({ error: { code: 'INVALID_INPUT' } });
  });
});
