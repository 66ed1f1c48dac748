import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { appError } from '../../protocol/error-messages.js';
import { toErrorResponse } from './to-error-body.js';

/** The methods of the daemon's routes, for the `Allow` header of a 405. */
export const SERVED_METHODS = ['GET', 'POST', 'DELETE'] as const;

/**
 * Writes a whole HTTP/1.1 error answer (`{code, message, details}`) on a raw socket and closes
 * it: where node gives no ServerResponse (WebSocket upgrades, CONNECT, requests it could not parse).
 */
export function endWithError(socket: Duplex, err: unknown, headers: Record<string, string> = {}): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const r = toErrorResponse(err);
  const body = JSON.stringify(r.body);
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${r.status} ${STATUS_CODES[r.status] ?? r.body.code}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}connection: close\r\n\r\n${body}`,
  );
}

/** The 'connect' listener: CONNECT gets a 405 (the daemon is not a proxy), not a silent close. */
export function refuseConnect(req: IncomingMessage, socket: Duplex): void {
  const allow = SERVED_METHODS.join(', ');
  endWithError(
    socket,
    appError('METHOD_NOT_ALLOWED', {
      method: 'CONNECT',
      allowed: [...SERVED_METHODS],
      target: (req.url ?? '').slice(0, 200),
    }),
    { allow },
  );
}

/**
 * The 'clientError' listener: a request node could not parse (an unknown method, a malformed
 * request line or header) gets a JSON 400; headers too large 431; too slow 408.
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status =
    err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const message =
    status === 431
      ? 'The request headers are too large.'
      : status === 408
        ? 'The request took too long to arrive.'
        : `The request is not valid HTTP/1.1 (${err.code ?? 'parse error'}).`;
  const body = JSON.stringify({
    code: 'INVALID_INPUT',
    message,
    details: { issues: [{ path: 'request', message }] },
  });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
