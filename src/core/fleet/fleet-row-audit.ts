import type { FleetRowHealth } from '../../protocol/fleet.js';
import type { Clock, Logger } from '../ports/daemon.js';
import type { InvalidRowReport } from '../ports/fleet.js';

/** The latest invalid rows kept for `wtp fleet` and `wtp doctor`. */
const KEPT = 20;

/**
 * The rows of the fleet database this daemon skipped as invalid: each row once however
 * often it is read again (a count per table), the latest few with their problem, and a warning in
 * the log the first time a row is seen. Never the row itself: its words are an attacker's.
 */
export class FleetRowAudit {
  private readonly seen = new Map<string, { report: InvalidRowReport; at: number }>();
  private readonly byTable = new Map<string, number>();

  constructor(
    private readonly d: { clock: Clock; logger: Logger; onNew?: (row: InvalidRowReport) => void },
  ) {}

  /** A row the adapter skipped. */
  add(row: InvalidRowReport): void {
    const key = `${row.table}\u0000${row.machine ?? ''}\u0000${row.key}`;
    const had = this.seen.get(key);
    this.seen.delete(key); // newest last
    this.seen.set(key, { report: row, at: this.d.clock.now() });
    if (had && had.report.issue === row.issue) return;
    if (!had) this.byTable.set(row.table, (this.byTable.get(row.table) ?? 0) + 1);
    this.d.logger.warn(
      { table: row.table, machine: row.machine, key: row.key, issue: row.issue },
      'fleet: an invalid row was skipped (FLEET_ROW_INVALID)',
    );
    this.d.onNew?.(row);
    if (this.seen.size > 10_000) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }

  /** What `wtp fleet` shows. */
  health(): FleetRowHealth {
    const recent = [...this.seen.values()]
      .slice(-KEPT)
      .reverse()
      .map(({ report, at }) => ({ ...report, at: new Date(at).toISOString() }));
    let skipped = 0;
    for (const n of this.byTable.values()) skipped += n;
    return { skipped, byTable: Object.fromEntries(this.byTable), recent };
  }
}
