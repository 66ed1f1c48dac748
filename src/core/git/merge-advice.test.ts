import { describe, expect, it } from 'vitest';
import { fakeWorktree } from '../../../test/support/fake-git.js';
import { AppError } from '../errors.js';
import { adviseMerge, uncommittedError, type MergeSubject } from './merge-advice.js';

const subject = (over: Partial<MergeSubject> = {}): MergeSubject => ({
  name: 'b',
  live: true,
  worktree: fakeWorktree('b'),
  strategy: 'merge',
  ...over,
});
const conflict = (extra: Record<string, unknown> = {}) =>
  new AppError('MERGE_CONFLICT', 'Merging wtp/b into main would conflict in app.txt.', {
    target: 'main',
    branch: 'wtp/b',
    conflicts: ['app.txt'],
    ...extra,
  });
const advised = (err: unknown, s = subject()) => adviseMerge(err, s) as AppError;

describe('what a refused merge says to do next', () => {
  it('a conflict: the files, the target untouched, feedback, the commands to merge by hand, the radar', () => {
    const e = advised(conflict());
    expect(e.code).toBe('MERGE_CONFLICT');
    expect(e.message).toBe(
      'Merging b (branch wtp/b) into main would conflict in app.txt: nothing was merged, and main was left exactly as it was. Ask the agent to rebase on main and resolve them, or resolve them yourself in its worktree and run `wtp merge b` again; `wtp conflicts` shows the lines.',
    );
    expect(e.details).toMatchObject({
      conflicts: ['app.txt'],
      agent: 'b',
      next: [
        "ask the agent to resolve it: wtp feedback b 'Rebase your branch on main, resolving the conflicts in app.txt, and commit the result.'",
        'or resolve it yourself in its worktree: cd /wt/b && git merge main; fix app.txt, then git add -A && git commit --no-edit; then wtp merge b',
        'see the conflicting lines first: wtp conflicts',
      ],
    });
    expect(e.cause).toBeInstanceOf(AppError);
  });

  it('an agent that exited is restarted first; --strategy and --into are kept; odd names are quoted', () => {
    const e = advised(conflict(), subject({ name: "it's", live: false, strategy: 'squash', into: 'dev' }));
    const next = (e.details?.next as string[]).join('\n');
    expect(next).toContain(`restart 'it'\\''s', then wtp feedback 'it'\\''s' 'Rebase`);
    expect(next).toContain(`then wtp merge 'it'\\''s' --strategy squash --into dev`);
    expect(e.message).toContain("run `wtp merge 'it'\\''s' --strategy squash --into dev` again");
  });

  it('says when --commit committed the agent’s work before the merge was refused', () => {
    const sha = 'c'.repeat(40);
    for (const err of [
      conflict(),
      new AppError('MERGE_TEST_FAILED', 'x', { command: 'npm test', exitCode: 1 }),
    ]) {
      const e = advised(err, subject({ committed: sha }));
      expect(e.message).toContain(
        `the commit ${sha} made first of its uncommitted work stays on its branch.`,
      );
      expect(e.details).toMatchObject({ committed: sha });
    }
    expect(advised(conflict()).details).toMatchObject({ committed: null });
  });

  it('a conflict of one replayed commit (--strategy rebase) offers the merge of the whole branch', () => {
    const e = advised(conflict({ commit: 'a'.repeat(40) }), subject({ strategy: 'rebase' }));
    expect(e.message).toContain(`when its commit ${'a'.repeat(40)} is replayed`);
    expect(e.message).toContain(
      'or take the branch as a whole with `--strategy merge` or `--strategy squash`.',
    );
    expect(e.details?.next).toContain(
      'or take the branch as a whole instead of commit by commit: wtp merge b (or --strategy squash)',
    );
  });

  it('a failing test: its output kept, feedback, and the command to run it by hand', () => {
    const output = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n');
    const e = advised(new AppError('MERGE_TEST_FAILED', 'x', { command: 'npm test', exitCode: 7, output }));
    expect(e.message).toBe(
      "The test command failed in b's worktree (exit 7): nothing was merged. Ask the agent to fix it (`wtp feedback`), or run it in its worktree yourself, then `wtp merge b --test 'npm test'`.",
    );
    expect(e.details).toMatchObject({
      command: 'npm test',
      exitCode: 7,
      output,
      next: [
        `ask the agent to fix it: wtp feedback b 'The tests fail: "npm test" exits with 7. Fix them and commit.'`,
        "or run it yourself: cd /wt/b && npm test; once it passes: wtp merge b --test 'npm test'",
      ],
    });
  });

  it('a dirty target: where, which files, and what to do; other errors pass unchanged', () => {
    const dirty = new AppError('MERGE_TARGET_DIRTY', 'x', {
      target: 'main',
      worktree: '/src/shop',
      files: ['a', 'b'],
    });
    expect(advised(dirty).message).toBe(
      'main is checked out in /src/shop with uncommitted changes (a, b): nothing was merged. Commit or stash them there and run `wtp merge b` again, or merge into another branch with `--into`.',
    );
    expect(advised(dirty).details?.next).toEqual([
      'commit or stash them there: cd /src/shop && git status; then wtp merge b',
      'or merge into another branch: wtp merge b --into BRANCH',
    ]);
    const other = new AppError('GIT_FAILED', 'x');
    expect(adviseMerge(other, subject())).toBe(other);
  });

  it('uncommitted work: the commands that commit it, at most five files named', () => {
    const e = uncommittedError(subject(), ['1', '2', '3', '4', '5', '6', '7']);
    expect(e.message).toBe(
      'Agent "b" has 7 uncommitted file(s) (1, 2, 3, 4, 5 and 2 more), which a merge would leave behind: nothing was merged. ' +
        "Commit it and merge with `wtp merge b --commit 'MESSAGE'`, or commit it first with `wtp commit b -m 'MESSAGE'`.",
    );
    expect(e.details?.next).toEqual([
      "commit it and merge: wtp merge b --commit 'MESSAGE'",
      "or commit it first: wtp commit b -m 'MESSAGE'; see it with: wtp diff b",
    ]);
  });
});
