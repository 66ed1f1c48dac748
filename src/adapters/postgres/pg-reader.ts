import pg from 'pg';
import type {
  FleetEventRow,
  FleetNotifications,
  FleetReader,
  FleetSnapshot,
  MachineRow,
} from '../../core/ports/fleet.js';
import type { AgentView } from '../../protocol/agent.js';
import {
  fleetAgentRowSchema,
  fleetEventRowSchema,
  fleetMachineRowSchema,
  MAX_FLEET_DOCUMENT_BYTES,
} from '../../protocol/fleet-rows.js';
import { connectionConfig, fleetError } from './pg-connection.js';
import { COMMAND_CHANNEL, FLEET_CHANNEL, ms, RESULT_CHANNEL, TASK_CHANNEL, type PgDb } from './pg-db.js';
import { validRows } from './pg-rows.js';

interface MachineSql {
  name: unknown;
  log_id: unknown;
  version: unknown;
  started_at: unknown;
  heartbeat_at: unknown;
  read_at: unknown;
  ssh: unknown;
  capacity: unknown;
  repos: unknown;
  agents: string;
  usage: unknown;
}

/** An agent's row: its machine, its view (null when over the limit), the view's size. */
const AGENT_COLUMNS = `machine, id, CASE WHEN octet_length(view::text) <= ${MAX_FLEET_DOCUMENT_BYTES} THEN view END AS view,
  octet_length(view::text) AS size`;

interface AgentSql {
  machine: unknown;
  id: unknown;
  view: unknown;
  size: number;
}

/**
 * The other machines, read: a consistent snapshot of their agents and cursors, then their events by
 * per-machine cursor; LISTEN on a connection of its own.
 */
export class PgReader implements FleetReader {
  constructor(private readonly db: PgDb) {}

  async machines(): Promise<MachineRow[]> {
    const r = await this.db.query<MachineSql>(
      `SELECT m.name, m.log_id, m.version, ${ms('m.started_at')} AS started_at,
         ${ms('m.heartbeat_at')} AS heartbeat_at, ${ms('now()')} AS read_at, m.ssh, m.capacity, m.repos,
         (SELECT count(*) FROM wtp.agents a WHERE a.machine = m.name) AS agents, m.usage
       FROM wtp.machines m ORDER BY m.name`,
    );
    const rows = r.rows.map((m) => ({
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
      usage: m.usage ?? null,
    }));
    return validRows('machines', rows, fleetMachineRowSchema, this.db.invalid, { key: (m) => m.name });
  }

  /** Agents' rows as read: the valid ones; the others skipped and reported. */
  private agents(rows: AgentSql[]): { machine: string; view: AgentView }[] {
    const out: { machine: string; view: AgentView }[] = [];
    for (const row of rows) {
      // Fields a machine of an older version does not publish (pull requests, permission modes)
      // are absent, not invalid.
      if (typeof row.view === 'object' && row.view !== null && !Array.isArray(row.view)) {
        row.view = { pullRequest: null, permission: null, ...(row.view as Record<string, unknown>) };
      }
      const [valid] = validRows('agents', [row], fleetAgentRowSchema, this.db.invalid, {
        machine: (a) => a.machine,
        key: (a) => a.id,
        tooLarge: (a) => Number(a.size) > MAX_FLEET_DOCUMENT_BYTES,
      });
      if (!valid) continue;
      if (valid.view.id === row.id) out.push({ machine: valid.machine, view: valid.view });
      else this.mismatch('agents', valid.machine, String(row.id), 'view.id: not the id of its row');
    }
    return out;
  }

  private mismatch(table: 'agents' | 'events', machine: string, key: string, issue: string): void {
    this.db.invalid({ table, machine, key: key.slice(0, 100).replace(/[^\x20-\x7e]/g, '?'), issue });
  }

  async snapshot(except: string): Promise<FleetSnapshot> {
    return this.db.tx(async (c) => {
      const agents = await c.query<AgentSql>(
        `SELECT ${AGENT_COLUMNS} FROM wtp.agents WHERE machine <> $1 ORDER BY machine, id`,
        [except],
      );
      const cursors = await c.query<{ name: string; log_id: string; published_seq: string }>(
        'SELECT name, log_id, published_seq FROM wtp.machines WHERE name <> $1',
        [except],
      );
      return {
        agents: this.agents(agents.rows),
        cursors: new Map(
          cursors.rows.map((m) => [m.name, { logId: m.log_id, seq: Number(m.published_seq) }]),
        ),
      };
    }, 'REPEATABLE READ');
  }

  async agentsById(ids: string[]): Promise<{ machine: string; view: AgentView }[]> {
    if (ids.length === 0) return [];
    const r = await this.db.query<AgentSql>(
      `SELECT ${AGENT_COLUMNS} FROM wtp.agents WHERE id = ANY($1::text[])`,
      [ids],
    );
    return this.agents(r.rows);
  }

  async eventsAfter(
    cursors: ReadonlyMap<string, number>,
    except: string,
    limit: number,
  ): Promise<FleetEventRow[]> {
    const r = await this.db.query<{ machine: string; seq: string; event: unknown; size: number }>(
      `SELECT e.machine, e.seq,
         CASE WHEN octet_length(e.event::text) <= ${MAX_FLEET_DOCUMENT_BYTES} THEN e.event END AS event,
         octet_length(e.event::text) AS size
       FROM wtp.events e
       LEFT JOIN jsonb_each_text($1::jsonb) c ON c.key = e.machine
       WHERE e.machine <> $2 AND e.seq > COALESCE(c.value::bigint, 0)
       ORDER BY e.machine, e.seq LIMIT $3`,
      [JSON.stringify(Object.fromEntries(cursors)), except, limit],
    );
    // An invalid event is skipped, not lost track of: its seq still moves the cursor past it.
    return r.rows.map((row) => {
      const [valid] = validRows('events', [row], fleetEventRowSchema, this.db.invalid, {
        machine: (e) => e.machine,
        key: (e) => e.seq,
        tooLarge: (e) => Number(e.size) > MAX_FLEET_DOCUMENT_BYTES,
      });
      const seq = Number(row.seq);
      if (valid && valid.event.seq !== seq)
        this.mismatch('events', row.machine, row.seq, 'event.seq: not the seq of its row');
      return valid && valid.event.seq === seq
        ? { machine: row.machine, seq, event: valid.event }
        : { machine: row.machine, seq, event: null };
    });
  }

  async listen(on: FleetNotifications, lost: (err: Error) => void): Promise<() => Promise<void>> {
    const client = new pg.Client(connectionConfig(this.db.url, `wtp ${this.db.machine} listen`));
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
      else if (n.channel === TASK_CHANNEL) on.tasks?.(payload);
      else if (n.channel === RESULT_CHANNEL) {
        const [sender = '', id = ''] = payload.split(' ');
        if (/^\d+$/.test(id)) on.result?.(sender, Number(id));
      }
    });
    try {
      await client.connect();
      await client.query(
        `LISTEN ${FLEET_CHANNEL}; LISTEN ${COMMAND_CHANNEL}; LISTEN ${RESULT_CHANNEL}; LISTEN ${TASK_CHANNEL}`,
      );
    } catch (err) {
      ended = true;
      await client.end().catch(() => undefined);
      throw fleetError(err, this.db.database);
    }
    return async () => {
      ended = true;
      await client.end().catch(() => undefined);
    };
  }
}
