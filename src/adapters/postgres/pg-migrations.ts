import type pg from 'pg';
import { appError } from '../../protocol/error-messages.js';
import m0001 from './migrations/0001-fleet.js';
import m0002 from './migrations/0002-commands.js';
import m0003 from './migrations/0003-tasks.js';
import m0004 from './migrations/0004-trust.js';
import m0005 from './migrations/0005-usage.js';

/** The fleet schema's migrations, in order: append, never edit one that has shipped. */
export const PG_MIGRATIONS: readonly { version: number; sql: string }[] = [
  { version: 1, sql: m0001 },
  { version: 2, sql: m0002 },
  { version: 3, sql: m0003 },
  { version: 4, sql: m0004 },
  { version: 5, sql: m0005 },
];
const LATEST = PG_MIGRATIONS.length;
/** Serializes migrations of daemons starting together (any number: it only names the lock). */
const LOCK = 0x77_74_70_31;

const PRELUDE = `
CREATE SCHEMA IF NOT EXISTS wtp;
CREATE TABLE IF NOT EXISTS wtp.schema_migrations (
  version     integer PRIMARY KEY,
  applied_at  timestamptz NOT NULL DEFAULT now()
);
GRANT USAGE ON SCHEMA wtp TO PUBLIC;
GRANT SELECT ON wtp.schema_migrations TO PUBLIC;
`;

/** The schema version the database has (0: none). */
export async function schemaVersion(c: pg.ClientBase): Promise<number> {
  const exists = await c.query<{ t: string | null }>(
    "SELECT to_regclass('wtp.schema_migrations')::text AS t",
  );
  if (exists.rows[0]?.t == null) return 0;
  const r = await c.query<{ v: number }>('SELECT COALESCE(MAX(version), 0) AS v FROM wtp.schema_migrations');
  return r.rows[0]?.v ?? 0;
}

/**
 * Brings the schema to this version's, in one transaction under an advisory lock (daemons starting
 * together wait for each other). A role that may not create it gets FLEET_SCHEMA_MISSING with the
 * command to run; a newer schema, FLEET_SCHEMA_NEWER. Returns the versions applied.
 */
export async function migrate(c: pg.ClientBase, database: string): Promise<number[]> {
  const current = await schemaVersion(c);
  if (current > LATEST) {
    throw appError('FLEET_SCHEMA_NEWER', { schema: current, known: LATEST, database });
  }
  if (current === LATEST) return [];
  const applied: number[] = [];
  try {
    await c.query('BEGIN');
    await c.query('SELECT pg_advisory_xact_lock($1)', [LOCK]);
    await c.query(PRELUDE);
    const now = await schemaVersion(c); // another daemon may have migrated while we waited
    for (const m of PG_MIGRATIONS) {
      if (m.version <= now) continue;
      await c.query(m.sql);
      await c.query('INSERT INTO wtp.schema_migrations (version) VALUES ($1)', [m.version]);
      applied.push(m.version);
    }
    await c.query('COMMIT');
    return applied;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    const code = (err as { code?: unknown }).code;
    if (code === '42501') {
      throw appError('FLEET_SCHEMA_MISSING', { schema: current, known: LATEST, database }, { cause: err });
    }
    throw err;
  }
}
