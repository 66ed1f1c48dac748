import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionConfig, IDLE_IN_TRANSACTION_MS } from '../../src/adapters/postgres/pg-connection.js';
import { PgFleet } from '../../src/adapters/postgres/pg-fleet.js';
import type { FleetTaskSpec, NewFleetTask } from '../../src/core/ports/fleet.js';
import { rejection } from '../support/app-error.js';
import { eventually } from '../support/harness.js';
import { TestPostgres } from '../support/postgres.js';

/**
 * The fleet's task graph on a real PostgreSQL (migration 0003): claims under leases with
 * FOR UPDATE SKIP LOCKED (concurrent claimers never share a task), dependencies, a lapsed lease
 * claimed again (the first run lost, its late result refused), renewals, users' moves, and what the
 * database itself refuses (a lease for another role's machine; a live lease taken over).
 */
describe('fleet tasks (real PostgreSQL)', () => {
  const server = new TestPostgres();
  const open: PgFleet[] = [];
  const machines = ['alpha', 'bravo', 'charlie'] as const;
  const fleets: Record<string, PgFleet> = {};
  let urls: Record<string, string>;
  const REPO = 'https://example.com/r.git';
  const spec: FleetTaskSpec = {
    prompt: 'true',
    profile: 'cmd',
    model: null,
    permissionMode: null,
    attempts: 1,
    retries: null,
    labels: [],
    workspace: 'default',
  };
  const task = (id: string, deps: string[] = [], priority = 0): NewFleetTask => ({
    id,
    repo: REPO,
    title: id,
    spec,
    deps,
    priority,
    status: 'ready',
  });
  const status = async (id: string) => (await fleets.alpha?.tasks.list())?.rows.find((t) => t.id === id);

  beforeAll(async () => {
    await server.start();
    urls = await server.fleetDatabase('fleet', [...machines]);
    await server.admin('ALTER DATABASE fleet OWNER TO wtp_admin');
    const owner = new PgFleet(
      server.url('wtp_admin', server.adminPassword, 'fleet'),
      'admin',
      () => undefined,
    );
    await owner.migrate();
    await owner.close();
    for (const m of machines) {
      const f = new PgFleet(urls[m] as string, m, () => undefined);
      open.push(f);
      fleets[m] = f;
      await f.publisher.join(
        { name: m, logId: m, version: '0', startedAt: 0, ssh: null, capacity: 2, repos: [REPO] },
        0,
      );
    }
  });
  afterAll(async () => {
    for (const f of open) await f.close();
    await server.cleanup();
  });

  it('concurrent claimers share nothing; dependencies wait for done; higher priority first', async () => {
    const a = fleets.alpha as PgFleet;
    await a.tasks.add([
      ...Array.from({ length: 20 }, (_, i) => task(`t${i}`, [], i === 7 ? 5 : 0)),
      task('after', ['t0', 't1']),
    ]);
    const claims = await Promise.all(
      [fleets.bravo, fleets.charlie, fleets.bravo, fleets.charlie].map((f) =>
        (f as PgFleet).tasks.claim([REPO], 8, 60_000),
      ),
    );
    const ids = claims.flat().map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `t${i}`).sort());
    expect(claims.flat().find((t) => t.id === 't7')?.leaseMachine).toMatch(/bravo|charlie/);
    // The highest priority went first, in the first claim that ran.
    expect(claims.some((c) => c[0]?.id === 't7')).toBe(true);
    for (const c of claims.flat())
      expect(c.runs).toMatchObject([{ status: 'running', machine: c.leaseMachine }]);
    // `after` waits for t0 and t1 to be done.
    expect(await (fleets.alpha as PgFleet).tasks.claim([REPO], 5, 60_000)).toEqual([]);
    for (const id of ['t0', 't1']) {
      const t = claims.flat().find((x) => x.id === id);
      const holder = fleets[t?.leaseMachine ?? ''] as PgFleet;
      expect(await holder.tasks.report(id, t?.runId ?? '', 'review', 'finished')).toBe(true);
      expect(await holder.tasks.report(id, t?.runId ?? '', 'done', 'merged')).toBe(true);
    }
    const next = await (fleets.alpha as PgFleet).tasks.claim([REPO], 5, 60_000);
    expect(next.map((t) => t.id)).toEqual(['after']);
  });

  it('a lapsed lease is claimed again under a new run; the first run is lost, its late result refused', async () => {
    const a = fleets.alpha as PgFleet;
    const b = fleets.bravo as PgFleet;
    const c = fleets.charlie as PgFleet;
    await a.tasks.add([task('slow')]);
    const [first] = await b.tasks.claim([REPO], 1, 300);
    expect(first?.id).toBe('slow');
    expect(await c.tasks.claim([REPO], 1, 60_000)).toEqual([]); // a live lease is not taken
    await new Promise((r) => setTimeout(r, 400));
    expect(await b.tasks.renew([first?.runId ?? ''], 60_000)).toEqual([]); // too late to renew
    const [second] = await c.tasks.claim([REPO], 1, 60_000);
    expect(second).toMatchObject({ id: 'slow', leaseMachine: 'charlie' });
    expect(second?.runId).not.toBe(first?.runId);
    expect(await b.tasks.report('slow', first?.runId ?? '', 'review', 'finished late')).toBe(false);
    expect(await c.tasks.renew([second?.runId ?? ''], 60_000)).toEqual([second?.runId]);
    expect(await c.tasks.report('slow', second?.runId ?? '', 'review', 'finished')).toBe(true);
    // Late again, now that the task is in the status it reports: still not its run.
    expect(await b.tasks.report('slow', first?.runId ?? '', 'review', 'finished late')).toBe(false);
    const now = await status('slow');
    expect(now?.status).toBe('review');
    expect(now?.runs.map((r) => [r.machine, r.status])).toEqual([
      ['bravo', 'refused'],
      ['charlie', 'review'],
    ]);
    expect(now?.runs[0]?.reason).toMatch(/came too late/);
  });

  it('a machine stalled or cut off mid-transaction holds its task no longer than the server lets an idle transaction live', async () => {
    const a = fleets.alpha as PgFleet;
    const b = fleets.bravo as PgFleet;
    const c = fleets.charlie as PgFleet;
    await a.tasks.add([task('stuck')]);
    const [first] = await b.tasks.claim([REPO], 1, 300);
    expect(first?.id).toBe('stuck');
    // Bravo, on a connection made as the daemon makes its own, is inside a transaction that locks the
    // task's row when it goes silent (its link cut, its process stopped): the server waits for its
    // next statement.
    const silent = new pg.Client(connectionConfig(urls.bravo as string, 'wtp bravo'));
    const ended = new Promise<Error>((resolve) => silent.on('error', resolve));
    await silent.connect();
    await silent.query('BEGIN');
    await silent.query('UPDATE wtp.tasks SET updated_at = now() WHERE id = $1', ['stuck']);
    await new Promise((r) => setTimeout(r, 400));
    // Its lease lapsed, but its row is locked: a claim passes it by (SKIP LOCKED).
    expect(await c.tasks.claim([REPO], 1, 60_000)).toEqual([]);
    // The server ends the idle transaction and its locks go: the task is claimed again.
    const [second] = await eventually(
      'the task claimed once the silent transaction is ended',
      async () => {
        const got = await c.tasks.claim([REPO], 1, 60_000);
        return got.length > 0 ? got : undefined;
      },
      IDLE_IN_TRANSACTION_MS + 10_000,
    );
    expect(second).toMatchObject({ id: 'stuck', leaseMachine: 'charlie' });
    expect((await ended).message).toMatch(/idle-in-transaction timeout/);
    await silent.end().catch(() => undefined);
    expect(await c.tasks.report('stuck', second?.runId ?? '', 'review', 'finished')).toBe(true);
  });

  it('a user moves a task from the machine that added it (or holds it); a move that raced another changes nothing', async () => {
    const a = fleets.alpha as PgFleet;
    await a.tasks.add([task('cancel-me')]);
    const [claimed] = await (fleets.bravo as PgFleet).tasks.claim([REPO], 1, 60_000);
    // Neither its creator nor its holder (issue 30).
    const third = await rejection(
      (fleets.charlie as PgFleet).tasks.move('cancel-me', 'running', 'cancelled', 'cancelled by user'),
    );
    expect(third.code).toBe('FLEET_TASK_NOT_YOURS');
    expect(await a.tasks.move('cancel-me', 'running', 'cancelled', 'cancelled by user')).toBe(true);
    expect(await a.tasks.move('cancel-me', 'running', 'ready', 'again')).toBe(false);
    const t = await status('cancel-me');
    expect(t).toMatchObject({ status: 'cancelled', leaseMachine: null, runId: null });
    expect(t?.runs[0]?.status).toBe('cancelled');
    // Its holder's result no longer counts.
    expect(
      await (fleets.bravo as PgFleet).tasks.report('cancel-me', claimed?.runId ?? '', 'review', 'x'),
    ).toBe(false);
  });

  it('the database refuses a lease for another role’s machine, and a live lease taken over', async () => {
    await (fleets.alpha as PgFleet).tasks.add([task('guarded')]);
    const [held] = await (fleets.bravo as PgFleet).tasks.claim([REPO], 1, 60_000);
    const asCharlie = new pg.Client({ connectionString: urls.charlie as string });
    await asCharlie.connect();
    try {
      // Neither its creator nor its holder: row-level security leaves charlie no row to update (and
      // the guard refuses it where it could: test/integration/pg-fleet-trust.test.ts).
      await expect(
        asCharlie.query("UPDATE wtp.tasks SET lease_machine = 'alpha' WHERE id = 'guarded'"),
      ).resolves.toMatchObject({ rowCount: 0 });
      await expect(
        asCharlie.query(
          "UPDATE wtp.tasks SET lease_machine = 'charlie', run_id = 'charlie-x' WHERE id = 'guarded'",
        ),
      ).resolves.toMatchObject({ rowCount: 0 });
      // Its creator may not give the lease to another of its machines, nor take it over live.
      const asAlpha = new pg.Client({ connectionString: urls.alpha as string });
      await asAlpha.connect();
      try {
        await expect(
          asAlpha.query("UPDATE wtp.tasks SET lease_machine = 'alpha' WHERE id = 'guarded'"),
        ).rejects.toThrow(/only for a machine of this role|a lease may be taken only/);
        await expect(
          asAlpha.query(
            "UPDATE wtp.tasks SET lease_machine = 'alpha', run_id = 'alpha-x' WHERE id = 'guarded'",
          ),
        ).rejects.toThrow(/under a live lease/);
      } finally {
        await asAlpha.end();
      }
    } finally {
      await asCharlie.end();
    }
    expect((await status('guarded'))?.runId).toBe(held?.runId);
  });
});
