import { expect } from 'vitest';
import { TestHome } from './harness.js';
import type { NetLab } from './net-lab.js';
import { TestPostgres } from './postgres.js';

/** Fast heartbeats for tests: a machine is unreachable 2 s after its last one. */
export const FAST_FLEET = 'fleet:\n  heartbeatMs: 300\n  unreachableAfterMs: 2000\n  pollMs: 300\n';

/**
 * A fleet for a test (issue 21): a PostgreSQL server of its own, a database with a login role per
 * machine (no other privilege), the schema made once by the database's owner with
 * `wtp fleet migrate`, and a WTP_HOME per machine that joins it (WTP_MACHINE, WTP_FLEET_URL).
 */
export class FleetRig {
  readonly pg: TestPostgres;
  readonly homes: Record<string, TestHome> = {};
  urls: Record<string, string> = {};

  /**
   * `lab`: machines in network namespaces of their own; the database then listens on the lab's host
   * ends too, each machine reaching it at its own, and each daemon is started in its namespace.
   */
  constructor(private readonly lab?: NetLab) {
    this.pg = new TestPostgres(lab ? [...lab.machines.values()].map((m) => m.hostAddress) : []);
    if (lab) this.pg.allow(lab.cidr);
  }

  /** Starts the server, makes the database, roles and schema; `machines` get homes (not started). */
  async setUp(
    machines: readonly string[],
    opts: { env?: (machine: string) => Record<string, string>; config?: (machine: string) => string } = {},
  ): Promise<void> {
    await this.pg.start();
    this.urls = await this.pg.fleetDatabase('fleet', [...machines]);
    await this.pg.admin('ALTER DATABASE fleet OWNER TO wtp_admin');
    const admin = new TestHome({ WTP_FLEET_URL: this.pg.url('wtp_admin', this.pg.adminPassword, 'fleet') });
    const migrated = await admin.run(['fleet', 'migrate']);
    await admin.cleanup();
    expect(migrated.code, migrated.stderr).toBe(0);
    for (const m of machines) {
      if (this.lab)
        this.urls[m] = this.urls[m]?.replace('@127.0.0.1:', `@${this.lab.machine(m).hostAddress}:`) ?? '';
      const home = new TestHome({
        WTP_FLEET_URL: this.urls[m] as string,
        WTP_MACHINE: m,
        ...opts.env?.(m),
      });
      home.writeConfig(opts.config?.(m) ?? FAST_FLEET);
      this.homes[m] = home;
    }
  }

  home(machine: string): TestHome {
    const h = this.homes[machine];
    if (!h) throw new Error(`no machine ${machine}`);
    return h;
  }

  /**
   * The fleet database dropped (its connections ended) and made again, empty, with the same name,
   * grants and owner, its schema made by `wtp fleet migrate`: what an administrator's mistake, or a
   * restore from nothing, does under the machines (issue 30).
   */
  async replaceDatabase(): Promise<void> {
    await this.pg.admin('DROP DATABASE fleet WITH (FORCE)');
    await this.pg.admin('CREATE DATABASE fleet OWNER wtp_admin');
    await this.pg.admin('REVOKE ALL ON DATABASE fleet FROM PUBLIC');
    for (const m of Object.keys(this.homes))
      await this.pg.admin(`GRANT CONNECT ON DATABASE fleet TO wtp_${m}`);
    const admin = new TestHome({ WTP_FLEET_URL: this.pg.url('wtp_admin', this.pg.adminPassword, 'fleet') });
    const migrated = await admin.run(['fleet', 'migrate']);
    await admin.cleanup();
    expect(migrated.code, migrated.stderr).toBe(0);
  }

  /**
   * The database's sessions as its server sees them (who, what state, how long in a transaction, the
   * last statement) and who holds or waits for a lock on a task row: for the message of a wait that
   * times out — a task nobody claims may be a row a session still locks.
   */
  async sessions(): Promise<string> {
    const rows = await this.pg.admin<{ line: string }>(
      `SELECT a.usename || ' ' || coalesce(a.client_addr::text, 'local') || ' ' || coalesce(a.state, '?') ||
         coalesce(' xact ' || round(extract(epoch FROM now() - a.xact_start)::numeric, 1) || 's', '') ||
         coalesce(' waits ' || a.wait_event_type || '/' || a.wait_event, '') ||
         coalesce(' locks ' || (SELECT string_agg(DISTINCT l.mode || CASE WHEN l.granted THEN '' ELSE '(waiting)' END, ',')
                                 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype IN ('tuple', 'transactionid')), '') ||
         ': ' || left(regexp_replace(a.query, '\\s+', ' ', 'g'), 100) AS line
       FROM pg_stat_activity a WHERE a.datname = 'fleet' AND a.pid <> pg_backend_pid() ORDER BY a.usename`,
      [],
      'fleet',
    );
    return rows.map((r) => r.line).join('\n');
  }

  async up(machine: string): Promise<void> {
    const r = await this.home(machine).run(
      ['up', '--detach'],
      this.lab ? { wrap: this.lab.enter(machine) } : {},
    );
    expect(r.code, r.stderr).toBe(0);
  }

  async cleanup(): Promise<void> {
    for (const h of Object.values(this.homes)) await h.cleanup();
    await this.pg.cleanup();
  }
}
