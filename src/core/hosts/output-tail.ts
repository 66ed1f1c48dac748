/**
 * The most recent terminal output of one agent, addressed by absolute byte offset
 * ("seq"), so late subscribers can catch up from any recent point without the disk.
 */
export class OutputTail {
  private chunks: { seq: number; data: Uint8Array }[] = [];
  private bytes = 0;
  private endSeq: number;

  constructor(
    private readonly capacity: number,
    startSeq: number,
  ) {
    this.endSeq = startSeq;
  }

  /** Offset one past the last byte held. */
  get end(): number {
    return this.endSeq;
  }

  /** Oldest offset still held. */
  get start(): number {
    return this.chunks[0]?.seq ?? this.endSeq;
  }

  /**
   * Appends a chunk that starts at `seq`. Overlap with what is held is dropped; a gap
   * (output the daemon never saw) resets the tail to start at `seq`.
   */
  push(seq: number, data: Uint8Array): Uint8Array | null {
    if (seq + data.length <= this.endSeq) return null;
    let fresh = data;
    if (seq < this.endSeq) fresh = data.subarray(this.endSeq - seq);
    else if (seq > this.endSeq) {
      this.chunks = [];
      this.bytes = 0;
    }
    const at = Math.max(seq, this.endSeq);
    this.chunks.push({ seq: at, data: fresh });
    this.bytes += fresh.length;
    this.endSeq = at + fresh.length;
    while (this.bytes - (this.chunks[0]?.data.length ?? 0) >= this.capacity && this.chunks.length > 1) {
      const dropped = this.chunks.shift();
      this.bytes -= dropped?.data.length ?? 0;
    }
    return fresh;
  }

  /** Everything held from `seq` on, or null if `seq` is older than what is held. */
  readFrom(seq: number): Uint8Array | null {
    if (seq < this.start) return null;
    if (seq >= this.endSeq) return new Uint8Array(0);
    const parts: Uint8Array[] = [];
    let total = 0;
    for (const c of this.chunks) {
      const cEnd = c.seq + c.data.length;
      if (cEnd <= seq) continue;
      const part = seq > c.seq ? c.data.subarray(seq - c.seq) : c.data;
      parts.push(part);
      total += part.length;
    }
    const out = new Uint8Array(total);
    let off = 0;
    for (const p of parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }
}
