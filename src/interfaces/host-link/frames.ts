import { FRAME_KIND, MAX_FRAME_BYTES, type FrameKind } from '../../protocol/host-frames.js';

/** One decoded frame. For OUTPUT frames `seq` is the offset of the first byte. */
export type Frame =
  | { kind: typeof FRAME_KIND.JSON; message: unknown }
  | { kind: typeof FRAME_KIND.OUTPUT; seq: number; data: Buffer }
  | { kind: typeof FRAME_KIND.INPUT; data: Buffer };

function header(kind: FrameKind, payloadLength: number): Buffer {
  const h = Buffer.allocUnsafe(5);
  h.writeUInt32BE(payloadLength + 1, 0);
  h.writeUInt8(kind, 4);
  return h;
}

export function encodeJson(message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  return Buffer.concat([header(FRAME_KIND.JSON, body.length), body]);
}

export function encodeOutput(seq: number, data: Uint8Array): Buffer {
  const seqBuf = Buffer.allocUnsafe(8);
  seqBuf.writeDoubleBE(seq, 0);
  return Buffer.concat([header(FRAME_KIND.OUTPUT, 8 + data.length), seqBuf, data]);
}

export function encodeInput(data: Uint8Array): Buffer {
  return Buffer.concat([header(FRAME_KIND.INPUT, data.length), data]);
}

export class FrameError extends Error {}

/** Incremental decoder: feed socket chunks, get whole frames. */
export class FrameDecoder {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  push(chunk: Buffer): Frame[] {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    const frames: Frame[] = [];
    while (this.pendingBytes >= 4) {
      const head = this.peek(4);
      const length = head.readUInt32BE(0);
      if (length < 1 || length > MAX_FRAME_BYTES) throw new FrameError(`bad frame length ${length}`);
      if (this.pendingBytes < 4 + length) break;
      const frame = this.take(4 + length).subarray(4);
      frames.push(parse(frame));
    }
    return frames;
  }

  private peek(n: number): Buffer {
    if ((this.pending[0]?.length ?? 0) >= n) return this.pending[0] as Buffer;
    const all = Buffer.concat(this.pending);
    this.pending = [all];
    return all;
  }

  private take(n: number): Buffer {
    const all = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
    return out;
  }
}

function parse(frame: Buffer): Frame {
  const kind = frame.readUInt8(0);
  const body = frame.subarray(1);
  switch (kind) {
    case FRAME_KIND.JSON:
      try {
        return { kind, message: JSON.parse(body.toString('utf8')) as unknown };
      } catch {
        throw new FrameError('frame holds invalid JSON');
      }
    case FRAME_KIND.OUTPUT:
      if (body.length < 8) throw new FrameError('short output frame');
      return { kind, seq: body.readDoubleBE(0), data: Buffer.from(body.subarray(8)) };
    case FRAME_KIND.INPUT:
      return { kind, data: Buffer.from(body) };
    default:
      throw new FrameError(`unknown frame kind ${kind}`);
  }
}
