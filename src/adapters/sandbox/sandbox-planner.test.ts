import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProfileCatalog, type ProfileSpec } from '../../core/agents/profiles.js';
import type { AgentRecord } from '../../core/model/agent-record.js';
import { agentRecord } from '../../../test/support/core-fakes.js';
import { thrown } from '../../../test/support/app-error.js';

const expectAppError = (fn: () => unknown, code: string): void => {
  expect(thrown(fn).code).toBe(code);
};
import { FsSandboxPlanner, forwardsOf, hostOfUrl, type SandboxSettings } from './sandbox-planner.js';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'wtp-planner-')));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const home = join(root, 'home');
const state = join(root, 'state');
for (const d of [
  home,
  join(home, '.ssh'),
  join(home, '.codex'),
  join(home, '.claude'),
  join(home, '.cache', 'opencode'),
  state,
  join(state, 'agents', 'ag-1', 'gemini-home'),
])
  mkdirSync(d, { recursive: true });
writeFileSync(join(home, '.claude.json'), '{}');

const specs = [
  {
    name: 'claude',
    sandbox: {
      hosts: ['api.anthropic.com:443'],
      baseUrlEnv: ['ANTHROPIC_BASE_URL'],
      state: [{ path: '~/.claude', env: 'CLAUDE_CONFIG_DIR' }],
      secrets: ['~/.claude.json'],
    },
  },
  {
    name: 'codex',
    sandbox: { hosts: ['api.openai.com:443'], state: [{ path: '~/.codex', env: 'CODEX_HOME' }] },
  },
  { name: 'gemini', sandbox: { hosts: [], state: [{ path: '~/.gemini' }], agentDirs: ['gemini-home'] } },
  {
    name: 'opencode',
    sandbox: { hosts: [], state: [{ path: '~/.cache/opencode', env: 'XDG_CACHE_HOME', sub: 'opencode' }] },
  },
  {
    name: 'copilot',
    sandbox: { hosts: [], state: [{ path: '~/.cache/copilot', env: 'XDG_CACHE_HOME', sub: 'copilot' }] },
  },
  { name: 'cmd' },
] as unknown as ProfileSpec[];

const planner = (
  settings: Partial<SandboxSettings> = {},
  env: Record<string, string> = {},
  gitIncludes?: (folder: string) => string[],
) =>
  new FsSandboxPlanner({
    settings: { allowHosts: [], allowRead: [], allowWrite: [], hosts: {}, ...settings },
    profiles: new ProfileCatalog(specs),
    stateDir: state,
    configDir: state,
    worktreesDir: join(state, 'worktrees'),
    agentDir: (id) => join(state, 'agents', id),
    credentialFiles: [join(root, 'fleet-key.pem')],
    agentEnv: (a: AgentRecord) => ({ HOME: home, ...env, ...a.env, ...a.profileEnv }),
    probe: () => ({ ok: false, reason: 'test', fix: 'none', version: null }),
    ...(gitIncludes ? { gitIncludes } : {}),
  });

/** A repository and a linked worktree of it, as the daemon makes them. */
function worktree(): { repo: string; wt: string } {
  const repo = join(root, 'repo');
  const wt = join(state, 'worktrees', 'repo', 'a');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
  mkdirSync(repo, { recursive: true });
  git('init', '-q', '-b', 'main');
  git('-c', 'user.email=a@b', '-c', 'user.name=a', 'commit', '-q', '--allow-empty', '-m', 'init');
  git('worktree', 'add', '-q', '-b', 'wtp/a', wt);
  return { repo, wt };
}

describe('FsSandboxPlanner: a new agent’s policy', () => {
  const { repo, wt } = worktree();
  const wtRecord = (profile: AgentRecord['profile'], over: Partial<AgentRecord> = {}) =>
    agentRecord({
      id: 'ag-1',
      profile,
      cwd: wt,
      worktree: {
        repo,
        path: wt,
        branch: 'wtp/a',
        base: 'main',
        baseCommit: 'x',
        portStart: 1,
        portCount: 1,
        owned: true,
      },
      ...over,
    });

  it('writes its worktree and what a commit writes of the git folder; the pointers stay read-only', () => {
    const p = planner().plan(wtRecord('claude'));
    const gitDir = join(repo, '.git');
    expect(p.write).toEqual(
      expect.arrayContaining([
        wt,
        join(gitDir, 'worktrees', 'a'),
        join(gitDir, 'objects'),
        join(gitDir, 'refs'),
        join(gitDir, 'logs'),
      ]),
    );
    expect(p.write).not.toContain(gitDir);
    expect(p.write.some((w) => w.endsWith('/hooks') || w.endsWith('/config'))).toBe(false);
    expect(p.readOnly).toEqual(
      expect.arrayContaining([
        join(wt, '.git'),
        join(gitDir, 'worktrees', 'a', 'commondir'),
        join(gitDir, 'worktrees', 'a', 'gitdir'),
        // Made if missing: read once the repository turns on extensions.worktreeConfig.
        join(gitDir, 'worktrees', 'a', 'config.worktree'),
      ]),
    );
  });

  it('refuses to start where the git config includes a file the agent could write', () => {
    const withIncludes = (files: string[]) => planner({}, {}, () => files);
    const gitDir = join(repo, '.git');
    // Git outside the sandbox would read it: into the worktree, the folder, its git folder.
    for (const [folder, file, rec] of [
      [wt, join(wt, '.gitconfig'), wtRecord('cmd')],
      [wt, join(wt, 'not', 'made', 'yet.cfg'), wtRecord('cmd')],
      [wt, join(gitDir, 'worktrees', 'a', 'extra.cfg'), wtRecord('cmd')],
      [repo, join(repo, 'shared.gitconfig'), wtRecord('cmd', { cwd: repo, worktree: null })],
    ] as const) {
      const err = thrown(() => withIncludes([join(home, '.gitconfig-work'), file]).plan(rec));
      expect(err.code, `${folder} ${file}`).toBe('SANDBOX_GIT_CONFIG_WRITABLE');
      expect(err.details).toMatchObject({ file });
    }
    // Through a link the user made, into the worktree.
    const link = join(root, 'link-into-worktree');
    symlinkSync(wt, link);
    expect(thrown(() => withIncludes([join(link, 'x.cfg')]).plan(wtRecord('cmd'))).code).toBe(
      'SANDBOX_GIT_CONFIG_WRITABLE',
    );
    // Read-only to it: the home, the repository's .git (no worktree), its config.worktree.
    expect(withIncludes([join(home, '.gitconfig-work')]).plan(wtRecord('cmd')).write).toContain(wt);
    expect(
      withIncludes([join(gitDir, 'shared.cfg')]).plan(wtRecord('cmd', { cwd: repo, worktree: null })).write,
    ).toContain(repo);
    expect(
      withIncludes([join(gitDir, 'worktrees', 'a', 'config.worktree')]).plan(wtRecord('cmd')).write,
    ).toContain(wt);
  });

  it('without a worktree: the folder is written, its whole .git is read-only (no commondir, no new .git)', () => {
    const p = planner().plan(wtRecord('claude', { cwd: repo, worktree: null }));
    expect(p.write).toContain(repo);
    expect(p.readOnly).toContain(join(repo, '.git'));
    expect(p.write.some((w) => w.startsWith(join(repo, '.git')))).toBe(false);
  });

  it('hides the other CLIs’ state, the secrets, the state folder and the fleet’s key', () => {
    const p = planner().plan(wtRecord('claude'));
    expect(p.hide).toEqual(
      expect.arrayContaining([
        join(home, '.codex'),
        join(home, '.gemini'),
        join(home, '.ssh'),
        state,
        join(root, 'fleet-key.pem'),
      ]),
    );
    expect(p.hide).not.toContain(join(home, '.claude'));
    expect(p.read).toEqual(expect.arrayContaining([home, join(state, 'agents', 'ag-1')]));
    // Claude's state file is hidden from other CLIs' agents, never written by them.
    const codex = planner().plan(wtRecord('codex'));
    expect(codex.hide).toEqual(expect.arrayContaining([join(home, '.claude'), join(home, '.claude.json')]));
    const gemini = planner().plan(wtRecord('gemini'));
    expect(gemini.write).toContain(join(state, 'agents', 'ag-1', 'gemini-home'));
    // Its private cache moved by XDG_CACHE_HOME: the user's own caches of other CLIs stay hidden.
    const xdg = join(state, 'agents', 'ag-1', 'copilot-xdg', 'cache');
    const copilot = planner().plan(wtRecord('copilot', { profileEnv: { XDG_CACHE_HOME: xdg } }));
    expect(copilot.hide).toContain(join(home, '.cache', 'opencode'));
  });

  it('never writes the user’s CLI state (an unsandboxed CLI would read it): only its private copy', () => {
    const own = join(state, 'agents', 'ag-1');
    const cases = [
      { profile: 'claude', user: join(home, '.claude'), env: 'CLAUDE_CONFIG_DIR', dir: 'claude-config' },
      { profile: 'codex', user: join(home, '.codex'), env: 'CODEX_HOME', dir: 'codex-home' },
    ] as const;
    for (const c of cases) {
      // Not moved by its setup: nothing of its state is writable, the user's is read-only.
      const bare = planner().plan(wtRecord(c.profile));
      expect(bare.write).not.toContain(c.user);
      expect(bare.readOnly).toContain(c.user);
      // Moved into its own folder: that is written, the user's stays read-only and shown.
      const mine = planner().plan(wtRecord(c.profile, { profileEnv: { [c.env]: join(own, c.dir) } }));
      expect(mine.write).toContain(join(own, c.dir));
      expect(mine.write).not.toContain(c.user);
      expect(mine.readOnly).toContain(c.user);
      expect(mine.hide).not.toContain(c.user);
      // The user's variable points elsewhere (theirs, or an agent's -e): that folder is read-only too.
      const theirs = join(root, `${c.profile}-theirs`);
      mkdirSync(theirs, { recursive: true });
      const env = { [c.env]: theirs };
      for (const p of [
        planner({}, env).plan(wtRecord(c.profile, { profileEnv: { [c.env]: join(own, c.dir) } })),
        planner().plan(wtRecord(c.profile, { env })),
      ]) {
        expect(p.write.some((w) => w === theirs || w === c.user)).toBe(false);
        expect(p.readOnly).toContain(theirs);
      }
    }
    // A writable folder the config allows above it does not make it writable (the deeper read-only wins).
    const wide = planner({ allowWrite: ['~/.cache'] }).plan(wtRecord('opencode'));
    expect(wide.readOnly).toContain(join(home, '.cache', 'opencode'));
  });

  it('reaches its vendor’s hosts, or where its base URL points, and the config’s', () => {
    expect(planner().plan(wtRecord('claude')).hosts).toEqual(['api.anthropic.com:443']);
    const local = planner(
      { allowHosts: ['registry.npmjs.org:443'] },
      { ANTHROPIC_BASE_URL: 'http://127.0.0.1:4567/v1' },
    ).plan(wtRecord('claude'));
    expect(local.hosts).toEqual(['127.0.0.1:4567', 'registry.npmjs.org:443']);
    expect(local.forwards).toEqual([{ host: '127.0.0.1', port: 4567 }]);
    expect(planner({ hosts: { claude: ['llm.corp.example:443'] } }).plan(wtRecord('claude')).hosts).toEqual([
      'llm.corp.example:443',
    ]);
    expect(forwardsOf(['localhost:9', '*.x.com:1', '10.0.0.1:5', '[::1]:7'])).toEqual([
      { host: '127.0.0.1', port: 9 },
      { host: '::1', port: 9 },
      { host: '::1', port: 7 },
    ]);
    expect(hostOfUrl('https://api.example.com/v1', 'X')).toBe('api.example.com:443');
    expectAppError(() => hostOfUrl('not a url', 'X'), 'SANDBOX_POLICY_INVALID');
  });

  it('refuses a folder that would make the home or the state writable, and paths it cannot use', () => {
    for (const cwd of [home, root, '/'])
      expectAppError(
        () => planner().plan(agentRecord({ id: 'ag-1', profile: 'cmd', cwd })),
        'SANDBOX_POLICY_INVALID',
      );
    for (const allowWrite of [['/'], ['relative/path'], [join(root, 'missing')], ['~']])
      expectAppError(() => planner({ allowWrite }).plan(wtRecord('cmd')), 'SANDBOX_POLICY_INVALID');
  });

  it('shows again what the config allows to be read', () => {
    const p = planner({ allowRead: ['~/.ssh'] }).plan(wtRecord('cmd'));
    expect(p.hide).not.toContain(join(home, '.ssh'));
    expect(p.read).toContain(join(home, '.ssh'));
  });

  it('refuses a program, or its #! interpreter, that the sandbox does not show', () => {
    const bin = join(root, 'bin');
    mkdirSync(bin, { recursive: true });
    const script = (name: string, line: string): string => {
      writeFileSync(join(bin, name), `${line}\necho hi\n`, { mode: 0o755 });
      return join(bin, name);
    };
    const hidden = (command: string, allowRead: string[] = []) =>
      thrown(() => planner({ allowRead }).plan(wtRecord('cmd', { command }))).details ?? {};
    // Under /tmp (private inside): the program itself, then a script run by one under /tmp.
    expect(hidden(script('cli', '#!/bin/sh'))).toEqual({ command: join(bin, 'cli'), file: join(bin, 'cli') });
    const viaTmp = script('viatmp', `#!${join(bin, 'cli')} -x`);
    // In the state folder (hidden), through a link outside it.
    const inState = join(state, 'cli');
    writeFileSync(inState, '#!/bin/sh\n', { mode: 0o755 });
    const link = join(home, 'cli-link');
    symlinkSync(inState, link);
    expect(hidden(link).file).toBe(link);
    // Shown: what the machine has, through env; a folder the config shows again.
    expect(planner().plan(wtRecord('cmd', { command: '/usr/bin/env' })).write).toContain(wt);
    const envNode = script('envnode', '#!/usr/bin/env -S node --no-warnings');
    expect(hidden(envNode).file).toBe(envNode);
    expect(planner({ allowRead: [bin] }).plan(wtRecord('cmd', { command: envNode })).read).toContain(bin);
    expect(hidden(viaTmp, [join(bin, 'viatmp')]).file).toBe(join(bin, 'cli'));
    expect(thrown(() => planner().plan(wtRecord('cmd', { command: viaTmp }))).code).toBe(
      'SANDBOX_COMMAND_HIDDEN',
    );
    // `env NAME` is looked up on the agent's PATH.
    const viaPath = script('viapath', '#!/usr/bin/env cli');
    const onPath = planner({ allowRead: [viaPath] }, { PATH: `relative:${bin}` });
    expect(thrown(() => onPath.plan(wtRecord('cmd', { command: viaPath }))).details).toMatchObject({
      file: join(bin, 'cli'),
    });
  });

  it('is unavailable, with why, while the probe fails', () => {
    expect(planner().unavailable()).toEqual({ reason: 'test', fix: 'none' });
  });
});
