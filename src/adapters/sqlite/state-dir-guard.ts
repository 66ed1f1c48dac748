import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { appError } from '../../protocol/error-messages.js';

/** What a host writes beside its agent's log while it runs: `<agentsDir>/<id>/host-<pid>.json`. */
export interface HostRecord {
  pid: number;
  /** The process inspector's identity of that pid (guards against pid reuse). */
  identity: string | null;
}

export const hostRecordName = (pid: number): string => `host-${pid}.json`;

/** What the state directory holds beside the database. */
export interface StateDirFindings {
  database: 'present' | 'missing' | 'empty';
  /** Agent folders (output logs, hook settings) under the agents dir. */
  agentDirs: string[];
  /** Hosts that still run, by their records. */
  liveHosts: { agentId: string; pid: number }[];
  /** Backups a migration left beside the database (`wtp.db.bak-v<N>…`). */
  backups: string[];
}

export interface GuardOptions {
  database: string;
  agentsDir: string;
  /** The identity of a live pid (null when there is no such process). */
  identity: (pid: number) => string | null;
}

/**
 * Checks the database file before it is opened: a path that is not a regular file is refused
 * (DB_NOT_A_FILE); a missing or empty database beside agent folders or running hosts is refused
 * (DB_MISSING) unless `fresh` — an empty database would turn every surviving host into a
 * stranger. Returns what it found either way.
 */
export function guardDatabase(o: GuardOptions, fresh: boolean): StateDirFindings {
  const findings = inspectStateDir(o);
  if (findings.database === 'present' || fresh) return findings;
  if (findings.agentDirs.length === 0 && findings.liveHosts.length === 0) return findings;
  const backup = findings.backups.at(-1);
  throw appError('DB_MISSING', {
    path: o.database,
    state: findings.database,
    ...findings,
    agentsDir: o.agentsDir,
    folders: findings.agentDirs.length,
    ...(findings.liveHosts.length === 0 ? {} : { hostPids: findings.liveHosts.map((h) => String(h.pid)) }),
    ...(backup === undefined ? {} : { backup }),
  });
}

export function inspectStateDir(o: GuardOptions): StateDirFindings {
  return {
    database: databaseState(o.database),
    agentDirs: subdirs(o.agentsDir),
    liveHosts: liveHosts(o),
    backups: backupsOf(o.database),
  };
}

function databaseState(path: string): StateDirFindings['database'] {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
  if (!st.isFile()) {
    throw appError('DB_NOT_A_FILE', { path, kind: fileKind(st) });
  }
  return st.size === 0 ? 'empty' : 'present';
}

/** What a path that is not a regular file is, in a word. */
function fileKind(st: Stats): string {
  if (st.isDirectory()) return 'directory';
  if (st.isFIFO()) return 'FIFO';
  if (st.isSocket()) return 'socket';
  return st.isBlockDevice() || st.isCharacterDevice() ? 'device' : 'special file';
}

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

/** Hosts that still run, by the records they write (their identity guards against pid reuse). */
export function liveHosts(
  o: Pick<GuardOptions, 'agentsDir' | 'identity'>,
): { agentId: string; pid: number }[] {
  const out: { agentId: string; pid: number }[] = [];
  for (const agentId of subdirs(o.agentsDir)) {
    let names: string[];
    try {
      names = readdirSync(join(o.agentsDir, agentId));
    } catch {
      continue;
    }
    for (const name of names.filter((n) => /^host-\d+\.json$/.test(n))) {
      const rec = readRecord(join(o.agentsDir, agentId, name));
      if (rec && rec.identity !== null && o.identity(rec.pid) === rec.identity)
        out.push({ agentId, pid: rec.pid });
    }
  }
  return out;
}

function readRecord(path: string): HostRecord | null {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<HostRecord>;
    return typeof v.pid === 'number'
      ? { pid: v.pid, identity: typeof v.identity === 'string' ? v.identity : null }
      : null;
  } catch {
    return null;
  }
}

function backupsOf(database: string): string[] {
  const prefix = `${basename(database)}.bak-v`;
  try {
    return readdirSync(dirname(database))
      .filter((n) => n.startsWith(prefix))
      .sort()
      .map((n) => join(dirname(database), n));
  } catch {
    return [];
  }
}
