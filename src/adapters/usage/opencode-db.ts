import { lstatSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FileChunk, FilePosition, UsageFiles } from '../../core/ports/usage.js';
import type { UsageFileQuery } from '../../core/usage/usage-spec.js';
import { MAX_LINE_BYTES } from './fs-usage-files.js';

/** What the reader needs of an SQLite connection (better-sqlite3's, opened read-only). */
export interface ReadonlySqlite {
  prepare(sql: string): { all(...params: unknown[]): unknown[]; get(...params: unknown[]): unknown };
  pragma(source: string, options?: { simple?: boolean }): unknown;
  close(): unknown;
}

/**
 * Opens a database read-only, never waiting for a lock (better-sqlite3 through the daemon's
 * openPinned: the object is held for the process's life). Throws when it cannot.
 */
export type OpenReadonlySqlite = (path: string) => ReadonlySqlite;

/** An OpenCode session id as it makes them (`ses_` and base62): the only kind read. */
const SESSION_ID = /^ses_[0-9A-Za-z]{1,64}$/;
/** A source's name: the database's path, `#`, the session (JSONL session files never end so). */
const SOURCE = /^(.+)#(ses_[0-9A-Za-z]{1,64})$/;
/** Rows handed out per read at most (the rest at the next). */
const MAX_ROWS = 2_000;
/** Subagent sessions looked for at most, and how deep (a task tool's task tool…). */
const MAX_SESSIONS = 1_000;
const MAX_DEPTH = 8;
/** Databases opened at most (one per replacement of a file: each connection is held for good). */
const MAX_OPENED = 64;
/** How far ahead of the clock a part's time may be and still be read (else it waits for it). */
const FUTURE_MS = 60_000;

/**
 * Each model call's usage row: a `step-finish` part of the session (written once, when the call
 * ended), with its message's data, after a time. Parts dated ahead of the clock wait for it.
 */
const ROWS_SQL = `SELECT p.rowid AS r, p.id AS id, p.time_created AS t,
  CASE WHEN length(CAST(p.data AS BLOB)) <= ? THEN p.data END AS pd,
  CASE WHEN length(CAST(m.data AS BLOB)) <= ? THEN m.data END AS md
  FROM part p LEFT JOIN message m ON m.id = p.message_id
  WHERE p.session_id = ? AND p.time_created > ? AND p.time_created <= ?
    AND instr(p.data, '"step-finish"') > 0
  ORDER BY p.time_created, p.rowid LIMIT ?`;
const TREE_SQL = `WITH RECURSIVE tree(id, depth) AS (
  SELECT ?, 0 UNION SELECT s.id, tree.depth + 1 FROM session s JOIN tree ON s.parent_id = tree.id
  WHERE tree.depth < ${MAX_DEPTH})
  SELECT id FROM tree LIMIT ${MAX_SESSIONS}`;
const TABLES_SQL = "SELECT name, type FROM sqlite_master WHERE name IN ('part', 'message', 'session')";

interface Row {
  r: unknown;
  id: unknown;
  t: unknown;
  pd: unknown;
  md: unknown;
}

interface Opened {
  db: ReadonlySqlite;
  dev: number;
  ino: number;
}

/**
 * OpenCode's usage from its SQLite database (`opencode.db`, in WAL mode, written while it runs): the
 * `step-finish` parts of an agent's sessions, each as one JSON line for the vendor's reader. A part is
 * written once, when its model call ends, and calls end in turn, so the position is the last part's
 * time: deleted rows (a revert, a VACUUM) change nothing, and a part dated ahead of the clock waits so
 * as not to skip calls still to come. The file is trusted no more than the session files (this user's
 * regular file, no link, in a folder no other user can write, its inode checked around the open) and
 * is opened read-only with SQLite's defences for a file it did not write.
 */
export class OpencodeUsageDb implements UsageFiles {
  private readonly opened = new Map<string, Opened>();
  private openings = 0;

  constructor(
    private readonly o: {
      open: OpenReadonlySqlite;
      uid: number | null;
      maxLineBytes?: number;
      /** The clock (epoch ms): parts dated after it wait. */
      now?: () => number;
    },
  ) {}

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  /** Whether a source name is one of this reader's. */
  static owns(source: string): boolean {
    return SOURCE.test(source);
  }

  find(query: UsageFileQuery): string[] {
    const session = query.database?.session;
    if (session === undefined || !SESSION_ID.test(session)) return [];
    if (query.segments.some((s) => typeof s !== 'string' || s.includes('/') || s === '..' || s === '.'))
      return [];
    const path = join(query.root, ...(query.segments as string[]));
    const st = lstatOrNull(path);
    if (st === null) return [];
    const main = `${path}#${session}`;
    // A link or a stranger's file is named, and refused when read (the agent's view says so).
    if (this.problem(path, st) !== null) return [main];
    try {
      const db = this.connection(path, st);
      if (typeof db === 'string') return [main];
      const ids = db
        .prepare(TREE_SQL)
        .all(session)
        .map((r) => (r as { id: unknown }).id)
        .filter((id): id is string => typeof id === 'string' && SESSION_ID.test(id));
      return [...new Set([session, ...ids])].map((id) => `${path}#${id}`).sort();
    } catch {
      return [main];
    }
  }

  read(source: string, from: FilePosition | null, maxBytes: number): FileChunk | { refused: string } | null {
    const m = SOURCE.exec(source);
    if (!m) return { refused: `${source} is not an OpenCode session source` };
    const path = m[1]!;
    const session = m[2]!;
    const st = lstatOrNull(path);
    if (st === null) return null;
    const problem = this.problem(path, st);
    if (problem !== null) return { refused: problem };
    const maxLine = this.o.maxLineBytes ?? MAX_LINE_BYTES;
    try {
      const db = this.connection(path, st);
      if (typeof db === 'string') return { refused: db };
      const same = from !== null && from.dev === st.dev && from.ino === st.ino;
      const change: FileChunk['change'] = from === null ? 'same' : same ? 'same' : 'replaced';
      const start = change === 'same' && from !== null ? from.offset : 0;
      const until = this.now() + FUTURE_MS;
      let rows = db.prepare(ROWS_SQL).all(maxLine, maxLine, session, start, until, MAX_ROWS) as Row[];
      const full = rows.length === MAX_ROWS;
      // A full batch may have cut between two parts of the same millisecond: its last one waits.
      const lastAt = full ? rows[rows.length - 1]!.t : null;
      if (full && rows[0]!.t !== lastAt) rows = rows.filter((r) => r.t !== lastAt);
      const lines: string[] = [];
      let oversized = 0;
      let bytes = 0;
      let offset = start;
      for (const [i, row] of rows.entries()) {
        if (typeof row.t !== 'number' || !Number.isSafeInteger(row.t)) continue;
        offset = row.t;
        if (typeof row.pd !== 'string') oversized += 1;
        else {
          const line = JSON.stringify({
            id: row.id,
            time: row.t,
            part: row.pd,
            message: typeof row.md === 'string' ? row.md : null,
          });
          lines.push(line);
          bytes += line.length;
        }
        // Enough for this read, once the parts of this millisecond are all out (the next starts after it).
        if (bytes >= maxBytes && rows[i + 1] !== undefined && rows[i + 1]!.t !== row.t) break;
      }
      return {
        lines,
        position: { offset, dev: st.dev, ino: st.ino },
        change,
        oversized,
        more: full || bytes >= maxBytes,
      };
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      // Another process holds a lock it is recovering under: read at the next turn.
      if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return null;
      return {
        refused: `${path} cannot be read as OpenCode's database (${String(code ?? (err as Error).message).slice(0, 120)})`,
      };
    }
  }

  /** Why the database at `path` is not read, or null. */
  private problem(path: string, st: Stats): string | null {
    if (st.isSymbolicLink()) return `${path} is a symbolic link: not read`;
    if (!st.isFile()) return `${path} is not a regular file: not read`;
    if (this.o.uid !== null && st.uid !== this.o.uid)
      return `${path} belongs to another user (uid ${st.uid}): not read`;
    const dir = lstatOrNull(dirname(path));
    if (dir === null || !dir.isDirectory()) return `${dirname(path)} is not a folder: not read`;
    if (this.o.uid !== null && (dir.uid !== this.o.uid || (dir.mode & 0o022) !== 0))
      return `${dirname(path)} can be written by other users: ${path} not read`;
    return null;
  }

  /** The open connection to the file `st` is, opening it when new (a refusal as text). */
  private connection(path: string, st: Stats): ReadonlySqlite | string {
    const held = this.opened.get(path);
    if (held && held.dev === st.dev && held.ino === st.ino) return held.db;
    if (held) {
      held.db.close();
      this.opened.delete(path);
    }
    if (this.openings >= MAX_OPENED)
      return `${path}: too many databases opened (${MAX_OPENED}) in this daemon: not read`;
    this.openings += 1;
    const db = this.o.open(path);
    const after = lstatOrNull(path);
    const ok = after !== null && after.isFile() && after.dev === st.dev && after.ino === st.ino;
    let refused: string | null;
    try {
      refused = ok ? this.checkSchema(db, path) : `${path} changed while it was opened: not read`;
    } catch (err) {
      // Locked while it was opened (its writer's recovery): tried again at the next read, uncounted.
      this.openings -= 1;
      db.close();
      throw err;
    }
    if (refused !== null) {
      db.close();
      return refused === ''
        ? `${path} is not OpenCode's database (no part, message and session tables): not read`
        : refused;
    }
    this.opened.set(path, { db, dev: st.dev, ino: st.ino });
    return db;
  }

  /** Sets the defences for a database this process did not write; '' when its tables are not OpenCode's. */
  private checkSchema(db: ReadonlySqlite, path: string): string | null {
    db.pragma('trusted_schema = OFF');
    db.pragma('cell_size_check = ON');
    db.pragma('mmap_size = 0');
    db.pragma('query_only = ON');
    const tables = db.prepare(TABLES_SQL).all() as { name: unknown; type: unknown }[];
    const ok = ['part', 'message', 'session'].every((n) =>
      tables.some((t) => t.name === n && t.type === 'table'),
    );
    if (!ok) return '';
    // Its indexes are its writer's to make: a read that would scan a whole table (or build an
    // index for itself) on the daemon's thread is refused, whatever the schema says.
    const plan = [
      ...db.prepare(`EXPLAIN QUERY PLAN ${ROWS_SQL}`).all(0, 0, 'ses_0', 0, 0, 1),
      ...db.prepare(`EXPLAIN QUERY PLAN ${TREE_SQL}`).all('ses_0'),
    ].map((r) => String((r as { detail?: unknown }).detail));
    const scan = plan.find((d) => /^SCAN (?!tree$|CONSTANT ROW$)|AUTOMATIC/.test(d));
    return scan === undefined
      ? null
      : `${path}: its tables lack OpenCode's indexes, so reading a session would scan them whole (${scan.slice(0, 80)}): not read`;
  }
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}
