import pg from 'pg';
import type {
  FleetEventRow,
  FleetNotifications,
  FleetReader,
  FleetSnapshot,
  MachineRow,
} from '../../core/ports/fleet.js';
import type { AgentView } from '../../protocol/agent.js';
import type { WtpEvent } from '../../protocol/events.js';
import { connectionConfig, fleetError } from './pg-connection.js';
import { COMMAND_CHANNEL, FLEET_CHANNEL, ms, RESULT_CHANNEL, TASK_CHANNEL, type PgDb } from './pg-db.js';

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
 * The other machines, read: a consistent snapshot of their agents and cursors, then their events by
 * per-machine cursor; LISTEN on a connection of its own.
 */
export class PgReader implements FleetReader {
  constructor(private readonly db: PgDb) {}

  async machines(): Promise<MachineRow[]> {
    const r = await this.db.query<MachineSql>(
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
    return this.db.tx(async (c) => {
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
    const r = await this.db.query<{ machine: string; view: AgentView }>(
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
    const r = await this.db.query<{ machine: string; event: WtpEvent }>(
      `SELECT e.machine, e.event FROM wtp.events e
       LEFT JOIN jsonb_each_text($1::jsonb) c ON c.key = e.machine
       WHERE e.machine <> $2 AND e.seq > COALESCE(c.value::bigint, 0)
       ORDER BY e.machine, e.seq LIMIT $3`,
      [JSON.stringify(Object.fromEntries(cursors)), except, limit],
    );
    return r.rows;
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
