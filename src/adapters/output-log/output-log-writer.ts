import type { OutputLogReport } from '../../core/model/storage-health.js';
import * as nodeFs from 'node:fs';
import { join } from 'node:path';
import { GAPS_FILE, listLogFiles, logFileName, type GapNote } from './log-files.js';

/** Files kept: the current one and the one before it. */
const KEPT_FILES = 2;

/** The fs calls the writer makes (tests inject failing ones). */
export type OutputLogFs = Pick<
  typeof nodeFs,
  'openSync' | 'writeSync' | 'closeSync' | 'rmSync' | 'mkdirSync' | 'appendFileSync'
>;

/** Whether the log is being written, and what could not be written since the writer opened it. */
/** The writer's health, in the shape hosts report it (`ok` is false while a gap is open). */
export type OutputLogHealth = OutputLogReport;

/**
 * Appends an agent's terminal output to its log (host side). Writes are synchronous so a byte is on
 * disk before it is sent to the daemon; the log is capped by rotation. A failed write (disk full, I/O
 * error) never throws: the bytes keep their offsets but are missing from the log. Once writes work
 * again they go to a new file named by its offset, so the gap shows between two files, and
 * `gaps.jsonl` says why. A writer closed during a gap leaves an empty file at its end offset, so the
 * next host goes on at the right offset.
 */
export class OutputLogWriter {
  private fd: number | null = null;
  private fileStart = 0;
  private fileSize = 0;
  private endSeq: number;
  private readonly fileCap: number;
  private readonly fs: OutputLogFs;
  /** Bytes from `from` to the end are not on disk. */
  private gap: { from: number; code: string } | null = null;
  private failedWrites = 0;
  private droppedBytes = 0;
  private lastError: { code: string; message: string } | null = null;

  constructor(
    private readonly dir: string,
    maxBytes: number,
    fs: Partial<OutputLogFs> = {},
  ) {
    this.fs = { ...nodeFs, ...fs };
    try {
      this.fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch {
      // a full disk: the first append fails, and the bytes are a gap from offset 0
    }
    this.fileCap = Math.max(32 * 1024, Math.floor(maxBytes / KEPT_FILES));
    const last = listLogFiles(dir).at(-1);
    this.endSeq = (last?.start ?? 0) + (last?.size ?? 0);
    try {
      this.open(last?.start ?? 0, last?.size ?? 0);
    } catch {
      // opened by the first append
    }
  }

  /** Offset one past the last byte appended (written or not). */
  get end(): number {
    return this.endSeq;
  }

  get health(): OutputLogHealth {
    return {
      ok: this.gap === null,
      path: this.dir,
      code: this.gap ? (this.lastError?.code ?? null) : null,
      message: this.gap ? (this.lastError?.message ?? null) : null,
      failedWrites: this.failedWrites,
      droppedBytes: this.droppedBytes,
    };
  }

  /** Appends `data`; returns the offset of its first byte (also when it could not be written). */
  append(data: Uint8Array): number {
    const seq = this.endSeq;
    this.endSeq += data.length;
    let off = 0;
    try {
      if (this.fd === null) this.open(seq, 0);
      const fd = this.fd as number | null;
      if (fd === null) throw new Error('output log not open');
      while (off < data.length) {
        const n = this.fs.writeSync(fd, data, off, data.length - off);
        off += n;
        this.fileSize += n;
      }
    } catch (err) {
      if (off > 0) this.closeGap(seq);
      this.failed(seq + off, data.length - off, err);
      return seq;
    }
    if (data.length > 0) this.closeGap(seq);
    if (this.fileSize >= this.fileCap) this.rotate();
    return seq;
  }

  close(): void {
    try {
      if (this.fd !== null) this.fs.closeSync(this.fd);
    } catch {
      // closing fails only on an I/O error; nothing more to do
    }
    this.fd = null;
    if (!this.gap) return;
    // Leave the end offset on disk: an empty file named by it (and why the bytes before are missing).
    try {
      this.fs.closeSync(this.fs.openSync(join(this.dir, logFileName(this.endSeq)), 'a', 0o600));
      this.closeGap(this.endSeq);
    } catch {
      // still no space: a later host starts at the last byte on disk
    }
  }

  private open(start: number, size: number): void {
    this.fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 }); // made late when the disk was full
    this.fd = this.fs.openSync(join(this.dir, logFileName(start)), 'a', 0o600);
    this.fileStart = start;
    this.fileSize = size;
    const files = listLogFiles(this.dir);
    for (const f of files.slice(0, Math.max(0, files.length - KEPT_FILES)))
      this.fs.rmSync(f.path, { force: true });
  }

  private rotate(): void {
    if (this.fd !== null) this.fs.closeSync(this.fd);
    this.fd = null;
    try {
      this.open(this.endSeq, 0);
    } catch {
      // opened by the next append
    }
  }

  /** Bytes from `at` on (`bytes` of them) could not be written. */
  private failed(at: number, bytes: number, err: unknown): void {
    const code = (err as { code?: unknown }).code;
    this.lastError = {
      code: typeof code === 'string' ? code : 'EIO',
      message: err instanceof Error ? err.message : String(err),
    };
    this.failedWrites += 1;
    this.droppedBytes += bytes;
    if (this.fd !== null) {
      try {
        this.fs.closeSync(this.fd);
        // An empty file would split the gap in two: the next file is named by where writing resumes.
        if (this.fileSize === 0) this.fs.rmSync(join(this.dir, logFileName(this.fileStart)), { force: true });
      } catch {
        // the descriptor is given up either way
      }
    }
    this.fd = null;
    this.gap ??= { from: at, code: this.lastError.code };
    this.gap.code = this.lastError.code;
  }

  /** The open gap ends at `at` (bytes from there on are on disk): note why it is there. */
  private closeGap(at: number): void {
    const gap = this.gap;
    if (!gap) return;
    this.gap = null;
    if (at <= gap.from) return;
    const note: GapNote = { from: gap.from, to: at, code: gap.code, at: new Date().toISOString() };
    try {
      this.fs.appendFileSync(join(this.dir, GAPS_FILE), `${JSON.stringify(note)}\n`, { mode: 0o600 });
    } catch {
      // the gap still shows between the files; only its reason is unknown
    }
  }
}
