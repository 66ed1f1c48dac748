import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * An append-only log file capped at `maxBytes`: when full it becomes `<file>.1` (older
 * ones shift to `.2`, …) and at most `files` rotated files are kept. Writes are
 * synchronous so the last lines before a crash are on disk.
 */
export class RotatingFile {
  private fd: number;
  private size: number;
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly maxBytes: number,
    private readonly files: number,
  ) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.fd = openSync(path, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  write(chunk: string | Uint8Array): boolean {
    if (this.closed) return false; // never write to a descriptor the OS may have reused
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (this.size + buf.length > this.maxBytes && this.size > 0) this.rotate();
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    this.size += buf.length;
    return true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private rotate(): void {
    closeSync(this.fd);
    rmSync(`${this.path}.${this.files}`, { force: true });
    for (let i = this.files - 1; i >= 1; i--) {
      try {
        renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
      } catch {
        // that generation does not exist yet
      }
    }
    renameSync(this.path, `${this.path}.1`);
    this.fd = openSync(this.path, 'a', 0o600);
    this.size = 0;
  }
}
