import { openPinned } from './pinned-database.js';
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TempDirs } from '../../../test/support/adapters/temp-dirs.js';
import { DaemonLock } from './daemon-lock.js';
import { openDatabase } from './open-database.js';
import { guardDatabase, hostRecordName } from './state-dir-guard.js';

const temp = new TempDirs();
const mode = (p: string): number => statSync(p).mode & 0o777;

describe('state files are 0600 whatever the umask and the folder mode (they hold agents’ environments)', () => {
  let dir: string;
  let umask: number;
  beforeEach(() => {
    dir = temp.make();
    chmodSync(dir, 0o755);
    umask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(umask);
    temp.removeAll();
  });

  it('the database, its -wal and -shm, and the lock file are created 0600', () => {
    const db = openDatabase(join(dir, 'wtp.db'));
    db.prepare('CREATE TABLE t (x)').run();
    db.prepare('INSERT INTO t VALUES (?)').run('ANTHROPIC_API_KEY=sk-secret');
    const lock = DaemonLock.tryAcquire(join(dir, 'daemon.lock'));
    for (const f of ['wtp.db', 'wtp.db-wal', 'wtp.db-shm', 'daemon.lock'])
      expect(mode(join(dir, f)), f).toBe(0o600);
    lock?.release();
    db.close();
  });

  it('existing files readable by others are set to 0600 at start, and said so', () => {
    const path = join(dir, 'wtp.db');
    const old = openPinned(path);
    old.pragma('journal_mode = WAL');
    old.prepare('CREATE TABLE t (x)').run();
    old.close();
    chmodSync(path, 0o644);
    writeFileSync(join(dir, 'daemon.lock'), '');
    chmodSync(join(dir, 'daemon.lock'), 0o644);
    const fixed: string[] = [];
    const db = openDatabase(path, { onModeFixed: (files) => fixed.push(...files) });
    DaemonLock.tryAcquire(join(dir, 'daemon.lock'))?.release();
    expect(fixed).toEqual([path]);
    expect(mode(path)).toBe(0o600);
    expect(mode(join(dir, 'daemon.lock'))).toBe(0o600);
    db.close();
  });
});

describe('guardDatabase: never start empty beside agents that still exist', () => {
  let dir: string;
  const opts = (identity: (pid: number) => string | null = () => null) => ({
    database: join(dir, 'wtp.db'),
    agentsDir: join(dir, 'agents'),
    identity,
  });
  beforeEach(() => {
    dir = temp.make();
    mkdirSync(join(dir, 'agents'));
  });
  afterEach(() => temp.removeAll());

  it('a first start (no database, no agent folders) is fine', () => {
    expect(guardDatabase(opts(), false)).toMatchObject({ database: 'missing', agentDirs: [], liveHosts: [] });
  });

  it('a missing or empty database beside agent folders is DB_MISSING, with what was found; --fresh passes', () => {
    mkdirSync(join(dir, 'agents', 'ag-1'));
    mkdirSync(join(dir, 'agents', 'ag-2'));
    writeFileSync(
      join(dir, 'agents', 'ag-2', hostRecordName(4242)),
      JSON.stringify({ pid: 4242, identity: '4242@7' }),
    );
    writeFileSync(
      join(dir, 'agents', 'ag-1', hostRecordName(4141)),
      JSON.stringify({ pid: 4141, identity: '4141@1' }),
    );
    // 4141 was reused by another process (another identity); 4242 is our host.
    const identity = (pid: number) => (pid === 4242 ? '4242@7' : pid === 4141 ? '4141@99' : null);
    expect(() => guardDatabase(opts(identity), false)).toThrowError(
      expect.objectContaining({
        code: 'DB_MISSING',
        details: expect.objectContaining({
          state: 'missing',
          agentDirs: ['ag-1', 'ag-2'],
          liveHosts: [{ agentId: 'ag-2', pid: 4242 }],
        }),
      }),
    );
    writeFileSync(join(dir, 'wtp.db'), '');
    writeFileSync(join(dir, 'wtp.db.bak-v3'), 'x');
    expect(() => guardDatabase(opts(identity), false)).toThrowError(
      expect.objectContaining({ code: 'DB_MISSING', message: expect.stringContaining('wtp.db.bak-v3') }),
    );
    expect(guardDatabase(opts(identity), true).database).toBe('empty');
  });

  it('a database path that is a directory is DB_NOT_A_FILE', () => {
    mkdirSync(join(dir, 'wtp.db'));
    expect(() => guardDatabase(opts(), true)).toThrowError(
      expect.objectContaining({ code: 'DB_NOT_A_FILE' }),
    );
  });
});
