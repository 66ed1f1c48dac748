import { describe, expect, it } from 'vitest';
import { AppError, isAppError } from './app-error.js';

describe('AppError', () => {
  it('comes back from its body as the same error, with the status it came with', () => {
    const thrown = new AppError('NOT_FOUND', 'No agent "x".', { agent: 'x' });
    const read = AppError.fromBody(404, JSON.parse(JSON.stringify(thrown.toBody())));
    expect(isAppError(read)).toBe(true);
    expect({ ...read.toBody(), status: read.status }).toEqual({ ...thrown.toBody(), status: 404 });
    expect(thrown.status).toBeUndefined();
  });

  it.each([
    null,
    'text',
    42,
    [],
    {},
    { code: 'NO_SUCH_CODE', message: 'm' },
    { code: 'NOT_FOUND', message: 7 },
  ])('reads a body that is not an error (%j) as INTERNAL, keeping it in details', (body) => {
    const e = AppError.fromBody(502, body);
    expect(e.code).toBe('INTERNAL');
    expect(e.status).toBe(502);
    expect(e.details).toEqual({ body });
  });

  it('keeps a cause, and leaves details out of the body when there are none', () => {
    const cause = new Error('disk');
    const e = new AppError('INTERNAL', 'Broke.', undefined, { cause });
    expect(e.cause).toBe(cause);
    expect(e.toBody()).toEqual({ code: 'INTERNAL', message: 'Broke.' });
  });
});
