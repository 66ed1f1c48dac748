import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FileChunk } from '../../core/ports/usage.js';
import { FsUsageFiles } from './fs-usage-files.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wtp-usage-files-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const chunk = (r: ReturnType<FsUsageFiles['read']>): FileChunk => {
  if (r === null || 'refused' in r) throw new Error(`expected lines, got ${JSON.stringify(r)}`);
  return r;
};

describe('FsUsageFiles (agents’ session files)', () => {
  const files = new FsUsageFiles({ uid: process.getuid?.() ?? null, maxLineBytes: 100 });

  it('hands out complete lines only; a cut last line waits for its end', () => {
    const f = join(dir, 's.jsonl');
    writeFileSync(f, 'one\ntwo\nthr');
    const a = chunk(files.read(f, null, 1 << 20));
    expect(a.lines).toEqual(['one', 'two']);
    expect(a.position.offset).toBe(8);
    appendFileSync(f, 'ee\n');
    const b = chunk(files.read(f, a.position, 1 << 20));
    expect(b.lines).toEqual(['three']);
    expect(b.change).toBe('same');
    expect(chunk(files.read(f, b.position, 1 << 20)).lines).toEqual([]);
  });

  it('refuses a link put where a session file is, whatever it points at', () => {
    const target = join(dir, 'secret');
    writeFileSync(target, '{"type":"assistant"}\n');
    const link = join(dir, 'link.jsonl');
    symlinkSync(target, link);
    const r = files.read(link, null, 1 << 20);
    expect(r).toEqual({ refused: `${link} is a symbolic link: not read` });
    // find lists it (so the refusal is shown), read never follows it.
    expect(files.find({ root: dir, segments: [/\.jsonl$/] })).toEqual([link]);
  });

  it('refuses a special file (a FIFO would block a reader)', () => {
    const fifo = join(dir, 'f.jsonl');
    execFileSync('mkfifo', [fifo]);
    expect(files.read(fifo, null, 1 << 20)).toEqual({ refused: `${fifo} is not a regular file: not read` });
  });

  it('refuses a file another user owns', () => {
    const f = join(dir, 'o.jsonl');
    writeFileSync(f, 'x\n');
    const other = new FsUsageFiles({ uid: (process.getuid?.() ?? 0) + 1 });
    expect(other.read(f, null, 1 << 20)).toMatchObject({
      refused: expect.stringContaining('belongs to another user'),
    });
  });

  it('skips a line over the limit whole (never a shortened copy), and the lines after it are read', () => {
    const f = join(dir, 'big.jsonl');
    writeFileSync(f, `a\n${'x'.repeat(500)}\nb\n`);
    const r = chunk(files.read(f, null, 1 << 20));
    expect(r.lines).toEqual(['a', 'b']);
    expect(r.oversized).toBe(1);
    // An oversized line still being written is skipped once its end comes.
    const g = join(dir, 'growing.jsonl');
    writeFileSync(g, `a\n${'y'.repeat(300)}`);
    const first = chunk(files.read(g, null, 1 << 20));
    expect(first.lines).toEqual(['a']);
    appendFileSync(g, 'yyy\nc\n');
    const next = chunk(files.read(g, first.position, 1 << 20));
    expect(next.lines).toEqual(['c']);
    expect(next.oversized).toBe(1);
  });

  it('never reads through a hole: a terabyte of nothing is refused past the lines before it', () => {
    const f = join(dir, 'hole.jsonl');
    writeFileSync(f, 'a\n');
    // `truncate -s +1T`: no disk used, no newline for a terabyte.
    truncateSync(f, 2 ** 40);
    const first = chunk(files.read(f, null, 1 << 20));
    expect(first.lines).toEqual(['a']);
    expect(first.position.offset).toBe(2);
    expect(files.read(f, first.position, 1 << 20)).toEqual({
      refused: `${f} has a line of over 400 bytes at byte 2: not read past it`,
    });
    // Its end within reach: skipped whole, as any line over the limit.
    const g = join(dir, 'long.jsonl');
    writeFileSync(g, `${'z'.repeat(350)}\nb\n`);
    expect(chunk(files.read(g, null, 1 << 20))).toMatchObject({ lines: ['b'], oversized: 1 });
  });

  it('reads in bounded chunks and says when more lines wait', () => {
    const f = join(dir, 'many.jsonl');
    writeFileSync(f, Array.from({ length: 1000 }, (_, i) => `line-${i}`).join('\n') + '\n');
    let pos = null;
    const got: string[] = [];
    for (let i = 0; i < 100; i++) {
      const r = chunk(files.read(f, pos, 500));
      got.push(...r.lines);
      pos = r.position;
      if (!r.more) break;
    }
    expect(got).toHaveLength(1000);
    expect(got.at(-1)).toBe('line-999');
  });

  it('tells a file cut shorter or replaced under the same name, and reads it from the start', () => {
    const f = join(dir, 'r.jsonl');
    writeFileSync(f, 'one\ntwo\n');
    const a = chunk(files.read(f, null, 1 << 20));
    truncateSync(f, 4);
    const cut = chunk(files.read(f, a.position, 1 << 20));
    expect(cut.change).toBe('truncated');
    expect(cut.lines).toEqual(['one']);
    const other = join(dir, 'other');
    writeFileSync(other, 'new\n');
    renameSync(other, f);
    const replaced = chunk(files.read(f, cut.position, 1 << 20));
    expect(replaced.change).toBe('replaced');
    expect(replaced.lines).toEqual(['new']);
  });

  it('finds by segments, never walking out with a fixed name', () => {
    mkdirSync(join(dir, 'p1'));
    mkdirSync(join(dir, 'p2'));
    writeFileSync(join(dir, 'p2', 'id.jsonl'), '');
    expect(files.find({ root: dir, segments: [/^p/, 'id.jsonl'] })).toEqual([join(dir, 'p2', 'id.jsonl')]);
    expect(files.find({ root: dir, segments: [/^p/, '../p2/id.jsonl'] })).toEqual([]);
    expect(files.find({ root: join(dir, 'missing'), segments: [/x/] })).toEqual([]);
    expect(files.read(join(dir, 'gone.jsonl'), null, 10)).toBeNull();
  });
});
