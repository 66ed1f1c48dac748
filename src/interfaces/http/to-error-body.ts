import { isAppError } from '../../core/errors.js';
import type { ErrorBody } from '../../protocol/errors.js';
import { HTTP_STATUS } from './error-status.js';

/** Maps anything thrown inside a request to a status and an error body. */
export function toErrorResponse(err: unknown): { status: number; body: ErrorBody; internal: boolean } {
  if (isAppError(err)) return { status: HTTP_STATUS[err.code], body: err.toBody(), internal: false };
  return {
    status: 500,
    body: { code: 'INTERNAL', message: 'Internal error; the daemon log has the details.' },
    internal: true,
  };
}
