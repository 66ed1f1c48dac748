import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { streamBytes, TempDirs } from '../../../test/support/adapters/temp-dirs.js';
import { listLogFiles, logFileName } from './log-files.js';
import { OutputLogWriter } from './output-log-writer.js';

const temp = new TempDirs();
const writers: OutputLogWriter[] = [];
let dir: string;

const writer = (maxBytes: number): OutputLogWriter => {
  const w = new OutputLogWriter(dir, maxBytes);
  writers.push(w);
  return w;
};

/** Appends the stream's bytes in `size`-byte chunks up to `end`; returns the offsets `append` reported. */
function fill(w: OutputLogWriter, end: number, size: number): number[] {
  const seqs: number[] = [];
  while (w.end < end) seqs.push(w.append(streamBytes(w.end, Math.min(end, w.end + size))));
  return seqs;
}

/** The bytes of every kept file, concatenated oldest first. */
const kept = (): Buffer => Buffer.concat(listLogFiles(dir).map((f) => readFileSync(f.path)));

beforeEach(() => {
  dir = join(temp.make(), 'agents', 'a1');
});

afterEach(() => {
  for (const w of writers.splice(0)) w.close();
  temp.removeAll();
});

describe('log file names', () => {
  it('are named by their 16-digit start offset and listed in offset order', () => {
    expect(logFileName(0)).toBe('out-0000000000000000.log');
    expect(logFileName(8_388_608)).toBe('out-0000000008388608.log');
    mkdirSync(dir, { recursive: true });
    // Written out of order, plus files that are not logs.
    writeFileSync(join(dir, logFileName(1_000_000)), 'bb');
    writeFileSync(join(dir, logFileName(999)), 'a');
    writeFileSync(join(dir, 'out-12.log'), 'x');
    writeFileSync(join(dir, 'host.log'), 'x');
    expect(listLogFiles(dir)).toEqual([
      { start: 999, size: 1, path: join(dir, logFileName(999)) },
      { start: 1_000_000, size: 2, path: join(dir, logFileName(1_000_000)) },
    ]);
  });

  it('of a folder that does not exist are none', () => {
    expect(listLogFiles(join(dir, 'nope'))).toEqual([]);
  });
});

describe('OutputLogWriter', () => {
  it('starts at 0 with one empty file in a 0700 folder', () => {
    const w = writer(65_536);
    expect(w.end).toBe(0);
    expect(readdirSync(dir)).toEqual([logFileName(0)]);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('returns the byte offset of each append', () => {
    const w = writer(65_536);
    expect(w.append(Buffer.from('hello'))).toBe(0);
    expect(w.append(Buffer.from(''))).toBe(5);
    expect(w.append(Buffer.from(' world'))).toBe(5);
    expect(w.end).toBe(11);
    expect(readFileSync(join(dir, logFileName(0)), 'utf8')).toBe('hello world');
  });

  it('rotates into a file named by the next offset once a file reaches half of maxBytes', () => {
    const w = writer(65_536); // two files of 32 KiB
    const seqs = fill(w, 40_000, 10_000);
    expect(seqs).toEqual([0, 10_000, 20_000, 30_000]);
    // 40 000 ≥ 32 768: the next byte goes to a new file that starts at 40 000.
    expect(listLogFiles(dir).map((f) => [f.start, f.size])).toEqual([
      [0, 40_000],
      [40_000, 0],
    ]);
    expect(w.append(Buffer.from('x'))).toBe(40_000);
    expect(readFileSync(join(dir, logFileName(40_000)), 'utf8')).toBe('x');
  });

  it('keeps only the current file and the one before it; offsets go on across rotations', () => {
    const w = writer(65_536);
    const seqs = fill(w, 300_000, 7_000);
    expect(seqs.every((s, i) => s === i * 7_000)).toBe(true);
    expect(w.end).toBe(300_000);
    const files = listLogFiles(dir);
    expect(files).toHaveLength(2);
    const [older, current] = files as [(typeof files)[0], (typeof files)[0]];
    expect(older.start + older.size).toBe(current.start); // contiguous
    expect(current.start + current.size).toBe(300_000);
    expect(older.size).toBeGreaterThanOrEqual(32_768);
    expect(kept().equals(streamBytes(older.start, 300_000))).toBe(true);
  });

  it('never uses files smaller than 32 KiB, however small maxBytes is', () => {
    const w = writer(1_000);
    fill(w, 32_767, 4_096);
    expect(listLogFiles(dir)).toHaveLength(1);
    w.append(Buffer.from('z'));
    expect(listLogFiles(dir).map((f) => f.start)).toEqual([0, 32_768]);
  });

  it('keeps a single large append whole in one file', () => {
    const w = writer(65_536);
    expect(w.append(streamBytes(0, 100_000))).toBe(0);
    expect(listLogFiles(dir).map((f) => [f.start, f.size])).toEqual([
      [0, 100_000],
      [100_000, 0],
    ]);
  });

  it('continues at the old end when a new writer opens the same folder (host restart)', () => {
    const first = writer(65_536);
    fill(first, 90_000, 9_000);
    const end = first.end;
    first.close();
    writers.splice(writers.indexOf(first), 1);

    const second = writer(65_536);
    expect(second.end).toBe(end);
    expect(second.append(streamBytes(end, end + 500))).toBe(end);
    fill(second, 200_000, 9_000);
    const files = listLogFiles(dir);
    expect(files).toHaveLength(2);
    expect(kept().equals(streamBytes(files[0]?.start ?? -1, 200_000))).toBe(true);
  });

  it('continues in the middle of a partly filled last file', () => {
    const first = writer(65_536);
    first.append(Buffer.from('abc'));
    first.close();
    writers.splice(writers.indexOf(first), 1);
    const second = writer(65_536);
    expect(second.append(Buffer.from('def'))).toBe(3);
    expect(readdirSync(dir)).toEqual([logFileName(0)]);
    expect(readFileSync(join(dir, logFileName(0)), 'utf8')).toBe('abcdef');
  });
});
