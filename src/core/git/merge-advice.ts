// What to do after a refused merge: the git adapter says what it found, this says what next.
import { AppError } from '../errors.js';
import { appError } from '../../protocol/error-messages.js';
import { shellWord } from '../../protocol/shell-word.js';
import type { AgentWorktree, MergeStrategy } from '../ports/git.js';

/** The agent whose merge was refused, as the advice needs it. */
export interface MergeSubject {
  name: string;
  /** Its process runs: it can be given feedback now. */
  live: boolean;
  worktree: AgentWorktree;
  strategy: MergeStrategy;
  /** The branch it was to be merged into when not its base (`--into`). */
  into?: string | undefined;
  /** The commit `--commit` made of its uncommitted work before the merge was tried, if one was. */
  committed?: string | null;
}

/** Up to five names, then how many more. */
export function fileList(files: readonly string[]): string {
  const shown = files.slice(0, 5).join(', ');
  return files.length > 5 ? `${shown} and ${files.length - 5} more` : shown;
}

/** The `wtp merge` command line to run again (with another strategy). */
function merge(s: MergeSubject, strategy: MergeStrategy): string {
  const into = s.into === undefined ? '' : ` --into ${shellWord(s.into)}`;
  return `wtp merge ${shellWord(s.name)}${strategy === 'merge' ? '' : ` --strategy ${strategy}`}${into}`;
}

/** How to get a prompt to the agent: at once when it runs, else after a restart. */
function ask(s: MergeSubject, text: string): string {
  const feedback = `wtp feedback ${shellWord(s.name)} ${shellWord(text)}`;
  return s.live ? feedback : `wtp restart ${shellWord(s.name)}, then ${feedback}`;
}

/**
 * The refused merge's error with the next steps in `details.next` (its message says the first), or
 * `err` itself when it is not a refused merge.
 */
export function adviseMerge(err: unknown, s: MergeSubject): unknown {
  if (!(err instanceof AppError)) return err;
  const d = err.details ?? {};
  const again = merge(s, s.strategy);
  const cd = `cd ${shellWord(s.worktree.path)}`;
  // `--commit` ran before the merge was tried: that commit stays on the agent's branch.
  const common = { ...d, agent: s.name, committed: s.committed ?? null, again };
  const options = { cause: err };
  switch (err.code) {
    case 'MERGE_CONFLICT': {
      const target = String(d.target ?? s.worktree.base);
      const files = Array.isArray(d.conflicts) ? d.conflicts.map(String) : [];
      const commit = typeof d.commit === 'string' ? d.commit : null;
      const next = [
        `ask the agent to resolve it: ${ask(s, `Rebase your branch on ${target}, resolving the conflicts in ${fileList(files)}, and commit the result.`)}`,
        `or resolve it yourself in its worktree: ${cd} && git merge ${shellWord(target)}; fix ${fileList(files)}, then git add -A && git commit --no-edit; then ${again}`,
        commit
          ? `or take the branch as a whole instead of commit by commit: ${merge(s, 'merge')} (or --strategy squash)`
          : `see the conflicting lines first: wtp conflicts`,
      ];
      return appError(
        'MERGE_CONFLICT',
        {
          ...common,
          target,
          branch: String(d.branch ?? s.worktree.branch ?? '?'),
          conflicts: files,
          ...(commit === null ? {} : { commit }),
          fileList: fileList(files),
          next,
        },
        options,
      );
    }
    case 'MERGE_TEST_FAILED': {
      const [command, code] = [String(d.command ?? ''), String(d.exitCode)];
      const next = [
        `ask the agent to fix it: ${ask(s, `The tests fail: "${command}" exits with ${code}. Fix them and commit.`)}`,
        `or run it yourself: ${cd} && ${command}; once it passes: ${again} --test ${shellWord(command)}`,
      ];
      return appError(
        'MERGE_TEST_FAILED',
        { ...common, exitCode: Number(d.exitCode), commandArg: shellWord(command), next },
        options,
      );
    }
    case 'MERGE_TARGET_DIRTY': {
      const target = String(d.target ?? s.worktree.base);
      const where = String(d.worktree ?? '');
      const files = Array.isArray(d.files) ? d.files.map(String) : [];
      const next = [
        `commit or stash them there: cd ${shellWord(where)} && git status; then ${again}`,
        `or merge into another branch: ${again} --into BRANCH`,
      ];
      return appError(
        'MERGE_TARGET_DIRTY',
        { ...common, target, worktree: where, fileList: fileList(files), next },
        options,
      );
    }
    default:
      return err;
  }
}

/** MERGE_UNCOMMITTED: the agent's worktree has work a merge would leave behind. */
export function uncommittedError(s: MergeSubject, files: string[]): AppError {
  const name = shellWord(s.name);
  const again = merge(s, s.strategy);
  const next = [
    `commit it and merge: ${again} --commit 'MESSAGE'`,
    `or commit it first: wtp commit ${name} -m 'MESSAGE'; see it with: wtp diff ${name}`,
  ];
  return appError('MERGE_UNCOMMITTED', {
    agent: s.name,
    files,
    next,
    fileCount: files.length,
    fileList: fileList(files),
    again,
    agentArg: name,
  });
}
