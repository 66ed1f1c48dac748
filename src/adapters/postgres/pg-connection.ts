import pg from 'pg';
import { AppError } from '../../core/errors.js';
import { appError } from '../../protocol/error-messages.js';
import { redactUrl } from '../../protocol/fleet.js';

export { redactUrl };

/** How long a connection attempt, and then one statement, may take. */
const CONNECT_TIMEOUT_MS = 5_000;
const STATEMENT_TIMEOUT_MS = 15_000;
/**
 * How long the server keeps a session that sits in an open transaction: ours send their statements
 * back to back, so a transaction idle this long belongs to a daemon that stalled or was cut off
 * mid-transaction — and its row locks would keep every other machine from claiming the task
 * (FOR UPDATE SKIP LOCKED passes them by) long after its lease lapsed, until the server noticed the
 * connection gone (hours, or never while it has no route to the machine). Ended, it rolls back.
 */
export const IDLE_IN_TRANSACTION_MS = 10_000;

/** Connection settings from the URL (TLS parameters such as `sslmode`, `sslrootcert` pass through). */
export function connectionConfig(url: string, applicationName: string): pg.ClientConfig {
  return {
    connectionString: url,
    application_name: applicationName.slice(0, 63),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    query_timeout: STATEMENT_TIMEOUT_MS + 2_000,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
    keepAlive: true,
  };
}

/**
 * What may pass by itself: no SQLSTATE (a socket error, a timeout), a connection exception (08),
 * the server shutting down or starting (57P), out of resources (53), a system error (58), or a
 * session the server ended for idling in a transaction (25P03, IDLE_IN_TRANSACTION_MS: this daemon
 * stalled; the next connection works).
 */
const TRANSIENT = /^(08|57P|53|58|25P03)/;

/**
 * A database failure as an AppError: FLEET_UNREACHABLE for what may pass (a server down,
 * restarting or cut off), FLEET_REFUSED for what will not (authentication, a missing database or
 * privilege: `details.pgCode` is the SQLSTATE). Already-classified errors pass through.
 */
export function fleetError(err: unknown, database: string): AppError {
  if (err instanceof AppError) return err;
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(err);
  const sqlState = /^[0-9A-Z]{5}$/.test(code) ? code : '';
  // The TLS handshake failed (an untrusted or wrong certificate, TLS refused): the configuration's.
  if (/CERT|SSL|TLS|ERR_TLS/.test(code) || /does not support SSL|certificate/i.test(message)) {
    return appError(
      'FLEET_REFUSED',
      { database, ...(code ? { tlsCode: code } : {}), tlsError: message },
      { cause: err },
    );
  }
  if (sqlState !== '' && !TRANSIENT.test(sqlState)) {
    return appError('FLEET_REFUSED', { database, pgCode: sqlState, error: message }, { cause: err });
  }
  return appError(
    'FLEET_UNREACHABLE',
    { database, ...(code ? { pgCode: code } : {}), error: message },
    { cause: err },
  );
}

/** A pool of a few connections; an idle connection's failure is only logged (the next query reconnects). */
export function createPool(url: string, applicationName: string, onIdleError: (err: Error) => void): pg.Pool {
  const pool = new pg.Pool({ ...connectionConfig(url, applicationName), max: 4, idleTimeoutMillis: 30_000 });
  pool.on('error', onIdleError);
  return pool;
}
