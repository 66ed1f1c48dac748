import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DaemonLock } from '../../src/adapters/sqlite/daemon-lock.js';
import { Children, exited, firstLine, plainEnv } from '../support/adapters/children.js';
import { TempDirs } from '../support/adapters/temp-dirs.js';
import { REPO } from '../support/harness.js';

/**
 * Another process taking the lock exactly as DaemonLock does (same pragmas, BEGIN EXCLUSIVE).
 * Prints "acquired" or "busy"; with "hold" it keeps the lock until it is killed.
 */
const OTHER_PROCESS = `
const Database = require('better-sqlite3');
const [path, mode] = process.argv.slice(1);
const db = new Database(path);
try {
  db.pragma('busy_timeout = 0');
  db.pragma('locking_mode = EXCLUSIVE');
  db.exec('BEGIN EXCLUSIVE');
} catch (err) {
  if (err.code !== 'SQLITE_BUSY') throw err;
  console.log('busy');
  process.exit(0);
}
console.log('acquired');
if (mode === 'hold') setInterval(() => {}, 1 << 30);
else { db.exec('ROLLBACK'); db.close(); }
`;

const temp = new TempDirs();
const children = new Children();
const held: DaemonLock[] = [];
let lockFile: string;

/** Another process tries once and lets go: "acquired" or "busy". */
function otherProcessTries(): string {
  const r = spawnSync(process.execPath, ['-e', OTHER_PROCESS, lockFile, 'once'], {
    cwd: REPO,
    env: plainEnv(),
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (r.status !== 0) throw new Error(`lock helper failed (${r.status ?? r.signal}): ${r.stderr}`);
  return r.stdout.trim();
}

function acquire(): DaemonLock | null {
  const lock = DaemonLock.tryAcquire(lockFile);
  if (lock) held.push(lock);
  return lock;
}

function release(lock: DaemonLock): void {
  held.splice(held.indexOf(lock), 1);
  lock.release();
}

beforeEach(() => {
  lockFile = join(temp.make(), 'daemon.lock');
});

afterEach(async () => {
  for (const lock of held.splice(0)) lock.release();
  await children.killAll();
  temp.removeAll();
});

describe('DaemonLock across processes', () => {
  it('refuses another process while held, and lets it in after release()', () => {
    const lock = acquire();
    expect(lock).not.toBeNull();
    expect(otherProcessTries()).toBe('busy');
    expect(otherProcessTries()).toBe('busy');
    release(lock as DaemonLock);
    expect(otherProcessTries()).toBe('acquired');
  });

  it('is refused while another process holds it', async () => {
    const holder = children.spawn(process.execPath, ['-e', OTHER_PROCESS, lockFile, 'hold'], { cwd: REPO });
    expect(await firstLine(holder)).toBe('acquired');
    expect(acquire()).toBeNull();
    expect(acquire()).toBeNull();
  });

  it('is free again once the holder is SIGKILLed (the kernel drops its locks)', async () => {
    const holder = children.spawn(process.execPath, ['-e', OTHER_PROCESS, lockFile, 'hold'], { cwd: REPO });
    expect(await firstLine(holder)).toBe('acquired');
    expect(acquire()).toBeNull();
    holder.kill('SIGKILL');
    await exited(holder);
    const lock = acquire();
    expect(lock).not.toBeNull();
    expect(otherProcessTries()).toBe('busy');
  });
});

describe('DaemonLock in one process', () => {
  it('refuses a second acquire while held and allows one after release()', () => {
    const first = acquire();
    expect(first).not.toBeNull();
    expect(acquire()).toBeNull();
    release(first as DaemonLock);
    const second = acquire();
    expect(second).not.toBeNull();
  });

  it('can be taken and released repeatedly', () => {
    for (let i = 0; i < 5; i++) {
      const lock = acquire();
      expect(lock).not.toBeNull();
      release(lock as DaemonLock);
    }
    expect(otherProcessTries()).toBe('acquired');
  });
});
