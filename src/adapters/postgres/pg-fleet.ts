import pg from 'pg';
import { AppError } from '../../core/errors.js';
import type {
  CallResult,
  CommandRow,
  FleetCall,
  FleetCommands,
  FleetEventRow,
  FleetNotifications,
  FleetPort,
  FleetPublisher,
  FleetReader,
  FleetSnapshot,
  JoinResult,
  MachineAnnouncement,
  MachineRow,
  PublishBatch,
} from '../../core/ports/fleet.js';
import type { AgentView } from '../../protocol/agent.js';
import type { WtpEvent } from '../../protocol/events.js';
import { connectionConfig, createPool, fleetError, redactUrl } from './pg-connection.js';
import { migrate } from './pg-migrations.js';

/** The channel a machine's publications are announced on (payload: the machine's name). */
export const FLEET_CHANNEL = 'wtp_fleet';
/** Commands for a machine (payload: the target's name) and their results (payload: `sender id`). */
export const COMMAND_CHANNEL = 'wtp_commands';
export const RESULT_CHANNEL = 'wtp_results';

const ms = (column: string): string => `(extract(epoch FROM ${column}) * 1000)::float8`;

interface MachineSql {
  name: string;
  log_id: string;
  version: string;
  started_at: number;
  heartbeat_at: number;
  read_at: number;
  ssh: string | null;
  capacity: number;
  repos: string[];
  agents: string;
}

/**
 * The fleet in PostgreSQL (schema `wtp`, src/adapters/postgres/migrations/): this machine's
 * publications in one transaction each (events, agents and the cursor together, then a NOTIFY),
 * the other machines read from a consistent snapshot and then by per-machine cursors, LISTEN on a
 * connection of its own. Failures are AppErrors: FLEET_UNREACHABLE, FLEET_REFUSED, FLEET_SCHEMA_*.
 */
export class PgFleet implements FleetPort, FleetPublisher, FleetReader, FleetCommands {
  readonly publisher: FleetPublisher = this;
  readonly reader: FleetReader = this;
  readonly commands: FleetCommands = this;
  /** The URL without its password: what logs and errors show. */
  readonly database: string;
  private readonly pool: pg.Pool;
  private migrated = false;

  constructor(
    private readonly url: string,
    private readonly machine: string,
    onIdleError: (err: Error) => void,
  ) {
    this.database = redactUrl(url);
    this.pool = createPool(url, `wtp ${machine}`, onIdleError);
  }

  async join(me: MachineAnnouncement, latestSeq: number): Promise<JoinResult> {
    return this.tx(async (c) => {
      // Read without a lock first: a row the role may not update is invisible to FOR UPDATE.
      const found = await c.query<{ owner: string; log_id: string; published_seq: string; me: string }>(
        'SELECT owner, log_id, published_seq, current_user AS me FROM wtp.machines WHERE name = $1',
        [me.name],
      );
      const row = found.rows[0];
      if (row && row.owner !== row.me) throw taken(me.name, row.owner, row.me);
      const values = [
        me.name,
        me.logId,
        me.version,
        me.startedAt,
        me.ssh,
        me.capacity,
        JSON.stringify(me.repos),
        latestSeq,
      ];
      let publishedSeq = latestSeq;
      if (!row) {
        await c
          .query(
            `INSERT INTO wtp.machines (name, log_id, version, started_at, ssh, capacity, repos, published_seq)
             VALUES ($1, $2, $3, to_timestamp($4 / 1000.0), $5, $6, $7::jsonb, $8)`,
            values,
          )
          .catch((err: unknown) => {
            // Another role joined under this name at the same moment.
            if ((err as { code?: unknown }).code === '23505') throw taken(me.name, 'another role', '');
            throw err;
          });
      } else {
        await c.query('SELECT 1 FROM wtp.machines WHERE name = $1 FOR UPDATE', [me.name]);
        if (row.log_id === me.logId) publishedSeq = Number(row.published_seq);
        // Another local log (its database was replaced): the fleet's copy of its events is of a past one.
        else await c.query('DELETE FROM wtp.events WHERE machine = $1', [me.name]);
        await c.query(
          `UPDATE wtp.machines SET log_id = $2, version = $3, started_at = to_timestamp($4 / 1000.0), ssh = $5,
             capacity = $6, repos = $7::jsonb, heartbeat_at = now(),
             published_seq = CASE WHEN log_id = $2 THEN published_seq ELSE $8 END
           WHERE name = $1`,
          values,
        );
      }
      const who = await c.query<{ role: string; shared: boolean }>(
        `SELECT current_user AS role,
           EXISTS (SELECT 1 FROM wtp.machines WHERE owner = current_user AND name <> $1) AS shared`,
        [me.name],
      );
      return { publishedSeq, role: who.rows[0]?.role ?? '', sharedRole: who.rows[0]?.shared ?? false };
    });
  }

  async heartbeat(me: MachineAnnouncement): Promise<void> {
    const r = await this.query(
      `UPDATE wtp.machines SET heartbeat_at = now(), version = $2, ssh = $3, capacity = $4, repos = $5::jsonb
       WHERE name = $1`,
      [me.name, me.version, me.ssh, me.capacity, JSON.stringify(me.repos)],
    );
    if (r.rowCount === 0) {
      throw new AppError(
        'FLEET_UNREACHABLE',
        `This machine ("${me.name}") is no longer registered in the fleet database ${this.database}; it joins again.`,
        { database: this.database, rejoin: true },
      );
    }
  }

  async publish(batch: PublishBatch): Promise<void> {
    await this.tx(async (c) => {
      if (batch.events.length > 0) {
        await c.query(
          `INSERT INTO wtp.events (machine, seq, ts, type, agent_id, event)
           SELECT $1, x.seq, x.ts, x.type, x.agent_id, x.event
           FROM jsonb_to_recordset($2::jsonb) AS x(seq bigint, ts timestamptz, type text, agent_id text, event jsonb)
           ON CONFLICT (machine, seq) DO NOTHING`,
          [this.machine, JSON.stringify(batch.events.map(eventRow))],
        );
      }
      await this.writeAgents(c, batch.agents);
      if (batch.removed.length > 0) {
        await c.query('DELETE FROM wtp.agents WHERE machine = $1 AND id = ANY($2::text[])', [
          this.machine,
          batch.removed,
        ]);
      }
      const last = batch.events.at(-1)?.seq;
      if (last !== undefined) {
        await c.query('UPDATE wtp.machines SET published_seq = GREATEST(published_seq, $2) WHERE name = $1', [
          this.machine,
          last,
        ]);
      }
      await c.query('SELECT pg_notify($1, $2)', [FLEET_CHANNEL, this.machine]);
    });
  }

  async resync(agents: AgentView[]): Promise<void> {
    await this.tx(async (c) => {
      await this.writeAgents(c, agents);
      await c.query('DELETE FROM wtp.agents WHERE machine = $1 AND NOT (id = ANY($2::text[]))', [
        this.machine,
        agents.map((a) => a.id),
      ]);
      await c.query('SELECT pg_notify($1, $2)', [FLEET_CHANNEL, this.machine]);
    });
  }

  async machines(): Promise<MachineRow[]> {
    const r = await this.query<MachineSql>(
      `SELECT m.name, m.log_id, m.version, ${ms('m.started_at')} AS started_at,
         ${ms('m.heartbeat_at')} AS heartbeat_at, ${ms('now()')} AS read_at, m.ssh, m.capacity, m.repos,
         (SELECT count(*) FROM wtp.agents a WHERE a.machine = m.name) AS agents
       FROM wtp.machines m ORDER BY m.name`,
    );
    return r.rows.map((m) => ({
      name: m.name,
      logId: m.log_id,
      version: m.version,
      startedAt: m.started_at,
      heartbeatAt: m.heartbeat_at,
      readAt: m.read_at,
      ssh: m.ssh,
      capacity: m.capacity,
      repos: m.repos,
      agents: Number(m.agents),
    }));
  }

  async snapshot(except: string): Promise<FleetSnapshot> {
    return this.tx(async (c) => {
      const agents = await c.query<{ machine: string; view: AgentView }>(
        'SELECT machine, view FROM wtp.agents WHERE machine <> $1 ORDER BY machine, id',
        [except],
      );
      const cursors = await c.query<{ name: string; log_id: string; published_seq: string }>(
        'SELECT name, log_id, published_seq FROM wtp.machines WHERE name <> $1',
        [except],
      );
      return {
        agents: agents.rows,
        cursors: new Map(
          cursors.rows.map((m) => [m.name, { logId: m.log_id, seq: Number(m.published_seq) }]),
        ),
      };
    }, 'REPEATABLE READ');
  }

  async agentsById(ids: string[]): Promise<{ machine: string; view: AgentView }[]> {
    if (ids.length === 0) return [];
    const r = await this.query<{ machine: string; view: AgentView }>(
      'SELECT machine, view FROM wtp.agents WHERE id = ANY($1::text[])',
      [ids],
    );
    return r.rows;
  }

  async eventsAfter(
    cursors: ReadonlyMap<string, number>,
    except: string,
    limit: number,
  ): Promise<FleetEventRow[]> {
    const r = await this.query<{ machine: string; event: WtpEvent }>(
      `SELECT e.machine, e.event FROM wtp.events e
       LEFT JOIN jsonb_each_text($1::jsonb) c ON c.key = e.machine
       WHERE e.machine <> $2 AND e.seq > COALESCE(c.value::bigint, 0)
       ORDER BY e.machine, e.seq LIMIT $3`,
      [JSON.stringify(Object.fromEntries(cursors)), except, limit],
    );
    return r.rows;
  }

  async listen(on: FleetNotifications, lost: (err: Error) => void): Promise<() => Promise<void>> {
    const client = new pg.Client(connectionConfig(this.url, `wtp ${this.machine} listen`));
    let ended = false;
    const fail = (err: Error): void => {
      if (ended) return;
      ended = true;
      client.end().catch(() => undefined);
      lost(err);
    };
    client.on('error', fail);
    client.on('end', () => fail(new Error('the listening connection ended')));
    client.on('notification', (n) => {
      const payload = n.payload ?? '';
      if (n.channel === FLEET_CHANNEL) on.published?.(payload);
      else if (n.channel === COMMAND_CHANNEL) on.command?.(payload);
      else if (n.channel === RESULT_CHANNEL) {
        const [sender = '', id = ''] = payload.split(' ');
        if (/^\d+$/.test(id)) on.result?.(sender, Number(id));
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${FLEET_CHANNEL}; LISTEN ${COMMAND_CHANNEL}; LISTEN ${RESULT_CHANNEL}`);
    } catch (err) {
      ended = true;
      await client.end().catch(() => undefined);
      throw fleetError(err, this.database);
    }
    return async () => {
      ended = true;
      await client.end().catch(() => undefined);
    };
  }

  async send(target: string, call: FleetCall, expiresInMs: number): Promise<number> {
    return this.tx(async (c) => {
      const r = await c.query<{ id: string }>(
        `INSERT INTO wtp.commands (target, sender, route, input, expires_at)
         VALUES ($1, $2, $3, $4::jsonb, now() + make_interval(secs => $5 / 1000.0)) RETURNING id`,
        [target, this.machine, call.route, JSON.stringify(call), expiresInMs],
      );
      await c.query('SELECT pg_notify($1, $2)', [COMMAND_CHANNEL, target]);
      return Number(r.rows[0]?.id);
    });
  }

  async result(
    id: number,
  ): Promise<{ status: 'pending' | 'running' | 'done' | 'expired'; result: CallResult | null }> {
    const r = await this.query<{
      status: 'pending' | 'running' | 'done' | 'expired';
      result: CallResult | null;
    }>('SELECT status, result FROM wtp.commands WHERE id = $1', [id]);
    return r.rows[0] ?? { status: 'expired', result: null };
  }

  async take(limit: number): Promise<CommandRow[]> {
    const r = await this.query<{ id: string; sender: string; input: FleetCall; expired: boolean }>(
      `UPDATE wtp.commands SET status = 'running'
       WHERE id IN (SELECT id FROM wtp.commands WHERE target = $1 AND status = 'pending'
                    ORDER BY id FOR UPDATE SKIP LOCKED LIMIT $2)
       RETURNING id, sender, input, expires_at < now() AS expired`,
      [this.machine, limit],
    );
    return r.rows
      .map((row) => ({ id: Number(row.id), sender: row.sender, call: row.input, expired: row.expired }))
      .sort((a, b) => a.id - b.id);
  }

  async finish(id: number, sender: string, result: CallResult | null): Promise<void> {
    await this.tx(async (c) => {
      await c.query(
        `UPDATE wtp.commands SET status = $2, result = $3::jsonb, done_at = now() WHERE id = $1 AND target = $4`,
        [
          id,
          result === null ? 'expired' : 'done',
          result === null ? null : JSON.stringify(result),
          this.machine,
        ],
      );
      await c.query('SELECT pg_notify($1, $2)', [RESULT_CHANNEL, `${sender} ${id}`]);
    });
  }

  async abandonRunning(): Promise<number> {
    const r = await this.query(
      `UPDATE wtp.commands SET status = 'expired', done_at = now() WHERE target = $1 AND status = 'running'`,
      [this.machine],
    );
    return r.rowCount ?? 0;
  }

  /** Creates or upgrades the schema (FLEET_SCHEMA_MISSING when this role may not). */
  async migrate(): Promise<number[]> {
    const c = await this.connect();
    try {
      const applied = await migrate(c, this.database);
      this.migrated = true;
      return applied;
    } catch (err) {
      throw fleetError(err, this.database);
    } finally {
      c.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }

  private async writeAgents(c: pg.ClientBase, agents: AgentView[]): Promise<void> {
    if (agents.length === 0) return;
    await c.query(
      `INSERT INTO wtp.agents (id, machine, name, workspace, state, view, updated_at)
       SELECT x.id, $1, x.name, x.workspace, x.state, x.view, now()
       FROM jsonb_to_recordset($2::jsonb) AS x(id text, name text, workspace text, state text, view jsonb)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, workspace = excluded.workspace,
         state = excluded.state, view = excluded.view, updated_at = now()
       WHERE wtp.agents.machine = excluded.machine`,
      [
        this.machine,
        JSON.stringify(
          agents.map((a) => ({ id: a.id, name: a.name, workspace: a.workspace, state: a.state, view: a })),
        ),
      ],
    );
  }

  private async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (err) {
      throw fleetError(err, this.database);
    }
  }

  private async query<R extends pg.QueryResultRow>(
    sql: string,
    params: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    if (!this.migrated) await this.migrate();
    try {
      return await this.pool.query<R>(sql, params);
    } catch (err) {
      throw fleetError(err, this.database);
    }
  }

  private async tx<T>(work: (c: pg.ClientBase) => Promise<T>, isolation = 'READ COMMITTED'): Promise<T> {
    if (!this.migrated) await this.migrate();
    const c = await this.connect();
    let broken: Error | undefined;
    try {
      await c.query(`BEGIN ISOLATION LEVEL ${isolation}`);
      const out = await work(c);
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch((e: unknown) => (broken = e as Error));
      throw fleetError(err, this.database);
    } finally {
      c.release(broken); // a connection that could not even roll back is not given back to the pool
    }
  }
}

function taken(machine: string, owner: string, role: string): AppError {
  return new AppError(
    'FLEET_MACHINE_TAKEN',
    `The machine name "${machine}" belongs to the database role ${owner} in the fleet${role ? `, and this daemon connects as ${role}` : ''}: name this machine otherwise (WTP_MACHINE or fleet.machine), or connect as the role that owns it.`,
    { machine, owner, role },
  );
}

function eventRow(e: WtpEvent): Record<string, unknown> {
  return { seq: e.seq, ts: e.ts, type: e.type, agent_id: e.agentId, event: e };
}
