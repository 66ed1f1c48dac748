import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { listLogFiles, logFileName } from './log-files.js';

/** Files kept: the current one and the one before it. */
const KEPT_FILES = 2;

/**
 * Appends an agent's terminal output to its log (host side). Writes are synchronous so
 * a byte is on disk before it is sent to the daemon; the log is capped by rotation.
 */
export class OutputLogWriter {
  private fd: number;
  private fileStart: number;
  private fileSize: number;
  private readonly fileCap: number;

  constructor(
    private readonly dir: string,
    maxBytes: number,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.fileCap = Math.max(32 * 1024, Math.floor(maxBytes / KEPT_FILES));
    const last = listLogFiles(dir).at(-1);
    this.fileStart = last?.start ?? 0;
    this.fileSize = last?.size ?? 0;
    this.fd = openSync(join(dir, logFileName(this.fileStart)), 'a', 0o600);
  }

  /** Offset one past the last byte written. */
  get end(): number {
    return this.fileStart + this.fileSize;
  }

  /** Appends `data`; returns the offset of its first byte. */
  append(data: Uint8Array): number {
    const seq = this.end;
    let off = 0;
    while (off < data.length) off += writeSync(this.fd, data, off, data.length - off);
    this.fileSize += data.length;
    if (this.fileSize >= this.fileCap) this.rotate();
    return seq;
  }

  close(): void {
    closeSync(this.fd);
  }

  private rotate(): void {
    closeSync(this.fd);
    this.fileStart = this.end;
    this.fileSize = 0;
    this.fd = openSync(join(this.dir, logFileName(this.fileStart)), 'a', 0o600);
    const files = listLogFiles(this.dir);
    for (const f of files.slice(0, Math.max(0, files.length - KEPT_FILES))) rmSync(f.path, { force: true });
  }
}
