import type pg from 'pg';
import { createPool, fleetError, redactUrl } from './pg-connection.js';
import { migrate } from './pg-migrations.js';
import type { InvalidRowSink } from './pg-rows.js';

/** The channel a machine's publications are announced on (payload: the machine's name). */
export const FLEET_CHANNEL = 'wtp_fleet';
/** Commands for a machine (payload: the target's name) and their results (payload: `sender id`). */
export const COMMAND_CHANNEL = 'wtp_commands';
export const RESULT_CHANNEL = 'wtp_results';
/** Tasks added or changed (payload: the task's id). */
export const TASK_CHANNEL = 'wtp_tasks';

/** A timestamp column as epoch milliseconds. */
export const ms = (column: string): string => `(extract(epoch FROM ${column}) * 1000)::float8`;

/**
 * One fleet database for one machine: a few pooled connections, the schema brought up to date on
 * first use, every failure an AppError (FLEET_UNREACHABLE, FLEET_REFUSED, FLEET_SCHEMA_*).
 */
export class PgDb {
  /** The URL without its password: what logs and errors show. */
  readonly database: string;
  private readonly pool: pg.Pool;
  private migrated = false;

  constructor(
    readonly url: string,
    readonly machine: string,
    private readonly onIdleError: (err: Error) => void,
    /** Told of every row that failed validation (skipped). */
    readonly invalid: InvalidRowSink = () => undefined,
  ) {
    this.database = redactUrl(url);
    this.pool = createPool(url, `wtp ${machine}`, onIdleError);
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

  /**
   * A connection of the pool, for a transaction. While it is out the pool does not listen for its
   * errors: one that comes between statements (the server ended the session, IDLE_IN_TRANSACTION_MS)
   * would be thrown as an uncaught 'error' event. It is told to `onIdleError` instead; the next
   * statement fails and the connection is dropped.
   */
  async connect(): Promise<pg.PoolClient> {
    let c: pg.PoolClient;
    try {
      c = await this.pool.connect();
    } catch (err) {
      throw fleetError(err, this.database);
    }
    const onError = (err: Error): void => this.onIdleError(err);
    c.on('error', onError);
    const release = c.release.bind(c);
    c.release = (err?: Error | boolean) => {
      c.off('error', onError);
      release(err);
    };
    return c;
  }

  async query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    if (!this.migrated) await this.migrate();
    try {
      return await this.pool.query<R>(sql, params);
    } catch (err) {
      this.schemaGone(err);
      throw fleetError(err, this.database);
    }
  }

  /**
   * The schema is gone (the database was dropped and made again, or its schema dropped): the next
   * use migrates again — or says who must (FLEET_SCHEMA_MISSING) — instead of failing the same way.
   */
  private schemaGone(err: unknown): void {
    const code = (err as { code?: unknown }).code;
    if (code === '42P01' || code === '3F000' || code === '42883') this.migrated = false;
  }

  async tx<T>(work: (c: pg.ClientBase) => Promise<T>, isolation = 'READ COMMITTED'): Promise<T> {
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
      this.schemaGone(err);
      throw fleetError(err, this.database);
    } finally {
      c.release(broken); // a connection that could not even roll back is not given back to the pool
    }
  }
}
