import { openDatabase, type Db } from '../adapters/sqlite/open-database.js';
import { guardDatabase } from '../adapters/sqlite/state-dir-guard.js';
import { SqliteStateStore } from '../adapters/sqlite/sqlite-state-store.js';
import type { WtpPaths } from '../config/paths.js';
import type { Logger, ProcessInspector } from '../core/ports/daemon.js';

/** The database and the store over it; `fresh` says how many agent folders and hosts `--fresh` started beside. */
export interface Stores {
  db: Db;
  store: SqliteStateStore;
  fresh: { agentDirs: number; liveHosts: number } | null;
}

/**
 * Opens the database after checking what the state dir holds beside it (DB_MISSING unless
 * `--fresh`, DB_NOT_A_FILE) and fixing file modes, then the store.
 */
export function openStores(
  paths: WtpPaths,
  log: Logger,
  fresh: boolean,
  inspector: ProcessInspector,
): Stores {
  const found = guardDatabase(
    {
      database: paths.database,
      agentsDir: paths.agentsDir,
      identity: (pid) => inspector.identity(pid),
    },
    fresh,
  );
  // A start on a missing or empty database beside what earlier agents left.
  const startedFresh =
    found.database !== 'present' && (found.agentDirs.length > 0 || found.liveHosts.length > 0);
  if (startedFresh) {
    log.warn(
      { ...found, database: paths.database },
      'starting fresh (wtp up --fresh): an empty database beside existing agent folders; running hosts become orphans',
    );
  }
  const db = openDatabase(paths.database, {
    onModeFixed: (files) => log.warn({ files }, 'state files were readable by others: set to 0600'),
  });
  return {
    db,
    store: new SqliteStateStore(db),
    fresh: startedFresh ? { agentDirs: found.agentDirs.length, liveHosts: found.liveHosts.length } : null,
  };
}
