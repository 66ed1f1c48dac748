import { PgFleet } from '../adapters/postgres/pg-fleet.js';
import { PG_MIGRATIONS } from '../adapters/postgres/pg-migrations.js';
import { processEnvironment, readEnv } from '../config/env.js';
import { loadConfig } from '../config/load-config.js';
import { resolvePaths } from '../config/paths.js';
import { appError } from '../protocol/error-messages.js';

/**
 * `wtp fleet migrate`: the fleet schema created or brought up to date in the database that
 * WTP_FLEET_URL (else the config's store.fleet) names, as that URL's role — run once by a role that
 * may create it, so the machines' own roles need no such privilege.
 */
export async function migrateFleet(
  source: NodeJS.ProcessEnv = processEnvironment(),
): Promise<{ database: string; applied: number[]; schema: number }> {
  const env = readEnv(source);
  const config = await loadConfig(resolvePaths(env).configFile, env);
  const url = config.store.fleet;
  if (url === null) {
    throw appError('FLEET_NOT_CONFIGURED', {});
  }
  const fleet = new PgFleet(url, 'migrate', () => undefined);
  try {
    const applied = await fleet.migrate();
    return { database: fleet.database, applied, schema: PG_MIGRATIONS.length };
  } finally {
    await fleet.close();
  }
}
