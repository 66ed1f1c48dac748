import type { AppError } from '../../core/errors.js';
import { appError } from '../../protocol/error-messages.js';
import type {
  FleetTaskList,
  FleetTaskRow,
  FleetTasks,
  FleetTaskStatus,
  NewFleetTask,
} from '../../core/ports/fleet.js';
import type { FleetRefusalCode } from '../../protocol/fleet-rows.js';
import {
  fleetRefusalSchema,
  fleetRunSchema,
  fleetTaskRowSchema,
  MAX_FLEET_DOCUMENT_BYTES,
} from '../../protocol/fleet-rows.js';
import { ms, TASK_CHANNEL, type PgDb } from './pg-db.js';
import { validRows } from './pg-rows.js';

interface TaskSql {
  id: unknown;
  repo: unknown;
  title: unknown;
  spec: unknown;
  deps: unknown;
  priority: unknown;
  status: unknown;
  status_reason: unknown;
  created_by: unknown;
  created_at: unknown;
  updated_at: unknown;
  lease_machine: unknown;
  lease_until: unknown;
  run_id: unknown;
  runs: unknown;
  refusals: unknown;
  size: number;
}

/** A task's columns, its refusals, and its size (a row over the limit is not parsed). */
const COLUMNS = `t.id, t.repo, t.title, t.spec, t.deps, t.priority, t.status, t.status_reason, t.created_by,
  ${ms('t.created_at')} AS created_at, ${ms('t.updated_at')} AS updated_at, t.lease_machine,
  ${ms('t.lease_until')} AS lease_until, t.run_id, t.runs,
  (SELECT COALESCE(jsonb_agg(jsonb_build_object('machine', r.machine, 'code', r.code, 'reason', r.reason,
     'at', ${ms('r.refused_at')}) ORDER BY r.machine), '[]'::jsonb)
   FROM wtp.task_refusals r WHERE r.task = t.id) AS refusals,
  (octet_length(t.spec::text) + octet_length(t.runs::text) + octet_length(t.title) + octet_length(t.repo)) AS size`;

/** Epoch milliseconds now, in SQL (the database's clock). */
const NOW_MS = `(extract(epoch FROM now()) * 1000)::float8`;

/** `runs` with the run `$runParam` (still in one of `from`) ended as `status` for `reason` (SQL). */
const endRun = (runParam: string, status: string, reason: string, from = "'running'"): string => `
  (SELECT COALESCE(jsonb_agg(CASE WHEN r->>'runId' = ${runParam} AND r->>'status' IN (${from})
     THEN r || jsonb_build_object('status', ${status}, 'endedAt', ${NOW_MS}, 'reason', ${reason})
     ELSE r END ORDER BY n), '[]'::jsonb)
   FROM jsonb_array_elements(t.runs) WITH ORDINALITY AS x(r, n))`;

function shape(t: TaskSql): Record<string, unknown> {
  return {
    id: t.id,
    repo: t.repo,
    title: t.title,
    spec: t.spec,
    deps: t.deps,
    priority: t.priority,
    status: t.status,
    statusReason: t.status_reason,
    createdBy: t.created_by,
    createdAt: t.created_at,
    updatedAt: t.updated_at,
    leaseMachine: t.lease_machine,
    leaseUntil: t.lease_until,
    runId: t.run_id,
    runs: t.runs,
    refusals: t.refusals,
    size: t.size,
  };
}

/**
 * The fleet's task graph in PostgreSQL (migration 0003). Claims are one statement: the ready tasks
 * (and lapsed leases) of this machine's repositories whose dependencies are done, locked with
 * FOR UPDATE SKIP LOCKED so concurrent claimers never take the same one, and leased in place.
 */
export class PgTasks implements FleetTasks {
  constructor(private readonly db: PgDb) {}

  /**
   * Rows as read: the valid ones; the others skipped and reported (never acted on). A task's runs and
   * refusals are checked one by one: a bad entry (written by the machine it names, which may write
   * its own of anyone's task) is dropped and reported, the task kept.
   */
  private rows(rows: TaskSql[], unreadable: string[] = []): FleetTaskRow[] {
    const tasks = validRows(
      'tasks',
      rows.map(shape),
      fleetTaskRowSchema,
      (bad) => {
        unreadable.push(bad.key);
        this.db.invalid(bad);
      },
      {
        machine: (r) => r.createdBy,
        key: (r) => r.id,
        tooLarge: (r) => Number(r.size) > MAX_FLEET_DOCUMENT_BYTES,
      },
    );
    return tasks.map((t) => ({
      ...t,
      runs: validRows('tasks', t.runs, fleetRunSchema, this.db.invalid, {
        machine: (r) => r.machine,
        key: () => `${t.id} run`,
      }),
      refusals: validRows('tasks', t.refusals, fleetRefusalSchema, this.db.invalid, {
        machine: (r) => r.machine,
        key: () => `${t.id} refusal`,
      }),
    }));
  }

  async add(tasks: NewFleetTask[]): Promise<void> {
    await this.db.tx(async (c) => {
      const deps = [...new Set(tasks.flatMap((t) => t.deps))].filter((d) => !tasks.some((t) => t.id === d));
      if (deps.length > 0) {
        const found = await c.query<{ id: string }>('SELECT id FROM wtp.tasks WHERE id = ANY($1::text[])', [
          deps,
        ]);
        const missing = deps.filter((d) => !found.rows.some((r) => r.id === d));
        if (missing.length > 0) {
          throw appError('TASK_NOT_FOUND', { task: missing[0] ?? '', missing });
        }
      }
      await c.query(
        `INSERT INTO wtp.tasks (id, repo, title, spec, deps, priority, status, status_reason, created_by)
         SELECT x.id, x.repo, x.title, x.spec, x.deps, x.priority, x.status, 'created', $2
         FROM jsonb_to_recordset($1::jsonb)
           AS x(id text, repo text, title text, spec jsonb, deps text[], priority integer, status text)`,
        [JSON.stringify(tasks), this.db.machine],
      );
      await c.query('SELECT pg_notify($1, $2)', [TASK_CHANNEL, tasks[0]?.id ?? '']);
    });
  }

  async list(): Promise<FleetTaskList> {
    const r = await this.db.query<TaskSql>(
      `SELECT ${COLUMNS} FROM wtp.tasks t ORDER BY t.priority DESC, t.created_at, t.id`,
    );
    const unreadable: string[] = [];
    const rows = this.rows(r.rows, unreadable);
    return { rows, unreadable };
  }

  async claim(repos: string[], limit: number, leaseMs: number, only?: string[]): Promise<FleetTaskRow[]> {
    if (repos.length === 0 || limit <= 0 || only?.length === 0) return [];
    return this.db.tx(async (c) => {
      const r = await c.query<TaskSql>(
        `WITH picked AS (
           SELECT t.id FROM wtp.tasks t
           WHERE t.repo = ANY($1::text[]) AND ($5::text[] IS NULL OR t.id = ANY($5::text[]))
             AND (t.status = 'ready' OR (t.status = 'running' AND t.lease_until < now()))
             AND NOT EXISTS (SELECT 1 FROM wtp.tasks d WHERE d.id = ANY(t.deps) AND d.status <> 'done')
           ORDER BY t.priority DESC, t.created_at, t.id
           LIMIT $2
           FOR UPDATE OF t SKIP LOCKED
         ), leased AS (
           SELECT t.id, $3 || '-' || substr(md5(random()::text || t.id), 1, 10) AS run_id FROM picked t
         )
         UPDATE wtp.tasks t SET
           status = 'running',
           status_reason = 'claimed by ' || $3,
           updated_at = now(),
           lease_machine = $3,
           lease_until = now() + make_interval(secs => $4 / 1000.0),
           run_id = leased.run_id,
           runs = ${endRun('t.run_id', "'lost'", "'its lease lapsed on ' || COALESCE(t.lease_machine, '?')")}
             || jsonb_build_array(jsonb_build_object('runId', leased.run_id, 'machine', $3, 'startedAt', ${NOW_MS},
                  'endedAt', NULL, 'status', 'running', 'reason', NULL))
         FROM leased WHERE t.id = leased.id
         RETURNING ${COLUMNS}`,
        [repos, limit, this.db.machine, leaseMs, only ?? null],
      );
      if (r.rows.length > 0) await c.query('SELECT pg_notify($1, $2)', [TASK_CHANNEL, String(r.rows[0]?.id)]);
      return this.rows(r.rows);
    });
  }

  async renew(runIds: string[], leaseMs: number): Promise<string[]> {
    if (runIds.length === 0) return [];
    const r = await this.db.query<{ run_id: string }>(
      `UPDATE wtp.tasks SET lease_until = now() + make_interval(secs => $3 / 1000.0)
       WHERE run_id = ANY($1::text[]) AND lease_machine = $2 AND status = 'running' AND lease_until > now()
       RETURNING run_id`,
      [runIds, this.db.machine, leaseMs],
    );
    return r.rows.map((x) => x.run_id);
  }

  async refuse(refusals: { task: string; code: FleetRefusalCode; reason: string }[]): Promise<void> {
    if (refusals.length === 0) return;
    await this.db.tx(async (c) => {
      await c.query(
        `INSERT INTO wtp.task_refusals (task, machine, code, reason)
         SELECT x.task, $2, x.code, left(x.reason, 1000) FROM jsonb_to_recordset($1::jsonb) AS x(task text, code text, reason text)
         WHERE EXISTS (SELECT 1 FROM wtp.tasks t WHERE t.id = x.task)
         ON CONFLICT (task, machine) DO UPDATE SET code = excluded.code, reason = excluded.reason,
           refused_at = now()
         WHERE (wtp.task_refusals.code, wtp.task_refusals.reason) IS DISTINCT FROM (excluded.code, excluded.reason)`,
        [JSON.stringify(refusals), this.db.machine],
      );
      await c.query('SELECT pg_notify($1, $2)', [TASK_CHANNEL, refusals[0]?.task ?? '']);
    });
  }

  async withdraw(tasks: string[]): Promise<void> {
    if (tasks.length === 0) return;
    await this.db.query('DELETE FROM wtp.task_refusals WHERE machine = $1 AND task = ANY($2::text[])', [
      this.db.machine,
      tasks,
    ]);
  }

  async report(
    id: string,
    runId: string,
    status: 'review' | 'done' | 'failed' | 'cancelled',
    reason: string,
  ): Promise<boolean> {
    return this.db.tx(async (c) => {
      const r = await c.query(
        `UPDATE wtp.tasks t SET status = $4, status_reason = $5, updated_at = now(), lease_until = NULL,
           runs = ${endRun('$2', '$4::text', '$5::text', "'running', 'review'")}
         WHERE t.id = $1 AND t.run_id = $2 AND t.lease_machine = $3
           AND t.status NOT IN ('done', 'cancelled')
           AND (t.status <> 'running' OR t.lease_until > now())`,
        [id, runId, this.db.machine, status, reason],
      );
      if (r.rowCount === 0) {
        // Said already, under this very run (a user moved it there meanwhile): nothing to refuse.
        const now = await c.query<{ status: string; run_id: string | null }>(
          'SELECT status, run_id FROM wtp.tasks WHERE id = $1',
          [id],
        );
        if (now.rows[0]?.status === status && now.rows[0].run_id === runId) return true;
        // Too late (its lease lapsed, another machine runs it) or moved away: the run says so.
        await c.query(
          `UPDATE wtp.tasks t SET runs = ${endRun('$2', "'refused'", "'its result (' || $3 || ') came too late'", "'running', 'lost'")}
           WHERE t.id = $1`,
          [id, runId, status],
        );
      }
      await c.query('SELECT pg_notify($1, $2)', [TASK_CHANNEL, id]);
      return (r.rowCount ?? 0) > 0;
    });
  }

  async move(id: string, from: FleetTaskStatus, to: FleetTaskStatus, reason: string): Promise<boolean> {
    return this.db.tx(async (c) => {
      const who = await c.query<{ created_by: string; lease_machine: string | null; mine: boolean }>(
        `SELECT created_by, lease_machine, (wtp.owns(created_by) OR wtp.owns(lease_machine)) AS mine
         FROM wtp.tasks WHERE id = $1`,
        [id],
      );
      const task = who.rows[0];
      if (task && !task.mine) throw notYours(id, task.created_by, task.lease_machine, this.db.machine);
      const letGo = to === 'ready' || to === 'backlog' || to === 'cancelled';
      const r = await c.query(
        `UPDATE wtp.tasks t SET status = $3, status_reason = $4, updated_at = now(),
           lease_until = CASE WHEN $5 THEN NULL ELSE t.lease_until END,
           lease_machine = CASE WHEN $5 THEN NULL ELSE t.lease_machine END,
           run_id = CASE WHEN $5 THEN NULL ELSE t.run_id END,
           runs = CASE WHEN $5 THEN ${endRun('t.run_id', "'cancelled'", '$4::text')} ELSE t.runs END
         WHERE t.id = $1 AND t.status = $2`,
        [id, from, to, reason, letGo],
      );
      await c.query('SELECT pg_notify($1, $2)', [TASK_CHANNEL, id]);
      return (r.rowCount ?? 0) > 0;
    });
  }
}

function notYours(task: string, createdBy: string, machine: string | null, me: string): AppError {
  return appError('FLEET_TASK_NOT_YOURS', { task, createdBy, machine, me });
}
