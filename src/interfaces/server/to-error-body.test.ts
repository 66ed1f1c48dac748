import { describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.js';
import { toErrorResponse } from './to-error-body.js';

const errno = (code: string, path: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`${code}: write '${path}'`), { code, path });

describe('toErrorResponse', () => {
  it('answers a file that could not be written for lack of space with 507 STORAGE_FULL naming it', () => {
    const r = toErrorResponse(errno('ENOSPC', '/state/setup-approvals.json.wtp-1-2.tmp'));
    expect(r.status).toBe(507);
    expect(r.internal).toBe(false);
    expect(r.body).toMatchObject({
      code: 'STORAGE_FULL',
      details: {
        path: '/state/setup-approvals.json.wtp-1-2.tmp',
        errorCode: 'ENOSPC',
        component: 'stateFile',
      },
    });
  });

  it('answers an I/O error with 503 STORAGE_FAILED, and the database refusal as it is', () => {
    expect(toErrorResponse(errno('EIO', '/state/token')).body.code).toBe('STORAGE_FAILED');
    expect(toErrorResponse(errno('EIO', '/state/token')).status).toBe(503);
    const db = new AppError('STORAGE_FULL', 'Cannot create an agent: …', { component: 'database' });
    expect(toErrorResponse(db)).toMatchObject({ status: 507, body: { code: 'STORAGE_FULL' } });
  });

  it('leaves other failures internal', () => {
    expect(toErrorResponse(errno('EACCES', '/x'))).toMatchObject({ status: 500, internal: true });
  });
});
