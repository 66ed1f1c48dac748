import { isAppError } from '../../core/errors.js';
import { storageError } from '../../core/model/storage-errors.js';
import type { ErrorBody } from '../../protocol/errors.js';
import { HTTP_STATUS } from './error-status.js';

/**
 * Maps anything thrown inside a request to a status and an error body. A file that could not be
 * written because of its storage (ENOSPC, EIO, …: a hook settings file, the setup approvals) is
 * STORAGE_FULL / STORAGE_FAILED naming the file, not an internal error.
 */
export function toErrorResponse(err: unknown): { status: number; body: ErrorBody; internal: boolean } {
  if (isAppError(err)) return { status: HTTP_STATUS[err.code], body: err.toBody(), internal: false };
  const storage = storageError(err, { component: 'stateFile' });
  if (storage) return { status: HTTP_STATUS[storage.code], body: storage.toBody(), internal: false };
  return {
    status: 500,
    body: { code: 'INTERNAL', message: 'Internal error; the daemon log has the details.' },
    internal: true,
  };
}
