import * as nodeFs from 'node:fs';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDaemonLogger } from './pino-logger.js';
import { RotatingFile, type LogFs, type WriteHealth } from './rotating-file.js';

let dir: string;
let log: string;
const open: RotatingFile[] = [];

const make = (maxBytes: number, files: number): RotatingFile => {
  const f = new RotatingFile(log, maxBytes, files);
  open.push(f);
  return f;
};
/** A 40-byte chunk made of one repeated letter, so every byte says which write it came from. */
const chunk = (i: number): string => String.fromCharCode(65 + i).repeat(39) + '\n';
const read = (path: string): string => readFileSync(path, 'utf8');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wtp-test-'));
  log = join(dir, 'logs', 'daemon.log');
});

afterEach(() => {
  for (const f of open.splice(0)) f.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('RotatingFile', () => {
  it('creates its folder (0700) and the file (0600)', () => {
    const f = make(100, 2);
    expect(f.write('hello\n')).toBe(true);
    expect(read(log)).toBe('hello\n');
    expect(statSync(join(dir, 'logs')).mode & 0o777).toBe(0o700);
    expect(statSync(log).mode & 0o777).toBe(0o600);
  });

  it('rotates to .1, .2 when a write would pass maxBytes, and keeps at most `files` rotated files', () => {
    const f = make(100, 2);
    for (let i = 0; i < 7; i++) expect(f.write(chunk(i))).toBe(true);
    // Two 40-byte chunks fit under 100; the third starts a new file each time.
    expect(read(log)).toBe(chunk(6));
    expect(read(`${log}.1`)).toBe(chunk(4) + chunk(5));
    expect(read(`${log}.2`)).toBe(chunk(2) + chunk(3));
    expect(existsSync(`${log}.3`)).toBe(false);
    expect(readdirSync(join(dir, 'logs')).sort()).toEqual(['daemon.log', 'daemon.log.1', 'daemon.log.2']);
  });

  it('never lets a file pass maxBytes unless a single write is larger than maxBytes', () => {
    const f = make(100, 3);
    for (let i = 0; i < 12; i++) f.write(chunk(i % 26).slice(0, 7 + ((i * 13) % 30)));
    for (const name of readdirSync(join(dir, 'logs'))) {
      expect(statSync(join(dir, 'logs', name)).size).toBeLessThanOrEqual(100);
    }
    const big = 'x'.repeat(250);
    f.write(big);
    expect(read(log)).toBe(big); // a write larger than the cap goes whole into a fresh file
    f.write('y');
    expect(read(log)).toBe('y');
    expect(read(`${log}.1`)).toBe(big);
  });

  it('does not rotate an empty file for an oversized first write', () => {
    const f = make(10, 2);
    f.write('0123456789abcdef');
    expect(read(log)).toBe('0123456789abcdef');
    expect(existsSync(`${log}.1`)).toBe(false);
  });

  it('keeps exactly one rotated file when files = 1', () => {
    const f = make(50, 1);
    for (let i = 0; i < 5; i++) f.write(chunk(i));
    expect(read(log)).toBe(chunk(4));
    expect(read(`${log}.1`)).toBe(chunk(3));
    expect(existsSync(`${log}.2`)).toBe(false);
  });

  it('writes bytes as given (Uint8Array) and counts UTF-8 bytes, not characters', () => {
    const f = make(10, 2);
    f.write(new Uint8Array([0xc3, 0xa9, 0x0a])); // "é\n", 3 bytes
    f.write('ééé'); // 6 bytes: 9 in total, still fits
    expect(existsSync(`${log}.1`)).toBe(false);
    f.write('é'); // 2 more bytes would make 11 > 10
    expect(read(`${log}.1`)).toBe('é\nééé');
    expect(read(log)).toBe('é');
  });

  it('appends to an existing file when reopened and counts its size toward the cap', () => {
    const first = make(100, 2);
    first.write('a'.repeat(60));
    first.close();
    const second = make(100, 2);
    second.write('b'.repeat(30));
    expect(read(log)).toBe('a'.repeat(60) + 'b'.repeat(30));
    expect(existsSync(`${log}.1`)).toBe(false);
    second.write('c'.repeat(20)); // 90 + 20 > 100
    expect(read(`${log}.1`)).toBe('a'.repeat(60) + 'b'.repeat(30));
    expect(read(log)).toBe('c'.repeat(20));
  });

  it('drops writes after close() (returns false, never throws) and tolerates a second close()', () => {
    const f = make(100, 2);
    f.write('kept\n');
    f.close();
    expect(f.write('dropped\n')).toBe(false);
    expect(f.write(new Uint8Array([1, 2, 3]))).toBe(false);
    expect(() => f.close()).not.toThrow();
    expect(read(log)).toBe('kept\n');
  });
});

/** node:fs, except that writes fail with ENOSPC while `full` is set (after `allow` more bytes). */
function fullDisk() {
  const state = { full: false, allow: 0, opens: 0, failOpen: false };
  const fs: LogFs = {
    ...nodeFs,
    openSync: ((...args: Parameters<typeof nodeFs.openSync>) => {
      if (state.failOpen)
        throw Object.assign(new Error('ENOSPC: no space left on device, open'), { code: 'ENOSPC' });
      state.opens += 1;
      return nodeFs.openSync(...args);
    }) as typeof nodeFs.openSync,
    writeSync: ((fd: number, buf: Uint8Array, off?: number, len?: number) => {
      const want = len ?? buf.length - (off ?? 0);
      if (state.full && state.allow <= 0)
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      const n = state.full ? Math.min(want, state.allow) : want;
      if (state.full) state.allow -= n;
      return nodeFs.writeSync(fd, buf, off, n);
    }) as typeof nodeFs.writeSync,
  };
  return { state, fs };
}

describe('RotatingFile on a full disk', () => {
  const failing = (fs: LogFs, health: WriteHealth[]) => {
    const f = new RotatingFile(log, 10_000, 2, {
      fs,
      onHealth: (h) => health.push(h),
      gapLine: ({ bytes, writes, code }) => `-- ${bytes} bytes in ${writes} writes not written (${code})\n`,
    });
    open.push(f);
    return f;
  };

  it('drops and counts lines instead of throwing, and says so before the first line written again', () => {
    const { state, fs } = fullDisk();
    const health: WriteHealth[] = [];
    const f = failing(fs, health);
    expect(f.write('one\n')).toBe(true);
    state.full = true;
    expect(() => f.write('two\n')).not.toThrow();
    expect(f.write('three\n')).toBe(false);
    expect(health).toEqual([
      { ok: false, code: 'ENOSPC', message: 'ENOSPC: no space left on device, write', droppedBytes: 4 },
      { ok: false, code: 'ENOSPC', message: 'ENOSPC: no space left on device, write', droppedBytes: 6 },
    ]);
    state.full = false;
    expect(f.write('four\n')).toBe(true);
    expect(read(log)).toBe('one\n-- 10 bytes in 2 writes not written (ENOSPC)\nfour\n');
    expect(health.at(-1)).toEqual({ ok: true, failedWrites: 2, droppedBytes: 10, code: 'ENOSPC' });
  });

  it('ends a line torn by the disk filling up before going on', () => {
    const { state, fs } = fullDisk();
    const f = failing(fs, []);
    state.full = true;
    state.allow = 3;
    expect(f.write('abcdef\n')).toBe(false);
    state.full = false;
    f.write('next\n');
    expect(read(log)).toBe('abc\n-- 7 bytes in 1 writes not written (ENOSPC)\nnext\n');
  });

  it('writes the line about what was dropped when probed, with nothing else to log', () => {
    const { state, fs } = fullDisk();
    const health: WriteHealth[] = [];
    const f = failing(fs, health);
    state.full = true;
    f.write('lost\n');
    f.probe();
    expect(read(log)).toBe('');
    state.full = false;
    f.probe();
    f.probe(); // nothing more to say
    expect(read(log)).toBe('-- 5 bytes in 1 writes not written (ENOSPC)\n');
    expect(health.filter((h) => h.ok)).toHaveLength(1);
  });

  it('survives a rotation that cannot open the next file, and opens it with a later write', () => {
    const { state, fs } = fullDisk();
    const f = new RotatingFile(log, 100, 2, { fs, gapLine: ({ bytes }) => `-- ${bytes} dropped\n` });
    open.push(f);
    f.write(chunk(0));
    f.write(chunk(1));
    state.failOpen = true;
    expect(f.write(chunk(2))).toBe(false); // rotated away, but the new file cannot be created
    state.failOpen = false;
    expect(f.write(chunk(3))).toBe(true);
    expect(read(log)).toBe(`-- 40 dropped\n${chunk(3)}`);
    expect(read(`${log}.1`)).toBe(chunk(0) + chunk(1));
  });

  it('can be created while the file cannot be opened', () => {
    const { state, fs } = fullDisk();
    state.failOpen = true;
    const health: WriteHealth[] = [];
    expect(() => failing(fs, health)).not.toThrow();
    expect(health).toMatchObject([{ ok: false, code: 'ENOSPC', droppedBytes: 0 }]);
    state.failOpen = false;
    expect(open.at(-1)?.write('hello\n')).toBe(true);
    expect(read(log)).toBe('-- 0 bytes in 0 writes not written (ENOSPC)\nhello\n');
  });
});

describe('the daemon logger on a full disk', () => {
  it('never throws into the code that logs, and logs what it dropped as a warning once it can', () => {
    const { state, fs } = fullDisk();
    const health: WriteHealth[] = [];
    const logger = createDaemonLogger({
      file: log,
      level: 'info',
      maxBytes: 100_000,
      files: 2,
      fs,
      onHealth: (h) => health.push(h),
    });
    logger.info({}, 'before');
    state.full = true;
    expect(() => logger.error({ err: new Error('x') }, 'while full')).not.toThrow();
    state.full = false;
    logger.info({}, 'after');
    logger.close();
    const lines = read(log)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { level: number; msg: string; droppedBytes?: number });
    expect(lines.map((l) => l.msg)).toEqual([
      'before',
      expect.stringMatching(/^\d+ byte\(s\) of log \(1 line\(s\)\) were not written: disk full$/),
      'after',
    ]);
    expect(lines[1]?.level).toBe(40);
    expect(lines[1]?.droppedBytes).toBe(health[0]?.ok === false ? health[0].droppedBytes : -1);
  });
});

describe('the daemon logger and credentials', () => {
  it('writes no URL’s token or password (issue 30)', () => {
    const logger = createDaemonLogger({ file: log, level: 'info', maxBytes: 100_000, files: 2 });
    logger.warn(
      {
        remote: 'https://oauth2:glpat-secret@gitlab.example/r.git',
        err: 'see https://h/r?private_token=tok-1',
      },
      'push failed for https://ghp_abc123@github.com/team/app.git',
    );
    logger.close();
    const text = read(log);
    for (const secret of ['glpat-secret', 'tok-1', 'ghp_abc123']) expect(text).not.toContain(secret);
    const line = JSON.parse(text) as { remote: string; err: string; msg: string };
    expect(line.remote).toBe('https://***@gitlab.example/r.git');
    expect(line.err).toBe('see https://h/r?private_token=***');
    expect(line.msg).toBe('push failed for https://***@github.com/team/app.git');
  });
});
