import * as nodeFs from 'node:fs';
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { streamBytes, TempDirs } from '../../../test/support/adapters/temp-dirs.js';
import { listLogFiles, logFileName, readGapNotes } from './log-files.js';
import { OutputLogWriter, type OutputLogFs } from './output-log-writer.js';

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

/** node:fs writes that fail with `code` while `full` is set (after `allow` more bytes). */
function failingFs(code = 'ENOSPC') {
  const state = { full: false, allow: 0, failOpen: false };
  const fail = (what: string) => Object.assign(new Error(`${code}: ${what}`), { code });
  const fs: Partial<OutputLogFs> = {
    openSync: ((...args: Parameters<typeof nodeFs.openSync>) => {
      if (state.failOpen) throw fail('open');
      return nodeFs.openSync(...args);
    }) as typeof nodeFs.openSync,
    writeSync: ((fd: number, buf: Uint8Array, off?: number, len?: number) => {
      const want = len ?? buf.length - (off ?? 0);
      if (state.full && state.allow <= 0) throw fail('write');
      const n = state.full ? Math.min(want, state.allow) : want;
      if (state.full) state.allow -= n;
      return nodeFs.writeSync(fd, buf, off, n);
    }) as typeof nodeFs.writeSync,
  };
  return { state, fs };
}

describe('OutputLogWriter on a full disk', () => {
  const failing = (fs: Partial<OutputLogFs>, maxBytes = 65_536): OutputLogWriter => {
    const w = new OutputLogWriter(dir, maxBytes, fs);
    writers.push(w);
    return w;
  };

  it('keeps offsets going while writes fail, then writes on in a file named by its offset, with a note', () => {
    const { state, fs } = failingFs();
    const w = failing(fs);
    expect(w.append(streamBytes(0, 100))).toBe(0);
    state.full = true;
    expect(() => w.append(streamBytes(100, 150))).not.toThrow();
    expect(w.append(streamBytes(150, 200))).toBe(150);
    expect(w.end).toBe(200);
    expect(w.health).toMatchObject({ ok: false, code: 'ENOSPC', failedWrites: 2, droppedBytes: 100 });
    state.full = false;
    expect(w.append(streamBytes(200, 260))).toBe(200);
    expect(w.health).toMatchObject({ ok: true, code: null, failedWrites: 2, droppedBytes: 100 });
    expect(listLogFiles(dir).map((f) => [f.start, f.size])).toEqual([
      [0, 100],
      [200, 60],
    ]);
    expect(readFileSync(join(dir, logFileName(200))).equals(streamBytes(200, 260))).toBe(true);
    expect(readGapNotes(dir)).toMatchObject([{ from: 100, to: 200, code: 'ENOSPC' }]);
  });

  it('keeps the bytes of a write that stopped half-way; the gap starts after them', () => {
    const { state, fs } = failingFs();
    const w = failing(fs);
    state.full = true;
    state.allow = 30;
    w.append(streamBytes(0, 100));
    state.full = false;
    w.append(streamBytes(100, 120));
    expect(listLogFiles(dir).map((f) => [f.start, f.size])).toEqual([
      [0, 30],
      [100, 20],
    ]);
    expect(readFileSync(join(dir, logFileName(0))).equals(streamBytes(0, 30))).toBe(true);
    expect(readGapNotes(dir)).toMatchObject([{ from: 30, to: 100 }]);
  });

  it('leaves no empty file inside a gap (one gap, not two), also when a retry fails again', () => {
    const { state, fs } = failingFs();
    const w = failing(fs);
    w.append(streamBytes(0, 10));
    state.full = true;
    w.append(streamBytes(10, 20));
    w.append(streamBytes(20, 30)); // opens out-…20.log, cannot write, removes it
    state.full = false;
    w.append(streamBytes(30, 40));
    expect(listLogFiles(dir).map((f) => [f.start, f.size])).toEqual([
      [0, 10],
      [30, 10],
    ]);
    expect(readGapNotes(dir)).toMatchObject([{ from: 10, to: 30 }]);
  });

  it('closed during a gap, leaves its end offset on disk for the next host', () => {
    const { state, fs } = failingFs();
    const w = failing(fs);
    w.append(streamBytes(0, 10));
    state.full = true;
    w.append(streamBytes(10, 50));
    state.full = false; // space returned, but the agent printed nothing more before the host left
    w.close();
    writers.splice(writers.indexOf(w), 1);
    const next = writer(65_536);
    expect(next.end).toBe(50);
    expect(next.append(streamBytes(50, 60))).toBe(50);
    expect(listLogFiles(dir).map((f) => [f.start, f.size])).toEqual([
      [0, 10],
      [50, 10],
    ]);
    expect(readGapNotes(dir)).toMatchObject([{ from: 10, to: 50 }]);
  });

  it('survives a rotation that cannot create the next file: the next append creates it', () => {
    const { state, fs } = failingFs();
    const w = failing(fs, 1_000); // files of 32 KiB
    state.failOpen = true;
    w.append(streamBytes(0, 40_000)); // written, then the rotation fails to open the next file
    state.failOpen = false;
    expect(w.health.ok).toBe(true);
    expect(w.append(streamBytes(40_000, 40_010))).toBe(40_000);
    expect(listLogFiles(dir).map((f) => [f.start, f.size])).toEqual([
      [0, 40_000],
      [40_000, 10],
    ]);
  });

  it('reports an I/O error the same way', () => {
    const { state, fs } = failingFs('EIO');
    const w = failing(fs);
    state.full = true;
    w.append(streamBytes(0, 10));
    expect(w.health).toMatchObject({ ok: false, code: 'EIO', droppedBytes: 10 });
  });
});

describe('OutputLogWriter whose folder cannot be made at first', () => {
  it('counts everything as a gap from offset 0, then makes the folder and writes on', () => {
    let full = true;
    const fs: Partial<OutputLogFs> = {
      mkdirSync: ((...args: Parameters<typeof nodeFs.mkdirSync>) => {
        if (full) throw Object.assign(new Error('ENOSPC: mkdir'), { code: 'ENOSPC' });
        return nodeFs.mkdirSync(...args);
      }) as typeof nodeFs.mkdirSync,
    };
    const w = new OutputLogWriter(dir, 65_536, fs);
    writers.push(w);
    expect(w.append(streamBytes(0, 10))).toBe(0);
    expect(w.health).toMatchObject({ ok: false, code: 'ENOSPC', droppedBytes: 10 });
    full = false;
    expect(w.append(streamBytes(10, 20))).toBe(10);
    expect(listLogFiles(dir).map((f) => [f.start, f.size])).toEqual([[10, 10]]);
    expect(w.health.ok).toBe(true);
  });
});
