import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { agentRecord } from '../../../test/support/core-fakes.js';
import { MemoryLogger } from '../../../test/support/fake-ports.js';
import { FsProfileSetup, type ProfileSetupOptions } from './profile-setup.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function world(script = 'echo "2.1.330 (Claude Code)"') {
  const root = mkdtempSync(join(tmpdir(), 'wtp-profiles-'));
  dirs.push(root);
  const cli = join(root, 'claude');
  writeFileSync(cli, `#!/bin/sh\n${script}\n`);
  chmodSync(cli, 0o755);
  const home = join(root, 'home');
  const opts = (o: Partial<ProfileSetupOptions> = {}): ProfileSetupOptions => ({
    agentsDir: join(root, 'agents'),
    env: { HOME: home, PATH: '/usr/bin:/bin' },
    apiUrl: () => 'http://127.0.0.1:7537',
    hookToken: (id) => `token-for-${id}`,
    wtpCommand: ['/usr/bin/node', '/app/bin/wtp.js'],
    claudeHooks: 'auto',
    preTrust: true,
    log: new MemoryLogger(),
    ...o,
  });
  const agent = agentRecord({ id: 'ag-1', profile: 'claude', command: cli, cwd: join(root, 'work tree') });
  return { root, cli, home, opts, agent };
}

describe('FsProfileSetup (claude)', () => {
  it('records the version, writes http hooks for this agent only (0600), and pre-accepts trust', async () => {
    const w = world(); // HOME/.claude.json does not exist yet
    const got = await new FsProfileSetup(w.opts()).prepare(w.agent);
    expect(got.version).toBe('2.1.330');
    const file = join(w.root, 'agents', 'ag-1', 'claude-settings.json');
    expect(got.profileArgs).toEqual(['--settings', file]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const settings = JSON.parse(readFileSync(file, 'utf8')) as {
      hooks: Record<string, { matcher: string; hooks: Record<string, unknown>[] }[]>;
    };
    expect(Object.keys(settings.hooks)).toContain('PermissionRequest');
    // Claude Code does not run http hooks for SessionStart: that one is a command hook.
    expect(settings.hooks.SessionStart?.[0]?.hooks[0]).toMatchObject({ type: 'command', async: true });
    expect(settings.hooks.Stop?.[0]?.hooks[0]).toEqual({
      type: 'http',
      url: 'http://127.0.0.1:7537/api/v1/hooks/ag-1',
      headers: { Authorization: 'Bearer token-for-ag-1' },
      timeout: 5,
    });
    const state = JSON.parse(readFileSync(join(w.home, '.claude.json'), 'utf8')) as Record<string, unknown>;
    expect(state).toEqual({ projects: { [w.agent.cwd]: { hasTrustDialogAccepted: true } } });
  });

  it('keeps everything else in ~/.claude.json, and leaves a file that is not a JSON object alone', async () => {
    const w = world();
    const stateFile = join(w.home, '.claude.json');
    const setup = new FsProfileSetup(w.opts());
    await setup.prepare({ ...w.agent, cwd: '/elsewhere' });
    const before = JSON.parse(readFileSync(stateFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(stateFile, JSON.stringify({ ...before, numStartups: 7, projects: { '/a': { x: 1 } } }));
    await setup.prepare(w.agent);
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toEqual({
      numStartups: 7,
      projects: { '/a': { x: 1 }, [w.agent.cwd]: { hasTrustDialogAccepted: true } },
    });
    writeFileSync(stateFile, '{ broken');
    await setup.prepare(w.agent);
    expect(readFileSync(stateFile, 'utf8')).toBe('{ broken');
  });

  it('uses the agent HOME and CLAUDE_CONFIG_DIR over the daemon ones', async () => {
    const w = world();
    const cfg = join(w.root, 'cfg');
    await new FsProfileSetup(w.opts()).prepare({ ...w.agent, env: { CLAUDE_CONFIG_DIR: cfg } });
    expect(JSON.parse(readFileSync(join(cfg, '.claude.json'), 'utf8'))).toHaveProperty('projects');
  });

  it('falls back to command hooks (`wtp hook`) without a TCP API, when asked, or for a version not verified', async () => {
    const w = world();
    const older = world('echo "2.1.100 (Claude Code)"');
    const cases: [ReturnType<typeof world>, Partial<ProfileSetupOptions>][] = [
      [w, { apiUrl: () => null }],
      [w, { claudeHooks: 'command' }],
      [older, {}],
    ];
    for (const [x, o] of cases) {
      const got = await new FsProfileSetup(x.opts(o)).prepare(x.agent);
      const settings = JSON.parse(readFileSync(got.profileArgs[1] ?? '', 'utf8')) as {
        hooks: Record<string, { hooks: unknown[] }[]>;
      };
      expect(settings.hooks.Notification?.[0]?.hooks[0]).toEqual({
        type: 'command',
        command: '/usr/bin/node',
        args: ['/app/bin/wtp.js', 'hook', '--agent', 'ag-1'],
        async: true,
        timeout: 10,
      });
    }
    // `http` forces http hooks for a version not verified here.
    const forced = await new FsProfileSetup(older.opts({ claudeHooks: 'http' })).prepare(older.agent);
    expect(readFileSync(forced.profileArgs[1] ?? '', 'utf8')).toContain('"type": "http"');
  });

  it('refuses a CLI whose --version fails, with its output', async () => {
    const w = world('echo "segfault in module" >&2; exit 3');
    const err = await new FsProfileSetup(w.opts()).prepare(w.agent).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'AGENT_CLI_BROKEN',
      details: { exitCode: 3, output: 'segfault in module' },
    });
  });

  it('runs --version once for agents started together, and again once the program changes', async () => {
    const w = world();
    const runs = join(w.root, 'runs');
    writeFileSync(w.cli, `#!/bin/sh\necho run >> '${runs}'\nsleep 0.2\necho "2.1.330 (Claude Code)"\n`);
    const setup = new FsProfileSetup(w.opts());
    const got = await Promise.all(
      ['ag-1', 'ag-2', 'ag-3'].map((id) => setup.prepare(agentRecord({ ...w.agent, id }))),
    );
    expect(got.map((g) => g.version)).toEqual(['2.1.330', '2.1.330', '2.1.330']);
    expect(readFileSync(runs, 'utf8')).toBe('run\n');
    await setup.prepare(agentRecord({ ...w.agent, id: 'ag-4' }));
    expect(readFileSync(runs, 'utf8')).toBe('run\n'); // cached
    writeFileSync(w.cli, `#!/bin/sh\necho run >> '${runs}'\necho "2.1.331 (Claude Code)"\n`);
    utimesSync(w.cli, new Date(), new Date(Date.now() + 5_000)); // a new modification time, surely
    expect((await setup.prepare(agentRecord({ ...w.agent, id: 'ag-5' }))).version).toBe('2.1.331');
    expect(readFileSync(runs, 'utf8')).toBe('run\nrun\n');
  });

  it('does nothing for shell and cmd, and cleans up the settings file', async () => {
    const w = world();
    const setup = new FsProfileSetup(w.opts());
    expect(await setup.prepare(agentRecord({ id: 'ag-2' }))).toEqual({ version: null, profileArgs: [] });
    const got = await setup.prepare(w.agent);
    setup.cleanup('ag-1');
    expect(() => statSync(got.profileArgs[1] ?? '')).toThrow();
  });
});

describe('FsProfileSetup (codex)', () => {
  it('marks the working directory trusted once, keeping the config', async () => {
    const w = world('echo "codex-cli 0.169.0"');
    const setup = new FsProfileSetup(w.opts());
    const agent = { ...w.agent, profile: 'codex' as const, cwd: '/work/"quoted"' };
    const got = await setup.prepare(agent);
    expect(got).toEqual({ version: '0.169.0', profileArgs: [] });
    await setup.prepare(agent);
    const toml = readFileSync(join(w.home, '.codex', 'config.toml'), 'utf8');
    expect(toml).toBe('\n[projects."/work/\\"quoted\\""]\ntrust_level = "trusted"\n');
  });
});
