// Shared by the git worktree adapter tests: a real git repository per test, isolated git config.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { AppError } from '../../src/core/errors.js';
import type { AgentWorktree, ProvisionRequest } from '../../src/core/ports/git.js';
import { CliGitWorktrees } from '../../src/adapters/git/git-worktrees.js';

const saved = { global: process.env.GIT_CONFIG_GLOBAL, nosystem: process.env.GIT_CONFIG_NOSYSTEM };
/** The test's repository and worktrees adapter, fresh for each test (live bindings). */
export let root: string;
export let repo: string;
export let wts: CliGitWorktrees;
/** The number of the current test's case folder (`<root>/case-<n>`). */
export let n = 0;

export function g(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function write(file: string, text: string, mode?: number): void {
  fs.mkdirSync(join(file, '..'), { recursive: true });
  fs.writeFileSync(file, text);
  if (mode !== undefined) fs.chmodSync(file, mode);
}

export function initRepo(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  g(dir, 'init', '-q', '-b', 'main');
  g(dir, 'config', 'user.name', 'Test');
  g(dir, 'config', 'user.email', 'test@example.com');
  write(join(dir, 'README.md'), 'hello\n');
  g(dir, 'add', '.');
  g(dir, 'commit', '-q', '-m', 'initial');
  return fs.realpathSync(dir);
}

export function commit(dir: string, file: string, text: string, message: string): string {
  write(join(dir, file), text);
  g(dir, 'add', file);
  g(dir, 'commit', '-q', '-m', message);
  return g(dir, 'rev-parse', 'HEAD');
}

export const req = (o: Partial<ProvisionRequest> & { agentName: string }): ProvisionRequest => ({
  repo,
  portStart: 4100,
  portCount: 10,
  ...o,
});

export async function code(p: Promise<unknown> | (() => unknown)): Promise<AppError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected an AppError');
}

/** Registers the hooks: a temporary root with its own git config, a fresh repository per test. */
export function useWorktreeRig(): void {
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
}

/** A worktree `<dir>/<name>` of `repo` on a new branch `wtp/<name>` from main, as an agent gets one. */
export function addAgentWorktree(repo: string, dir: string, name: string): AgentWorktree {
  const path = join(dir, name);
  g(repo, 'worktree', 'add', '-q', '-b', `wtp/${name}`, path, 'main');
  return {
    repo,
    path,
    branch: `wtp/${name}`,
    base: 'main',
    baseCommit: g(repo, 'rev-parse', 'main'),
    portStart: 0,
    portCount: 1,
    owned: true,
  };
}
