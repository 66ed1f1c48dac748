import { openPinned } from './pinned-database.js';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TempDirs } from '../../../test/support/adapters/temp-dirs.js';
import { AppError } from '../../core/errors.js';
import { MIGRATIONS } from './migrations/index.js';
import { openDatabase, type Db } from './open-database.js';

const temp = new TempDirs();
const opened: Db[] = [];
let dir: string;
let path: string;

const open = (p = path): Db => {
  const db = openDatabase(p);
  opened.push(db);
  return db;
};
const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');
const tables = (db: Db): string[] =>
  (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as {
      name: string;
    }[]
  )
    .map((r) => r.name)
    .sort();

/** Runs `fn` and returns the AppError it throws (fails the test if it throws anything else or nothing). */
function appErrorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected an AppError, nothing was thrown');
}

beforeEach(() => {
  dir = temp.make();
  path = join(dir, 'wtp.db');
});

afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close();
  temp.removeAll();
});

describe('openDatabase on a new file', () => {
  it('creates the schema at the latest version, in WAL mode with foreign keys on', () => {
    const db = open();
    expect(MIGRATIONS.length).toBeGreaterThan(0);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(tables(db)).toEqual([
      'agents',
      'budgets',
      'events',
      'meta',
      'tasks',
      'usage_files',
      'usage_ledger',
      'workspaces',
    ]);
    expect(readdirSync(dir).filter((n) => n.includes('.bak-'))).toEqual([]);
  });

  it('treats an empty file as a new database', () => {
    writeFileSync(path, '');
    const db = open();
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
  });

  it('reopens an up-to-date database without migrating, backing up or losing data', () => {
    const first = open();
    first
      .prepare("INSERT INTO workspaces (id, name, repo_path, created_at) VALUES ('w', 'n', NULL, 1)")
      .run();
    first.close();
    const again = open();
    expect(again.prepare('SELECT id FROM workspaces').all()).toEqual([{ id: 'w' }]);
    expect(again.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(readdirSync(dir).filter((n) => n.includes('.bak-'))).toEqual([]);
  });
});

describe('openDatabase refuses, without touching the file,', () => {
  it('a file that is not SQLite (DB_CORRUPT)', () => {
    writeFileSync(path, 'this is my diary, not a database\n'.repeat(200));
    const before = sha(path);
    const err = appErrorOf(() => open());
    expect(err.code).toBe('DB_CORRUPT');
    expect(err.details).toEqual({ path });
    expect(sha(path)).toBe(before);
    expect(readdirSync(dir)).toEqual(['wtp.db']); // no -wal, -shm or backup either
  });

  it('a file shorter than the SQLite header (DB_CORRUPT)', () => {
    writeFileSync(path, 'SQLite');
    const before = sha(path);
    expect(appErrorOf(() => open()).code).toBe('DB_CORRUPT');
    expect(sha(path)).toBe(before);
  });

  it('a file with the SQLite magic but garbage after it (DB_CORRUPT)', () => {
    const junk = Buffer.alloc(8192, 0xa5);
    junk.write('SQLite format 3\u0000', 0, 'latin1');
    writeFileSync(path, junk);
    const before = sha(path);
    const err = appErrorOf(() => open());
    expect(err.code).toBe('DB_CORRUPT');
    expect(err.message).toContain('cannot be read as a database');
    expect(sha(path)).toBe(before);
  });

  it('a database written by a newer version (DB_TOO_NEW)', () => {
    const newer = openPinned(path);
    newer.exec('CREATE TABLE future (x)');
    newer.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    newer.close();
    const before = sha(path);
    const err = appErrorOf(() => open());
    expect(err.code).toBe('DB_TOO_NEW');
    expect(err.details).toEqual({ path, found: MIGRATIONS.length + 1, supported: MIGRATIONS.length });
    expect(sha(path)).toBe(before);
    expect(readdirSync(dir)).toEqual(['wtp.db']);
  });
});

describe('openDatabase on an older database', () => {
  it('rolls a failing migration back (DB_MIGRATION_FAILED), keeps the data and closes the connection', () => {
    // Honest stand-in for "an older database": the real schema with user_version reset to 0,
    // so migration 0001 runs again and fails on CREATE TABLE of an existing table.
    const db = open();
    db.prepare("INSERT INTO workspaces (id, name, repo_path, created_at) VALUES ('w', 'n', NULL, 1)").run();
    db.pragma('user_version = 0');
    db.close();

    const err = appErrorOf(() => open());
    expect(err.code).toBe('DB_MIGRATION_FAILED');
    expect(err.details).toEqual({ path, migration: 1, error: expect.any(String) });
    expect(err.cause).toBeInstanceOf(Error);
    // Closed: the last connection of a WAL database removes its -wal and -shm files.
    expect(readdirSync(dir)).toEqual(['wtp.db']);

    const check = openPinned(path, { readonly: true });
    try {
      expect(check.pragma('user_version', { simple: true })).toBe(0);
      expect(check.prepare('SELECT id FROM workspaces').all()).toEqual([{ id: 'w' }]);
    } finally {
      check.close();
    }
    // Version 0 means "no schema yet": nothing to back up.
    expect(readdirSync(dir).filter((n) => n.includes('.bak-'))).toEqual([]);
  });
});
