import { describe, expect, it } from 'vitest';
import { fakeWorktree } from '../../../test/support/fake-git.js';
import { AppError } from '../errors.js';
import {
  advisePush,
  baseConflictError,
  pushUncommittedError,
  unresolvedError,
  type PushSubject,
} from './push-advice.js';

const subject = (over: Partial<PushSubject> = {}): PushSubject => ({
  name: 'api',
  live: true,
  worktree: fakeWorktree('api'),
  command: 'push',
  remote: 'origin',
  branch: 'wtp/api',
  ...over,
});
const rejected = (reason: string, message = '') =>
  new AppError('PUSH_REJECTED', 'x', { reason, remote: 'origin', branch: 'wtp/api', message });

describe('what a refused push says to do next', () => {
  it('uncommitted work: the same code as merge, with the push to run', () => {
    const e = pushUncommittedError(subject(), ['a.txt']);
    expect(e.code).toBe('MERGE_UNCOMMITTED');
    expect(e.message).toBe(
      'Agent "api" has 1 uncommitted file(s) (a.txt), which a push would leave behind: nothing was pushed to origin. ' +
        "Commit it with `wtp push api --commit 'MESSAGE'`, or first with `wtp commit api -m 'MESSAGE'`.",
    );
    expect(e.details?.next).toEqual([
      "commit it and push: wtp push api --commit 'MESSAGE'",
      "or commit it first: wtp commit api -m 'MESSAGE'; see it with: wtp diff api",
    ]);
    expect(pushUncommittedError(subject({ command: 'pr' }), ['a.txt']).details?.next).toContain(
      "commit it and open the pull request: wtp pr api --commit 'MESSAGE'",
    );
  });

  it('a conflict with the base, and conflicts left unresolved in the worktree: MERGE_CONFLICT', () => {
    const base = baseConflictError(subject({ live: false }), 'origin/main', ['app.txt']);
    expect(base.code).toBe('MERGE_CONFLICT');
    expect(base.message).toContain(
      "api's branch wtp/api would conflict with origin/main in app.txt: nothing was pushed",
    );
    expect((base.details?.next as string[])[0]).toContain(
      "wtp restart api, then wtp feedback api 'Rebase your branch on origin/main, resolving the conflicts in app.txt, and commit the result.'",
    );
    expect(base.details).toMatchObject({ target: 'origin/main', conflicts: ['app.txt'] });
    const open = unresolvedError(subject(), ['app.txt']);
    expect(open.code).toBe('MERGE_CONFLICT');
    expect(open.message).toContain('has unresolved conflicts in app.txt (a merge or rebase stopped midway');
    expect(open.details).toMatchObject({ unresolved: true });
  });

  it('behind the remote: --force-with-lease for a rewritten branch, or take their commits', () => {
    const e = advisePush(rejected('behind'), subject()) as AppError;
    expect(e.code).toBe('PUSH_REJECTED');
    expect(e.message).toBe(
      'origin refused wtp/api: its origin/wtp/api has commits this branch lacks (someone else pushed, or the branch was rebased or amended), so nothing was changed there. ' +
        'If the branch was rewritten on purpose, run `wtp push api --force-with-lease`; else take their commits in with `git pull --rebase`, then run `wtp push api`.',
    );
    expect(e.details).toMatchObject({
      reason: 'behind',
      next: [
        'the branch was rewritten on purpose (a rebase, an amend): wtp push api --force-with-lease (refused if origin/wtp/api moved since it was last seen)',
        "or take their commits in: wtp feedback api 'Run git pull --rebase origin wtp/api, resolve any conflicts, and commit.'; then wtp push api",
        'see what is there first: cd /wt/api && git fetch origin && git log --oneline wtp/api..origin/wtp/api',
      ],
    });
  });

  it('a lease that failed: fetch and look before deciding', () => {
    const e = advisePush(rejected('stale'), subject()) as AppError;
    expect(e.message).toContain(
      'origin refused to replace wtp/api: origin/wtp/api moved since this repository last saw it',
    );
    expect((e.details?.next as string[])[0]).toContain(
      'git fetch origin && git log --oneline wtp/api...origin/wtp/api',
    );
  });

  it("a remote's own refusal says what the remote said; other errors pass through", () => {
    const e = advisePush(rejected('remote', 'pre-receive hook declined'), subject()) as AppError;
    expect(e.message).toContain(
      'origin refused wtp/api: pre-receive hook declined; nothing was changed there.',
    );
    const other = new AppError('GIT_FAILED', 'network');
    expect(advisePush(other, subject())).toBe(other);
  });
});
