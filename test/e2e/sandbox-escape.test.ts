import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { startFakeWezterm, type FakeWezterm } from '../support/fake-wezterm.js';
import { eventually, TestHome } from '../support/harness.js';

const PROBE = resolve(import.meta.dirname, '../fixtures/sandbox/escape-probe.mjs');
const BACKENDS = ['headless', 'tmux', 'wezterm'] as const;
/** The filter's own refusal (daemon-filter.ts), told apart from the daemon's answers. */
const FILTERED = 'the wtp sandbox lets this agent reach its own hook route only';

type Results = Record<string, { done: boolean; detail: string }>;

/**
 * The escape suite (issue 33) with a `cmd` agent on each backend that runs here (WezTerm: its
 * stand-in), started together under one daemon: a probe (test/fixtures/sandbox/escape-probe.mjs)
 * tries, for real, what a hostile agent would — write outside its worktree (the home, the
 * repository, through a symbolic link committed in the repository), read a planted
 * ~/.ssh/id_ed25519 (directly and through a link), the daemon's token and database, see or signal
 * another agent's process, reach a listening local port and a host by name (directly and through
 * the proxy), the daemon's API beyond its hook route (socket and TCP) and another agent's hooks —
 * and what it must still do: commit in its worktree, use its /tmp, reach the model server the
 * config allows and its own hook route. Each refusal is checked in the world outside as well (no
 * file there, the events the daemon recorded).
 */
describe('sandbox: a cmd agent cannot escape, on each backend', () => {
  let home: TestHome;
  let fake: FakeWezterm;
  let repo: string;
  let model: http.Server;
  let forbidden: net.Server;
  let modelPort = 0;
  let forbiddenPort = 0;
  let victim: AgentView;
  const secret = `ssh-key-${process.pid}-${Date.now()}`;
  const results = new Map<string, Results>();
  const agents = new Map<string, AgentView>();

  beforeAll(async () => {
    fake = await startFakeWezterm();
    home = new TestHome({
      SHELL: '/bin/sh',
      PATH: fake.env.PATH ?? '',
      WEZTERM_UNIX_SOCKET: fake.socket,
    });
    model = http.createServer((_req, res) => res.end('{"models":["scripted"]}'));
    forbidden = net.createServer((s) => s.end('you should not be here\n'));
    await Promise.all([
      new Promise<void>((r) => model.listen(0, '127.0.0.1', r)),
      new Promise<void>((r) => forbidden.listen(0, '127.0.0.1', r)),
    ]);
    modelPort = (model.address() as AddressInfo).port;
    forbiddenPort = (forbidden.address() as AddressInfo).port;
    home.writeConfig(`sandbox:\n  allowHosts: ['127.0.0.1:${modelPort}']\n`);
    // The planted secret, and a folder of the home the agent may read but not write.
    const h = home.env.HOME ?? '';
    mkdirSync(join(h, '.ssh'), { mode: 0o700 });
    writeFileSync(join(h, '.ssh', 'id_ed25519'), `${secret}\n`, { mode: 0o600 });
    mkdirSync(join(h, 'outside'));
    // A repository whose content carries links out of it, as a cloned one could.
    repo = home.path('proj');
    mkdirSync(repo);
    const git = (...args: string[]): string =>
      execFileSync('git', args, { cwd: repo, env: home.env, encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'probe@example.com');
    git('config', 'user.name', 'probe');
    symlinkSync(join(h, 'outside'), join(repo, 'escape-link'));
    symlinkSync(join(h, '.ssh'), join(repo, 'escape-ssh'));
    git('add', '-A');
    git('commit', '-qm', 'links out');
    await home.up();
    for (const b of ['tmux', 'wezterm']) {
      const ws = await home.run(['workspace', 'new', b, '--backend', b, '--cwd', home.dir]);
      expect(ws.code, ws.stderr).toBe(0);
    }
    const v = await home.run(['new', 'cmd', '--name', 'victim', '--', 'sh', '-c', 'exec sleep 3131']);
    expect(v.code, v.stderr).toBe(0);
    victim = await home.untilState('victim', 'running');
    const daemon = JSON.parse(readFileSync(home.path('run', 'daemon.json'), 'utf8')) as { tcp: string };
    const probe = {
      homeFile: join(h, 'escape.txt'),
      repoFile: join(repo, 'escape.txt'),
      sshKey: join(h, '.ssh', 'id_ed25519'),
      token: home.path('token'),
      database: home.path('wtp.db'),
      victimPid: victim.pid,
      victimMarker: 'sleep\u00003131',
      forbiddenPort,
      modelPort,
      daemonSocket: home.path('run', 'api.sock'),
      daemonPort: Number(new URL(daemon.tcp).port),
      otherAgentId: victim.id,
    };
    // Started together: one per backend.
    const started = await Promise.all(
      BACKENDS.map((b) =>
        home.run([
          'new',
          'cmd',
          '--sandbox',
          '--name',
          `probe-${b}`,
          ...(b === 'headless' ? [] : ['--workspace', b]),
          '--repo',
          repo,
          '-e',
          `WTP_PROBE=${JSON.stringify(probe)}`,
          '--',
          process.execPath,
          PROBE,
        ]),
      ),
    );
    for (const r of started) expect(r.code, r.stderr).toBe(0);
    for (const b of BACKENDS) {
      const name = `probe-${b}`;
      agents.set(b, await home.untilState(name, 'exited', `${name} to finish its probe`));
      const logs = await home.run(['logs', name]);
      const line = logs.stdout.split('\n').find((l) => l.startsWith('PROBE-RESULTS '));
      if (!line) throw new Error(`${name} printed no results:\n${logs.stdout}${logs.stderr}`);
      results.set(b, JSON.parse(line.slice('PROBE-RESULTS '.length)) as Results);
      if (process.env.WTP_DEBUG_E2E) console.log(b, line);
    }
  });
  afterAll(async () => {
    await home.cleanup();
    await fake.stop();
    model.close();
    forbidden.close();
  });

  describe.each(BACKENDS)('on %s', (backend) => {
    const r = (name: string) => {
      const got = results.get(backend)?.[name];
      if (!got) throw new Error(`no result ${name} on ${backend}`);
      return got;
    };
    const refused = (name: string) => expect(r(name).done, `${name}: ${r(name).detail}`).toBe(false);

    it('its turn completes: the probe exits 0, sandboxed with the policy shown', () => {
      const a = agents.get(backend);
      expect(a?.lastExit?.exitCode, JSON.stringify(a?.lastExit)).toBe(0);
      expect(a?.sandbox?.write).toContain(a?.worktree?.path);
      expect(a?.sandbox?.hosts).toContain(`127.0.0.1:${modelPort}`);
      expect(a?.sandbox?.hide).toContain(home.dir);
    });

    it('writes nothing outside its worktree: the home, the repository, through a planted link', () => {
      refused('writeHome');
      refused('writeRepo');
      refused('writeThroughSymlink');
      const h = home.env.HOME ?? '';
      expect(existsSync(join(h, 'escape.txt'))).toBe(false);
      expect(existsSync(join(repo, 'escape.txt'))).toBe(false);
      expect(existsSync(join(h, 'outside', 'pwned.txt'))).toBe(false);
    });

    it('reads no key, token or database', () => {
      for (const name of ['readSshKey', 'readSshKeyThroughSymlink', 'readToken', 'readDatabase']) {
        refused(name);
        expect(r(name).detail).not.toContain(secret);
      }
    });

    it('cannot see or signal another agent', () => {
      refused('signalOtherAgent');
      refused('listOtherAgent');
    });

    it('reaches no other port or host, directly or through the proxy, and no name resolves', () => {
      refused('tcpForbiddenPort');
      refused('proxyForbiddenPort');
      refused('proxyForbiddenHost');
      refused('resolveHost');
      expect(r('proxyForbiddenHost').detail).toMatch(/^403/);
    });

    it('reaches nothing of the daemon but its own hook route', () => {
      for (const name of ['daemonApiSocket', 'daemonApiTcp', 'otherAgentHook']) {
        refused(name);
        expect(r(name).detail).toContain(FILTERED);
      }
      // Its own route reaches the daemon itself, which answers for a cmd agent that it takes no hooks.
      expect(r('ownHook').detail).toContain('HOOK_REJECTED');
      expect(r('ownHook').detail).not.toContain(FILTERED);
    });

    it('works where it may: commits in its worktree, writes its /tmp, reaches the allowed model server', () => {
      for (const name of ['writeWorktree', 'writeTmp', 'modelServer'])
        expect(r(name).done, `${name}: ${r(name).detail}`).toBe(true);
      expect(r('modelServer').detail).toContain('scripted');
      const log = execFileSync('git', ['log', '-1', '--format=%s', `wtp/probe-${backend}`], {
        cwd: repo,
        encoding: 'utf8',
      });
      expect(log.trim()).toBe(`from the sandbox of ${agents.get(backend)?.id}`);
    });

    it('records what it refused as events, for the user to widen the policy knowingly', async () => {
      const denied = await eventually('the denials recorded', async () => {
        const events = await home.events(`probe-${backend}`);
        const d = events.filter((e) => e.type === 'agent.sandboxDenied').map((e) => e.data);
        return d.length >= 5 && d;
      });
      const targets = denied.map((d) => `${d.kind} ${d.target}`);
      expect(targets).toContain('host example.com:443');
      expect(targets).toContain(`host 127.0.0.1:${forbiddenPort}`);
      expect(targets).toContain('daemon GET /api/v1/agents');
      expect(targets).toContain(`daemon POST /api/v1/hooks/${victim.id}`);
    });
  });

  it('shows it: wtp ls (SANDBOX), wtp why (the policy), wtp doctor (the sandbox works here)', async () => {
    const ls = (await home.run(['ls'])).stdout.split('\n');
    expect(ls[0]).toMatch(/\bSANDBOX\b/);
    // Several workspaces: names as workspace/name.
    expect(ls.find((l) => l.startsWith('default/probe-headless '))).toMatch(/\byes\b/);
    expect(ls.find((l) => l.startsWith('default/victim '))).not.toMatch(/\byes\b/);
    const why = (await home.run(['why', 'probe-headless'])).stdout;
    expect(why).toMatch(/^ {2}sandbox: {3}writes /m);
    expect(why).toContain(`reaches: 127.0.0.1:${modelPort}`);
    const doctor = JSON.parse((await home.run(['doctor', '--json'])).stdout) as {
      checks: { id: string; status: string; summary: string }[];
    };
    expect(doctor.checks.find((c) => c.id === 'sandbox')).toMatchObject({ status: 'ok' });
  });

  it('the other agent ran on, untouched', async () => {
    expect((await home.agent('victim')).state).toBe('running');
  });
});
