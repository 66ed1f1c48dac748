import { describe, expect, it } from 'vitest';
import { ResendBuffer } from './resend-buffer.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('ResendBuffer', () => {
  it('resends from the daemon’s offset, cutting the chunk it falls in', () => {
    const b = new ResendBuffer(100);
    b.push(0, bytes('hello '));
    b.push(6, bytes('world'));
    const sent: [number, string][] = [];
    b.resend(3, (seq, data) => sent.push([seq, text(data)]));
    expect(sent).toEqual([
      [3, 'lo '],
      [6, 'world'],
    ]);
  });

  it('drops what is acknowledged and keeps within its cap (the newest chunk always)', () => {
    const b = new ResendBuffer(8);
    b.push(0, bytes('aaaa'));
    b.push(4, bytes('bbbb'));
    b.push(8, bytes('cccc'));
    expect(b.oldest(12)).toBe(4); // over the cap: the oldest went
    b.ack(8);
    expect(b.oldest(12)).toBe(8);
    b.push(12, bytes('x'.repeat(20)));
    expect(b.oldest(32)).toBe(12);
    b.ack(32);
    expect(b.oldest(32)).toBe(32);
  });
});
