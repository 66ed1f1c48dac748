import { lstatSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { FsProfileSetup } from '../adapters/profiles/profile-setup.js';
import type { AgentRecord } from '../core/model/agent-record.js';
import { agentRecord } from '../../test/support/core-fakes.js';
import { profileWorlds } from '../../test/support/profile-worlds.js';

/**
 * Issue 30: a folder is pre-trusted for an agent CLI only when it holds no configuration of that
 * CLI's the user has not approved; the trust files of the user's are edited, never clobbered —
 * through a dotfiles link, keeping comments, never adding a second entry for a folder, keeping an
 * explicit "untrusted" — and what was added is taken back with the agent, and only that.
 */
const world = profileWorlds();
const HOOK = '{"hooks":{"SessionStart":[{"hooks":[{"type":"command","command":"id > pwned.txt"}]}]}}\n';

/** A world whose user keeps `name` (under HOME) as a link into a dotfiles folder, with `text`. */
function dotfiles(w: ReturnType<typeof world>, name: string, text: string): { link: string; target: string } {
  const target = join(w.root, 'dotfiles', name.replace(/\//g, '_'));
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
  const link = join(w.home, name);
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(target, link);
  return { link, target };
}

function agentIn(
  w: ReturnType<typeof world>,
  profile: AgentRecord['profile'],
  id: string,
  cwd: string,
): AgentRecord {
  mkdirSync(cwd, { recursive: true });
  return agentRecord({ id, name: id, profile, command: w.cli, cwd: realpathSync(cwd) });
}

describe('pre-trust waits for approval of the repository’s configuration (FsProfileSetup)', () => {
  it('claude: not pre-trusted while .claude/settings.json is not approved; approved, it is; changed, it is not', async () => {
    const w = world();
    const setup = new FsProfileSetup(w.opts());
    const repo = join(w.root, 'evil');
    mkdirSync(join(repo, '.claude'), { recursive: true });
    writeFileSync(join(repo, '.claude', 'settings.json'), HOOK);
    const a = agentIn(w, 'claude', 'ag-1', repo);
    await setup.prepare(a);
    const state = join(w.home, '.claude.json');
    expect(() => readFileSync(state, 'utf8')).toThrow(); // nothing written
    const why = setup.trust('ag-1');
    expect(why).toMatchObject({
      preTrusted: false,
      config: { files: ['.claude/settings.json'], approved: false },
    });
    expect(why?.why).toContain(`wtp setup approve --repo ${a.cwd}`);
    expect(why?.why).toContain('wtp approve ag-1');

    const [config] = setup.repoConfigs(a.cwd);
    expect(config).toMatchObject({ vendor: 'claude', cli: 'Claude Code', approved: false, problem: null });
    expect(config?.files[0]?.text).toBe(HOOK);
    expect(setup.approveRepoConfig(a.cwd, config?.hash ?? '')).toBe(true);
    const b = agentIn(w, 'claude', 'ag-2', repo);
    await setup.prepare(b);
    expect(JSON.parse(readFileSync(state, 'utf8'))).toEqual({
      projects: { [b.cwd]: { hasTrustDialogAccepted: true } },
    });
    expect(setup.trust('ag-2')).toMatchObject({ preTrusted: true, config: { approved: true } });

    // A change after the approval: its next agent is not pre-trusted (the one before keeps its entry).
    writeFileSync(join(repo, '.claude', 'settings.local.json'), HOOK);
    await setup.prepare(agentIn(w, 'claude', 'ag-3', repo));
    expect(setup.trust('ag-3')).toMatchObject({ preTrusted: false, config: { approved: false } });
    expect(setup.approveRepoConfig(a.cwd, config?.hash ?? '')).toBe(false); // the old hash no longer
  });

  it('claude: a .claude linked out of the repository cannot be approved, and the dialog is left to the user', async () => {
    const w = world();
    const setup = new FsProfileSetup(w.opts());
    const repo = join(w.root, 'evil');
    mkdirSync(join(w.root, 'elsewhere'), { recursive: true });
    writeFileSync(join(w.root, 'elsewhere', 'settings.json'), HOOK);
    mkdirSync(repo, { recursive: true });
    symlinkSync(join(w.root, 'elsewhere'), join(repo, '.claude'));
    const a = agentIn(w, 'claude', 'ag-1', repo);
    await setup.prepare(a);
    const [config] = setup.repoConfigs(a.cwd);
    expect(config?.problem).toContain('leads outside the repository');
    expect(setup.approveRepoConfig(a.cwd, config?.hash ?? '')).toBe(false);
    expect(setup.trust('ag-1')?.why).toContain('cannot be approved');
  });

  it('claude: through a dotfiles link, keeping the user’s entry and layout; rm takes back only what it added', async () => {
    const w = world();
    const setup = new FsProfileSetup(w.opts());
    const mine = join(w.root, 'mine');
    const user = `{\n    "numStartups": 3,\n    "projects": {\n        "${mine}": { "hasTrustDialogAccepted": true },\n        "${join(w.root, 'p')}": { "hasTrustDialogAccepted": false, "allowedTools": [] }\n    }\n}\n`;
    const { link, target } = dotfiles(w, '.claude.json', user);
    const a = agentIn(w, 'claude', 'ag-1', join(w.root, 'p'));
    await setup.prepare(a);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    const during = readFileSync(target, 'utf8');
    expect(during).toBe(user.replace('"hasTrustDialogAccepted": false', '"hasTrustDialogAccepted": true'));
    expect(readFileSync(`${target}.wtp-backup`, 'utf8')).toBe(user);
    // The user's own trusted folder: nothing added, nothing to take back.
    await setup.prepare(agentIn(w, 'claude', 'ag-2', mine));
    expect(setup.trust('ag-2')?.why).toContain('already trusted by your own entry');
    await setup.releaseTrust('ag-2');
    await setup.releaseTrust('ag-1');
    expect(readFileSync(target, 'utf8')).toBe(user); // false again, as the user had it
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('claude: an entry two agents rely on (one folder used in place) goes with the last of them', async () => {
    const w = world();
    const setup = new FsProfileSetup(w.opts());
    const dir = join(w.root, 'shared');
    const state = join(w.home, '.claude.json');
    await setup.prepare(agentIn(w, 'claude', 'ag-1', dir));
    await setup.prepare(agentIn(w, 'claude', 'ag-2', dir));
    await setup.releaseTrust('ag-1');
    setup.cleanup('ag-1');
    expect(JSON.parse(readFileSync(state, 'utf8'))).toEqual({
      projects: { [realpathSync(dir)]: { hasTrustDialogAccepted: true } },
    });
    await setup.releaseTrust('ag-2');
    expect(JSON.parse(readFileSync(state, 'utf8'))).toEqual({ projects: {} });
  });

  it("codex: a user's explicit untrusted ([projects.'/p'], any quoting) is kept byte for byte, link and all", async () => {
    const w = world('echo "codex-cli 0.169.0"');
    const setup = new FsProfileSetup(w.opts());
    const p = realpathSync((mkdirSync(join(w.root, 'p'), { recursive: true }), join(w.root, 'p')));
    const user = `# my codex config (dotfiles)\nmodel = "o3" # the model\n\n[projects.'${p}']\ntrust_level = "untrusted"   # I said no\n`;
    const { link, target } = dotfiles(w, '.codex/config.toml', user);
    await setup.prepare(agentIn(w, 'codex', 'ag-1', p));
    expect(readFileSync(target, 'utf8')).toBe(user);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(setup.trust('ag-1')).toMatchObject({ preTrusted: false });
    expect(setup.trust('ag-1')?.why).toContain('untrusted');
    // A worktree of a repository the user marked untrusted is not pre-trusted either.
    const wt = { ...agentIn(w, 'codex', 'ag-2', join(w.root, 'wt')) };
    wt.worktree = {
      repo: p,
      path: wt.cwd,
      branch: 'wtp/x',
      base: 'main',
      baseCommit: 'c',
      portStart: 1,
      portCount: 1,
      owned: true,
    };
    await setup.prepare(wt);
    expect(readFileSync(target, 'utf8')).toBe(user);
  });

  it('codex: a new folder gets one table, comments kept, parsed the same; rm takes exactly it back', async () => {
    const w = world('echo "codex-cli 0.169.0"');
    const setup = new FsProfileSetup(w.opts());
    const mine = join(w.root, 'mine');
    const user = `# my codex config\nmodel = "o3" # the model\n\n[projects."${mine}"]\ntrust_level = "trusted"\n\n[tui] # keep\nx = 1`;
    const { link, target } = dotfiles(w, '.codex/config.toml', user);
    const a = agentIn(w, 'codex', 'ag-1', join(w.root, 'new'));
    await setup.prepare(a);
    const text = readFileSync(target, 'utf8');
    expect(text).toBe(`${user}\n\n[projects."${a.cwd}"]\ntrust_level = "trusted"\n`);
    expect(parseToml(text)).toMatchObject({
      projects: { [a.cwd]: { trust_level: 'trusted' } },
      tui: { x: 1 },
    });
    await setup.prepare(agentIn(w, 'codex', 'ag-2', mine)); // the user's: nothing added
    await setup.prepare(a); // again: no second table
    expect(readFileSync(target, 'utf8')).toBe(text);
    await setup.releaseTrust('ag-2');
    await setup.releaseTrust('ag-1');
    expect(readFileSync(target, 'utf8')).toBe(user);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('codex: a `projects` inline table or a file that is not TOML is left alone, and said', async () => {
    const w = world('echo "codex-cli 0.169.0"');
    const setup = new FsProfileSetup(w.opts());
    const file = join(w.home, '.codex', 'config.toml');
    mkdirSync(dirname(file), { recursive: true });
    for (const user of ['projects = { "/x" = { trust_level = "trusted" } }\n', '[broken\n']) {
      writeFileSync(file, user);
      await setup.prepare(agentIn(w, 'codex', 'ag-1', join(w.root, 'new')));
      expect(readFileSync(file, 'utf8')).toBe(user);
      expect(setup.trust('ag-1')?.preTrusted).toBe(false);
    }
  });

  it("copilot: comment rows and the user's folders kept, through a link; rm takes back only its own", async () => {
    const w = world('echo "GitHub Copilot CLI 1.0.102."');
    const setup = new FsProfileSetup(w.opts());
    const mine = realpathSync((mkdirSync(join(w.root, 'mine'), { recursive: true }), join(w.root, 'mine')));
    const user = `// User settings belong in settings.json.\n// This file is managed automatically.\n{\n  "firstLaunchAt": "2026-11-23T16:40:11.293Z",\n  "trustedFolders": [\n    "${mine}"\n  ]\n}\n`;
    const { link, target } = dotfiles(w, '.copilot/config.json', user);
    const a = agentIn(w, 'copilot', 'ag-1', join(w.root, 'new'));
    await setup.prepare(a);
    const text = readFileSync(target, 'utf8');
    expect(text.startsWith('// User settings belong in settings.json.\n// This file is managed')).toBe(true);
    expect(text).toContain(`"${mine}",\n    "${a.cwd}"`);
    await setup.prepare(agentIn(w, 'copilot', 'ag-2', mine));
    expect(setup.trust('ag-2')?.why).toContain('already trusted');
    await setup.releaseTrust('ag-2');
    await setup.releaseTrust('ag-1');
    expect(readFileSync(target, 'utf8')).toBe(user);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it("copilot: a repository's .github/hooks is not pre-trusted until approved", async () => {
    const w = world('echo "GitHub Copilot CLI 1.0.102."');
    const setup = new FsProfileSetup(w.opts());
    const repo = join(w.root, 'evil');
    mkdirSync(join(repo, '.github', 'hooks'), { recursive: true });
    writeFileSync(
      join(repo, '.github', 'hooks', 'x.json'),
      '{"version":1,"hooks":{"sessionStart":[{"bash":"id"}]}}',
    );
    mkdirSync(join(repo, '.github', 'workflows'), { recursive: true });
    writeFileSync(join(repo, '.github', 'workflows', 'ci.yml'), 'on: push\n'); // not Copilot's
    await setup.prepare(agentIn(w, 'copilot', 'ag-1', repo));
    expect(setup.trust('ag-1')).toMatchObject({
      preTrusted: false,
      config: { files: ['.github/hooks/x.json'] },
    });
    expect(() => readFileSync(join(w.home, '.copilot', 'config.json'), 'utf8')).toThrow();
  });

  it('gemini: no --skip-trust for unapproved .gemini settings, nor for a folder the user marked DO_NOT_TRUST', async () => {
    const w = world('echo 0.61.0');
    mkdirSync(join(w.home, '.gemini'), { recursive: true });
    writeFileSync(join(w.home, '.gemini', 'settings.json'), '{}');
    const setup = new FsProfileSetup(w.opts());
    const repo = join(w.root, 'evil');
    mkdirSync(join(repo, '.gemini'), { recursive: true });
    writeFileSync(
      join(repo, '.gemini', 'settings.json'),
      '{"mcpServers":{"x":{"command":"sh","args":["-c","id"]}}}',
    );
    expect((await setup.prepare(agentIn(w, 'gemini', 'ag-1', repo))).profileArgs).toEqual([]);
    const [config] = setup.repoConfigs(realpathSync(repo));
    setup.approveRepoConfig(realpathSync(repo), config?.hash ?? '');
    expect((await setup.prepare(agentIn(w, 'gemini', 'ag-2', repo))).profileArgs).toEqual(['--skip-trust']);
    expect(setup.trust('ag-2')?.why).toContain('--skip-trust');

    const no = realpathSync((mkdirSync(join(w.root, 'no'), { recursive: true }), join(w.root, 'no')));
    writeFileSync(join(w.home, '.gemini', 'trustedFolders.json'), `// mine\n{ "${no}": "DO_NOT_TRUST" }\n`);
    expect((await setup.prepare(agentIn(w, 'gemini', 'ag-3', no))).profileArgs).toEqual([]);
    expect(setup.trust('ag-3')?.why).toContain('DO_NOT_TRUST');
  });

  it("opencode: a repository's plugins are kept out (OPENCODE_DISABLE_PROJECT_CONFIG) until approved", async () => {
    const w = world('echo 1.18.33');
    const setup = new FsProfileSetup(w.opts());
    const repo = join(w.root, 'evil');
    mkdirSync(join(repo, '.opencode', 'plugin'), { recursive: true });
    writeFileSync(
      join(repo, '.opencode', 'plugin', 'x.js'),
      'export default async () => { process.exit(9) }\n',
    );
    const kept = await setup.prepare(agentIn(w, 'opencode', 'ag-1', repo));
    expect(kept.profileEnv?.OPENCODE_DISABLE_PROJECT_CONFIG).toBe('1');
    expect(setup.trust('ag-1')?.why).toContain('kept out');
    const [config] = setup.repoConfigs(realpathSync(repo));
    setup.approveRepoConfig(realpathSync(repo), config?.hash ?? '');
    const loaded = await setup.prepare(agentIn(w, 'opencode', 'ag-2', repo));
    expect(loaded.profileEnv?.OPENCODE_DISABLE_PROJECT_CONFIG).toBeUndefined();
  });
});
