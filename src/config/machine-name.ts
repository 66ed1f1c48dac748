import { hostname } from 'node:os';
import type { WtpConfig } from './schema.js';

/**
 * This machine's name in a fleet: `fleet.machine` (or WTP_MACHINE, applied to it), else the host
 * name's first label cut to what a machine name may hold; null without a fleet.
 */
export function machineName(
  config: Pick<WtpConfig, 'store' | 'fleet'>,
  host: string = hostname(),
): string | null {
  if (config.store.fleet === null) return null;
  if (config.fleet.machine !== null) return config.fleet.machine;
  const label = (host.split('.')[0] ?? '').replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return label.slice(0, 63) || 'machine';
}
