import { statSync } from 'node:fs';
import type { WtpConfig } from '../../../config/schema.js';
import type { DoctorCheck } from '../../../protocol/doctor.js';
import { redactUrl } from '../../../protocol/fleet.js';
import type { CliContext } from '../context.js';
import { check } from './probe.js';

function hasPassword(url: string): boolean {
  try {
    return new URL(url).password !== '';
  } catch {
    return false;
  }
}

/**
 * The fleet (issue 21), when `store.fleet` names one: a password in a config file others may read;
 * with a daemon, whether it is connected and whether the database keeps its rows its own. Null
 * without a fleet (nothing to say).
 */
export async function fleetCheck(
  ctx: CliContext,
  config: WtpConfig,
  daemonRuns: boolean,
): Promise<DoctorCheck | null> {
  const url = config.store.fleet;
  if (url === null) return null;
  const file = ctx.paths.configFile;
  const fromFile = ctx.env.fleetUrl === undefined;
  let mode = 0;
  try {
    mode = statSync(file).mode & 0o077;
  } catch {
    mode = 0;
  }
  if (fromFile && hasPassword(url) && mode !== 0) {
    return check('fleet', {
      status: 'warn',
      summary: `${file} holds the fleet database's password and other users may read it (mode ${(statSync(file).mode & 0o777).toString(8)})`,
      fix: `chmod 600 ${file}, or move the password to ~/.pgpass (or WTP_FLEET_URL)`,
      path: file,
    });
  }
  if (!daemonRuns) {
    return check('fleet', {
      status: 'ok',
      summary: `${redactUrl(url)}: joined when the daemon starts`,
      fix: null,
    });
  }
  const { fleet } = await ctx.client().call('fleetStatus');
  if (fleet === null) {
    return check('fleet', {
      status: 'warn',
      summary: 'store.fleet is set, but the running daemon started without it',
      fix: 'restart the daemon (`wtp down`, then `wtp up`)',
    });
  }
  if (!fleet.connected) {
    return check('fleet', {
      status: 'fail',
      summary: `${fleet.machine} is not connected to ${fleet.database}: ${fleet.error?.message ?? 'joining'} (local work goes on)`,
      fix: 'see docs/fleet.md#set-it-up; `wtp fleet` shows it again',
    });
  }
  const away = fleet.machines.filter((m) => !m.reachable).map((m) => m.name);
  const summary = `${fleet.machine} in ${fleet.database}: ${fleet.machines.length} machine(s)${away.length > 0 ? `, unreachable: ${away.join(', ')}` : ''}`;
  if (fleet.ownership === 'shared-role') {
    return check('fleet', {
      status: 'warn',
      summary: `${summary}; its role ${fleet.role ?? ''} owns other machines too, so the database cannot keep their rows apart`,
      fix: 'give each machine a database role of its own (docs/fleet.md#security)',
    });
  }
  return check('fleet', { status: 'ok', summary, fix: null });
}
