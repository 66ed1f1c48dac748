import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmdirSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsProfileSetup, type ProfileSetupOptions } from '../../adapters/profiles/profile-setup.js';
import { profileWorlds } from '../../../test/support/profile-worlds.js';

const world = profileWorlds();

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
    // The decision hook over http is held for the user's answer while the dialog shows: Claude's own 600 s.
    expect(settings.hooks.PermissionRequest?.[0]?.hooks[0]).toMatchObject({ type: 'http', timeout: 600 });
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

  it("writes the trust under Claude Code's own lock: a claude saving ~/.claude.json meanwhile keeps it", async () => {
    const w = world();
    const stateFile = join(w.home, '.claude.json');
    mkdirSync(w.home, { recursive: true });
    writeFileSync(stateFile, JSON.stringify({ numStartups: 1 }));
    // A running claude saves its config: it takes the lock, re-reads the file, and will rename its
    // updated copy over it (what the source agent of a fork does when its turn ends).
    mkdirSync(`${stateFile}.lock`);
    const itsCopy = { ...(JSON.parse(readFileSync(stateFile, 'utf8')) as object), tipsHistory: { tip: 1 } };
    const prepared = new FsProfileSetup(w.opts()).prepare(w.agent);
    const settings = join(w.root, 'agents', 'ag-1', 'claude-settings.json');
    while (!existsSync(settings)) await new Promise((r) => setTimeout(r, 5)); // prepare is under way
    writeFileSync(`${stateFile}.tmp`, JSON.stringify(itsCopy));
    renameSync(`${stateFile}.tmp`, stateFile);
    rmdirSync(`${stateFile}.lock`);
    await prepared;
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toEqual({
      numStartups: 1,
      tipsHistory: { tip: 1 },
      projects: { [w.agent.cwd]: { hasTrustDialogAccepted: true } },
    });
    expect(existsSync(`${stateFile}.lock`)).toBe(false);
  });

  it('takes over a lock on ~/.claude.json left by a process that died', async () => {
    const w = world();
    const lock = join(w.home, '.claude.json.lock');
    mkdirSync(lock, { recursive: true });
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old); // untouched for a minute: a live claude touches it every 15 s
    await new FsProfileSetup(w.opts()).prepare(w.agent);
    expect(JSON.parse(readFileSync(join(w.home, '.claude.json'), 'utf8'))).toHaveProperty([
      'projects',
      w.agent.cwd,
    ]);
    expect(existsSync(lock)).toBe(false);
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
      [w, { hookTransport: 'command' }],
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
      // The decision hook waits for `wtp hook --decide` (which always exits 0): an approval rule's answer.
      expect(settings.hooks.PermissionRequest?.[0]?.hooks[0]).toEqual({
        type: 'command',
        command: '/usr/bin/node',
        args: ['/app/bin/wtp.js', 'hook', '--agent', 'ag-1', '--decide'],
        timeout: 30, // longer than --decide's own 20 s wait: an audited answer is never one it gave up on
      });
    }
    // `http` forces http hooks for a version not verified here.
    const forced = await new FsProfileSetup(older.opts({ hookTransport: 'http' })).prepare(older.agent);
    expect(readFileSync(forced.profileArgs[1] ?? '', 'utf8')).toContain('"type": "http"');
  });

  it("writes the deny rules as Claude's own permissions in the agent's settings (0600); allow rules are decided through its hook; the user's files untouched", async () => {
    const w = world();
    const userSettings = join(w.home, '.claude', 'settings.json');
    mkdirSync(join(w.home, '.claude'), { recursive: true });
    const mine = JSON.stringify({ permissions: { allow: ['Read'] } });
    writeFileSync(userSettings, mine);
    const config = {
      allow: [
        'Bash(npm test*)',
        'claude:Write(src/**)',
        'codex:Bash(cargo test*)',
        'run_shell_command(ls)',
        '*',
      ],
      deny: ['Bash(rm *)'],
    };
    const agent = { ...w.agent, approvals: { allow: ['Bash(npm run lint:*)'], deny: ['Edit(.env)'] } };
    const got = await new FsProfileSetup(w.opts({ approvals: config, preTrust: false })).prepare(agent);
    const file = got.profileArgs[1] ?? '';
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const settings = JSON.parse(readFileSync(file, 'utf8')) as { permissions: unknown; hooks: object };
    // Claude's own matcher never allows: an allow rule is wezterm-parallel's to decide, on the whole
    // command, through the PermissionRequest hook; deny rules are enforced by Claude too.
    expect(settings.permissions).toEqual({ deny: ['Bash(rm *)', 'Edit(.env)'] });
    expect(Object.keys(settings.hooks)).toContain('PermissionRequest');
    expect(readFileSync(userSettings, 'utf8')).toBe(mine);
  });

  it('writes no permissions when no rule applies', async () => {
    const w = world();
    const got = await new FsProfileSetup(
      w.opts({ approvals: { allow: ['codex:Bash(x)'], deny: [] } }),
    ).prepare(w.agent);
    expect(JSON.parse(readFileSync(got.profileArgs[1] ?? '', 'utf8'))).not.toHaveProperty('permissions');
  });

  it('sandboxed: its own CLAUDE_CONFIG_DIR, the login and settings linked, its state a trusted copy; the user’s untouched', async () => {
    const w = world();
    const user = join(w.home, '.claude');
    mkdirSync(user, { recursive: true });
    writeFileSync(join(user, '.credentials.json'), '{"token":"t"}');
    writeFileSync(join(user, 'settings.json'), '{}');
    const own = '{ "hasCompletedOnboarding": true }\n';
    writeFileSync(join(w.home, '.claude.json'), own);
    const got = await new FsProfileSetup(w.opts()).prepare(w.agent, { sandboxed: true });
    const dir = join(w.root, 'agents', 'ag-1', 'claude-config');
    expect(got.profileEnv).toEqual({ CLAUDE_CONFIG_DIR: dir });
    for (const f of ['.credentials.json', 'settings.json']) {
      expect(lstatSync(join(dir, f)).isSymbolicLink()).toBe(true);
      expect(readlinkSync(join(dir, f))).toBe(join(user, f));
    }
    const state = join(dir, '.claude.json');
    expect(statSync(state).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(state, 'utf8'))).toEqual({
      hasCompletedOnboarding: true,
      projects: { [w.agent.cwd]: { hasTrustDialogAccepted: true } },
    });
    expect(readFileSync(join(w.home, '.claude.json'), 'utf8')).toBe(own);
    // The user's CLAUDE_CONFIG_DIR is where its state is read from, and is replaced all the same.
    const theirs = join(w.root, 'theirs');
    mkdirSync(theirs);
    writeFileSync(join(theirs, '.claude.json'), '{"userID":"u"}');
    const moved = await new FsProfileSetup(w.opts()).prepare(
      { ...w.agent, id: 'ag-2', env: { CLAUDE_CONFIG_DIR: theirs } },
      { sandboxed: true },
    );
    const dir2 = join(w.root, 'agents', 'ag-2', 'claude-config');
    expect(moved.profileEnv).toEqual({ CLAUDE_CONFIG_DIR: dir2 });
    expect(JSON.parse(readFileSync(join(dir2, '.claude.json'), 'utf8'))).toHaveProperty('userID', 'u');
    expect(readFileSync(join(theirs, '.claude.json'), 'utf8')).toBe('{"userID":"u"}');
    // Unsandboxed: as before, the trust goes into the user's own file and no variable is set.
    const plain = await new FsProfileSetup(w.opts()).prepare({ ...w.agent, id: 'ag-3' });
    expect(plain.profileEnv).toBeUndefined();
    expect(readFileSync(join(w.home, '.claude.json'), 'utf8')).toContain('hasTrustDialogAccepted');
  });
});
