import {
  chmodSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes a file atomically (temporary file, then rename) with `mode`, so a reader never sees
 * half of it and a crash never leaves a truncated file behind. A failed write (disk full) leaves
 * the old file as it was and no temporary file; the error (ENOSPC, …) is thrown.
 */
export function writeFileAtomic(path: string, text: string, mode = 0o600): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.wtp-${process.pid}-${Date.now()}.tmp`;
  try {
    writeFileSync(tmp, text, { mode });
    chmodSync(tmp, mode);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** A JSON object from a file: `{}` when it does not exist; null when it is not a JSON object. */
export function readJsonObject(path: string): Record<string, unknown> | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export interface FileLockOptions {
  /** Stop waiting for a lock held this long and go ahead without it. */
  waitMs?: number;
  /** A lock untouched this long was left by a dead process: taken over. */
  staleMs?: number;
}

/** Claude Code's: proper-lockfile with `stale` 30 s (a live holder touches its lock every 15 s). */
const LOCK_STALE_MS = 30_000;
const LOCK_WAIT_MS = 5_000;

/**
 * Runs `update` holding the lock other programs take to rewrite `path`: a `<path>.lock` folder,
 * as proper-lockfile makes it (Claude Code on ~/.claude.json: it re-reads the file under that
 * lock, then renames its copy over it, so a write made meanwhile without the lock is lost). Waits
 * while the lock is held; takes over a stale one; past `waitMs`, runs `update` without it
 * (`locked: false`).
 */
export async function withFileLock<T>(
  path: string,
  update: () => T,
  o: FileLockOptions = {},
): Promise<{ value: T; locked: boolean }> {
  const lock = `${path}.lock`;
  const deadline = Date.now() + (o.waitMs ?? LOCK_WAIT_MS);
  for (let pause = 5; ; pause = Math.min(200, Math.ceil(pause * 1.25))) {
    const got = tryLock(lock, o.staleMs ?? LOCK_STALE_MS);
    if (got === 'retry') continue;
    if (got === 'locked') break;
    if (Date.now() >= deadline) return { value: update(), locked: false };
    await new Promise((r) => setTimeout(r, pause));
  }
  try {
    return { value: update(), locked: true };
  } finally {
    try {
      rmdirSync(lock);
    } catch {
      // already gone: nothing to release
    }
  }
}

function tryLock(lock: string, staleMs: number): 'locked' | 'held' | 'retry' {
  try {
    mkdirSync(lock);
    return 'locked';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      mkdirSync(dirname(lock), { recursive: true, mode: 0o700 });
      return 'retry';
    }
    if (code !== 'EEXIST') throw err;
  }
  let mtime: number;
  try {
    mtime = statSync(lock).mtimeMs;
  } catch {
    return 'retry'; // released in between
  }
  if (Date.now() - mtime < staleMs) return 'held';
  try {
    rmdirSync(lock);
    return 'retry';
  } catch {
    return 'held'; // another process took it over first, or it cannot be removed: wait
  }
}
