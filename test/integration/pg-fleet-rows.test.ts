import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgFleet } from '../../src/adapters/postgres/pg-fleet.js';
import type { InvalidRowReport } from '../../src/core/ports/fleet.js';
import type { WtpEvent } from '../../src/protocol/events.js';
import { view } from '../support/report-events.js';
import { TestPostgres } from '../support/postgres.js';

/**
 * Every row a daemon reads from the fleet database is validated (issue 30): rows written straight
 * with another machine's role — forged (an id that is not its row's), cut short, oversized, or with
 * a terminal escape — are skipped and reported, never returned; the valid ones around them are
 * read as usual, and an invalid event still moves the reader past it.
 */
describe('fleet rows, validated as they are read (real PostgreSQL)', () => {
  const server = new TestPostgres();
  let urls: Record<string, string>;
  const reports: InvalidRowReport[] = [];
  let reader: PgFleet;
  let writer: PgFleet;
  const as = async (sql: string, params: unknown[] = []): Promise<void> => {
    const c = new pg.Client({ connectionString: urls.m2 as string });
    await c.connect();
    try {
      await c.query(sql, params);
    } finally {
      await c.end();
    }
  };
  const agent = (id: string, v: unknown) =>
    as(
      `INSERT INTO wtp.agents (id, machine, name, workspace, state, view) VALUES ($1, 'm2', 'x', 'default', 'running', $2::jsonb)`,
      [id, JSON.stringify(v)],
    );
  const event = (seq: number, e: unknown) =>
    as(`INSERT INTO wtp.events (machine, seq, ts, type, event) VALUES ('m2', $1, now(), 'x', $2::jsonb)`, [
      seq,
      JSON.stringify(e),
    ]);
  const good = (seq: number): WtpEvent =>
    ({
      seq,
      ts: new Date(1_700_000_000_000 + seq).toISOString(),
      source: 'daemon',
      agentId: 'ag-ok',
      workspaceId: 'ws-1',
      type: 'agent.inputSent',
      data: { text: 'x', bytes: 1, enter: false, truncated: false, via: 'api' },
    }) as WtpEvent;
  const reported = (table: string) => reports.filter((r) => r.table === table).map((r) => [r.key, r.issue]);

  beforeAll(async () => {
    await server.start();
    urls = await server.fleetDatabase('fleet', ['m1', 'm2']);
    await server.admin('ALTER DATABASE fleet OWNER TO wtp_admin');
    const owner = new PgFleet(
      server.url('wtp_admin', server.adminPassword, 'fleet'),
      'admin',
      () => undefined,
    );
    await owner.migrate();
    await owner.close();
    reader = new PgFleet(
      urls.m1 as string,
      'm1',
      () => undefined,
      (r) => reports.push(r),
    );
    writer = new PgFleet(urls.m2 as string, 'm2', () => undefined);
    for (const [f, m] of [
      [reader, 'm1'],
      [writer, 'm2'],
    ] as const) {
      await f.publisher.join(
        { name: m, logId: m, version: '0', startedAt: 0, ssh: null, capacity: 1, repos: [] },
        0,
      );
    }
  });
  afterAll(async () => {
    await reader.close();
    await writer.close();
    await server.cleanup();
  });

  it('agents: forged, cut, oversized and escaped views are skipped and reported; the valid one is read', async () => {
    await agent('ag-ok', view('ag-ok', 'ok', 'ws-1', 'default'));
    await agent('ag-forged', view('ag-other', 'forged', 'ws-1', 'default'));
    await agent('ag-cut', { id: 'ag-cut', name: 'cut' });
    await agent('ag-big', { ...view('ag-big', 'big', 'ws-1', 'default'), cwd: 'x'.repeat(300 * 1024) });
    await agent('ag-esc', {
      ...view('ag-esc', 'esc', 'ws-1', 'default'),
      cwd: '/tmp/\u001b[2J\u001b]0;pwned\u0007',
    });
    await agent('ag-array', [1, 2, 3]);
    const snap = await reader.reader.snapshot('m1');
    expect(snap.agents.map((a) => a.view.id)).toEqual(['ag-ok']);
    const byId = await reader.reader.agentsById(['ag-ok', 'ag-forged', 'ag-esc']);
    expect(byId.map((a) => a.view.id)).toEqual(['ag-ok']);
    const agents = Object.fromEntries(reported('agents'));
    expect(agents['ag-forged']).toBe('view.id: not the id of its row');
    expect(agents['ag-cut']).toMatch(/^view\./);
    expect(agents['ag-big']).toMatch(/too large/);
    expect(agents['ag-esc']).toMatch(/^view\.cwd: must not contain ESC/);
    expect(agents['ag-array']).toMatch(/view/);
    // What is reported carries nothing of the row's words but its key, cut and printable.
    expect(JSON.stringify(reports)).not.toContain('\u001b');
  });

  it('machines: a forged usage (negative, huge, a string, an escaped model name) skips the row; a published one is read', async () => {
    const usage = {
      day: '2026-11-25',
      todayUsd: 1.25,
      totalUsd: 3.5,
      tokens: { input: 10, output: 2, cacheRead: 0, cacheWrite: 0 },
      unpricedModels: [],
    };
    const machine = async (): Promise<unknown> =>
      (await reader.reader.machines()).find((m) => m.name === 'm2')?.usage;
    // Through the publisher, as a daemon writes it with its heartbeat.
    await writer.publisher.heartbeat({
      name: 'm2',
      logId: 'm2',
      version: '0',
      startedAt: 0,
      ssh: null,
      capacity: 1,
      repos: [],
      usage,
    });
    expect(await machine()).toEqual(usage);
    for (const bad of [
      { ...usage, todayUsd: -1 },
      { ...usage, totalUsd: 1e300 },
      { ...usage, tokens: { ...usage.tokens, input: '10' } },
      { ...usage, unpricedModels: [']0;pwned'] },
      'much',
    ]) {
      await as(`UPDATE wtp.machines SET usage = $1::jsonb WHERE name = 'm2'`, [JSON.stringify(bad)]);
      expect(await machine(), JSON.stringify(bad)).toBeUndefined();
      expect(reported('machines').at(-1)?.[1]).toMatch(/^usage/);
    }
    await writer.publisher.heartbeat({
      name: 'm2',
      logId: 'm2',
      version: '0',
      startedAt: 0,
      ssh: null,
      capacity: 1,
      repos: [],
      usage: null,
    });
    expect(await machine()).toBeNull();
  });

  it('events: an invalid one is skipped but the reader moves past it (no gap, no reload)', async () => {
    await event(1, good(1));
    await event(2, { ...good(2), type: 'agent.levitated' });
    await event(3, { ...good(3), seq: 99 }); // forged: not the seq of its row
    await event(4, {
      ...good(4),
      data: { text: '\u001b]52;c;cHduZWQ=\u0007', bytes: 1, enter: true, truncated: false },
    });
    await event(5, good(5));
    const page = await reader.reader.eventsAfter(new Map(), 'm1', 100);
    expect(page.map((r) => [r.seq, r.event?.seq ?? null])).toEqual([
      [1, 1],
      [2, null],
      [3, null],
      [4, null],
      [5, 5],
    ]);
    expect(reported('events').map(([k]) => k)).toEqual(['2', '3', '4']);
  });

  it('a machine of another version: a state reason this one does not know reads as `unknown`, the agent and event kept', async () => {
    const newer = {
      ...view('ag-newer', 'newer', 'ws-1', 'default'),
      stateDetail: { reason: 'quantum_wait' },
    };
    await agent('ag-newer', newer);
    await event(6, {
      ...good(6),
      type: 'agent.stateChanged',
      data: { from: 'working', to: 'idle', detail: { reason: 'quantum_wait' }, pid: null },
    });
    const [read] = await reader.reader.agentsById(['ag-newer']);
    expect(read?.view.stateDetail).toEqual({
      reason: 'unknown',
      message: 'stored reason "quantum_wait": not one this version knows',
    });
    const [row] = await reader.reader.eventsAfter(new Map([['m2', 5]]), 'm1', 10);
    expect(row?.event?.type === 'agent.stateChanged' && row.event.data.detail.reason).toBe('unknown');
    expect(reported('agents').map(([k]) => k)).not.toContain('ag-newer');
  });

  it('tasks: an escaped title, a cut spec, a profile that is a path and a model that is a flag are unreadable, never returned; a bad run or refusal drops only itself', async () => {
    await writer.tasks.add([
      {
        id: 'tk-ok',
        repo: 'https://example.com/r',
        title: 'ok',
        spec: {
          prompt: 'p',
          profile: 'claude',
          model: null,
          permissionMode: null,
          attempts: 1,
          retries: null,
          labels: [],
          workspace: 'default',
        },
        deps: [],
        priority: 0,
        status: 'ready',
      },
    ]);
    const raw = (id: string, title: string, spec: unknown) =>
      as(
        `INSERT INTO wtp.tasks (id, repo, title, spec, status, created_by) VALUES ($1, 'https://example.com/r', $2, $3::jsonb, 'ready', 'm2')`,
        [id, title, JSON.stringify(spec)],
      );
    await raw('tk-esc', 'fix \u001b[31mred\u001b[0m', {
      prompt: 'p',
      profile: 'claude',
      attempts: 1,
      labels: [],
      workspace: 'w',
    });
    await raw('tk-cut', 'cut', { prompt: 'p' });
    await raw('tk-shell-bin', 'bin', {
      prompt: 'p',
      profile: '/bin/sh',
      model: null,
      permissionMode: null,
      attempts: 1,
      retries: null,
      labels: [],
      workspace: 'w',
    });
    await raw('tk-model', 'model', {
      prompt: 'p',
      profile: 'claude',
      model: '--dangerously-skip-permissions',
      permissionMode: null,
      attempts: 1,
      retries: null,
      labels: [],
      workspace: 'w',
    });
    const list = await reader.tasks.list();
    expect(list.rows.map((t) => t.id)).toEqual(['tk-ok']);
    expect(list.unreadable.sort()).toEqual(['tk-cut', 'tk-esc', 'tk-model', 'tk-shell-bin']);
    // Nor claimed: a claim returns only what validates.
    const claimed = await reader.tasks.claim(['https://example.com/r'], 10, 60_000);
    expect(claimed.map((t) => t.id)).toEqual(['tk-ok']);
    // m2 may write its own refusal of anyone's task: an escaped one is dropped, the task stays readable.
    await as(
      `INSERT INTO wtp.task_refusals (task, machine, code, reason) VALUES ('tk-ok', 'm2', 'profile', $1)`,
      ['no \u001b]8;;https://evil\u0007click\u001b]8;;\u0007'],
    );
    await expect(
      as(
        `INSERT INTO wtp.task_refusals (task, machine, code, reason) VALUES ('tk-cut', 'm2', 'levitating', 'x')`,
      ),
    ).rejects.toThrow(/check constraint/);
    const again = await reader.tasks.list();
    expect(again.rows.find((t) => t.id === 'tk-ok')).toMatchObject({ refusals: [], leaseMachine: 'm1' });
    expect(reported('tasks').map(([k]) => k)).toContain('tk-ok refusal');
  });

  it('commands and results: an input that is not one of the fleet’s calls is refused; a forged result is not believed', async () => {
    await as(
      `INSERT INTO wtp.commands (target, sender, route, input, expires_at) VALUES ('m1', 'm2', 'createAgent', $1::jsonb, now() + interval '1 minute')`,
      [JSON.stringify({ route: 'createAgent', params: {}, query: {}, body: { profile: 'shell' } })],
    );
    const [taken] = await reader.commands.take(10);
    expect(taken?.call.route).toBe('(invalid)');
    expect(reported('commands')).toHaveLength(1);
    const id = await reader.commands.send(
      'm2',
      { route: 'stopAgent', params: { agent: 'x' }, query: {}, body: null },
      60_000,
    );
    await as(`UPDATE wtp.commands SET status = 'done', result = '{"status": "ok"}' WHERE id = $1`, [id]);
    const r = await reader.commands.result(id);
    expect(r.result?.status).toBe(502);
    expect(reported('results')).toHaveLength(1);
  });

  it('machines: a machine row of m2 with an escaped version or a forged ssh destination is skipped', async () => {
    const before = reported('machines').length;
    await as(`UPDATE wtp.machines SET version = $1 WHERE name = 'm2'`, ['0.1.0\u001b[2J']);
    expect((await reader.reader.machines()).map((m) => m.name)).toEqual(['m1']);
    await as(`UPDATE wtp.machines SET version = '0.1.0', ssh = '-oProxyCommand=sh' WHERE name = 'm2'`);
    expect((await reader.reader.machines()).map((m) => m.name)).toEqual(['m1']);
    await as(`UPDATE wtp.machines SET ssh = 'me@m2' WHERE name = 'm2'`);
    expect((await reader.reader.machines()).map((m) => m.name)).toEqual(['m1', 'm2']);
    expect(
      reported('machines')
        .slice(before)
        .map(([k]) => k),
    ).toEqual(['m2', 'm2']);
  });
});
