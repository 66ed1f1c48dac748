import { join } from 'node:path';
import { FsUsageFiles } from '../adapters/usage/fs-usage-files.js';
import { OpencodeUsageDb } from '../adapters/usage/opencode-db.js';
import { openPinned } from '../adapters/sqlite/pinned-database.js';
import { SqliteUsageStore } from '../adapters/sqlite/sqlite-usage-store.js';
import type { Db } from '../adapters/sqlite/open-database.js';
import type { AgentEnvironment } from '../config/agent-environment.js';
import type { WtpConfig } from '../config/schema.js';
import type { UsageFiles } from '../core/ports/usage.js';
import type { UsageAdapters, UsageSettings } from '../core/usage/create-usage.js';
import { DEFAULT_USAGE_SETTINGS } from '../core/usage/usage-meter.js';
import { mergePrices } from '../core/usage/prices.js';
import { BUNDLED_PRICES } from '../core/usage/price-table.js';
import { USAGE_SPECS } from '../vendors/registry.js';

/** The core's usage settings from the config's `cost` and `budget`. */
export function usageSettings(config: Readonly<WtpConfig>): UsageSettings {
  const b = config.budget;
  return {
    meter: { ...DEFAULT_USAGE_SETTINGS, readEveryMs: config.cost.readEveryMs },
    prices: mergePrices(BUNDLED_PRICES, config.cost.prices, config.cost.bundledPrices),
    budgets: {
      taskUsd: b.taskUsd,
      workspaceUsd: b.workspaceUsd,
      workspaces: b.workspaces,
      dayUsd: b.dayUsd,
      nearAt: b.nearAt,
      onExceeded: b.onExceeded,
    },
  };
}

/**
 * Reading agents' session files and keeping usage in the database; undefined with `cost.enabled`
 * off. An agent's files are found in its CLI's environment: the daemon's allowlisted one, its
 * profile's (e.g. GEMINI_CLI_HOME), its own.
 */
export function usageAdapters(o: {
  config: Readonly<WtpConfig>;
  db: Db;
  agentEnv: AgentEnvironment;
  agentsDir: string;
}): UsageAdapters | undefined {
  if (!o.config.cost.enabled) return undefined;
  return {
    files: usageFiles(),
    store: new SqliteUsageStore(o.db),
    specs: USAGE_SPECS,
    locate(agent) {
      const env = {
        ...o.agentEnv.base,
        ...o.agentEnv.profiles[agent.profile],
        ...agent.env,
        ...agent.profileEnv,
      };
      return { env, home: env.HOME ?? '/', agentDir: join(o.agentsDir, agent.id) };
    },
  };
}

/**
 * Session files, and OpenCode's database (its rows of a session read as lines), each database
 * opened once, read-only, never waiting for a lock, held for the daemon's life (openPinned).
 */
export function usageFiles(uid: number | null = process.getuid?.() ?? null): UsageFiles {
  const files = new FsUsageFiles({ uid });
  const rows = new OpencodeUsageDb({
    uid,
    open: (path) => openPinned(path, { readonly: true, fileMustExist: true, timeout: 0 }),
  });
  return {
    find: (query) => (query.database ? rows.find(query) : files.find(query)),
    read: (path, from, maxBytes) =>
      OpencodeUsageDb.owns(path) ? rows.read(path, from, maxBytes) : files.read(path, from, maxBytes),
  };
}
