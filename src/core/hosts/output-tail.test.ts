import { describe, expect, it } from 'vitest';
import { OutputTail } from './output-tail.js';

const b = (s: string): Uint8Array => new TextEncoder().encode(s);
const s = (bytes: Uint8Array | null): string | null =>
  bytes === null ? null : new TextDecoder().decode(bytes);

describe('OutputTail: appending', () => {
  it('starts empty at the given offset', () => {
    const t = new OutputTail(100, 42);
    expect(t.start).toBe(42);
    expect(t.end).toBe(42);
    expect(s(t.readFrom(42))).toBe('');
    expect(t.readFrom(41)).toBeNull();
  });

  it('appends contiguous chunks and returns what was new', () => {
    const t = new OutputTail(100, 0);
    expect(s(t.push(0, b('hello ')))).toBe('hello ');
    expect(s(t.push(6, b('world')))).toBe('world');
    expect(t.start).toBe(0);
    expect(t.end).toBe(11);
    expect(s(t.readFrom(0))).toBe('hello world');
  });

  it('drops a chunk it already holds entirely (a resend)', () => {
    const t = new OutputTail(100, 0);
    t.push(0, b('abcdef'));
    expect(t.push(0, b('abcdef'))).toBeNull();
    expect(t.push(2, b('cd'))).toBeNull();
    expect(t.push(6, b(''))).toBeNull();
    expect(t.end).toBe(6);
    expect(s(t.readFrom(0))).toBe('abcdef');
  });

  it('keeps only the new part of an overlapping chunk', () => {
    const t = new OutputTail(100, 0);
    t.push(0, b('abcde'));
    expect(s(t.push(3, b('defgh')))).toBe('fgh');
    expect(t.end).toBe(8);
    expect(s(t.readFrom(0))).toBe('abcdefgh');
  });

  it('restarts at the new offset after a gap (output it never saw)', () => {
    const t = new OutputTail(100, 0);
    t.push(0, b('abc'));
    expect(s(t.push(10, b('xyz')))).toBe('xyz');
    expect(t.start).toBe(10);
    expect(t.end).toBe(13);
    expect(t.readFrom(3)).toBeNull();
    expect(s(t.readFrom(10))).toBe('xyz');
  });

  it('accepts a first chunk past a non-zero start as a gap', () => {
    const t = new OutputTail(100, 5);
    t.push(8, b('abc'));
    expect([t.start, t.end]).toEqual([8, 11]);
  });
});

describe('OutputTail: capacity', () => {
  it('drops whole old chunks while what remains still holds the capacity', () => {
    const t = new OutputTail(8, 0);
    t.push(0, b('aaaa'));
    t.push(4, b('bbbb'));
    t.push(8, b('cccc'));
    // 12 bytes held; dropping 'aaaa' leaves 8 >= capacity, so it goes.
    expect(t.start).toBe(4);
    expect(s(t.readFrom(4))).toBe('bbbbcccc');
    expect(t.readFrom(3)).toBeNull();
    t.push(12, b('dd'));
    // Dropping 'bbbb' would leave 6 < 8: kept.
    expect(t.start).toBe(4);
    expect(s(t.readFrom(4))).toBe('bbbbccccdd');
  });

  it('keeps a single chunk larger than the capacity', () => {
    const t = new OutputTail(4, 0);
    t.push(0, b('0123456789'));
    expect(t.start).toBe(0);
    expect(s(t.readFrom(0))).toBe('0123456789');
    t.push(10, b('ab'));
    // Dropping the big chunk would leave 2 < 4.
    expect(t.start).toBe(0);
    t.push(12, b('cdef'));
    // Dropping the big chunk leaves 6 >= 4, then dropping 'ab' leaves exactly 4: both go.
    expect(t.start).toBe(12);
    expect(s(t.readFrom(12))).toBe('cdef');
    expect(t.readFrom(10)).toBeNull();
  });
});

describe('OutputTail: reading', () => {
  const t = new OutputTail(100, 100);
  t.push(100, b('abcd'));
  t.push(104, b('efgh'));
  t.push(108, b('ijkl'));

  it('reads from inside a chunk to the end', () => {
    expect(s(t.readFrom(102))).toBe('cdefghijkl');
    expect(s(t.readFrom(104))).toBe('efghijkl');
    expect(s(t.readFrom(111))).toBe('l');
  });

  it('reads nothing at or past the end, and null before the start', () => {
    expect(s(t.readFrom(112))).toBe('');
    expect(s(t.readFrom(500))).toBe('');
    expect(t.readFrom(99)).toBeNull();
    expect(t.readFrom(0)).toBeNull();
  });

  it('returns a copy: pushing later does not change what was read', () => {
    const got = t.readFrom(100);
    const copy = s(got);
    t.push(112, b('mnop'));
    expect(s(got)).toBe(copy);
    expect(s(t.readFrom(110))).toBe('klmnop');
  });
});
