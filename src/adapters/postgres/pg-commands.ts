import type { CallResult, CommandRow, FleetCall, FleetCommands } from '../../core/ports/fleet.js';
import { fleetCallResultSchema, fleetCallSchema } from '../../protocol/fleet-rows.js';
import { COMMAND_CHANNEL, RESULT_CHANNEL, type PgDb } from './pg-db.js';
import { validRows } from './pg-rows.js';

/** A command whose input failed validation: carried out as nothing, refused (its sender is told). */
const INVALID_CALL: FleetCall = { route: '(invalid)', params: {}, query: {}, body: null };

/** Commands for other machines' agents: written by the sender, taken once and answered by the target. */
export class PgCommands implements FleetCommands {
  constructor(private readonly db: PgDb) {}

  async send(target: string, call: FleetCall, expiresInMs: number): Promise<number> {
    return this.db.tx(async (c) => {
      const r = await c.query<{ id: string }>(
        `INSERT INTO wtp.commands (target, sender, route, input, expires_at)
         VALUES ($1, $2, $3, $4::jsonb, now() + make_interval(secs => $5 / 1000.0)) RETURNING id`,
        [target, this.db.machine, call.route, JSON.stringify(call), expiresInMs],
      );
      await c.query('SELECT pg_notify($1, $2)', [COMMAND_CHANNEL, target]);
      return Number(r.rows[0]?.id);
    });
  }

  async result(
    id: number,
  ): Promise<{ status: 'pending' | 'running' | 'done' | 'expired'; result: CallResult | null }> {
    const r = await this.db.query<{
      status: 'pending' | 'running' | 'done' | 'expired';
      result: unknown;
    }>('SELECT status, result FROM wtp.commands WHERE id = $1', [id]);
    const row = r.rows[0];
    if (!row) return { status: 'expired', result: null };
    if (row.result === null) return { status: row.status, result: null };
    const [result] = validRows('results', [row.result], fleetCallResultSchema, this.db.invalid, {
      key: () => id,
    });
    return {
      status: row.status,
      result: result ?? {
        status: 502,
        body: {
          code: 'INTERNAL',
          message: `The answer to fleet command ${id} was not valid (see \`wtp fleet\`).`,
        },
      },
    };
  }

  async take(limit: number): Promise<CommandRow[]> {
    const r = await this.db.query<{
      id: string;
      sender: string;
      sender_role: string | null;
      input: unknown;
      expired: boolean;
    }>(
      `UPDATE wtp.commands c SET status = 'running'
       WHERE id IN (SELECT id FROM wtp.commands WHERE target = $1 AND status = 'pending'
                    ORDER BY id FOR UPDATE SKIP LOCKED LIMIT $2)
       RETURNING id, sender, (SELECT m.owner FROM wtp.machines m WHERE m.name = c.sender) AS sender_role,
                 input, expires_at < now() AS expired`,
      [this.db.machine, limit],
    );
    return r.rows
      .map((row) => ({
        id: Number(row.id),
        sender: row.sender,
        senderRole: row.sender_role ?? '?',
        call:
          validRows('commands', [row.input], fleetCallSchema, this.db.invalid, {
            machine: () => row.sender,
            key: () => row.id,
          })[0] ?? INVALID_CALL,
        expired: row.expired,
      }))
      .sort((a, b) => a.id - b.id);
  }

  async finish(id: number, sender: string, result: CallResult | null): Promise<void> {
    await this.db.tx(async (c) => {
      await c.query(
        `UPDATE wtp.commands SET status = $2, result = $3::jsonb, done_at = now() WHERE id = $1 AND target = $4`,
        [
          id,
          result === null ? 'expired' : 'done',
          result === null ? null : JSON.stringify(result),
          this.db.machine,
        ],
      );
      await c.query('SELECT pg_notify($1, $2)', [RESULT_CHANNEL, `${sender} ${id}`]);
    });
  }

  async abandonRunning(): Promise<number> {
    const r = await this.db.query(
      `UPDATE wtp.commands SET status = 'expired', done_at = now() WHERE target = $1 AND status = 'running'`,
      [this.db.machine],
    );
    return r.rowCount ?? 0;
  }
}
