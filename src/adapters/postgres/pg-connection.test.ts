import { describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.js';
import { fleetError } from './pg-connection.js';

const code = (err: unknown): string => fleetError(err, 'postgres://m@db/fleet').code;

describe('fleetError: what may pass and what will not', () => {
  it('a session ended for idling in a transaction may pass (this daemon stalled; the next connection works)', () => {
    expect(
      code({ code: '25P03', message: 'terminating connection due to idle-in-transaction timeout' }),
    ).toBe('FLEET_UNREACHABLE');
  });
  it('socket errors, connection exceptions and a shutdown may pass; a refused login or a missing table will not', () => {
    expect(code(new Error('Connection terminated unexpectedly'))).toBe('FLEET_UNREACHABLE');
    expect(code({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' })).toBe('FLEET_UNREACHABLE');
    expect(code({ code: '08006', message: 'connection failure' })).toBe('FLEET_UNREACHABLE');
    expect(code({ code: '57P01', message: 'terminating connection due to administrator command' })).toBe(
      'FLEET_UNREACHABLE',
    );
    expect(code({ code: '28P01', message: 'password authentication failed' })).toBe('FLEET_REFUSED');
    expect(code({ code: '42P01', message: 'relation "wtp.tasks" does not exist' })).toBe('FLEET_REFUSED');
    expect(code({ code: '25P02', message: 'current transaction is aborted' })).toBe('FLEET_REFUSED');
  });
  it('an AppError passes through as it is', () => {
    const e = new AppError('FLEET_SCHEMA_MISSING', 'x', {});
    expect(fleetError(e, 'db')).toBe(e);
  });
});
