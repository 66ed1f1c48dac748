import { statSync } from 'node:fs';
import type { WtpConfig } from '../../../config/schema.js';
import type { DoctorCheck } from '../../../protocol/doctor.js';
import { redactUrl } from '../../../protocol/fleet.js';
import type { CliContext } from '../context.js';
import { check, orElse } from './probe.js';

/**
 * The fleet, when `store.fleet` names one: its password in a config file others may read; with a
 * daemon, whether it is connected and the database keeps its rows apart. Null without a fleet.
 */
export async function fleetCheck(
  ctx: CliContext,
  config: WtpConfig,
  daemonRuns: boolean,
): Promise<DoctorCheck | null> {
  const url = config.store.fleet;
  if (url === null) return null;
  const file = ctx.paths.configFile;
  // The password counts only in the config file (not in WTP_FLEET_URL), whose mode follows symlinks.
  const fromFile = ctx.env.fleetUrl === undefined && orElse(() => new URL(url).password !== '', false);
  const mode = fromFile ? (statSync(file, { throwIfNoEntry: false })?.mode ?? 0) & 0o777 : 0;
  if ((mode & 0o077) !== 0) {
    return check('fleet', {
      status: 'warn',
      summary: `${file} holds the fleet database's password and other users may read it (mode ${mode.toString(8)})`,
      fix: `chmod 600 ${file}, or move the password to ~/.pgpass (or WTP_FLEET_URL)`,
      path: file,
    });
  }
  if (!daemonRuns) {
    return check('fleet', { status: 'ok', summary: `${redactUrl(url)}: joined when the daemon starts` });
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
  if (fleet.identity.replaced) {
    const r = fleet.identity.replaced;
    return check('fleet', {
      status: 'warn',
      summary: `${fleet.database} is not the fleet database ${fleet.machine} joined before (FLEET_DATABASE_REPLACED at ${r.at}): ${r.released} fleet task(s) whose rows were gone were let go here`,
      fix: 'if the database was dropped or restored by mistake, restore it; otherwise nothing: `wtp task ls` still lists the tasks let go, and `wtp down` then `wtp up` clears this',
    });
  }
  if (fleet.tasks.error) {
    return check('fleet', {
      status: 'fail',
      summary: `${fleet.machine} cannot read or claim the fleet's tasks: ${fleet.tasks.error.message} [${fleet.tasks.error.code}]`,
      fix: 'see `wtp fleet` and the daemon log; docs/fleet.md#set-it-up',
    });
  }
  if (fleet.rows.skipped > 0) {
    const first = fleet.rows.recent[0];
    return check('fleet', {
      status: 'warn',
      summary: `${fleet.rows.skipped} invalid row(s) of the fleet database skipped (FLEET_ROW_INVALID)${first ? `, e.g. ${first.table} ${first.key}${first.machine ? ` of ${first.machine}` : ''}: ${first.issue}` : ''}`,
      fix: '`wtp fleet` lists them: look at that machine’s version (`wtp fleet`) and who holds its role (docs/fleet.md#security)',
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
  return check('fleet', { status: 'ok', summary });
}
