import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PushRequest } from '../../core/ports/git.js';
import { gitRunner } from './git-exec.js';
import { CliGitDelivery } from './git-delivery.js';
import { parsePorcelain } from './git-push.js';
import { maskUrlCredentials } from '../../protocol/url-credentials.js';

/** Real git against a real bare repository as `origin`. */
const git = gitRunner(process.env);
const delivery = new CliGitDelivery({ gitEnv: process.env });
let dir: string;
let repo: string;
let remote: string;

const run = async (cwd: string, ...args: string[]) => (await git(args, { cwd })).stdout.trim();

async function commit(cwd: string, file: string, content: string, msg: string, ...extra: string[]) {
  writeFileSync(join(cwd, file), content);
  await run(cwd, 'add', '-A');
  await run(cwd, '-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', msg, ...extra);
}

function request(over: Partial<PushRequest> = {}): PushRequest & { lines: [string, boolean][] } {
  const lines: [string, boolean][] = [];
  return {
    remote: 'origin',
    branch: 'wtp/api',
    forceWithLease: false,
    timeoutMs: 60_000,
    progress: (line, partial) => lines.push([line, partial]),
    lines,
    ...over,
  };
}

async function rejection(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    return e as { code: string; message: string; details: Record<string, unknown> };
  }
  throw new Error('expected a rejection');
}

/** Someone else pushes a commit to the remote's wtp/api (another clone). */
async function someoneElsePushes(): Promise<string> {
  const other = join(dir, 'other');
  await git(['clone', '-q', '-b', 'wtp/api', remote, other], { cwd: dir });
  await commit(other, 'theirs.txt', 'theirs\n', 'their change');
  await run(other, 'push', '-q', 'origin', 'wtp/api');
  return run(other, 'rev-parse', 'HEAD');
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wtp-delivery-'));
  repo = join(dir, 'repo');
  remote = join(dir, 'remote.git');
  await git(['init', '-q', '--bare', '-b', 'main', remote], { cwd: dir });
  await git(['init', '-q', '-b', 'main', repo], { cwd: dir });
  await commit(repo, 'a.txt', 'one\n', 'start');
  await run(repo, 'remote', 'add', 'origin', remote);
  await run(repo, 'push', '-q', 'origin', 'main');
  await run(repo, 'switch', '-q', '-c', 'wtp/api');
  await commit(repo, 'b.txt', 'two\n', 'add b');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('CliGitDelivery (real git, a bare repository as origin)', () => {
  it('pushes a new branch, sets its upstream, and relays git’s progress as it comes', async () => {
    const req = request();
    const out = await delivery.push(repo, req);
    expect(out).toEqual({
      status: 'new',
      commit: await run(repo, 'rev-parse', 'HEAD'),
      upstream: 'origin/wtp/api',
    });
    expect(await run(remote, 'rev-parse', 'refs/heads/wtp/api')).toBe(out.commit);
    expect(await run(repo, 'rev-parse', '--abbrev-ref', 'wtp/api@{upstream}')).toBe('origin/wtp/api');
    expect(req.lines.some(([l]) => /^Writing objects: 100% \(\d+\/\d+\)/.test(l))).toBe(true);
    expect(req.lines.some(([, partial]) => partial)).toBe(true); // the counters git writes over
    expect(req.lines.some(([l, partial]) => !partial && /done\.$/.test(l))).toBe(true);

    expect((await delivery.push(repo, request())).status).toBe('up-to-date');
    await commit(repo, 'c.txt', 'three\n', 'add c');
    expect((await delivery.push(repo, request())).status).toBe('updated');
  });

  it('refuses a push the remote is ahead of (behind), and --force-with-lease when the remote moved (stale)', async () => {
    await delivery.push(repo, request());
    const theirs = await someoneElsePushes();
    await commit(repo, 'b.txt', 'two, amended\n', 'add b', '--amend');

    const behind = await rejection(delivery.push(repo, request()));
    expect(behind).toMatchObject({
      code: 'PUSH_REJECTED',
      details: { reason: 'behind', remote: 'origin', branch: 'wtp/api', message: 'fetch first' },
    });
    // The lease is what this repository last saw of origin/wtp/api: not theirs, so refused.
    const stale = await rejection(delivery.push(repo, request({ forceWithLease: true })));
    expect(stale).toMatchObject({
      code: 'PUSH_REJECTED',
      details: { reason: 'stale', message: 'stale info' },
    });
    expect(await run(remote, 'rev-parse', 'refs/heads/wtp/api')).toBe(theirs); // untouched
  });

  it('replaces the remote branch with --force-with-lease when it is where it was last seen', async () => {
    await delivery.push(repo, request());
    await commit(repo, 'b.txt', 'two, amended\n', 'add b', '--amend');
    const plain = await rejection(delivery.push(repo, request()));
    expect(plain.details.reason).toBe('behind');
    const forced = await delivery.push(repo, request({ forceWithLease: true }));
    expect(forced.status).toBe('forced');
    expect(await run(remote, 'rev-parse', 'refs/heads/wtp/api')).toBe(await run(repo, 'rev-parse', 'HEAD'));
  });

  it('with --force-with-lease, a branch the remote never had must still not exist there', async () => {
    await someoneElsePushesFresh();
    const stale = await rejection(delivery.push(repo, request({ forceWithLease: true })));
    expect(stale.details.reason).toBe('stale');
  });

  it('reads remotes, masking credentials in their URLs', async () => {
    await run(repo, 'remote', 'add', 'fork', 'https://me:ghp_secret@github.com/me/shop.git');
    expect(await delivery.remotes(repo)).toEqual(['fork', 'origin']);
    expect(await delivery.remoteUrl(repo, 'fork')).toBe('https://***@github.com/me/shop.git');
    expect(await delivery.remoteUrl(repo, 'nope')).toBeNull();
    expect(maskUrlCredentials("fatal: unable to access 'https://x:tok@host/r.git/'")).toBe(
      "fatal: unable to access 'https://***@host/r.git/'",
    );
    // A token in the query string (GitLab's private_token) is masked too (issue 30).
    await run(repo, 'remote', 'add', 'lab', 'https://gitlab.example/me/shop.git?private_token=glpat-secret');
    expect(await delivery.remoteUrl(repo, 'lab')).toBe(
      'https://gitlab.example/me/shop.git?private_token=***',
    );
  });

  it('a failing push to a URL with a token in its query says git’s words without the token', async () => {
    await run(repo, 'remote', 'add', 'lab', 'https://127.0.0.1:1/nowhere.git?private_token=glpat-secret');
    const lines: string[] = [];
    const e = await rejection(
      delivery.push(repo, request({ remote: 'lab', timeoutMs: 30_000, progress: (l) => lines.push(l) })),
    );
    expect(e.code).toBe('GIT_FAILED');
    expect(JSON.stringify(e)).toContain('private_token=***');
    expect(JSON.stringify(e) + lines.join('\n')).not.toContain('glpat-secret');
  });

  it('a failing push (no such remote path) is GIT_FAILED with git’s words, credentials masked', async () => {
    await run(repo, 'remote', 'add', 'gone', 'https://u:hunter2@127.0.0.1:1/nowhere.git');
    const e = await rejection(delivery.push(repo, request({ remote: 'gone', timeoutMs: 30_000 })));
    expect(e.code).toBe('GIT_FAILED');
    expect(JSON.stringify(e)).not.toContain('hunter2');
  });

  it('lists the commits a base lacks, oldest first, and the paths of an unfinished merge', async () => {
    await commit(repo, 'c.txt', 'three\n', 'add c');
    expect((await delivery.commits(repo, 'main', 'refs/heads/wtp/api', 10)).map((c) => c.subject)).toEqual([
      'add b',
      'add c',
    ]);
    expect(await delivery.commitOf(repo, 'refs/heads/nope')).toBeNull();
    expect(await delivery.unmerged(repo)).toEqual([]);
    await run(repo, 'switch', '-q', 'main');
    await commit(repo, 'b.txt', 'main side\n', 'main b');
    await git(['-c', 'user.name=T', '-c', 'user.email=t@example.com', 'merge', '-q', 'wtp/api'], {
      cwd: repo,
      okCodes: [1],
    });
    expect(await delivery.unmerged(repo)).toEqual(['b.txt']);
  });

  it('reads git push --porcelain lines', () => {
    expect(
      parsePorcelain(
        'To ../remote.git\n*\trefs/heads/a:refs/heads/a\t[new branch]\n!\trefs/heads/b:refs/heads/b\t[rejected] (stale info)\nDone\n',
      ),
    ).toEqual([
      { flag: '*', from: 'refs/heads/a', to: 'refs/heads/a', summary: '[new branch]' },
      { flag: '!', from: 'refs/heads/b', to: 'refs/heads/b', summary: '[rejected] (stale info)' },
    ]);
  });
});

/** Someone else creates wtp/api on the remote before this repository ever pushed it. */
async function someoneElsePushesFresh(): Promise<void> {
  const other = join(dir, 'fresh');
  await git(['clone', '-q', '-b', 'main', remote, other], { cwd: dir });
  await run(other, 'switch', '-q', '-c', 'wtp/api');
  await commit(other, 'x.txt', 'x\n', 'their branch');
  await run(other, 'push', '-q', 'origin', 'wtp/api');
}
