import * as nodeFs from 'node:fs';
import { dirname } from 'node:path';

/** The fs calls a RotatingFile makes (tests inject failing ones). */
export type LogFs = Pick<
  typeof nodeFs,
  'openSync' | 'writeSync' | 'closeSync' | 'fstatSync' | 'renameSync' | 'rmSync' | 'mkdirSync'
>;

/** A write that failed, or the first one that worked again after failures. */
export type WriteHealth =
  | { ok: false; code: string; message: string; droppedBytes: number }
  | { ok: true; failedWrites: number; droppedBytes: number; code: string };

export interface RotatingFileOptions {
  fs?: LogFs;
  /** Told about every failed write, and once when writing works again. */
  onHealth?: (h: WriteHealth) => void;
  /** The line written where lines were dropped, before the first line that is written again. */
  gapLine?: (dropped: { bytes: number; writes: number; code: string }) => string;
}

/**
 * An append-only log file capped at `maxBytes`: when full it becomes `<file>.1` (older
 * ones shift to `.2`, …) and at most `files` rotated files are kept. Writes are
 * synchronous so the last lines before a crash are on disk. A write that fails (disk full,
 * I/O error) is dropped and counted, never thrown: the caller is whoever logs, anywhere in
 * the daemon. The next write that works is preceded by a line saying what was dropped.
 */
export class RotatingFile {
  private fd: number | null = null;
  private size = 0;
  private closed = false;
  private readonly fs: LogFs;
  private failing: { writes: number; bytes: number; code: string } | null = null;
  /** A write stopped in the middle of a line: the next one starts on a new line. */
  private torn = false;

  constructor(
    private readonly path: string,
    private readonly maxBytes: number,
    private readonly files: number,
    private readonly opts: RotatingFileOptions = {},
  ) {
    this.fs = opts.fs ?? nodeFs;
    this.fs.mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    try {
      this.reopen();
    } catch (err) {
      this.dropped(0, err); // opened again by the next write
    }
  }

  /** Appends `chunk`; false when it was dropped (closed, or the write failed). */
  write(chunk: string | Uint8Array): boolean {
    if (this.closed) return false; // never write to a descriptor the OS may have reused
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    try {
      if (this.fd === null) this.reopen();
      if (this.failing) this.writeGapLine(this.failing);
      if (this.size + buf.length > this.maxBytes && this.size > 0) this.rotate();
      this.writeAll(buf);
    } catch (err) {
      this.dropped(buf.length, err);
      return false;
    }
    return true;
  }

  /** While writes fail: tries to write the line about what was dropped (the storage probe). */
  probe(): void {
    if (this.failing) this.write('');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.fd !== null) this.fs.closeSync(this.fd);
    this.fd = null;
  }

  private reopen(): void {
    const fd = this.fs.openSync(this.path, 'a', 0o600);
    this.fd = fd;
    this.size = this.fs.fstatSync(fd).size;
  }

  private writeAll(buf: Uint8Array): void {
    const fd = this.fd;
    if (fd === null) throw new Error('log file not open');
    let off = 0;
    try {
      while (off < buf.length) {
        const n = this.fs.writeSync(fd, buf, off, buf.length - off);
        off += n;
        this.size += n;
      }
    } catch (err) {
      if (off > 0) this.torn = true;
      throw err;
    }
    if (buf.length > 0) this.torn = buf[buf.length - 1] !== 0x0a;
  }

  private writeGapLine(f: { writes: number; bytes: number; code: string }): void {
    const line = this.opts.gapLine?.({ bytes: f.bytes, writes: f.writes, code: f.code }) ?? '';
    this.writeAll(Buffer.from(`${this.torn ? '\n' : ''}${line}`, 'utf8'));
    this.failing = null;
    this.opts.onHealth?.({ ok: true, failedWrites: f.writes, droppedBytes: f.bytes, code: f.code });
  }

  private dropped(bytes: number, err: unknown): void {
    const code = (err as { code?: unknown }).code;
    const wasFailing = this.failing !== null;
    const f = this.failing ?? { writes: 0, bytes: 0, code: 'EIO' };
    if (bytes > 0) f.writes += 1;
    f.bytes += bytes;
    f.code = typeof code === 'string' ? code : 'EIO';
    this.failing = f;
    if (bytes === 0 && wasFailing) return; // a probe that failed: nothing new was lost
    const message = err instanceof Error ? err.message : String(err);
    this.opts.onHealth?.({ ok: false, code: f.code, message, droppedBytes: bytes });
  }

  private rotate(): void {
    if (this.fd !== null) this.fs.closeSync(this.fd);
    this.fd = null;
    this.fs.rmSync(`${this.path}.${this.files}`, { force: true });
    for (let i = this.files - 1; i >= 1; i--) {
      try {
        this.fs.renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
      } catch {
        // that generation does not exist yet
      }
    }
    this.fs.renameSync(this.path, `${this.path}.1`);
    this.reopen();
  }
}
