import { describe, expect, it } from 'vitest';
import { machineName } from './machine-name.js';

const fleet = (machine: string | null) =>
  ({ store: { fleet: 'postgres://h/db' }, fleet: { machine } }) as never;

describe('machineName', () => {
  it('is null without a fleet, the configured name, else the host name’s first label', () => {
    expect(machineName({ store: { fleet: null }, fleet: { machine: 'x' } } as never, 'h')).toBeNull();
    expect(machineName(fleet('build-1'), 'laptop.local')).toBe('build-1');
    expect(machineName(fleet(null), 'laptop.example.com')).toBe('laptop');
    expect(machineName(fleet(null), '_odd host!')).toBe('odd-host-');
    expect(machineName(fleet(null), `${'a'.repeat(80)}.x`)).toHaveLength(63);
    expect(machineName(fleet(null), '.')).toBe('machine');
  });
});
