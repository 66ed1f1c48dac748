import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { insideRepository } from './new-agent-view.js';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the new-agent form', () => {
  it('offers an own worktree inside a repository (a .git folder or file above), none outside', () => {
    dir = mkdtempSync(join(tmpdir(), 'wtp-form-'));
    mkdirSync(join(dir, 'repo', '.git'), { recursive: true });
    mkdirSync(join(dir, 'repo', 'src', 'deep'), { recursive: true });
    mkdirSync(join(dir, 'linked'));
    writeFileSync(join(dir, 'linked', '.git'), 'gitdir: /elsewhere\n');
    mkdirSync(join(dir, 'plain'));
    expect(insideRepository(join(dir, 'repo', 'src', 'deep'))).toBe(true);
    expect(insideRepository(join(dir, 'linked'))).toBe(true);
    expect(insideRepository(join(dir, 'plain'))).toBe(false);
  });
});
