import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withFileLock } from './json-file.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'wtp-lock-'));
  dirs.push(d);
  return d;
}

describe('withFileLock', () => {
  it('holds `<file>.lock` while the update runs, then releases it (creating missing folders)', async () => {
    const file = join(temp(), 'cfg', 'state.json');
    const got = await withFileLock(file, () => existsSync(`${file}.lock`));
    expect(got).toEqual({ value: true, locked: true });
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('goes ahead without the lock when its holder keeps it past the wait, and leaves it to them', async () => {
    const file = join(temp(), 'state.json');
    mkdirSync(`${file}.lock`);
    const got = await withFileLock(file, () => 'written', { waitMs: 20 });
    expect(got).toEqual({ value: 'written', locked: false });
    expect(existsSync(`${file}.lock`)).toBe(true);
  });
});
