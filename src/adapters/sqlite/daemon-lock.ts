import type Database from 'better-sqlite3';
import { createPrivate } from './open-database.js';
import { openPinned } from './pinned-database.js';

/**
 * The one-daemon-per-WTP_HOME lock: an exclusive SQLite transaction on a lock file. The
 * kernel (fcntl) releases it when the process dies, even by SIGKILL, so a crash never
 * leaves a stale lock behind.
 */
export class DaemonLock {
  private constructor(private readonly db: Database.Database) {}

  /** Takes the lock, or returns null when another live process holds it. */
  static tryAcquire(path: string): DaemonLock | null {
    createPrivate(path); // 0600 whatever the umask, also when it exists
    const db = openPinned(path);
    try {
      db.pragma('busy_timeout = 0');
      db.pragma('locking_mode = EXCLUSIVE');
      db.exec('BEGIN EXCLUSIVE');
      return new DaemonLock(db);
    } catch (err) {
      db.close();
      if ((err as { code?: string }).code === 'SQLITE_BUSY') return null;
      throw err;
    }
  }

  release(): void {
    try {
      this.db.exec('ROLLBACK');
    } finally {
      this.db.close();
    }
  }
}
