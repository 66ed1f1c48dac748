import { randomBytes } from 'node:crypto';

/**
 * A fresh end-of-output marker: an APC sequence with a random nonce, made only of bytes that no
 * output processing changes (ESC, `_`, `\`, upper case, digits, `-`: OLCUC only raises lower case,
 * ONLCR and the rest touch control characters and tabs), which no program can know or print by chance.
 */
export function newDrainMarker(): Buffer {
  return Buffer.from(`\x1b_WTP-DRAIN-${randomBytes(12).toString('hex').toUpperCase()}\x1b\\`, 'latin1');
}

/**
 * Cuts `marker` out of a byte stream that arrives in chunks, wherever the chunks split it. Bytes
 * that may be the marker's beginning are held back, and only until the next chunk says whether they
 * are; everything else passes at once.
 */
export class MarkerCut {
  private held: Buffer = Buffer.alloc(0);
  private seen = false;

  constructor(private readonly marker: Buffer) {}

  /** Whether the marker has passed. */
  get found(): boolean {
    return this.seen;
  }

  /** What of `chunk` (and what was held back) is output: all but the marker and a possible start of it. */
  cut(chunk: Buffer): Buffer {
    if (this.seen) return chunk;
    const data = this.held.length ? Buffer.concat([this.held, chunk]) : chunk;
    const at = data.indexOf(this.marker);
    if (at >= 0) {
      this.seen = true;
      this.held = Buffer.alloc(0);
      return Buffer.concat([data.subarray(0, at), data.subarray(at + this.marker.length)]);
    }
    const keep = this.startAtEnd(data);
    this.held = Buffer.from(data.subarray(data.length - keep));
    return data.subarray(0, data.length - keep);
  }

  /** The bytes held back: the stream ended without the marker, so they were output. */
  flush(): Buffer {
    const rest = this.held;
    this.held = Buffer.alloc(0);
    return rest;
  }

  /** The length of the longest end of `data` that begins the marker (shorter than the marker). */
  private startAtEnd(data: Buffer): number {
    const first = this.marker[0] ?? 0;
    let at = data.indexOf(first, Math.max(0, data.length - this.marker.length + 1));
    while (at >= 0) {
      if (data.subarray(at).equals(this.marker.subarray(0, data.length - at))) return data.length - at;
      at = data.indexOf(first, at + 1);
    }
    return 0;
  }
}
