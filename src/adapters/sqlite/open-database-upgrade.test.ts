import { openPinned } from './pinned-database.js';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TempDirs } from '../../../test/support/adapters/temp-dirs.js';
import { AppError } from '../../core/errors.js';
import m0001 from './migrations/0001-initial.js';
import { openDatabase, type Db } from './open-database.js';

/*
 * The product ships one migration, so "an older database" (user_version ≥ 1 but below the
 * latest) cannot exist yet. To exercise the upgrade path honestly, this file runs the real
 * openDatabase against the real 0001 plus a hypothetical 0002, and builds the "old" database
 * with the real 0001 SQL.
 */
const migrations = vi.hoisted(() => ({ list: [] as string[] }));
vi.mock('./migrations/index.js', () => ({
  get MIGRATIONS(): readonly string[] {
    return migrations.list;
  },
}));

const M0002 = 'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);';

const temp = new TempDirs();
const opened: Db[] = [];
let dir: string;
let path: string;

/** A database at version 1, as the released 0001 leaves it, with one workspace in it. */
function createVersion1(): void {
  const db = openPinned(path);
  db.exec(m0001);
  db.pragma('user_version = 1');
  db.prepare("INSERT INTO workspaces (id, name, repo_path, created_at) VALUES ('w1', 'main', NULL, 1)").run();
  db.close();
}

function readOnly<T>(p: string, fn: (db: Db) => T): T {
  const db = openPinned(p, { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const backups = (): string[] =>
  readdirSync(dir)
    .filter((n) => n.includes('.bak-'))
    .sort();
const hasTable = (db: Db, name: string): boolean =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;

beforeEach(() => {
  dir = temp.make();
  path = join(dir, 'wtp.db');
  migrations.list = [m0001, M0002];
});

afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close();
  temp.removeAll();
});

describe('openDatabase upgrading a database from an older version', () => {
  it('backs it up as wtp.db.bak-v1 before migrating, and keeps the data', () => {
    createVersion1();
    const db = openDatabase(path);
    opened.push(db);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(hasTable(db, 'notes')).toBe(true);
    expect(db.prepare('SELECT id FROM workspaces').all()).toEqual([{ id: 'w1' }]);

    expect(backups()).toEqual(['wtp.db.bak-v1']);
    readOnly(join(dir, 'wtp.db.bak-v1'), (bak) => {
      expect(bak.pragma('user_version', { simple: true })).toBe(1);
      expect(hasTable(bak, 'notes')).toBe(false);
      expect(bak.prepare('SELECT id FROM workspaces').all()).toEqual([{ id: 'w1' }]);
    });
  });

  it('never overwrites an earlier backup of the same version', () => {
    createVersion1();
    openDatabase(path).close();
    // Downgrade the schema by hand and upgrade again: a second backup of v1 is needed.
    const db = openPinned(path);
    db.exec('DROP TABLE notes');
    db.pragma('user_version = 1');
    db.close();
    openDatabase(path).close();
    const names = backups();
    expect(names).toHaveLength(2);
    expect(names[0]).toBe('wtp.db.bak-v1');
    expect(names[1]).toMatch(/^wtp\.db\.bak-v1-\d+$/);
  });

  it('does not back up a brand-new database', () => {
    openDatabase(path).close();
    expect(backups()).toEqual([]);
    readOnly(path, (db) => expect(db.pragma('user_version', { simple: true })).toBe(2));
  });

  it('rolls a failing migration back, leaving the old version, its data and the backup', () => {
    migrations.list = [m0001, `${M0002} INSERT INTO no_such_table VALUES (1);`];
    createVersion1();
    let error: unknown;
    try {
      opened.push(openDatabase(path));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('DB_MIGRATION_FAILED');
    expect((error as AppError).details).toEqual({
      path,
      migration: 2,
      error: 'no such table: no_such_table',
    });
    // The connection was closed: the last connection of a WAL database removes -wal and -shm.
    expect(readdirSync(dir).sort()).toEqual(['wtp.db', 'wtp.db.bak-v1']);
    readOnly(path, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(1);
      expect(hasTable(db, 'notes')).toBe(false);
      expect(db.prepare('SELECT id FROM workspaces').all()).toEqual([{ id: 'w1' }]);
    });
    expect(backups()).toEqual(['wtp.db.bak-v1']);
  });
});
