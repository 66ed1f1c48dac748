import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { expect } from 'vitest';
import { CLI_PINS } from '../../scripts/cli-pins.mjs';
import { openPinned } from '../../src/adapters/sqlite/pinned-database.js';

/** Vendor of a pinned CLI's executable: inside its cache folder, or the test override of its binary. */
function vendorOf(command: string): string | undefined {
  for (const [vendor, pin] of Object.entries(CLI_PINS)) {
    if (command.startsWith(`${pin.cacheDir}/`)) return vendor;
    const override = process.env[`WTP_TEST_${vendor.toUpperCase()}_BIN`];
    if (override && command === override) return vendor;
  }
  return undefined;
}

/**
 * How many times a daemon of this WTP_HOME started a pinned agent CLI (a host connected for a new
 * process of an agent whose command is one), by vendor, read from its database's event log.
 */
export function cliStartsIn(home: string): Record<string, number> {
  const file = join(home, 'wtp.db');
  if (!existsSync(file)) return {};
  let db: Database.Database | undefined;
  try {
    // Pinned: a worker lives on, and on Node.js 24 a collected better-sqlite3 object aborts it.
    db = openPinned(file, { readonly: true, fileMustExist: true });
    const rows = db
      .prepare(
        `SELECT json_extract(c.data, '$.agent.command') AS command, COUNT(*) AS starts
           FROM events h JOIN events c ON c.agent_id = h.agent_id AND c.type = 'agent.created'
          WHERE h.type = 'agent.hostConnected' AND json_extract(h.data, '$.reattached') = 0
          GROUP BY command`,
      )
      .all() as { command: string | null; starts: number }[];
    const out: Record<string, number> = {};
    for (const r of rows) {
      const vendor = r.command ? vendorOf(r.command) : undefined;
      if (vendor) out[vendor] = (out[vendor] ?? 0) + r.starts;
    }
    return out;
  } catch {
    return {}; // a database a test broke on purpose, or one a daemon never finished creating
  } finally {
    db?.close();
  }
}

/**
 * With WTP_TEST_CLI_STARTS=<file>, appends one JSON line per test home that started a pinned CLI:
 * the test file and its starts by vendor (the test ledger counts them: scripts/test-ledger.mjs).
 */
export function recordCliStarts(home: string): void {
  const out = process.env.WTP_TEST_CLI_STARTS;
  if (!out) return;
  const starts = cliStartsIn(home);
  if (Object.keys(starts).length === 0) return;
  const file = expect.getState().testPath ?? 'unknown';
  appendFileSync(out, `${JSON.stringify({ file, starts })}\n`);
}

/** A pinned CLI a test runs itself (no daemon): counted as a start of its vendor, as above. */
export function recordDirectCliStart(command: string): void {
  const out = process.env.WTP_TEST_CLI_STARTS;
  const vendor = vendorOf(command);
  if (!out || !vendor) return;
  appendFileSync(
    out,
    `${JSON.stringify({ file: expect.getState().testPath ?? 'unknown', starts: { [vendor]: 1 } })}\n`,
  );
}
