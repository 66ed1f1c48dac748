import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, TestHome } from '../support/harness.js';

/** The fleet's password: it must appear in no agent's and no host's environment. */
const PASSWORD = 'fleet-pw-7c1e9d';
const SECRETS = {
  // A fleet nobody answers (port 1): the daemon keeps trying in the background and runs on.
  WTP_FLEET_URL: `postgres://wtp_m1:${PASSWORD}@127.0.0.1:1/fleet`,
  GH_TOKEN: 'ghp_fakefakefakefakefakefakefakefake0001',
  AWS_SECRET_ACCESS_KEY: 'aws-fake-secret-0002',
  DATABASE_URL: 'postgres://app:app-pw-0003@db/app',
  ANTHROPIC_API_KEY: 'sk-ant-fake-0004',
};

/** `KEY=VALUE` lines of an `env` dump, or of /proc/<pid>/environ. */
function parseEnv(text: string, sep: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(sep)) {
    const at = line.indexOf('=');
    if (at > 0) out[line.slice(0, at)] = line.slice(at + 1);
  }
  return out;
}

/**
 * Issue 30: an agent, and any script it runs, gets what a terminal program needs — not the
 * daemon's secrets. Agents here dump their environment (`env > file`), as an attacker's script
 * would; the daemon runs with a fleet URL, a GitHub token and other secrets in its own.
 */
describe('what agents get of the daemon’s environment (real daemon)', () => {
  let home: TestHome;
  const dump = (name: string): string => home.path('dumps', `${name}.env`);
  const read = (name: string): Record<string, string> => parseEnv(readFileSync(dump(name), 'utf8'), '\n');
  const noSecrets = (text: string, what: string, except: string[] = []): void => {
    for (const [k, v] of Object.entries(SECRETS)) {
      if (except.includes(k)) continue;
      expect(text.includes(v), `${what} holds ${k}`).toBe(false);
    }
    expect(text.includes(PASSWORD), `${what} holds the fleet's password`).toBe(false);
  };

  beforeAll(async () => {
    home = new TestHome({
      SHELL: '/bin/sh',
      ...SECRETS,
      GOPATH: '/home/me/go',
      MY_TOOL_MODE: 'fast',
      LANG: 'C.UTF-8',
      LC_TIME: 'C',
      SSH_AUTH_SOCK: '/tmp/agent.sock',
      https_proxy: 'http://proxy:3128',
    });
    mkdirSync(home.path('dumps'));
    // A stand-in `claude` that dumps what it got, to see what a vendor's own variables reach.
    const claude = home.path('claude');
    writeFileSync(
      claude,
      `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "2.1.330 (Claude Code)"; exit 0; fi\nenv > '${dump('claude')}'\nexec sleep 300\n`,
    );
    chmodSync(claude, 0o755);
    home.env.WTP_CLAUDE_BIN = claude;
    home.writeConfig(
      [
        'agents:',
        '  env:',
        '    pass: [GOPATH]',
        '    set: { TEAM_SETTING: "from-config" }',
        '    profiles:',
        '      cmd: { pass: ["MY_TOOL_*"], set: { CMD_ONLY: "yes" } }',
        '',
      ].join('\n'),
    );
    const up = await home.run(['up', '--detach']);
    expect(up.code, up.stderr).toBe(0);
  });
  afterAll(() => home.cleanup());

  it('`wtp new cmd -- sh -c "env > f"`: no fleet URL, token or other secret; what a terminal needs, and what the config passes', async () => {
    const r = await home.run([
      'new',
      'cmd',
      '--name',
      'dump',
      '--',
      'sh',
      '-c',
      `env > '${dump('cmd')}'; exec sleep 300`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    await eventually(
      'the dump',
      () => existsSync(dump('cmd')) && readFileSync(dump('cmd'), 'utf8').includes('WTP_AGENT_ID'),
    );
    const text = readFileSync(dump('cmd'), 'utf8');
    noSecrets(text, 'the cmd agent’s environment');
    const env = read('cmd');
    const agent = await home.agent('dump');
    expect(env).toMatchObject({
      PATH: home.env.PATH,
      HOME: home.env.HOME,
      WTP_HOME: home.dir,
      WTP_AGENT_ID: agent.id,
      WTP_AGENT_NAME: 'dump',
      LANG: 'C.UTF-8',
      LC_TIME: 'C',
      SSH_AUTH_SOCK: '/tmp/agent.sock',
      https_proxy: 'http://proxy:3128',
      GOPATH: '/home/me/go',
      TEAM_SETTING: 'from-config',
      MY_TOOL_MODE: 'fast',
      CMD_ONLY: 'yes',
    });
    for (const k of ['WTP_API_PORT', 'WTP_BACKEND', 'WTP_CLAUDE_BIN', 'WTP_FLEET_URL'])
      expect(env[k], k).toBeUndefined();
  });

  it('its host’s environment has none of them either', async () => {
    const agent = await home.agent('dump');
    expect(agent.hostPid).not.toBeNull();
    const environ = readFileSync(`/proc/${agent.hostPid}/environ`, 'utf8');
    noSecrets(environ, 'the host’s environment');
    // Headless, the workspace's agents share a host process: it names none of them, only its mark.
    expect(parseEnv(environ, '\0').WTP_AGENT_ID).toBeUndefined();
    expect(parseEnv(environ, '\0').WTP_HEADLESS_PANE).toMatch(/\tgroup$/);
  });

  it('in tmux: the host and the tmux server it runs under have none of them either', async () => {
    const ws = await home.run(['workspace', 'new', 'tm', '--backend', 'tmux', '--cwd', home.dir]);
    expect(ws.code, ws.stderr).toBe(0);
    const r = await home.run([
      'new',
      'cmd',
      '--name',
      'intmux',
      '--workspace',
      'tm',
      '--',
      'sh',
      '-c',
      `env > '${dump('tmux')}'; exec sleep 300`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    await eventually(
      'the dump',
      () => existsSync(dump('tmux')) && readFileSync(dump('tmux'), 'utf8').includes('WTP_AGENT_ID'),
    );
    noSecrets(readFileSync(dump('tmux'), 'utf8'), 'the tmux agent’s environment');
    const agent = await home.agent('intmux');
    noSecrets(readFileSync(`/proc/${agent.hostPid}/environ`, 'utf8'), 'its host’s environment');
    const server = (await home.tmux(['display-message', '-p', '#{pid}'])).stdout.trim();
    expect(server).toMatch(/^\d+$/);
    noSecrets(readFileSync(`/proc/${server}/environ`, 'utf8'), 'the tmux server’s environment');
    noSecrets((await home.tmux(['show-environment', '-g'])).stdout, 'the tmux global environment');
  });

  it('a claude agent gets its vendor’s own key, and still nothing else', async () => {
    const r = await home.run(['new', 'claude', '--name', 'cl', '--cwd', home.dir]);
    expect(r.code, r.stderr).toBe(0);
    await eventually(
      'the claude dump',
      () => existsSync(dump('claude')) && readFileSync(dump('claude'), 'utf8').includes('WTP_AGENT_ID'),
    );
    noSecrets(readFileSync(dump('claude'), 'utf8'), 'the claude agent’s environment', ['ANTHROPIC_API_KEY']);
    const env = read('claude');
    expect(env.ANTHROPIC_API_KEY).toBe(SECRETS.ANTHROPIC_API_KEY);
    expect(env.GOPATH).toBe('/home/me/go');
    expect(env.MY_TOOL_MODE).toBeUndefined(); // passed to cmd agents only
    expect(env.CMD_ONLY).toBeUndefined();
  });

  it('an agent’s own --env still goes through', async () => {
    const r = await home.run([
      'new',
      'cmd',
      '--name',
      'own',
      '--env',
      'GH_TOKEN=mine',
      '--',
      'sh',
      '-c',
      `env > '${dump('own')}'; exec sleep 300`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    await eventually(
      'the dump',
      () => existsSync(dump('own')) && readFileSync(dump('own'), 'utf8').includes('WTP_AGENT_ID'),
    );
    expect(read('own').GH_TOKEN).toBe('mine');
  });
});
