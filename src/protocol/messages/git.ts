import type { ErrorCode } from '../error-catalog.js';
import type { MessagePairs } from './pairs.js';

/** Git, worktrees, merges, pushes and the forge. */
export const GIT_MESSAGES = {
  GIT_FAILED: [
    [
      '`git push {remote} {branch}` timed out after {timeoutSeconds} s (`forge.pushTimeoutMs`).',
      'Check the network and the remote, or raise `forge.pushTimeoutMs`, then push again.',
    ],
    [
      '`git push {remote} {branch}` failed (exit {exitCode}): {said}.',
      'Check that `git push` to {remote} works in the repository (its URL, your credentials), then push again.',
    ],
    [
      '`git push {remote} {branch}` failed (exit {exitCode}).',
      'Check that `git push` to {remote} works in the repository (its URL, your credentials), then push again.',
    ],
    [
      '`{command}` timed out after {timeoutSeconds} s in {cwd}.',
      'Look at the repository with `git status` there, then run the command again.',
    ],
    [
      '`{command}` failed in {cwd} (exit {exitCode}): {said}.',
      'Fix what git reports, then run the command again.',
    ],
    [
      '`{command}` failed in {cwd} (exit {exitCode}).',
      'Look at the repository with `git status` there, then run the command again.',
    ],
    [
      'The root commit {commit} cannot be replayed onto another branch.',
      'Merge the branch as a whole with `--strategy merge` or `--strategy squash`.',
    ],
    [
      'Git is not installed: it is not found on the PATH, so `{command}` could not run.',
      'Install git, then restart the daemon from a shell where `git --version` works (`wtp down && wtp up`).',
    ],
    ['Git is not available to this daemon.', 'Install git, then restart the daemon (`wtp down && wtp up`).'],
  ],
  NOT_A_REPOSITORY: [
    [
      '{path} is not inside a git repository ({reason}), and the settings belong to a repository.',
      'Run `wtp init` in one, or pass `--here` to write {file} in this folder anyway.',
    ],
    [
      '{path} is not in a git repository, so the agents of workspace "{workspace}" cannot get worktrees there.',
      'Use `--cwd` for a folder they work in place, or run `git init` there first.',
    ],
    [
      '{path} is not inside a git repository ({reason}).',
      'Give a folder inside a git repository, or run `git init` there first.',
    ],
    [
      '{path} is not inside a git repository.',
      'Give a folder inside a git repository, or run `git init` there first.',
    ],
  ],
  GIT_REF_NOT_FOUND: [
    [
      'The branch {ref} of agent "{agent}" no longer exists in {repo}, perhaps merged and removed, so there is nothing to fork from.',
      'Start a new agent with `wtp new` instead.',
    ],
    [
      'The branch {branch} does not exist in {repo}.',
      'Create it first, or leave out `--branch` to start the agent on a new branch.',
    ],
    ['The branch {target} to merge into does not exist in {repo}.', 'Name an existing branch with `--into`.'],
    [
      'No branch, tag or commit is named "{ref}" in {repo}.',
      'Check the name (`git branch --all` lists the branches), or fetch it first with `git fetch`.',
    ],
  ],
  GIT_BRANCH_TAKEN: [
    [
      'The branch {branch} is already checked out in {worktree}, and a branch has one worktree at a time.',
      'Check out another branch there, or pass another `--branch`.',
    ],
    ['The branch {branch} already exists.', 'Pick another agent name, or reuse the branch with `--branch`.'],
  ],
  GIT_DETACHED_HEAD: [
    [
      'The repository {repo} is on a detached HEAD, so there is no current branch to start from.',
      'Give a base for the new branch with `--base`.',
    ],
  ],
  WORKTREE_DIRTY: [
    [
      'Removing "{agent}" would lose {fileCount} uncommitted file(s) and {commitCount} unmerged commit(s) in {path}.',
      'Commit or merge them first (`wtp commit`, `wtp merge`), or pass `--force`.',
    ],
    [
      'Removing "{agent}" would lose {fileCount} uncommitted file(s) in {path}.',
      'Commit them first (`wtp commit`), or pass `--force`.',
    ],
    [
      'Removing "{agent}" would lose {commitCount} unmerged commit(s) in {path}.',
      'Merge them first (`wtp merge`), or pass `--force`.',
    ],
    [
      'Removing {path} would lose {fileCount} uncommitted file(s) and {commitCount} unmerged commit(s).',
      'Commit or merge them first, or pass `--force`.',
    ],
    [
      'The folder {path} exists and is not empty, perhaps left from an earlier worktree.',
      'Remove it first, then run the command again.',
    ],
  ],
  MERGE_TARGET_DIRTY: [
    [
      '{target} is checked out in {worktree} with uncommitted changes ({fileList}): nothing was merged, and the commit {committed} made first of its uncommitted work stays on its branch.',
      'Commit or stash them there and run `{again}` again, or merge into another branch with `--into`.',
    ],
    [
      '{target} is checked out in {worktree} with uncommitted changes ({fileList}): nothing was merged.',
      'Commit or stash them there and run `{again}` again, or merge into another branch with `--into`.',
    ],
    [
      '{target} is checked out in {worktree} with uncommitted changes.',
      'Commit or stash them there, or merge into another branch with `--into`.',
    ],
  ],
  MERGE_CONFLICT: [
    [
      "{agent}'s branch {branch} would conflict with {target} in {fileList}: nothing was pushed to {remote}, since the pull request could not be merged.",
      'Ask the agent to rebase on {target} and resolve them, or merge {target} in its worktree yourself, then run `{again}` again.',
    ],
    [
      'Agent "{agent}" has unresolved conflicts in {fileList} (a merge or rebase stopped midway in its worktree): nothing was pushed to {remote}.',
      'Resolve them in its worktree and commit (or `git rebase --continue`), or ask the agent to, then run `{again}` again.',
    ],
    [
      'Merging {agent} (branch {branch}) into {target} would conflict in {fileList} when its commit {commit} is replayed: nothing was merged, {target} was left exactly as it was, and the commit {committed} made first of its uncommitted work stays on its branch.',
      'Ask the agent to rebase on {target} and resolve them, or take the branch as a whole with `--strategy merge` or `--strategy squash`.',
    ],
    [
      'Merging {agent} (branch {branch}) into {target} would conflict in {fileList} when its commit {commit} is replayed: nothing was merged, and {target} was left exactly as it was.',
      'Ask the agent to rebase on {target} and resolve them, or take the branch as a whole with `--strategy merge` or `--strategy squash`.',
    ],
    [
      'Merging {agent} (branch {branch}) into {target} would conflict in {fileList}: nothing was merged, {target} was left exactly as it was, and the commit {committed} made first of its uncommitted work stays on its branch.',
      'Ask the agent to rebase on {target} and resolve them, or resolve them yourself in its worktree and run `{again}` again; `wtp conflicts` shows the lines.',
    ],
    [
      'Merging {agent} (branch {branch}) into {target} would conflict in {fileList}: nothing was merged, and {target} was left exactly as it was.',
      'Ask the agent to rebase on {target} and resolve them, or resolve them yourself in its worktree and run `{again}` again; `wtp conflicts` shows the lines.',
    ],
    [
      'Replaying the commit {commit} of {branch} onto {target} would conflict in {conflicts}.',
      'Merge the branch as a whole with `--strategy merge` or `--strategy squash`.',
    ],
    [
      'Merging {branch} into {target} would conflict in {conflicts}.',
      'Rebase {branch} on {target} and resolve the conflicts, then merge again.',
    ],
    ['The merge would conflict in {conflicts}.', 'Resolve the conflicts, then run the command again.'],
  ],
  MERGE_UNCOMMITTED: [
    [
      'Agent "{agent}" has {fileCount} uncommitted file(s) ({fileList}), which a push would leave behind: nothing was pushed to {remote}.',
      "Commit it with `{again} --commit 'MESSAGE'`, or first with `wtp commit {agentArg} -m 'MESSAGE'`.",
    ],
    [
      'Agent "{agent}" has {fileCount} uncommitted file(s) ({fileList}), which a merge would leave behind: nothing was merged.',
      "Commit it and merge with `{again} --commit 'MESSAGE'`, or commit it first with `wtp commit {agentArg} -m 'MESSAGE'`.",
    ],
  ],
  MERGE_TEST_FAILED: [
    [
      "The test command failed in {agent}'s worktree (exit {exitCode}): nothing was merged, and the commit {committed} made first of its uncommitted work stays on its branch.",
      'Ask the agent to fix it (`wtp feedback`), or run it in its worktree yourself, then `{again} --test {commandArg}`.',
    ],
    [
      "The test command failed in {agent}'s worktree (exit {exitCode}): nothing was merged.",
      'Ask the agent to fix it (`wtp feedback`), or run it in its worktree yourself, then `{again} --test {commandArg}`.',
    ],
    [
      'The test command failed (exit {exitCode}), so nothing was merged.',
      'Fix the tests in the worktree, then merge again with `--test`.',
    ],
  ],
  PUSH_REJECTED: [
    [
      '{remote} refused {branch}: its {theirs} has commits this branch lacks (someone else pushed, or the branch was rebased or amended), so nothing was changed there.',
      'If the branch was rewritten on purpose, run `{again} --force-with-lease`; else take their commits in with `git pull --rebase`, then run `{again}`.',
    ],
    [
      '{remote} refused to replace {branch}: {moved} moved since this repository last saw it (`--force-with-lease` guards it), so nothing was changed there.',
      'Fetch and look at what is there now, then keep both with `git pull --rebase`, or replace it with `{again} --force-with-lease` once fetched.',
    ],
    [
      '{remote} refused {branch}: {message}; nothing was changed there.',
      "Read the remote's rule (a protected branch, a hook), then run `{again}` again, or push to another remote with `--remote`.",
    ],
    ['{remote} refused {branch}: {message}.', 'Fetch and look at the remote branch, then push again.'],
  ],
  GIT_REMOTE_NOT_FOUND: [
    [
      '{repo} has no remote "{remote}" (it has {others}), so nothing was pushed.',
      'Pass one of them with `--remote`, or add it with `git -C {repo} remote add {remote} URL`.',
    ],
    [
      '{repo} has no remote "{remote}", so nothing was pushed.',
      'Add it with `git -C {repo} remote add {remote} URL`.',
    ],
  ],
  PR_NO_COMMITS: [
    [
      "{agent}'s branch {branch} has no commits that {base} lacks: there is nothing to propose, and nothing was pushed or opened.",
      "Commit its work first with `wtp commit {agent} -m 'MESSAGE'`, or `wtp pr {agent} --commit 'MESSAGE'`.",
    ],
  ],
  PR_NOT_FOUND: [['Agent "{agent}" has no pull request.', 'Open one with `wtp pr {agent}`.']],
  CHECKS_NOT_FAILING: [
    [
      "No check of {agent}'s pull request #{number} fails (checks: {checksState}; it is {state}), so nothing was sent.",
      'See them with `wtp pr status {agent}`.',
    ],
  ],
  WORKTREE_MISSING: [
    [
      'Agent "{agent}" cannot restart: its worktree {path} no longer exists (`wtp gc` removes the worktree and branch of an ended agent whose work is merged), so nothing was started.',
      'Remove it and start a new agent, which gets a fresh worktree: `wtp rm {agent}`, then `{start}` (`--branch {branch}` goes on from its branch, if that still exists).',
    ],
    [
      'Agent "{agent}" cannot restart: its worktree {path} no longer exists (`wtp gc` removes the worktree and branch of an ended agent whose work is merged), so nothing was started.',
      'Remove it and start a new agent, which gets a fresh worktree: `wtp rm {agent}`, then `{start}`.',
    ],
  ],
  FORGE_CLI_MISSING: [
    [
      "{cli} ({cliName}) is not on the daemon's PATH, so nothing was pushed or opened.",
      'Install it ({install}), sign in (`{login}`), then restart the daemon from a shell where `{cli} --version` works (`wtp down && wtp up`).',
    ],
  ],
  FORGE_FAILED: [
    [
      '`{command}` did not finish within {timeoutSeconds} s (`forge.cliTimeoutMs`).',
      'Check the network and the forge, or raise `forge.cliTimeoutMs`, then run the command again.',
    ],
    [
      '`{command}` is not signed in (exit {exitCode}): {said}.',
      'Sign in with `{login}` (`{cli} auth status` shows how it stands), then run the command again.',
    ],
    [
      '`{command}` failed (exit {exitCode}): {said}.',
      'Check that `{cli}` works in the repository (signed in, the repository on the forge), then run the command again.',
    ],
    [
      '`{command}` failed (exit {exitCode}).',
      'Check that `{cli}` works in the repository (signed in, the repository on the forge), then run the command again.',
    ],
    [
      '`{command}` answered with output wezterm-parallel cannot read, perhaps from a {cli} version it does not know.',
      'Update {cli}, then run the command again.',
    ],
  ],
  FILE_EXISTS: [
    [
      'The screen of agent "{agent}" was not saved: {path} already exists.',
      'Pass another `--out`, or `--force` to replace it.',
    ],
    [
      '{path} already exists, so nothing was changed.',
      'Edit it, or pass `--force` to replace it with a fresh one.',
    ],
  ],
  PATH_OUTSIDE_REPOSITORY: [
    [
      "{link} is a symbolic link to {target}, and a repository's links are its content, not a place to write to: nothing was written.",
      'Remove the link, or write {path} by hand.',
    ],
  ],
} as const satisfies Partial<Record<ErrorCode, MessagePairs>>;
