import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentWorktree } from '../../core/ports/git.js';
import { addAgentWorktree } from '../../../test/support/worktree-rig.js';
import { gitConfigIncludes, gitRunner } from './git-exec.js';
import { CliGitReview } from './git-review.js';

/**
 * What an agent plants in its worktree for the daemon's own git to run, outside its sandbox: a
 * nested repository whose config names an fsmonitor (git status and add enter it), a hook.
 * Every operation the daemon runs on the worktree leaves the marker unmade.
 */
const git = gitRunner(process.env);
const review = new CliGitReview({ gitEnv: process.env });
let dir: string;
let repo: string;
let marker: string;
let wt: AgentWorktree;

const run = async (cwd: string, ...args: string[]) => (await git(args, { cwd })).stdout.trim();
/** A program that leaves the marker (`why` says who ran it), exit 1. */
function planted(why: string): string {
  const file = join(dir, `plant-${why}.sh`);
  writeFileSync(file, `#!/bin/sh\necho ${why} >> ${marker}\nexit 1\n`);
  chmodSync(file, 0o755);
  return file;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wtp-hostile-git-'));
  repo = join(dir, 'repo');
  marker = join(dir, 'RAN');
  await git(['init', '-q', '-b', 'main', repo], { cwd: dir });
  await run(repo, 'config', 'user.name', 'Test');
  await run(repo, 'config', 'user.email', 'test@example.com');
  writeFileSync(join(repo, 'a.txt'), 'a\n');
  await run(repo, 'add', '-A');
  await run(repo, 'commit', '-q', '-m', 'init');
  wt = await addAgentWorktree(repo, dir, 'evil');
  // The agent's nested repository, its config naming a program; staged as a gitlink.
  const nested = join(wt.path, 'evil');
  mkdirSync(nested);
  await git(['init', '-q', '-b', 'main', nested], { cwd: wt.path });
  await run(nested, '-c', 'user.name=x', '-c', 'user.email=x@x', 'commit', '-q', '--allow-empty', '-m', 'e');
  await run(nested, 'config', 'core.fsmonitor', planted('fsmonitor'));
  await run(nested, 'config', 'core.pager', planted('pager'));
  mkdirSync(join(nested, '.git', 'hooks'), { recursive: true });
  writeFileSync(join(nested, '.git', 'hooks', 'pre-commit'), `#!/bin/sh\n${planted('nested-hook')}\n`);
  chmodSync(join(nested, '.git', 'hooks', 'pre-commit'), 0o755);
  await run(wt.path, 'add', 'evil');
  writeFileSync(join(wt.path, 'b.txt'), 'b\n');
  // The repository's own hooks run for the daemon's commit neither.
  writeFileSync(join(repo, '.git', 'hooks', 'pre-commit'), `#!/bin/sh\n${planted('hook')}\n`);
  chmodSync(join(repo, '.git', 'hooks', 'pre-commit'), 0o755);
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the daemon’s git on a hostile worktree', () => {
  it('diff, radar snapshot and commit run nothing the agent planted', async () => {
    const diff = await review.diff(wt, { stat: true });
    expect(diff.files.map((f) => f.path).sort()).toEqual(['b.txt', 'evil']);
    const [snap] = await review.snapshot([wt], 'main');
    expect(snap?.changed).toBe(true);
    expect(await review.commitAll(wt, 'the agent’s work')).toMatch(/^[0-9a-f]{40}$/);
    expect(existsSync(marker)).toBe(false);
  });
});

describe('gitConfigIncludes: every file the configuration may include, as git resolves it', () => {
  it('relative to the including file, ~/ to the home, includeIf whether it holds or not, and nested', async () => {
    const h = join(dir, 'home');
    mkdirSync(h);
    writeFileSync(join(h, '.gitconfig'), '[include]\n\tpath = ~/work.cfg\n');
    writeFileSync(join(h, 'work.cfg'), '[include]\n\tpath = deeper.cfg\n');
    await run(repo, 'config', 'include.path', '../shared.gitconfig');
    await run(repo, 'config', 'includeIf.onbranch:never-made.path', join(wt.path, 'agent.cfg'));
    writeFileSync(join(repo, 'shared.gitconfig'), '[include]\n\tpath = "sub dir/x.cfg"\n');
    const env = { ...process.env, HOME: h, XDG_CONFIG_HOME: join(h, '.config'), GIT_CONFIG_NOSYSTEM: '1' };
    expect(gitConfigIncludes(wt.path, env).sort()).toEqual(
      [
        join(h, 'work.cfg'),
        join(h, 'deeper.cfg'),
        join(repo, 'shared.gitconfig'),
        join(repo, 'sub dir', 'x.cfg'),
        join(wt.path, 'agent.cfg'),
      ].sort(),
    );
  });
});
