import { closeSync, openSync, readSync, rmSync } from 'node:fs';
import type { OutputLogs } from '../../core/ports.js';
import { agentDir, listLogFiles, type LogFile } from './log-files.js';
import { OutputLogWriter } from './output-log-writer.js';

/** Reads agents' output logs (daemon side). */
export class FileOutputLogs implements OutputLogs {
  constructor(
    private readonly agentsDir: string,
    private readonly maxBytes = 16 * 1024 * 1024,
  ) {}

  append(agentId: string, data: Uint8Array): number {
    const writer = new OutputLogWriter(agentDir(this.agentsDir, agentId), this.maxBytes);
    try {
      return writer.append(data);
    } finally {
      writer.close();
    }
  }

  read(agentId: string, fromSeq: number, maxBytes: number): { from: number; data: Uint8Array } {
    const files = listLogFiles(agentDir(this.agentsDir, agentId));
    const first = files[0];
    if (!first || maxBytes <= 0) return { from: fromSeq, data: new Uint8Array(0) };
    const from = Math.max(fromSeq, first.start);
    const parts: Buffer[] = [];
    let pos = from;
    let left = maxBytes - (from - fromSeq);
    for (const f of files) {
      if (left <= 0) break;
      const fEnd = f.start + f.size;
      if (fEnd <= pos) continue;
      if (f.start > pos) break; // a gap: stop at the last contiguous byte
      const chunk = readRange(f, pos - f.start, Math.min(left, fEnd - pos));
      parts.push(chunk);
      pos += chunk.length;
      left -= chunk.length;
      if (chunk.length === 0) break;
    }
    return { from, data: Buffer.concat(parts) };
  }

  tail(agentId: string, bytes: number): { from: number; data: Uint8Array } {
    const end = this.end(agentId);
    return this.read(agentId, Math.max(0, end - bytes), bytes);
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
