import type { AppError } from '../../core/errors.js';
import { appError } from '../../protocol/error-messages.js';
import type pg from 'pg';
import type {
  FleetPublisher,
  JoinResult,
  MachineAnnouncement,
  PublishBatch,
} from '../../core/ports/fleet.js';
import type { AgentView } from '../../protocol/agent.js';
import type { WtpEvent } from '../../protocol/events.js';
import { FLEET_CHANNEL, type PgDb } from './pg-db.js';

/**
 * This machine's side in PostgreSQL: joining (its row, owned by its role), heartbeats, and
 * publications in one transaction each (events, agents and the cursor together, then a NOTIFY).
 */
export class PgPublisher implements FleetPublisher {
  constructor(private readonly db: PgDb) {}

  async join(me: MachineAnnouncement, latestSeq: number): Promise<JoinResult> {
    return this.db.tx(async (c) => {
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
      const who = await c.query<{ role: string; shared: boolean; id: string | null }>(
        `SELECT current_user AS role,
           EXISTS (SELECT 1 FROM wtp.machines WHERE owner = current_user AND name <> $1) AS shared,
           (SELECT id FROM wtp.fleet_identity ORDER BY created_at LIMIT 1) AS id`,
        [me.name],
      );
      return {
        publishedSeq,
        role: who.rows[0]?.role ?? '',
        sharedRole: who.rows[0]?.shared ?? false,
        databaseId: who.rows[0]?.id ?? '',
      };
    });
  }

  async heartbeat(me: MachineAnnouncement): Promise<void> {
    const r = await this.db.query(
      `UPDATE wtp.machines SET heartbeat_at = now(), version = $2, ssh = $3, capacity = $4, repos = $5::jsonb,
         usage = $6::jsonb
       WHERE name = $1`,
      [me.name, me.version, me.ssh, me.capacity, JSON.stringify(me.repos), JSON.stringify(me.usage ?? null)],
    );
    if (r.rowCount === 0) {
      throw appError('FLEET_UNREACHABLE', { database: this.db.database, rejoin: true, machine: me.name });
    }
  }

  async prune(keepMs: number): Promise<{ events: number; commands: number }> {
    return this.db.tx(async (c) => {
      // Only what the fleet has caught up with, and older than kept: a late reader reloads instead.
      const events = await c.query(
        `DELETE FROM wtp.events e USING wtp.machines m
         WHERE e.machine = $1 AND m.name = $1 AND e.seq <= m.published_seq
           AND e.ts < now() - make_interval(secs => $2 / 1000.0)`,
        [this.db.machine, keepMs],
      );
      const commands = await c.query(
        `DELETE FROM wtp.commands WHERE (sender = $1 OR target = $1) AND status IN ('done', 'expired')
           AND created_at < now() - make_interval(secs => $2 / 1000.0)`,
        [this.db.machine, keepMs],
      );
      return { events: events.rowCount ?? 0, commands: commands.rowCount ?? 0 };
    });
  }

  async publish(batch: PublishBatch): Promise<void> {
    await this.db.tx(async (c) => {
      if (batch.events.length > 0) {
        await c.query(
          `INSERT INTO wtp.events (machine, seq, ts, type, agent_id, event)
           SELECT $1, x.seq, x.ts, x.type, x.agent_id, x.event
           FROM jsonb_to_recordset($2::jsonb) AS x(seq bigint, ts timestamptz, type text, agent_id text, event jsonb)
           ON CONFLICT (machine, seq) DO NOTHING`,
          [this.db.machine, JSON.stringify(batch.events.map(eventRow))],
        );
      }
      await this.writeAgents(c, batch.agents);
      if (batch.removed.length > 0) {
        await c.query('DELETE FROM wtp.agents WHERE machine = $1 AND id = ANY($2::text[])', [
          this.db.machine,
          batch.removed,
        ]);
      }
      const last = batch.events.at(-1)?.seq;
      if (last !== undefined) {
        await c.query('UPDATE wtp.machines SET published_seq = GREATEST(published_seq, $2) WHERE name = $1', [
          this.db.machine,
          last,
        ]);
      }
      await c.query('SELECT pg_notify($1, $2)', [FLEET_CHANNEL, this.db.machine]);
    });
  }

  async resync(agents: AgentView[]): Promise<void> {
    await this.db.tx(async (c) => {
      await this.writeAgents(c, agents);
      await c.query('DELETE FROM wtp.agents WHERE machine = $1 AND NOT (id = ANY($2::text[]))', [
        this.db.machine,
        agents.map((a) => a.id),
      ]);
      await c.query('SELECT pg_notify($1, $2)', [FLEET_CHANNEL, this.db.machine]);
    });
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
        this.db.machine,
        JSON.stringify(
          agents.map((a) => ({ id: a.id, name: a.name, workspace: a.workspace, state: a.state, view: a })),
        ),
      ],
    );
  }
}

function taken(machine: string, owner: string, role: string): AppError {
  return appError('FLEET_MACHINE_TAKEN', { machine, owner, role: role === '' ? null : role });
}

function eventRow(e: WtpEvent): Record<string, unknown> {
  return { seq: e.seq, ts: e.ts, type: e.type, agent_id: e.agentId, event: e };
}
