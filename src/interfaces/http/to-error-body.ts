import { AppError, isAppError } from '../../core/errors.js';
import type { ErrorBody } from '../../protocol/errors.js';
import { HTTP_STATUS } from './error-status.js';

/** Maps anything thrown inside a request to a status and an error body. */
export function toErrorResponse(err: unknown): { status: number; body: ErrorBody; internal: boolean } {
  if (isAppError(err)) return { status: HTTP_STATUS[err.code], body: err.toBody(), internal: false };
  const e = err as { statusCode?: number; code?: string; message?: string; timedOut?: boolean };
  if (e.timedOut) {
    const body = new AppError('HOST_TIMEOUT', e.message ?? 'the host did not answer in time').toBody();
    return { status: HTTP_STATUS.HOST_TIMEOUT, body, internal: false };
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    // Fastify's own request errors: malformed JSON, wrong content type, body too large.
    const body = new AppError('INVALID_INPUT', e.message ?? 'invalid request', {
      issues: [{ path: 'body', message: e.message ?? 'invalid request' }],
      fastifyCode: e.code,
    }).toBody();
    return { status: 400, body, internal: false };
  }
  return {
    status: 500,
    body: { code: 'INTERNAL', message: 'Internal error; the daemon log has the details.' },
    internal: true,
  };
}
