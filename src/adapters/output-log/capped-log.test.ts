import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TempDirs } from '../../../test/support/adapters/temp-dirs.js';
import { CappedLog } from './capped-log.js';

const temp = new TempDirs();
afterEach(() => temp.removeAll());

const size = (f: string): number => {
  try {
    return statSync(f).size;
  } catch {
    return 0;
  }
};

describe('CappedLog (host.log)', () => {
  it('never holds more than its cap on disk, however much is written: two files, the newest lines kept', () => {
    const file = join(temp.make(), 'host.log');
    const log = new CappedLog(file, 16 * 1024);
    for (let i = 0; i < 3_000; i++) log.append(`line ${i} ${'x'.repeat(60)}\n`);
    expect(size(file) + size(`${file}.1`)).toBeLessThanOrEqual(16 * 1024);
    expect(readFileSync(file, 'utf8').trimEnd().split('\n').at(-1)).toMatch(/^line 2999 /);
    expect(readFileSync(`${file}.1`, 'utf8').split('\n')[0]).toMatch(/^line \d+ /);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('counts what a file already holds (a host started again), and cuts a line longer than a file', () => {
    const file = join(temp.make(), 'host.log');
    writeFileSync(file, 'y'.repeat(30_000));
    const log = new CappedLog(file, 64 * 1024);
    log.append(`${'z'.repeat(100_000)}\n`);
    expect(size(`${file}.1`)).toBe(30_000);
    expect(size(file)).toBeLessThanOrEqual(32 * 1024);
    expect(readFileSync(file, 'utf8').endsWith('…\n')).toBe(true);
  });

  it('never throws: a folder that is gone loses the line', () => {
    const log = new CappedLog(join(temp.make(), 'gone', 'host.log'), 64 * 1024);
    expect(() => log.append('x\n')).not.toThrow();
  });
});
