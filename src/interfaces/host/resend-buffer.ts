/**
 * Output the daemon has not acknowledged yet, kept in memory up to a cap (the log on disk keeps
 * everything): resent from the daemon's `resumeFrom` after a reconnect, dropped as acks arrive.
 */
export class ResendBuffer {
  private chunks: { seq: number; data: Uint8Array }[] = [];
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** The oldest offset still held, or `end` when nothing is. */
  oldest(end: number): number {
    return this.chunks[0]?.seq ?? end;
  }

  /** Keeps a chunk; the oldest go once the cap is passed (the newest chunk always stays). */
  push(seq: number, data: Uint8Array): void {
    this.chunks.push({ seq, data });
    this.bytes += data.length;
    while (this.bytes > this.maxBytes && this.chunks.length > 1) {
      this.bytes -= this.chunks.shift()?.data.length ?? 0;
    }
  }

  /** The daemon has durably counted everything before `seq`. */
  ack(seq: number): void {
    while (this.chunks.length > 0) {
      const first = this.chunks[0];
      if (!first || first.seq + first.data.length > seq) break;
      this.chunks.shift();
      this.bytes -= first.data.length;
    }
  }

  /** Sends again everything from `resumeFrom` on (the part of a chunk before it cut off). */
  resend(resumeFrom: number, send: (seq: number, data: Uint8Array) => void): void {
    for (const c of this.chunks) {
      const end = c.seq + c.data.length;
      if (end <= resumeFrom) continue;
      const part = c.seq < resumeFrom ? c.data.subarray(resumeFrom - c.seq) : c.data;
      send(Math.max(c.seq, resumeFrom), part);
    }
  }
}
