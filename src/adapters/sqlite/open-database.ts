import type Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, fchmodSync, openSync, readSync, statSync } from 'node:fs';
import { appError } from '../../protocol/error-messages.js';
import { MIGRATIONS } from './migrations/index.js';
import { openPinned } from './pinned-database.js';

const SQLITE_MAGIC = 'SQLite format 3\u0000';

export type Db = Database.Database;

/** Mode of every file that may hold agents' environments (API keys given with `-e`). */
const PRIVATE = 0o600;

/**
 * Opens the database, refusing (without writing a byte) a file that is not SQLite or
 * that a newer version wrote; then migrates in one transaction per step, after a backup.
 * The database, its `-wal` and `-shm` and its backups are 0600 whatever the umask
 * (SQLite gives the `-wal` and `-shm` the database file's mode).
 */
export function openDatabase(path: string, opts: { onModeFixed?: (paths: string[]) => void } = {}): Db {
  const header = readHeader(path);
  if (header) {
    if (header.magic !== SQLITE_MAGIC) {
      throw appError('DB_CORRUPT', { path });
    }
    if (header.userVersion > MIGRATIONS.length) {
      throw appError('DB_TOO_NEW', { path, found: header.userVersion, supported: MIGRATIONS.length });
    }
  }
  let db: Db | undefined;
  try {
    const fixed = makePrivate([path, `${path}-wal`, `${path}-shm`]);
    if (fixed.length > 0) opts.onModeFixed?.(fixed);
    createPrivate(path);
    db = openPinned(path);
    db.pragma('busy_timeout = 5000');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(String(check));
  } catch (err) {
    db?.close(); // a refused database is not left open
    throw appError('DB_CORRUPT', { path, error: messageOf(err) }, { cause: err });
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  makePrivate([path, `${path}-wal`, `${path}-shm`]);
  try {
    migrate(db, path);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

function migrate(db: Db, path: string): void {
  const current = Number(db.pragma('user_version', { simple: true }));
  if (current >= MIGRATIONS.length) return;
  if (current > 0) {
    const base = `${path}.bak-v${current}`;
    const backup = existsSync(base) ? `${base}-${Date.now()}` : base;
    db.prepare('VACUUM INTO ?').run(backup);
    makePrivate([backup]);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    const sql = MIGRATIONS[v] ?? '';
    try {
      db.transaction(() => {
        db.exec(sql);
        db.pragma(`user_version = ${v + 1}`);
      })();
    } catch (err) {
      throw appError(
        'DB_MIGRATION_FAILED',
        { path, migration: v + 1, error: messageOf(err) },
        { cause: err },
      );
    }
  }
}

/** Creates the file 0600 if it is missing (SQLite would create it with the umask's mode). */
export function createPrivate(path: string): void {
  const fd = openSync(path, 'a', PRIVATE);
  try {
    fchmodSync(fd, PRIVATE);
  } finally {
    closeSync(fd);
  }
}

/** Sets 0600 on those files that exist and are not; returns the ones it changed. */
export function makePrivate(paths: readonly string[]): string[] {
  const changed: string[] = [];
  for (const p of paths) {
    let mode: number;
    try {
      mode = statSync(p).mode & 0o777;
    } catch {
      continue;
    }
    if (mode !== PRIVATE) {
      chmodSync(p, PRIVATE);
      changed.push(p);
    }
  }
  return changed;
}

function readHeader(path: string): { magic: string; userVersion: number } | null {
  if (!existsSync(path)) return null;
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(100);
    const n = readSync(fd, buf, 0, 100, 0);
    if (n === 0) return null; // an empty file is a new database
    return { magic: buf.subarray(0, 16).toString('latin1'), userVersion: n >= 64 ? buf.readInt32BE(60) : 0 };
  } finally {
    closeSync(fd);
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
