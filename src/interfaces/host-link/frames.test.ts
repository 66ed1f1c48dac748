import { describe, expect, it } from 'vitest';
import { FRAME_KIND, MAX_FRAME_BYTES } from '../../protocol/host-frames.js';
import { encodeInput, encodeJson, encodeOutput, FrameDecoder, FrameError, type Frame } from './frames.js';

const bytes = (...values: number[]): Buffer => Buffer.from(values);
const decodeAll = (...chunks: Buffer[]): Frame[] => {
  const d = new FrameDecoder();
  return chunks.flatMap((c) => d.push(c));
};
/** A raw frame: u32 BE length of the rest, then the kind byte and the payload. */
const raw = (kind: number, payload: Buffer): Buffer => {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(payload.length + 1, 0);
  head.writeUInt8(kind, 4);
  return Buffer.concat([head, payload]);
};

const MESSAGE = { type: 'hello', agentId: 'a1', nested: { list: [1, 'två', null, true] }, emoji: '🙂' };
const BINARY = bytes(0, 1, 2, 0xff, 0x1b, 0x5b, 0x41, 0xc3);

describe('frame encoding', () => {
  it('lays out length, kind and payload', () => {
    const f = encodeInput(bytes(9, 8, 7));
    expect([...f]).toEqual([0, 0, 0, 4, FRAME_KIND.INPUT, 9, 8, 7]);
    const o = encodeOutput(1, bytes(5));
    expect(o.readUInt32BE(0)).toBe(1 + 8 + 1);
    expect(o.readUInt8(4)).toBe(FRAME_KIND.OUTPUT);
    expect(o.readDoubleBE(5)).toBe(1);
    const j = encodeJson({ a: 1 });
    expect(j.subarray(5).toString()).toBe('{"a":1}');
  });
});

describe('FrameDecoder round trips', () => {
  it('decodes a JSON frame, UTF-8 included', () => {
    expect(decodeAll(encodeJson(MESSAGE))).toEqual([{ kind: FRAME_KIND.JSON, message: MESSAGE }]);
  });

  it('decodes OUTPUT frames with their seq as a float64, large seqs included', () => {
    for (const seq of [0, 1, 123_456_789, 2 ** 32 + 5, 2 ** 40, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER]) {
      const [frame] = decodeAll(encodeOutput(seq, BINARY));
      expect(frame).toEqual({ kind: FRAME_KIND.OUTPUT, seq, data: BINARY });
    }
  });

  it('decodes INPUT frames, and empty payloads of both byte kinds', () => {
    expect(decodeAll(encodeInput(BINARY))).toEqual([{ kind: FRAME_KIND.INPUT, data: BINARY }]);
    expect(decodeAll(encodeInput(bytes()))).toEqual([{ kind: FRAME_KIND.INPUT, data: bytes() }]);
    expect(decodeAll(encodeOutput(7, bytes()))).toEqual([{ kind: FRAME_KIND.OUTPUT, seq: 7, data: bytes() }]);
  });

  it('decodes several frames from one chunk, in order', () => {
    const chunk = Buffer.concat([
      encodeJson(MESSAGE),
      encodeOutput(2 ** 40, BINARY),
      encodeInput(bytes(1)),
      encodeJson(null),
    ]);
    expect(decodeAll(chunk)).toEqual([
      { kind: FRAME_KIND.JSON, message: MESSAGE },
      { kind: FRAME_KIND.OUTPUT, seq: 2 ** 40, data: BINARY },
      { kind: FRAME_KIND.INPUT, data: bytes(1) },
      { kind: FRAME_KIND.JSON, message: null },
    ]);
  });

  const expected: Frame[] = [
    { kind: FRAME_KIND.JSON, message: MESSAGE },
    { kind: FRAME_KIND.OUTPUT, seq: 2 ** 40 + 1, data: Buffer.alloc(3000, 0x61) },
    { kind: FRAME_KIND.INPUT, data: BINARY },
    { kind: FRAME_KIND.OUTPUT, seq: 0, data: bytes() },
    { kind: FRAME_KIND.JSON, message: { last: true } },
  ];
  const stream = Buffer.concat([
    encodeJson(MESSAGE),
    encodeOutput(2 ** 40 + 1, Buffer.alloc(3000, 0x61)),
    encodeInput(BINARY),
    encodeOutput(0, bytes()),
    encodeJson({ last: true }),
  ]);

  it('reassembles frames fed byte by byte', () => {
    const d = new FrameDecoder();
    const got: Frame[] = [];
    for (let i = 0; i < stream.length; i++) {
      const out = d.push(stream.subarray(i, i + 1));
      got.push(...out);
    }
    expect(got).toEqual(expected);
  });

  it('reassembles frames split at arbitrary boundaries', () => {
    // Deterministic pseudo-random cut points (a small LCG), several rounds.
    let state = 12345;
    const next = (): number => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31);
    for (let round = 0; round < 25; round++) {
      const d = new FrameDecoder();
      const got: Frame[] = [];
      for (let at = 0; at < stream.length;) {
        const size = 1 + (next() % 700);
        got.push(...d.push(stream.subarray(at, at + size)));
        at += size;
      }
      expect(got).toEqual(expected);
    }
  });

  it('returns nothing until a frame is whole, even when the length header is split', () => {
    const f = encodeOutput(42, bytes(1, 2, 3));
    const d = new FrameDecoder();
    expect(d.push(f.subarray(0, 2))).toEqual([]);
    expect(d.push(f.subarray(2, 4))).toEqual([]);
    expect(d.push(f.subarray(4, f.length - 1))).toEqual([]);
    expect(d.push(f.subarray(f.length - 1))).toEqual([
      { kind: FRAME_KIND.OUTPUT, seq: 42, data: bytes(1, 2, 3) },
    ]);
  });

  it('returns data that does not alias the chunks it was fed', () => {
    const chunk = encodeInput(bytes(1, 2, 3));
    const [frame] = new FrameDecoder().push(chunk);
    chunk.fill(0);
    expect(frame).toEqual({ kind: FRAME_KIND.INPUT, data: bytes(1, 2, 3) });
  });
});

describe('FrameDecoder errors', () => {
  it('throws FrameError on a zero length', () => {
    expect(() => new FrameDecoder().push(bytes(0, 0, 0, 0))).toThrow(FrameError);
  });

  it('throws FrameError on a length above MAX_FRAME_BYTES, before the payload arrives', () => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(MAX_FRAME_BYTES + 1, 0);
    expect(() => new FrameDecoder().push(head)).toThrow(/bad frame length/);
    const ok = Buffer.alloc(4);
    ok.writeUInt32BE(MAX_FRAME_BYTES, 0);
    expect(new FrameDecoder().push(ok)).toEqual([]); // the largest length allowed just waits for more
  });

  it('throws FrameError on an unknown kind', () => {
    expect(() => decodeAll(raw(0, bytes(1)))).toThrow(FrameError);
    expect(() => decodeAll(raw(4, bytes()))).toThrow(/unknown frame kind 4/);
    expect(() => decodeAll(raw(255, bytes(1, 2)))).toThrow(FrameError);
  });

  it('throws FrameError on invalid JSON and on an OUTPUT frame shorter than its seq', () => {
    expect(() => decodeAll(raw(FRAME_KIND.JSON, Buffer.from('{nope')))).toThrow(/invalid JSON/);
    expect(() => decodeAll(raw(FRAME_KIND.OUTPUT, bytes(1, 2, 3)))).toThrow(/short output frame/);
  });

  it('throws FrameError for a bad frame after good ones in the same chunk', () => {
    const d = new FrameDecoder();
    expect(() => d.push(Buffer.concat([encodeJson({ ok: 1 }), raw(9, bytes())]))).toThrow(FrameError);
  });
});
