import Database from 'better-sqlite3';

/**
 * Every database this process opened, for as long as it lives. On Node.js 24 better-sqlite3 12's
 * objects (node::ObjectWrap) abort the process when the garbage collector finalizes them
 * (`Assertion failed: (env) != nullptr` in RemoveEnvironmentCleanupHook, SIGABRT): a Database or a
 * Statement must never become garbage. better-sqlite3 13 has no such finalizer but does not run on
 * Node 20, which this project supports. Held here, they are released by Node's own teardown, which
 * is safe (.ci/node-matrix.sh runs test/integration/sqlite-finalizers.test.ts on Node 24).
 */
const opened = new Map<Database.Database, Map<string, Database.Statement>>();

/**
 * Opens an SQLite database whose objects are never garbage: the Database is held for the process's
 * life, and its `prepare` and `pragma` hand out one Statement per SQL text, held with it (the SQL
 * texts of this codebase are a fixed set; values go in as parameters). Use it for every database.
 */
export function openPinned(path: string, options?: Database.Options): Database.Database {
  const db = new Database(path, options);
  const statements = new Map<string, Database.Statement>();
  opened.set(db, statements);
  const prepare = db.prepare.bind(db);
  const cached = (sql: string): Database.Statement => {
    let s = statements.get(sql);
    if (s === undefined) {
      s = prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };
  db.prepare = cached as Database.Database['prepare'];
  // better-sqlite3's own pragma() prepares a new Statement on every call.
  db.pragma = ((source: string, options?: { simple?: boolean }): unknown => {
    const s = cached(`PRAGMA ${source}`);
    const simple = options?.simple === true;
    if (!s.reader) {
      s.run();
      return simple ? undefined : [];
    }
    return simple ? s.pluck(true).get() : s.pluck(false).all();
  }) as Database.Database['pragma'];
  return db;
}

/** The statements held for `db` (null when it was not opened here): tests check they stay a fixed set. */
export function pinnedStatements(db: Database.Database): number | null {
  return opened.get(db)?.size ?? null;
}
