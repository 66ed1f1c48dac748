// What to do after a refused merge: the git adapter says what it found, this says what next.
import { AppError } from '../errors.js';
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

const TEST_TAIL_LINES = 10;

/** Up to five names, then how many more. */
export function fileList(files: readonly string[]): string {
  const shown = files.slice(0, 5).join(', ');
  return files.length > 5 ? `${shown} and ${files.length - 5} more` : shown;
}

/** "  - step" lines. */
const steps = (lines: string[]): string => lines.map((l) => `\n  - ${l}`).join('');

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
 * The refused merge's error with the next steps in its message (and `details.next`), or `err`
 * itself when it is not a refused merge.
 */
export function adviseMerge(err: unknown, s: MergeSubject): unknown {
  if (!(err instanceof AppError)) return err;
  const d = err.details ?? {};
  const again = merge(s, s.strategy);
  const cd = `cd ${shellWord(s.worktree.path)}`;
  let message: string;
  let next: string[];
  switch (err.code) {
    case 'MERGE_CONFLICT': {
      const target = String(d.target ?? s.worktree.base);
      const files = Array.isArray(d.conflicts) ? d.conflicts.map(String) : [];
      const commit = typeof d.commit === 'string' ? d.commit : null;
      message = `Merging ${s.name} (branch ${s.worktree.branch ?? '?'}) into ${target} would conflict in ${fileList(files)}${commit ? ` when its commit ${commit.slice(0, 12)} is replayed` : ''}: nothing was merged, ${target} was left exactly as it was. Next, one of:`;
      next = [
        `ask the agent to resolve it: ${ask(s, `Rebase your branch on ${target}, resolving the conflicts in ${fileList(files)}, and commit the result.`)}`,
        `or resolve it yourself in its worktree: ${cd} && git merge ${shellWord(target)}; fix ${fileList(files)}, then git add -A && git commit --no-edit; then ${again}`,
        commit
          ? `or take the branch as a whole instead of commit by commit: ${merge(s, 'merge')} (or --strategy squash)`
          : `see the conflicting lines first: wtp conflicts`,
      ];
      break;
    }
    case 'MERGE_TEST_FAILED': {
      const output = String(d.output ?? '').trimEnd();
      const tail = output.split('\n').slice(-TEST_TAIL_LINES);
      const [command, code] = [String(d.command ?? ''), String(d.exitCode)];
      const shown = output === '' ? '' : ` Its last lines:\n${tail.map((l) => `    ${l}`).join('\n')}\n`;
      message = `The test command failed in ${s.name}'s worktree (exit ${code}): nothing was merged.${shown} Next, one of:`;
      next = [
        `ask the agent to fix it: ${ask(s, `The tests fail: "${command}" exits with ${code}. Fix them and commit.`)}`,
        `or run it yourself: ${cd} && ${command}; once it passes: ${again} --test ${shellWord(command)}`,
      ];
      break;
    }
    case 'MERGE_TARGET_DIRTY': {
      const target = String(d.target ?? s.worktree.base);
      const where = String(d.worktree ?? '');
      const files = Array.isArray(d.files) ? d.files.map(String) : [];
      message = `${target} is checked out in ${where} with uncommitted changes (${fileList(files)}): nothing was merged. Next, one of:`;
      next = [
        `commit or stash them there: cd ${shellWord(where)} && git status; then ${again}`,
        `or merge into another branch: ${again} --into BRANCH`,
      ];
      break;
    }
    default:
      return err;
  }
  // `--commit` ran before the merge was tried: that commit stays on the agent's branch.
  const committed = s.committed
    ? ` ${s.name}'s uncommitted work was committed first, as ${s.committed.slice(0, 12)}: that commit stays on its branch.`
    : '';
  return new AppError(
    err.code,
    message.replace(/ Next, one of:$/, `${committed} Next, one of:`) + steps(next),
    { ...d, agent: s.name, committed: s.committed ?? null, next },
    { cause: err },
  );
}

/** MERGE_UNCOMMITTED: the agent's worktree has work a merge would leave behind. */
export function uncommittedError(s: MergeSubject, files: string[]): AppError {
  const name = shellWord(s.name);
  const next = [
    `commit it and merge: ${merge(s, s.strategy)} --commit 'MESSAGE'`,
    `or commit it first: wtp commit ${name} -m 'MESSAGE'; see it with: wtp diff ${name}`,
  ];
  return new AppError(
    'MERGE_UNCOMMITTED',
    `Agent "${s.name}" has ${files.length} uncommitted file(s) (${fileList(files)}), which a merge would leave behind: nothing was merged. Next, one of:${steps(next)}`,
    { agent: s.name, files, next },
  );
}
