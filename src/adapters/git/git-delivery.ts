import { existsSync } from 'node:fs';
import type { GitDelivery, PushOutcome, PushRequest } from '../../core/ports/git.js';
import { gitRunner, type Git, type GitEnv } from './git-exec.js';
import { parsePorcelain, pushStatusOf, rejection, runPush } from './git-push.js';
import { split0 } from './merge-tree.js';
import { maskUrlCredentials } from '../../protocol/url-credentials.js';
import { appError } from '../../protocol/error-messages.js';

/**
 * Delivery of branches with the git CLI (argument arrays only): `git push --porcelain` with a
 * refspec naming both sides in full, `--force-with-lease` always with the expected commit spelled
 * out (what the remote-tracking ref holds, or nothing), never a `+` refspec that would override
 * the lease.
 */
export class CliGitDelivery implements GitDelivery {
  private readonly git: Git;

  constructor(private readonly o: { gitEnv: GitEnv }) {
    this.git = gitRunner(o.gitEnv);
  }

  async remotes(repo: string): Promise<string[]> {
    const r = await this.git(['remote'], { cwd: repo });
    return r.stdout.split('\n').filter((l) => l !== '');
  }

  async remoteUrl(repo: string, remote: string): Promise<string | null> {
    const r = await this.git(['config', '--get', `remote.${remote}.url`], { cwd: repo, okCodes: [1] });
    return r.code === 0 ? maskUrlCredentials(r.stdout.trim()) : null;
  }

  async push(repo: string, req: PushRequest): Promise<PushOutcome> {
    const local = `refs/heads/${req.branch}`;
    const tracking = `refs/remotes/${req.remote}/${req.branch}`;
    const lease = req.forceWithLease
      ? [`--force-with-lease=${local}:${(await this.commitOf(repo, tracking)) ?? ''}`]
      : [];
    const args = [
      '--progress',
      '--porcelain',
      '--set-upstream',
      ...lease,
      '--',
      req.remote,
      `${local}:${local}`,
    ];
    const run = await runPush(args, {
      cwd: repo,
      env: this.o.gitEnv,
      timeoutMs: req.timeoutMs,
      progress: req.progress,
    });
    const ref = parsePorcelain(run.stdout).find((r) => r.from === local);
    if (ref?.flag === '!') throw rejection(ref, req.remote, req.branch);
    const status = ref ? pushStatusOf(ref.flag) : null;
    if (run.code !== 0 || status === null) {
      throw appError('GIT_FAILED', {
        args: ['push', ...args],
        cwd: repo,
        exitCode: run.code,
        timedOut: run.timedOut,
        stderr: run.stderr.slice(-4000),
        remote: req.remote,
        branch: req.branch,
        timeoutSeconds: run.timedOut ? req.timeoutMs / 1000 : null,
        said: gist(run.stderr).replace(/[.\s]+$/, '') || null,
      });
    }
    const commit = (await this.commitOf(repo, local)) ?? '';
    const up = await this.git(['for-each-ref', '--format=%(upstream:short)', local], { cwd: repo });
    return { status, commit, upstream: up.stdout.trim() || `${req.remote}/${req.branch}` };
  }

  async commits(
    repo: string,
    base: string,
    head: string,
    max: number,
  ): Promise<{ sha: string; subject: string }[]> {
    const r = await this.git(
      ['log', '--format=%H%x00%s', `--max-count=${max}`, '--end-of-options', `${base}..${head}`, '--'],
      { cwd: repo },
    );
    return r.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => {
        const [sha = '', subject = ''] = l.split('\0');
        return { sha, subject };
      })
      .reverse();
  }

  async unmerged(path: string): Promise<string[]> {
    if (!existsSync(path)) return [];
    const r = await this.git(['diff', '--name-only', '--diff-filter=U', '-z'], { cwd: path });
    return [...new Set(split0(r.stdout))];
  }

  async commitOf(repo: string, ref: string): Promise<string | null> {
    const r = await this.git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], {
      cwd: repo,
      okCodes: [1, 128],
    });
    return r.code === 0 ? r.stdout.trim() : null;
  }
}

/** What git said went wrong: its `fatal:`/`error:` lines, else its last lines. */
function gist(stderr: string): string {
  const lines = stderr.split(/[\r\n]/).filter((l) => l.trim() !== '');
  const marked = lines.filter((l) => /^(fatal|error):/.test(l));
  return (marked.length > 0 ? marked : lines.slice(-3)).join(' ').slice(0, 1000);
}
