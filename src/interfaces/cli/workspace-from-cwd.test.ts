import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../protocol/app-error.js';
import { gitTopLevel, workspaceForCwd } from './workspace-from-cwd.js';

const root = mkdtempSync(join(tmpdir(), 'wtp-cwd-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** `<root>/<path>` made, with a `.git` folder when `git`. */
function dir(path: string, git = false): string {
  const d = join(root, path);
  mkdirSync(git ? join(d, '.git') : d, { recursive: true });
  return d;
}

function refusal(f: () => unknown): AppError {
  try {
    f();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('not refused');
}

const USAGE = 'wtp task add … --workspace NAME';

describe('workspaceForCwd', () => {
  const repo = dir('shop', true);
  const deep = dir('shop/src/deep');
  const plain = dir('notes');
  const ws = [
    { name: 'default', repoPath: null },
    { name: 'shop', repoPath: repo },
    { name: 'notes', repoPath: plain },
  ];

  it('finds the git repository a folder is in (a .git folder or file)', () => {
    expect(gitTopLevel(deep)).toBe(repo);
    expect(gitTopLevel(plain)).toBe(null);
  });

  it('picks the workspace of the repository the current directory is in, or of the folder itself', () => {
    expect(workspaceForCwd(repo, ws, USAGE)).toBe('shop');
    expect(workspaceForCwd(deep, ws, USAGE)).toBe('shop');
    expect(workspaceForCwd(plain, ws, USAGE)).toBe('notes');
    // Through a symbolic link to the repository too.
    symlinkSync(repo, join(root, 'link'));
    expect(workspaceForCwd(join(root, 'link', 'src'), ws, USAGE)).toBe('shop');
  });

  it('refuses a folder no workspace works on (WORKSPACE_REQUIRED), saying how to make one', () => {
    const other = dir('other', true);
    const err = refusal(() => workspaceForCwd(join(other), ws, USAGE));
    expect(err.code).toBe('WORKSPACE_REQUIRED');
    expect(err.message).toBe(
      `No workspace works on ${other} (the git repository of the current directory). Make one with \`wtp workspace new NAME --repo .\`, then \`${USAGE}\`; or pass \`--workspace\`.`,
    );
    expect(err.details).toMatchObject({ cwd: other, repository: other });
    // A folder inside a workspace's plain folder is not that folder.
    expect(refusal(() => workspaceForCwd(dir('notes/sub'), ws, USAGE)).code).toBe('WORKSPACE_REQUIRED');
  });

  it('refuses when several workspaces work on it (WORKSPACE_AMBIGUOUS), listing them', () => {
    const err = refusal(() => workspaceForCwd(deep, [...ws, { name: 'shop2', repoPath: `${repo}/` }], USAGE));
    expect(err.code).toBe('WORKSPACE_AMBIGUOUS');
    expect(err.details).toMatchObject({ candidates: ['shop', 'shop2'] });
    expect(err.message).toBe(`Workspaces shop, shop2 all work on ${repo}. Pick one with \`--workspace\`.`);
  });
});
