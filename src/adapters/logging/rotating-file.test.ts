import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RotatingFile } from './rotating-file.js';

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
