import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgFleet } from '../../src/adapters/postgres/pg-fleet.js';
import type { MachineAnnouncement } from '../../src/core/ports/fleet.js';
import type { AgentView } from '../../src/protocol/agent.js';
import type { WtpEvent } from '../../src/protocol/events.js';
import { rejection } from '../support/app-error.js';
import { view as validView } from '../support/report-events.js';
import { TestPostgres } from '../support/postgres.js';

/**
 * The fleet's PostgreSQL adapter against a real server: the schema created by its owner, then
 * machines joining under roles of their own; what the database itself refuses (another role's
 * rows, another role's machine name); a replaced local log; publications read back by cursor and
 * announced by NOTIFY; a role that may not create the schema; a wrong password; a stopped server.
 */
describe('the fleet database (real PostgreSQL)', () => {
  const server = new TestPostgres();
  let urls: Record<string, string>;
  const open: PgFleet[] = [];
  const fleet = (url: string, machine: string): PgFleet => {
    const f = new PgFleet(url, machine, () => undefined);
    open.push(f);
    return f;
  };
  const me = (name: string, logId = `log-${name}`): MachineAnnouncement => ({
    name,
    logId,
    version: '0.1.0',
    startedAt: Date.now(),
    ssh: null,
    capacity: 2,
    repos: ['https://example.com/r.git'],
  });

  beforeAll(async () => {
    await server.start();
    urls = await server.fleetDatabase('fleet', ['alpha', 'bravo']);
    // The database's owner creates the schema (`wtp fleet migrate` does this).
    await server.admin('ALTER DATABASE fleet OWNER TO wtp_admin');
  });
  afterAll(async () => {
    for (const f of open) await f.close();
    await server.cleanup();
  });

  it('a role that may not create the schema is told who must (FLEET_SCHEMA_MISSING)', async () => {
    const err = await rejection(fleet(urls.alpha as string, 'alpha').publisher.join(me('alpha'), 0));
    expect(err.code).toBe('FLEET_SCHEMA_MISSING');
    expect(err.message).toContain('wtp fleet migrate');
    expect(err.message).not.toContain('pw-alpha');
  });

  it('the owner migrates once; machines join under their own roles and read each other', async () => {
    const owner = fleet(server.url('wtp_admin', server.adminPassword, 'fleet'), 'admin');
    expect(await owner.migrate()).toEqual([1, 2, 3, 4, 5]);
    expect(await owner.migrate()).toEqual([]);
    const a = fleet(urls.alpha as string, 'alpha');
    const b = fleet(urls.bravo as string, 'bravo');
    expect(await a.publisher.join(me('alpha'), 0)).toEqual({
      publishedSeq: 0,
      role: 'wtp_alpha',
      sharedRole: false,
      databaseId: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    await b.publisher.join(me('bravo'), 7);
    await a.publisher.publish({
      events: [event(1, 'ag-a1'), event(2, 'ag-a1')],
      agents: [view('ag-a1', 'api')],
      removed: [],
    });
    // Published again (a retry after a lost answer): nothing twice.
    await a.publisher.publish({ events: [event(2, 'ag-a1'), event(3, 'ag-a1')], agents: [], removed: [] });
    const snap = await b.reader.snapshot('bravo');
    expect(snap.agents.map((x) => [x.machine, x.view.name])).toEqual([['alpha', 'api']]);
    expect(snap.cursors.get('alpha')).toEqual({ logId: 'log-alpha', seq: 3 });
    const after = await b.reader.eventsAfter(new Map([['alpha', 1]]), 'bravo', 100);
    expect(after.map((r) => [r.machine, r.seq])).toEqual([
      ['alpha', 2],
      ['alpha', 3],
    ]);
    // Joining again with the same log resumes at its cursor.
    expect((await a.publisher.join(me('alpha'), 50)).publishedSeq).toBe(3);
    const machines = await b.reader.machines();
    expect(machines.map((m) => [m.name, m.agents])).toEqual([
      ['alpha', 1],
      ['bravo', 0],
    ]);
    expect(Math.abs((machines[0]?.readAt ?? 0) - (machines[0]?.heartbeatAt ?? 0))).toBeLessThan(60_000);
  });

  it('the database refuses writes to another machine’s rows, and its name', async () => {
    const asBravo = new pg.Client({ connectionString: urls.bravo as string });
    await asBravo.connect();
    try {
      const upd = await asBravo.query("UPDATE wtp.agents SET state = 'idle' WHERE machine = 'alpha'");
      expect(upd.rowCount).toBe(0); // not visible for update: row-level security
      await expect(
        asBravo.query(
          "INSERT INTO wtp.events (machine, seq, ts, type, event) VALUES ('alpha', 99, now(), 'x', '{}')",
        ),
      ).rejects.toThrow(/row-level security/);
      await expect(
        asBravo.query("UPDATE wtp.machines SET heartbeat_at = now() - interval '1 day' WHERE name = 'alpha'"),
      ).resolves.toMatchObject({ rowCount: 0 });
    } finally {
      await asBravo.end();
    }
    const err = await rejection(fleet(urls.bravo as string, 'alpha').publisher.join(me('alpha'), 0));
    expect(err.code).toBe('FLEET_MACHINE_TAKEN');
    expect(err.details).toMatchObject({ machine: 'alpha', owner: 'wtp_alpha', role: 'wtp_bravo' });
  });

  it('a command is read only by its sender and target, carried out only by its target, once', async () => {
    const a = fleet(urls.alpha as string, 'alpha');
    const b = fleet(urls.bravo as string, 'bravo');
    const call = { route: 'stopAgent', params: { agent: 'ag-b1' }, query: {}, body: { wait: false } };
    const id = await a.commands.send('bravo', call, 60_000);
    // Another role cannot take it, read it or answer it.
    expect(await fleet(urls.alpha as string, 'bravo').commands.take(10)).toEqual([]);
    const taken = await b.commands.take(10);
    // The sender is named with the role it wrote as: the audit says both (fleet.actionTaken, `from`).
    expect(taken).toEqual([{ id, sender: 'alpha', senderRole: 'wtp_alpha', call, expired: false }]);
    expect(await b.commands.take(10)).toEqual([]); // taken once
    await b.commands.finish(id, 'alpha', { status: 200, body: { ok: 1 } });
    expect(await a.commands.result(id)).toEqual({ status: 'done', result: { status: 200, body: { ok: 1 } } });
    const asAlpha = new pg.Client({ connectionString: urls.alpha as string });
    await asAlpha.connect();
    try {
      const upd = await asAlpha.query("UPDATE wtp.commands SET status = 'pending' WHERE id = $1", [id]);
      expect(upd.rowCount).toBe(0); // the sender may not answer its own command
      await expect(
        asAlpha.query(
          "INSERT INTO wtp.commands (target, sender, route, input, expires_at) VALUES ('alpha', 'bravo', 'x', '{}', now())",
        ),
      ).rejects.toThrow(/row-level security/); // nor send as another machine
    } finally {
      await asAlpha.end();
    }
    // An expired command is not carried out.
    const late = await a.commands.send('bravo', call, 0);
    expect((await b.commands.take(10)).map((c) => [c.id, c.expired])).toEqual([[late, true]]);
  });

  it('pruning keeps the window: only published events older than kept, only finished commands', async () => {
    const a = fleet(urls.alpha as string, 'alpha');
    const old = (seq: number): WtpEvent =>
      ({ ...event(seq, 'ag-a1'), ts: '2020-01-01T00:00:00.000Z' }) as WtpEvent;
    await a.publisher.publish({ events: [old(100), old(101)], agents: [], removed: [] });
    const id = await a.commands.send(
      'bravo',
      { route: 'stopAgent', params: { agent: 'x' }, query: {}, body: null },
      60_000,
    );
    await server.admin("UPDATE wtp.commands SET created_at = '2020-01-01' WHERE id = $1", [id], 'fleet');
    const [before] = await server.admin<{ n: string }>(
      "SELECT count(*)::text AS n FROM wtp.events WHERE machine = 'alpha' AND ts < now() - interval '1 day'",
      [],
      'fleet',
    );
    expect(Number(before?.n)).toBeGreaterThanOrEqual(2);
    const gone = await a.publisher.prune(86_400_000);
    expect(gone).toEqual({ events: Number(before?.n), commands: 0 }); // the command was never finished: kept
    const left = await server.admin<{ seq: string }>(
      "SELECT seq FROM wtp.events WHERE machine = 'alpha' AND seq >= 100",
      [],
      'fleet',
    );
    expect(left).toEqual([]);
  });

  it('a replaced local log starts over: its old events are dropped and it is told to start at its end', async () => {
    const a = fleet(urls.alpha as string, 'alpha');
    expect((await a.publisher.join(me('alpha', 'log-alpha-2'), 5)).publishedSeq).toBe(5);
    const b = fleet(urls.bravo as string, 'bravo');
    expect((await b.reader.snapshot('bravo')).cursors.get('alpha')).toEqual({ logId: 'log-alpha-2', seq: 5 });
    expect(await b.reader.eventsAfter(new Map(), 'bravo', 100)).toEqual([]);
  });

  it('a publication is announced to listeners (LISTEN/NOTIFY)', async () => {
    const b = fleet(urls.bravo as string, 'bravo');
    const heard: string[] = [];
    const stop = await b.reader.listen({ published: (m) => heard.push(m) }, () => undefined);
    await fleet(urls.alpha as string, 'alpha').publisher.publish({
      events: [event(10, 'ag-a1')],
      agents: [],
      removed: [],
    });
    const deadline = Date.now() + 10_000;
    while (!heard.includes('alpha') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await stop();
    expect(heard).toContain('alpha');
  });

  it('a wrong password is FLEET_REFUSED; a stopped server FLEET_UNREACHABLE; neither shows the password', async () => {
    const wrong = (urls.alpha as string).replace(/:pw-alpha-[^@]+@/, ':not-it@');
    const refused = await rejection(fleet(wrong, 'alpha').reader.machines());
    expect(refused.code).toBe('FLEET_REFUSED');
    expect(refused.details).toMatchObject({ pgCode: '28P01' });
    expect(JSON.stringify(refused.details)).not.toContain('not-it');
    const a = fleet(urls.alpha as string, 'alpha');
    await a.reader.machines();
    await server.stop();
    try {
      const lost = await rejection(a.reader.machines());
      expect(lost.code).toBe('FLEET_UNREACHABLE');
      expect(lost.message).not.toMatch(/pw-alpha/);
      expect(lost.message).toContain('***');
    } finally {
      await server.start();
    }
  });
});

function event(seq: number, agentId: string): WtpEvent {
  return {
    seq,
    ts: new Date(1_700_000_000_000 + seq).toISOString(),
    source: 'daemon',
    agentId,
    workspaceId: 'ws-1',
    type: 'agent.inputSent',
    data: { text: 'x', bytes: seq, enter: false, truncated: false, via: 'api' },
  } as unknown as WtpEvent;
}

function view(id: string, name: string): AgentView {
  return { ...validView(id, name, 'ws-1', 'default'), state: 'running' };
}
