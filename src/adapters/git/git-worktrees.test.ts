import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.js';
import type { AgentWorktree, ProvisionRequest } from '../../core/ports/git.js';
import { YAML_BOMB } from '../../../test/support/yaml-bomb.js';
import { CliGitWorktrees } from './git-worktrees.js';

const saved = { global: process.env.GIT_CONFIG_GLOBAL, nosystem: process.env.GIT_CONFIG_NOSYSTEM };
let root: string;
let repo: string;
let wts: CliGitWorktrees;

function g(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function write(file: string, text: string, mode?: number): void {
  fs.mkdirSync(join(file, '..'), { recursive: true });
  fs.writeFileSync(file, text);
  if (mode !== undefined) fs.chmodSync(file, mode);
}

function initRepo(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  g(dir, 'init', '-q', '-b', 'main');
  g(dir, 'config', 'user.name', 'Test');
  g(dir, 'config', 'user.email', 'test@example.com');
  write(join(dir, 'README.md'), 'hello\n');
  g(dir, 'add', '.');
  g(dir, 'commit', '-q', '-m', 'initial');
  return fs.realpathSync(dir);
}

function commit(dir: string, file: string, text: string, message: string): string {
  write(join(dir, file), text);
  g(dir, 'add', file);
  g(dir, 'commit', '-q', '-m', message);
  return g(dir, 'rev-parse', 'HEAD');
}

const req = (o: Partial<ProvisionRequest> & { agentName: string }): ProvisionRequest => ({
  repo,
  portStart: 4100,
  portCount: 10,
  ...o,
});

async function code(p: Promise<unknown> | (() => unknown)): Promise<AppError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected an AppError');
}

beforeAll(() => {
  root = fs.realpathSync(fs.mkdtempSync(join(tmpdir(), 'wtp-worktrees-')));
  // Isolate from the user's git config; allow local (file://) submodules for the submodule test.
  write(join(root, 'gitconfig'), '[protocol "file"]\n\tallow = always\n[init]\n\tdefaultBranch = main\n');
  process.env.GIT_CONFIG_GLOBAL = join(root, 'gitconfig');
  process.env.GIT_CONFIG_NOSYSTEM = '1';
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
  for (const [k, v] of [
    ['GIT_CONFIG_GLOBAL', saved.global],
    ['GIT_CONFIG_NOSYSTEM', saved.nosystem],
  ] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

let n = 0;
beforeEach(() => {
  const dir = join(root, `case-${++n}`);
  repo = initRepo(join(dir, 'my-repo'));
  wts = new CliGitWorktrees({
    worktreesDir: join(dir, 'state', 'worktrees'),
    approvalsFile: join(dir, 'state', 'setup-approvals.json'),
    env: { PATH: process.env.PATH, FROM_OPTIONS: 'yes' },
    gitEnv: process.env,
  });
});

afterEach(() => {
  fs.rmSync(join(root, `case-${n}`), { recursive: true, force: true });
});

describe('provision', () => {
  it('creates wtp/<name> from the current branch in a folder outside the repository', async () => {
    fs.mkdirSync(join(repo, 'src'));
    const wt = await wts.provision(req({ repo: join(repo, 'src'), agentName: 'api' }));
    expect(wt).toMatchObject({ repo, branch: 'wtp/api', base: 'main', owned: true, portStart: 4100 });
    expect(wt.baseCommit).toBe(g(repo, 'rev-parse', 'main'));
    expect(wt.path).toMatch(new RegExp(`/state/worktrees/my-repo-[0-9a-f]{8}/api$`));
    expect(wt.path.startsWith(repo + '/')).toBe(false);
    expect(fs.readFileSync(join(wt.path, 'README.md'), 'utf8')).toBe('hello\n');
    expect(g(wt.path, 'symbolic-ref', '--short', 'HEAD')).toBe('wtp/api');
    // The branch does not track anything.
    expect(() => g(repo, 'config', 'branch.wtp/api.merge')).toThrow();
  });

  it('starts from a given base', async () => {
    const first = g(repo, 'rev-parse', 'HEAD');
    g(repo, 'tag', 'v1');
    commit(repo, 'later.txt', 'later\n', 'later');
    const wt = await wts.provision(req({ agentName: 'old', base: 'v1' }));
    expect(wt).toMatchObject({ base: 'v1', baseCommit: first });
    expect(g(wt.path, 'rev-parse', 'HEAD')).toBe(first);
    expect(fs.existsSync(join(wt.path, 'later.txt'))).toBe(false);
  });

  it('reuses an existing branch, refusing one checked out elsewhere or missing', async () => {
    g(repo, 'branch', 'feature');
    const wt = await wts.provision(req({ agentName: 'f', branch: 'feature' }));
    expect(wt).toMatchObject({ branch: 'feature', owned: true });
    expect(g(wt.path, 'symbolic-ref', '--short', 'HEAD')).toBe('feature');
    const taken = await code(wts.provision(req({ agentName: 'f2', branch: 'feature' })));
    expect(taken.code).toBe('GIT_BRANCH_TAKEN');
    expect(taken.details).toMatchObject({ branch: 'feature', worktree: wt.path });
    const onMain = await code(wts.provision(req({ agentName: 'm', branch: 'main' })));
    expect(onMain.code).toBe('GIT_BRANCH_TAKEN');
    const missing = await code(wts.provision(req({ agentName: 'x', branch: 'nope' })));
    expect(missing.code).toBe('GIT_REF_NOT_FOUND');
    expect(missing.details).toMatchObject({ ref: 'nope' });
  });

  it('works in place with noWorktree', async () => {
    const wt = await wts.provision(req({ agentName: 'here', noWorktree: true }));
    expect(wt).toMatchObject({ repo, path: repo, branch: null, owned: false, base: 'main' });
    expect(await wts.wouldLose(wt)).toEqual({ uncommitted: [], unmergedCommits: [] });
    await wts.remove(wt, true);
    expect(fs.existsSync(join(repo, 'README.md'))).toBe(true);
  });

  it('reports a missing base, a taken branch, a detached HEAD, a non-repository and a bare one', async () => {
    const noBase = await code(wts.provision(req({ agentName: 'a', base: 'does-not-exist' })));
    expect(noBase.code).toBe('GIT_REF_NOT_FOUND');
    expect(noBase.details).toMatchObject({ ref: 'does-not-exist' });

    g(repo, 'branch', 'wtp/a');
    expect((await code(wts.provision(req({ agentName: 'a' })))).code).toBe('GIT_BRANCH_TAKEN');

    g(repo, 'checkout', '-q', '--detach');
    expect((await code(wts.provision(req({ agentName: 'b' })))).code).toBe('GIT_DETACHED_HEAD');
    const withBase = await wts.provision(req({ agentName: 'b', base: 'main' }));
    expect(withBase.branch).toBe('wtp/b');

    const plain = fs.mkdtempSync(join(root, 'plain-'));
    const notRepo = await code(wts.provision(req({ repo: plain, agentName: 'c' })));
    expect(notRepo.code).toBe('NOT_A_REPOSITORY');
    expect(notRepo.details).toMatchObject({ path: plain });
    const bare = join(root, `bare-${n}.git`);
    g(root, 'init', '-q', '--bare', bare);
    expect((await code(wts.provision(req({ repo: bare, agentName: 'c' })))).code).toBe('NOT_A_REPOSITORY');
    fs.rmSync(plain, { recursive: true });
    fs.rmSync(bare, { recursive: true });
  });

  it('handles stale folders: prunes hand-deleted worktrees, refuses a folder with files', async () => {
    g(repo, 'branch', 'feature');
    const first = await wts.provision(req({ agentName: 'f', branch: 'feature' }));
    fs.rmSync(first.path, { recursive: true });
    // git still thinks `feature` is checked out there until pruned.
    const again = await wts.provision(req({ agentName: 'f', branch: 'feature' }));
    expect(again.path).toBe(first.path);

    const stale = join(first.path, '..', 'stale');
    write(join(stale, 'leftover.txt'), 'x');
    const refused = await code(wts.provision(req({ agentName: 'stale' })));
    expect(refused.code).toBe('WORKTREE_DIRTY');
    expect(g(repo, 'branch', '--list', 'wtp/stale')).toBe('');
    fs.rmSync(join(stale, 'leftover.txt'));
    expect((await wts.provision(req({ agentName: 'stale' }))).path).toBe(stale);
  });

  it('initialises submodules, and removes what it made when that fails', async () => {
    const sub = initRepo(join(root, `case-${n}`, 'sub'));
    g(repo, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub, 'libs/sub');
    g(repo, 'commit', '-q', '-m', 'add submodule');
    const wt = await wts.provision(req({ agentName: 'sm' }));
    expect(fs.readFileSync(join(wt.path, 'libs/sub/README.md'), 'utf8')).toBe('hello\n');
    await wts.remove(wt, false);
    expect(fs.existsSync(wt.path)).toBe(false);

    fs.rmSync(sub, { recursive: true }); // the submodule can no longer be cloned
    const failed = await code(wts.provision(req({ agentName: 'broken' })));
    expect(failed.code).toBe('GIT_FAILED');
    expect(failed.message).toContain('submodule update');
    expect(fs.existsSync(join(wt.path, '..', 'broken'))).toBe(false);
    expect(g(repo, 'branch', '--list', 'wtp/broken')).toBe('');
    expect(g(repo, 'worktree', 'list')).not.toContain('broken');
  });

  it('copies .worktreeinclude files that are ignored or untracked, keeping modes', async () => {
    write(join(repo, '.gitignore'), '.env\nconfig/local.json\n');
    write(join(repo, 'config/tracked.json'), '{"committed":true}\n');
    write(join(repo, '.worktreeinclude'), '# local files\n.env\nconfig/*.json\n**/*.local\n/top-only.txt\n');
    g(repo, 'add', '.');
    g(repo, 'commit', '-q', '-m', 'config');
    write(join(repo, '.env'), 'SECRET=1\n', 0o600);
    write(join(repo, 'config/local.json'), '{"local":true}\n');
    write(join(repo, 'config/tracked.json'), '{"edited":true}\n'); // tracked: never copied
    write(join(repo, 'deep/er/x.local'), 'deep\n', 0o750);
    write(join(repo, 'top-only.txt'), 'top\n');
    write(join(repo, 'nested/top-only.txt'), 'not anchored\n');
    write(join(repo, 'other.txt'), 'not listed\n');
    fs.symlinkSync('/etc/hostname', join(repo, 'escape.local'));

    const wt = await wts.provision(req({ agentName: 'inc' }));
    const read = (f: string): string | null =>
      fs.existsSync(join(wt.path, f)) ? fs.readFileSync(join(wt.path, f), 'utf8') : null;
    expect(read('.env')).toBe('SECRET=1\n');
    expect(fs.statSync(join(wt.path, '.env')).mode & 0o777).toBe(0o600);
    expect(read('config/local.json')).toBe('{"local":true}\n');
    expect(read('config/tracked.json')).toBe('{"committed":true}\n');
    expect(read('deep/er/x.local')).toBe('deep\n');
    expect(fs.statSync(join(wt.path, 'deep/er/x.local')).mode & 0o777).toBe(0o750);
    expect(read('top-only.txt')).toBe('top\n');
    expect(read('nested/top-only.txt')).toBeNull();
    expect(read('other.txt')).toBeNull();
    expect(fs.lstatSync(join(wt.path, 'escape.local'), { throwIfNoEntry: false })).toBeUndefined();
    // Unchanged copies are not work to lose.
    expect(await wts.wouldLose(wt)).toEqual({ uncommitted: [], unmergedCommits: [] });
  });
});

describe('setup script', () => {
  const config = (text: string): void => write(join(repo, '.wezterm-parallel/config.yaml'), text);

  it('is null without a config or without setup, and reports an invalid file', async () => {
    expect(wts.setupScript(repo)).toBeNull();
    config('other: 1\n');
    expect(wts.setupScript(repo)).toBeNull();
    config('setup: "npm ci"\n');
    const bad = await code(() => wts.setupScript(repo));
    expect(bad.code).toBe('CONFIG_INVALID');
    expect(bad.message).toContain('config.yaml');
    expect(bad.details).toMatchObject({ issues: [expect.objectContaining({ path: 'setup' })] });
    config('setup: [\n');
    expect((await code(() => wts.setupScript(repo))).code).toBe('CONFIG_INVALID');
    // A cloned repository's alias to nothing, or YAML bomb: refused, not an internal error.
    config('setup: *fz\n');
    expect((await code(() => wts.setupScript(repo))).code).toBe('CONFIG_INVALID');
    config(`${YAML_BOMB}\nsetup: [*g]\n`);
    expect((await code(() => wts.setupScript(repo))).code).toBe('CONFIG_INVALID');
  });

  it('runs only once approved, streaming lines with WTP_PORT, and asks again when changed', async () => {
    config(
      'setup:\n  - echo hello\n  - echo "port=$WTP_PORT end=$WTP_PORT_END opt=$FROM_OPTIONS" >&2\n  - pwd > where.txt; printf partial\n',
    );
    const wt = await wts.provision(req({ agentName: 's' }));
    const script = wts.setupScript(repo);
    expect(script).toMatchObject({ approved: false, commands: expect.any(Array) as unknown });
    const refused = await code(wts.runSetup(wt, {}, () => undefined));
    expect(refused.code).toBe('SETUP_NOT_APPROVED');
    expect(refused.details).toMatchObject({ hash: script?.hash, commands: script?.commands });

    wts.approveSetup(repo, script?.hash ?? '');
    expect(wts.setupScript(repo)?.approved).toBe(true);
    const approvals = join(root, `case-${n}`, 'state', 'setup-approvals.json');
    expect(fs.statSync(approvals).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(approvals, 'utf8'))).toEqual({ [repo]: [script?.hash] });

    const lines: string[] = [];
    await wts.runSetup(wt, { WTP_PORT: '4100', WTP_PORT_END: '4109' }, (l) => lines.push(l));
    expect(lines).toEqual([
      '$ echo hello',
      'hello',
      '$ echo "port=$WTP_PORT end=$WTP_PORT_END opt=$FROM_OPTIONS" >&2',
      'port=4100 end=4109 opt=yes',
      '$ pwd > where.txt; printf partial',
      'partial',
    ]);
    expect(fs.readFileSync(join(wt.path, 'where.txt'), 'utf8').trim()).toBe(wt.path);

    config('setup:\n  - echo changed\n');
    const changed = wts.setupScript(repo);
    expect(changed?.approved).toBe(false);
    expect(changed?.hash).not.toBe(script?.hash);
    expect((await code(wts.runSetup(wt, {}, () => undefined))).code).toBe('SETUP_NOT_APPROVED');
  });

  it('stops at the first failing command with its output', async () => {
    config('setup:\n  - echo before\n  - echo oops >&2; exit 3\n  - echo never\n');
    const wt = await wts.provision(req({ agentName: 'fail' }));
    wts.approveSetup(repo, wts.setupScript(repo)?.hash ?? '');
    const lines: string[] = [];
    const failed = await code(wts.runSetup(wt, { WTP_PORT: '1' }, (l) => lines.push(l)));
    expect(failed.code).toBe('SETUP_FAILED');
    expect(failed.details).toMatchObject({ command: 'echo oops >&2; exit 3', exitCode: 3 });
    expect(failed.details?.output).toContain('before');
    expect(failed.details?.output).toContain('oops');
    expect(lines).not.toContain('never');
  });

  it('kills a command that runs past its time limit', async () => {
    config('setup:\n  - echo start; sleep 60; echo finished\n');
    const slow = new CliGitWorktrees({
      worktreesDir: join(root, `case-${n}`, 'state', 'worktrees'),
      approvalsFile: join(root, `case-${n}`, 'state', 'setup-approvals.json'),
      env: { PATH: process.env.PATH },
      gitEnv: process.env,
      setupTimeoutMs: 300,
    });
    const wt = await slow.provision(req({ agentName: 'slow' }));
    slow.approveSetup(repo, slow.setupScript(repo)?.hash ?? '');
    const failed = await code(slow.runSetup(wt, {}, () => undefined));
    expect(failed.code).toBe('SETUP_FAILED');
    expect(failed.details).toMatchObject({ timedOut: true, output: expect.stringMatching(/^start$/m) });
    expect(failed.details?.output).not.toMatch(/^finished$/m);
  });
});

describe('wouldLose and remove', () => {
  it('lists uncommitted files and unmerged commits; a merged branch loses nothing', async () => {
    const wt = await wts.provision(req({ agentName: 'w' }));
    write(join(wt.path, 'new.txt'), 'new\n');
    write(join(wt.path, 'README.md'), 'changed\n');
    expect((await wts.wouldLose(wt)).uncommitted.sort()).toEqual(['README.md', 'new.txt']);

    g(wt.path, 'add', '.');
    g(wt.path, 'commit', '-q', '-m', 'agent work');
    const loss = await wts.wouldLose(wt);
    expect(loss.uncommitted).toEqual([]);
    expect(loss.unmergedCommits).toEqual([{ sha: g(wt.path, 'rev-parse', 'HEAD'), subject: 'agent work' }]);

    g(repo, 'merge', '-q', '--ff-only', 'wtp/w');
    expect(await wts.wouldLose(wt)).toEqual({ uncommitted: [], unmergedCommits: [] });
    await wts.remove(wt, false);
    expect(g(repo, 'branch', '--list', 'wtp/w')).toBe('');
  });

  it('refuses to remove unsaved work unless forced, and is idempotent', async () => {
    const wt = await wts.provision(req({ agentName: 'r' }));
    commit(wt.path, 'work.txt', 'work\n', 'unmerged work');
    write(join(wt.path, 'scratch.txt'), 'x\n');
    const dirty = await code(wts.remove(wt, false));
    expect(dirty.code).toBe('WORKTREE_DIRTY');
    expect(dirty.details).toMatchObject({
      uncommitted: ['scratch.txt'],
      unmergedCommits: [expect.objectContaining({ subject: 'unmerged work' })],
    });
    expect(fs.existsSync(wt.path)).toBe(true);
    await wts.remove(wt, true);
    expect(fs.existsSync(wt.path)).toBe(false);
    expect(g(repo, 'branch', '--list', 'wtp/r')).toBe('');
    await wts.remove(wt, true);
    await wts.remove(wt, false);
  });

  it('cleans metadata of a folder deleted by hand, and keeps branches it did not create', async () => {
    g(repo, 'branch', 'feature');
    const mine = await wts.provision(req({ agentName: 'gone' }));
    const theirs = await wts.provision(req({ agentName: 'f', branch: 'feature' }));
    fs.rmSync(mine.path, { recursive: true });
    await wts.remove(mine, false);
    expect(g(repo, 'worktree', 'list', '--porcelain')).not.toContain(mine.path);
    expect(g(repo, 'branch', '--list', 'wtp/gone')).toBe('');

    commit(theirs.path, 'f.txt', 'f\n', 'feature work');
    expect((await wts.wouldLose(theirs)).unmergedCommits).toEqual([]); // the branch stays
    await wts.remove(theirs, false);
    expect(fs.existsSync(theirs.path)).toBe(false);
    expect(g(repo, 'branch', '--list', 'feature')).toContain('feature');
  });

  it('never touches worktrees it does not own', async () => {
    const foreign: AgentWorktree = {
      repo,
      path: repo,
      branch: 'main',
      base: 'main',
      baseCommit: g(repo, 'rev-parse', 'HEAD'),
      portStart: 1,
      portCount: 1,
      owned: false,
    };
    write(join(repo, 'dirty.txt'), 'x');
    expect(await wts.wouldLose(foreign)).toEqual({ uncommitted: [], unmergedCommits: [] });
    await wts.remove(foreign, true);
    expect(fs.existsSync(join(repo, 'dirty.txt'))).toBe(true);
  });
});

describe('diskUsage', () => {
  it('counts regular files without .git and without following symlinks', async () => {
    write(join(repo, 'data/blob.bin'), 'x'.repeat(1000));
    fs.symlinkSync('/etc', join(repo, 'data/link'));
    expect(await wts.diskUsage(repo)).toBe(1000 + 'hello\n'.length);
    const wt = await wts.provision(req({ agentName: 'du' }));
    expect(basename(wt.path)).toBe('du');
    expect(await wts.diskUsage(wt.path)).toBe('hello\n'.length);
    expect(await wts.diskUsage(join(wt.path, 'missing'))).toBe(0);
  });
});
