// What to do after a refused push: the same codes as a refused merge, with next steps for a push.
import { AppError } from '../errors.js';
import { fileList } from '../git/merge-advice.js';
import { shellWord } from '../../protocol/shell-word.js';
import type { AgentWorktree } from '../ports/git.js';

/** The agent whose push (or pull request) was refused, as the advice needs it. */
export interface PushSubject {
  name: string;
  /** Its process runs: it can be given feedback now. */
  live: boolean;
  worktree: AgentWorktree;
  /** The command that was refused: `push` or `pr`. */
  command: 'push' | 'pr';
  remote: string;
  branch: string;
}

const steps = (lines: string[]): string => lines.map((l) => `\n  - ${l}`).join('');
const again = (s: PushSubject, extra = ''): string => `wtp ${s.command} ${shellWord(s.name)}${extra}`;

/** How to get a prompt to the agent: at once when it runs, else after a restart. */
function ask(s: PushSubject, text: string): string {
  const feedback = `wtp feedback ${shellWord(s.name)} ${shellWord(text)}`;
  return s.live ? feedback : `wtp restart ${shellWord(s.name)}, then ${feedback}`;
}

/** MERGE_UNCOMMITTED: work a push would leave behind. */
export function pushUncommittedError(s: PushSubject, files: string[]): AppError {
  const name = shellWord(s.name);
  const next = [
    `commit it and ${s.command === 'pr' ? 'open the pull request' : 'push'}: ${again(s)} --commit 'MESSAGE'`,
    `or commit it first: wtp commit ${name} -m 'MESSAGE'; see it with: wtp diff ${name}`,
  ];
  return new AppError(
    'MERGE_UNCOMMITTED',
    `Agent "${s.name}" has ${files.length} uncommitted file(s) (${fileList(files)}), which a push would leave behind: nothing was pushed. Next, one of:${steps(next)}`,
    { agent: s.name, files, next },
  );
}

/** MERGE_CONFLICT: a merge or rebase stopped midway in the worktree. */
export function unresolvedError(s: PushSubject, files: string[]): AppError {
  const cd = `cd ${shellWord(s.worktree.path)}`;
  const next = [
    `resolve them in its worktree: ${cd} && git status; fix ${fileList(files)}, then git add -A && git commit --no-edit (or git rebase --continue); then ${again(s)}`,
    `or ask the agent to: ${ask(s, `Resolve the conflicts in ${fileList(files)} and finish the merge or rebase.`)}`,
  ];
  return new AppError(
    'MERGE_CONFLICT',
    `Agent "${s.name}" has unresolved conflicts in ${fileList(files)} (a merge or rebase stopped midway in its worktree): nothing was pushed. Next, one of:${steps(next)}`,
    { agent: s.name, conflicts: files, unresolved: true, next },
  );
}

/** MERGE_CONFLICT: the branch would not merge into `target` (what the pull request is for). */
export function baseConflictError(s: PushSubject, target: string, files: string[]): AppError {
  const cd = `cd ${shellWord(s.worktree.path)}`;
  const next = [
    `ask the agent to resolve it: ${ask(s, `Rebase your branch on ${target}, resolving the conflicts in ${fileList(files)}, and commit the result.`)}`,
    `or resolve it yourself in its worktree: ${cd} && git merge ${shellWord(target)}; fix ${fileList(files)}, then git add -A && git commit --no-edit; then ${again(s)}`,
  ];
  return new AppError(
    'MERGE_CONFLICT',
    `${s.name}'s branch ${s.branch} would conflict with ${target} in ${fileList(files)}: nothing was pushed, since the pull request could not be merged. Next, one of:${steps(next)}`,
    { agent: s.name, target, conflicts: files, next },
  );
}

/** A refused push with its next steps (PUSH_REJECTED), or `err` itself when it is not one. */
export function advisePush(err: unknown, s: PushSubject): unknown {
  if (!(err instanceof AppError) || err.code !== 'PUSH_REJECTED') return err;
  const d = err.details ?? {};
  const theirs = `${s.remote}/${s.branch}`;
  const cd = `cd ${shellWord(s.worktree.path)}`;
  let message: string;
  let next: string[];
  if (d.reason === 'behind') {
    message = `${s.remote} refused ${s.branch}: its ${theirs} has commits this branch lacks (someone else pushed, or the branch was rebased or amended): nothing was changed there. Next, one of:`;
    next = [
      `the branch was rewritten on purpose (a rebase, an amend): ${again(s, ' --force-with-lease')} (refused if ${theirs} moved since it was last seen)`,
      `or take their commits in: ${ask(s, `Run git pull --rebase ${s.remote} ${s.branch}, resolve any conflicts, and commit.`)}; then ${again(s)}`,
      `see what is there first: ${cd} && git fetch ${shellWord(s.remote)} && git log --oneline ${shellWord(`${s.branch}..${theirs}`)}`,
    ];
  } else if (d.reason === 'stale') {
    message = `${s.remote} refused to replace ${s.branch}: ${theirs} moved since this repository last saw it (--force-with-lease guards it): nothing was changed there. Next:`;
    next = [
      `see what is there now: ${cd} && git fetch ${shellWord(s.remote)} && git log --oneline ${shellWord(`${s.branch}...${theirs}`)}`,
      `then keep both: ${ask(s, `Run git pull --rebase ${s.remote} ${s.branch}, resolve any conflicts, and commit.`)}; or, to replace theirs after all, ${again(s, ' --force-with-lease')} once fetched`,
    ];
  } else {
    const said = typeof d.message === 'string' && d.message !== '' ? `: ${d.message}` : '';
    message = `${s.remote} refused ${s.branch}${said}: nothing was changed there. Next:`;
    next = [
      `read the remote's rule (a protected branch, a hook), then ${again(s)} again, or push to another remote with --remote`,
    ];
  }
  return new AppError('PUSH_REJECTED', message + steps(next), { ...d, agent: s.name, next }, { cause: err });
}
