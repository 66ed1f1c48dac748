// What to do after a refused push: the same codes as a refused merge, with next steps for a push.
import { AppError } from '../errors.js';
import { appError } from '../../protocol/error-messages.js';
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
  return appError('MERGE_UNCOMMITTED', {
    agent: s.name,
    files,
    next,
    fileCount: files.length,
    fileList: fileList(files),
    remote: s.remote,
    again: again(s),
    agentArg: name,
  });
}

/** MERGE_CONFLICT: a merge or rebase stopped midway in the worktree. */
export function unresolvedError(s: PushSubject, files: string[]): AppError {
  const cd = `cd ${shellWord(s.worktree.path)}`;
  const next = [
    `resolve them in its worktree: ${cd} && git status; fix ${fileList(files)}, then git add -A && git commit --no-edit (or git rebase --continue); then ${again(s)}`,
    `or ask the agent to: ${ask(s, `Resolve the conflicts in ${fileList(files)} and finish the merge or rebase.`)}`,
  ];
  return appError('MERGE_CONFLICT', {
    agent: s.name,
    conflicts: files,
    unresolved: true,
    next,
    fileList: fileList(files),
    remote: s.remote,
    again: again(s),
  });
}

/** MERGE_CONFLICT: the branch would not merge into `target` (what the pull request is for). */
export function baseConflictError(s: PushSubject, target: string, files: string[]): AppError {
  const cd = `cd ${shellWord(s.worktree.path)}`;
  const next = [
    `ask the agent to resolve it: ${ask(s, `Rebase your branch on ${target}, resolving the conflicts in ${fileList(files)}, and commit the result.`)}`,
    `or resolve it yourself in its worktree: ${cd} && git merge ${shellWord(target)}; fix ${fileList(files)}, then git add -A && git commit --no-edit; then ${again(s)}`,
  ];
  return appError('MERGE_CONFLICT', {
    agent: s.name,
    target,
    conflicts: files,
    next,
    branch: s.branch,
    fileList: fileList(files),
    remote: s.remote,
    again: again(s),
  });
}

/** A refused push with its next steps (PUSH_REJECTED), or `err` itself when it is not one. */
export function advisePush(err: unknown, s: PushSubject): unknown {
  if (!(err instanceof AppError) || err.code !== 'PUSH_REJECTED') return err;
  const d = err.details ?? {};
  const theirs = `${s.remote}/${s.branch}`;
  const cd = `cd ${shellWord(s.worktree.path)}`;
  const fields = {
    ...d,
    agent: s.name,
    remote: s.remote,
    branch: s.branch,
    message: typeof d.message === 'string' ? d.message : '',
    again: again(s),
  };
  if (d.reason === 'behind') {
    const next = [
      `the branch was rewritten on purpose (a rebase, an amend): ${again(s, ' --force-with-lease')} (refused if ${theirs} moved since it was last seen)`,
      `or take their commits in: ${ask(s, `Run git pull --rebase ${s.remote} ${s.branch}, resolve any conflicts, and commit.`)}; then ${again(s)}`,
      `see what is there first: ${cd} && git fetch ${shellWord(s.remote)} && git log --oneline ${shellWord(`${s.branch}..${theirs}`)}`,
    ];
    return appError('PUSH_REJECTED', { ...fields, theirs, next }, { cause: err });
  }
  if (d.reason === 'stale') {
    const next = [
      `see what is there now: ${cd} && git fetch ${shellWord(s.remote)} && git log --oneline ${shellWord(`${s.branch}...${theirs}`)}`,
      `then keep both: ${ask(s, `Run git pull --rebase ${s.remote} ${s.branch}, resolve any conflicts, and commit.`)}; or, to replace theirs after all, ${again(s, ' --force-with-lease')} once fetched`,
    ];
    return appError('PUSH_REJECTED', { ...fields, moved: theirs, next }, { cause: err });
  }
  const next = [
    `read the remote's rule (a protected branch, a hook), then ${again(s)} again, or push to another remote with --remote`,
  ];
  return appError('PUSH_REJECTED', { ...fields, next }, { cause: err });
}
