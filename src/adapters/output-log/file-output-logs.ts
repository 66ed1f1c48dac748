import { closeSync, openSync, readSync, rmSync } from 'node:fs';
import type { OutputGap, OutputLogs } from '../../core/ports/daemon.js';
import { describeStorageCode } from '../../core/model/storage-errors.js';
import { agentDir, listLogFiles, readGapNotes, type LogFile } from './log-files.js';
import { OutputLogWriter, type OutputLogHealth } from './output-log-writer.js';

/** Reads agents' output logs (daemon side). */
export class FileOutputLogs implements OutputLogs {
  constructor(
    private readonly agentsDir: string,
    private readonly maxBytes = 16 * 1024 * 1024,
    /** Told after each daemon-side append (setup output) how writing the log went. */
    private readonly onHealth: (agentId: string, health: OutputLogHealth) => void = () => undefined,
  ) {}

  /** Never throws: bytes that cannot be written are a gap (reported to `onHealth`), offsets go on. */
  append(agentId: string, data: Uint8Array): number {
    const dir = agentDir(this.agentsDir, agentId);
    let writer: OutputLogWriter;
    try {
      writer = new OutputLogWriter(dir, this.maxBytes);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      this.onHealth(agentId, {
        ok: false,
        path: dir,
        code: typeof code === 'string' ? code : 'EIO',
        message: err instanceof Error ? err.message : String(err),
        failedWrites: 1,
        droppedBytes: data.length,
      });
      return this.end(agentId);
    }
    const seq = writer.append(data);
    const health = writer.health;
    writer.close();
    this.onHealth(agentId, health);
    return seq;
  }

  read(agentId: string, fromSeq: number, maxBytes: number): { from: number; data: Uint8Array } {
    const files = listLogFiles(agentDir(this.agentsDir, agentId));
    const limit = fromSeq + Math.max(0, maxBytes);
    const parts: Buffer[] = [];
    let start: number | null = null;
    let pos = fromSeq;
    for (const f of files) {
      const fEnd = f.start + f.size;
      if (fEnd <= pos) continue;
      if (f.start > pos) {
        if (start !== null) break; // a gap after the bytes read: they end here
        pos = f.start; // rotated away or not written: start at the next kept byte
      }
      if (pos >= limit) break;
      const want = Math.min(limit, fEnd) - pos;
      const chunk = readRange(f, pos - f.start, want);
      start ??= pos;
      parts.push(chunk);
      pos += chunk.length;
      if (chunk.length < want) break;
    }
    return { from: start ?? pos, data: Buffer.concat(parts) };
  }

  gaps(agentId: string): OutputGap[] {
    const dir = agentDir(this.agentsDir, agentId);
    const files = listLogFiles(dir);
    const gaps: OutputGap[] = [];
    let notes: ReturnType<typeof readGapNotes> | null = null;
    for (let i = 1; i < files.length; i++) {
      const prev = files[i - 1];
      const next = files[i];
      if (!prev || !next) continue;
      const from = prev.start + prev.size;
      if (next.start <= from) continue;
      notes ??= readGapNotes(dir);
      const note = notes.find((n) => n.from < next.start && n.to > from);
      gaps.push({ from, to: next.start, reason: note ? describeStorageCode(note.code) : 'not in the log' });
    }
    return gaps;
  }

  end(agentId: string): number {
    const last = listLogFiles(agentDir(this.agentsDir, agentId)).at(-1);
    return last ? last.start + last.size : 0;
  }

  remove(agentId: string): void {
    rmSync(agentDir(this.agentsDir, agentId), { recursive: true, force: true });
  }
}

function readRange(f: LogFile, offset: number, length: number): Buffer {
  let fd: number;
  try {
    fd = openSync(f.path, 'r');
  } catch {
    return Buffer.alloc(0); // rotated away meanwhile
  }
  try {
    const buf = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const n = readSync(fd, buf, got, length - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}
