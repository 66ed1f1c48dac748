import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPinned } from '../sqlite/pinned-database.js';
import type { FileChunk } from '../../core/ports/usage.js';
import { USAGE_FIXTURES } from '../../../test/support/usage-fixtures.js';
import { OpencodeUsageDb } from './opencode-db.js';

const VERSION = '1.18.33';
const FIXTURE = join(USAGE_FIXTURES, 'opencode', VERSION, 'opencode.db');
const SESSION = 'ses_deb588756ffePO28wmquTkTwJn';
const MSG = 'msg_214a7c15b001AM6Nmd2J9o5wyQ';
/** The time of the recorded session's last part. */
const LAST = 1795642868865;
const UID = process.getuid?.() ?? null;

let dir: string;
let db: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wtp-opencode-db-'));
  db = join(dir, 'opencode.db');
  copyFileSync(FIXTURE, db);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = (path: string) => openPinned(path, { readonly: true, fileMustExist: true, timeout: 0 });
const reader = (o: { maxLineBytes?: number } = {}) => new OpencodeUsageDb({ open, uid: UID, ...o });
const query = (session = SESSION, root = dir) => ({
  root,
  segments: ['opencode.db'],
  database: { schema: 'opencode' as const, session },
});
const chunk = (r: ReturnType<OpencodeUsageDb['read']>): FileChunk => {
  if (r === null || 'refused' in r) throw new Error(`expected rows, got ${JSON.stringify(r)}`);
  return r;
};
/** The recorded database with one statement run on it (as OpenCode's own writes would be). */
const write = (path: string, sql: string, ...params: unknown[]): void => {
  const w = openPinned(path);
  w.prepare(sql).run(...params);
  w.close();
};
const ids = (c: FileChunk): string[] => c.lines.map((l) => (JSON.parse(l) as { id: string }).id);

describe('OpencodeUsageDb (OpenCode 1.18.33’s database)', () => {
  it('finds the session and its subagents’ sessions, one source each; hands out its step-finish parts once', () => {
    write(
      db,
      `INSERT INTO session (id, project_id, parent_id, slug, directory, title, version, time_created, time_updated)
       VALUES ('ses_child1', 'global', ?, 's', '/', 't', '${VERSION}', 1, 1), ('ses_grandchild', 'global', 'ses_child1', 's', '/', 't', '${VERSION}', 1, 1),
       ('ses_other', 'global', NULL, 's', '/', 't', '${VERSION}', 1, 1)`,
      SESSION,
    );
    const r = reader();
    expect(r.find(query())).toEqual([`${db}#${SESSION}`, `${db}#ses_child1`, `${db}#ses_grandchild`].sort());
    // A session id that is not OpenCode's is never looked up.
    expect(r.find(query("x' OR 1=1 --"))).toEqual([]);
    const a = chunk(r.read(`${db}#${SESSION}`, null, 1 << 20));
    expect(ids(a)).toEqual([
      'prt_214a7964e001nDEtQtS9nKeR1r',
      'prt_214a7977d0017uVwNumRl36vq2',
      'prt_214a7c481001zX37X0w9RirVmD',
    ]);
    const first = JSON.parse(a.lines[0]!) as { time: number; part: string; message: string };
    expect(JSON.parse(first.part)).toMatchObject({ type: 'step-finish', tokens: { input: 6100 } });
    expect(JSON.parse(first.message)).toMatchObject({ modelID: 'fake-model' });
    expect(a.change).toBe('same');
    // Read on from the position: nothing new, the same position.
    const b = chunk(r.read(`${db}#${SESSION}`, a.position, 1 << 20));
    expect(b.lines).toEqual([]);
    expect(b.position).toEqual(a.position);
    // A new call's part: only it.
    write(
      db,
      `INSERT INTO part (id, message_id, session_id, time_created, time_updated, data) VALUES ('prt_new', '${MSG}', ?, ${LAST + 1}, 2, ?)`,
      SESSION,
      JSON.stringify({ type: 'step-finish', tokens: { input: 1, output: 2 } }),
    );
    expect(ids(chunk(r.read(`${db}#${SESSION}`, b.position, 1 << 20)))).toEqual(['prt_new']);
  });

  it('refuses a link put where the database is, and a database in a folder other users can write', () => {
    const real = join(dir, 'real');
    mkdirSync(real, { mode: 0o700 });
    renameSync(db, join(real, 'opencode.db'));
    symlinkSync(join(real, 'opencode.db'), db);
    const r = reader();
    // Named (so the refusal is shown), never opened.
    expect(r.find(query())).toEqual([`${db}#${SESSION}`]);
    expect(r.read(`${db}#${SESSION}`, null, 1 << 20)).toEqual({
      refused: `${db} is a symbolic link: not read`,
    });
    chmodSync(real, 0o777);
    const inOpen = join(real, 'opencode.db');
    expect(r.read(`${inOpen}#${SESSION}`, null, 1 << 20)).toEqual({
      refused: `${real} can be written by other users: ${inOpen} not read`,
    });
  });

  it('refuses a database of another user, and a special file', () => {
    const other = new OpencodeUsageDb({ open, uid: (UID ?? 0) + 1 });
    expect(other.read(`${db}#${SESSION}`, null, 1 << 20)).toEqual({
      refused: `${db} belongs to another user (uid ${UID ?? 0}): not read`,
    });
    rmSync(db);
    mkdirSync(db);
    expect(reader().read(`${db}#${SESSION}`, null, 1 << 20)).toEqual({
      refused: `${db} is not a regular file: not read`,
    });
  });

  it('refuses a file that is not OpenCode’s database: not SQLite, cut short, or a view where a table should be', () => {
    writeFileSync(db, '{"type":"step-finish"}\n');
    const r = reader();
    expect(r.read(`${db}#${SESSION}`, null, 1 << 20)).toMatchObject({
      refused: expect.stringContaining('cannot be read'),
    });
    // The recorded database cut in the middle (a copy stopped half way).
    const cut = join(dir, 'cut.db');
    writeFileSync(cut, readFileSync(FIXTURE).subarray(0, 40_000));
    const got = r.read(`${cut}#${SESSION}`, null, 1 << 20);
    expect(got).toMatchObject({ refused: expect.any(String) });
    // A forged database whose `part` is a view: not read at all.
    const forged = join(dir, 'forged.db');
    write(forged, 'CREATE TABLE session (id TEXT, parent_id TEXT)');
    write(forged, 'CREATE TABLE message (id TEXT, data TEXT)');
    write(
      forged,
      "CREATE VIEW part AS SELECT 1 AS id, 'm' AS message_id, 's' AS session_id, 0 AS time_created, '' AS data",
    );
    expect(r.read(`${forged}#${SESSION}`, null, 1 << 20)).toEqual({
      refused: `${forged} is not OpenCode's database (no part, message and session tables): not read`,
    });
    // Its tables without OpenCode's indexes: a read would scan them whole on the daemon's thread.
    const bare = join(dir, 'bare.db');
    write(bare, 'CREATE TABLE session (id TEXT PRIMARY KEY, parent_id TEXT)');
    write(bare, 'CREATE TABLE message (id TEXT PRIMARY KEY, data TEXT)');
    write(
      bare,
      'CREATE TABLE part (id TEXT, message_id TEXT, session_id TEXT, time_created INTEGER, data TEXT)',
    );
    expect(r.read(`${bare}#${SESSION}`, null, 1 << 20)).toEqual({
      refused: `${bare}: its tables lack OpenCode's indexes, so reading a session would scan them whole (SCAN p): not read`,
    });
    // With that one, the session's parent link would need an index of the read's own making.
    write(bare, 'CREATE INDEX part_session ON part (session_id)');
    expect(r.read(`${bare}#${SESSION}`, null, 1 << 20)).toMatchObject({
      refused: expect.stringContaining('(SEARCH s USING AUTOMATIC COVERING INDEX (parent_id=?))'),
    });
    expect(r.find({ root: dir, segments: ['bare.db'], database: { session: SESSION } } as never)).toEqual([
      `${bare}#${SESSION}`,
    ]);
  });

  it('skips a part larger than the line limit whole, counted, and reads on after it', () => {
    write(
      db,
      `INSERT INTO part (id, message_id, session_id, time_created, time_updated, data) VALUES ('prt_zbig', '${MSG}', ?, ${LAST + 1}, 3, ?), ('prt_zsmall', '${MSG}', ?, ${LAST + 2}, 4, ?)`,
      SESSION,
      JSON.stringify({ type: 'step-finish', pad: 'x'.repeat(2000) }),
      SESSION,
      JSON.stringify({ type: 'step-finish' }),
    );
    const c = chunk(reader({ maxLineBytes: 1000 }).read(`${db}#${SESSION}`, null, 1 << 20));
    expect(c.oversized).toBe(1);
    expect(ids(c).slice(-1)).toEqual(['prt_zsmall']);
  });

  it('a database replaced under its name is read from its start; a revert and a new call: the new call only', () => {
    const r = reader();
    const a = chunk(r.read(`${db}#${SESSION}`, null, 1 << 20));
    expect(a.position.offset).toBe(LAST);
    const copy = join(dir, 'copy.db');
    copyFileSync(FIXTURE, copy);
    renameSync(copy, db);
    const b = chunk(r.read(`${db}#${SESSION}`, a.position, 1 << 20));
    expect(b.change).toBe('replaced');
    expect(b.lines).toHaveLength(3);
    // A revert deletes the last call's parts (its rowid is then reused by the next insert).
    write(db, "DELETE FROM part WHERE id = 'prt_214a7c481001zX37X0w9RirVmD'");
    write(
      db,
      `INSERT INTO part (id, message_id, session_id, time_created, time_updated, data) VALUES ('prt_after', '${MSG}', ?, ${LAST + 5}, 0, '{"type":"step-finish"}')`,
      SESSION,
    );
    const c = chunk(r.read(`${db}#${SESSION}`, b.position, 1 << 20));
    expect([c.change, ids(c)]).toEqual(['same', ['prt_after']]);
  });

  it('a part dated ahead of the clock waits for it: it cannot move the position past calls still to come', () => {
    let now = LAST + 10;
    const r = new OpencodeUsageDb({ open, uid: UID, now: () => now });
    const a = chunk(r.read(`${db}#${SESSION}`, null, 1 << 20));
    write(
      db,
      `INSERT INTO part (id, message_id, session_id, time_created, time_updated, data) VALUES ('prt_future', '${MSG}', ?, ${LAST + 3_600_000}, 0, '{"type":"step-finish"}'), ('prt_next', '${MSG}', ?, ${LAST + 20}, 0, '{"type":"step-finish"}')`,
      SESSION,
      SESSION,
    );
    now = LAST + 30;
    const b = chunk(r.read(`${db}#${SESSION}`, a.position, 1 << 20));
    expect(ids(b)).toEqual(['prt_next']);
    now = LAST + 3_600_000;
    expect(ids(chunk(r.read(`${db}#${SESSION}`, b.position, 1 << 20)))).toEqual(['prt_future']);
  });

  it('reads a long session in parts, never splitting the parts of one millisecond', () => {
    const w = openPinned(db);
    const ins = w.prepare(
      'INSERT INTO part (id, message_id, session_id, time_created, time_updated, data) VALUES (?, ?, ?, ?, 0, ?)',
    );
    for (let i = 0; i < 50; i++)
      ins.run(
        `prt_bulk${i}`,
        MSG,
        SESSION,
        LAST + 1 + Math.floor(i / 2),
        JSON.stringify({ type: 'step-finish', i }),
      );
    w.close();
    const r = reader();
    const seen: string[] = [];
    let pos: FileChunk['position'] | null = null;
    for (let n = 0; n < 100; n++) {
      const c = chunk(r.read(`${db}#${SESSION}`, pos, 300));
      seen.push(...ids(c));
      pos = c.position;
      if (!c.more) break;
    }
    expect(seen).toHaveLength(53);
    expect(new Set(seen).size).toBe(53);
  });

  it('a database locked by a writer is read at the next turn, not refused', () => {
    const w = openPinned(db);
    w.pragma('journal_mode = DELETE');
    w.prepare('BEGIN EXCLUSIVE').run();
    const r = reader();
    try {
      expect(r.read(`${db}#${SESSION}`, null, 1 << 20)).toBeNull();
    } finally {
      w.prepare('COMMIT').run();
      w.close();
    }
    expect(chunk(r.read(`${db}#${SESSION}`, null, 1 << 20)).lines).toHaveLength(3);
  });
});
