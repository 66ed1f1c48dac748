import type { WebSocket } from 'ws';
import type { ErrorBody } from '../../protocol/errors.js';

/** Above this many queued bytes a client is too slow; it is closed and may resume. */
export const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export function sendJson(socket: WebSocket, message: unknown): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

/** Sends an error message and closes with a policy-violation code. */
export function failSocket(socket: WebSocket, error: ErrorBody, code = 1008): void {
  sendJson(socket, { type: 'error', error });
  socket.close(code, error.code);
}
