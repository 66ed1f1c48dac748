import { dirname } from 'node:path';
import { isAppError } from '../../../protocol/app-error.js';
import type { AgentClis, DoctorCheck, DoctorReport } from '../../../protocol/doctor.js';
import type { CliContext } from '../context.js';
import { agentCliChecks } from './agent-cli-checks.js';
import { fleetCheck } from './fleet-check.js';
import { diskCheck, fileModesCheck, pluginCheck } from './file-checks.js';
import { findBroadPermissions, permissionsCheck } from './permission-checks.js';
import { configCheck, daemonCheck, hooksCheck, portCheck, trustCheck } from './setup-checks.js';
import { addonChecks, nodeCheck, processCheck, toolChecks } from './tool-checks.js';
import { sandboxCheck } from './sandbox-check.js';
import { priceCheck } from './price-check.js';
import { paint } from '../format.js';
import { cellText } from '../../../protocol/terminal-text.js';

/** The agent CLIs from the running daemon, else resolved here with its rules. */
async function findAgentClis(
  ctx: CliContext,
  daemonRuns: boolean,
): Promise<{ clis: AgentClis; from: 'daemon' | 'local' }> {
  if (daemonRuns) {
    try {
      return { clis: await ctx.client().call('agentClis', {}), from: 'daemon' };
    } catch (err) {
      // A daemon of an older version has no such route: resolve here as it would.
      if (!isAppError(err) || err.code !== 'NOT_FOUND') throw err;
    }
  }
  const clis = (await ctx.deps.localAgentClis?.()) ?? { agentClis: [], path: null };
  return { clis, from: 'local' };
}

/** Every check, in the order they are printed. */
export async function runDoctor(ctx: CliContext): Promise<DoctorReport> {
  const config = await configCheck(ctx);
  const [tools, daemon] = await Promise.all([
    toolChecks(config.config.backend, ctx.env, ctx.processEnv),
    daemonCheck(ctx),
  ]);
  const daemonRuns = daemon.status !== null;
  const { clis, from } = await findAgentClis(ctx, daemonRuns);
  const { agents } = daemonRuns ? await ctx.client().call('listAgents', { query: {} }) : { agents: [] };
  const addons = ctx.deps.nativeAddons ? addonChecks(await ctx.deps.nativeAddons()) : [];
  const broad = findBroadPermissions(agents, config.config, clis);
  const wezterm = tools.some((c) => c.id === 'wezterm' && c.status === 'ok');
  const checks: DoctorCheck[] = [
    nodeCheck(process.versions.node),
    ...addons,
    processCheck(ctx.env.processInspector, config.config.processInspector),
    ...tools,
    ...(await agentCliChecks(clis, from, ctx.processEnv)),
    config.check,
    hooksCheck(config.config, clis),
    trustCheck(ctx, config.config, clis),
    daemon.check,
    await portCheck(ctx, config.config, daemon.status),
    fileModesCheck(ctx.paths),
    pluginCheck(ctx.env, dirname(dirname(ctx.deps.entry)), wezterm),
    diskCheck(ctx.paths, config.config),
    await sandboxCheck(ctx, config.config),
    permissionsCheck(broad, ctx.paths.configFile),
    ...[priceCheck(agents), await fleetCheck(ctx, config.config, daemonRuns)].filter((c) => c !== null),
  ];
  return {
    ok: checks.every((c) => c.status !== 'fail'),
    agentClisFrom: from,
    agentClisPath: clis.path,
    checks,
    broadPermissions: broad.report,
  };
}

const LABELS = { ok: 'ok', warn: 'warn', fail: 'FAIL', skip: 'skip' } as const;
const COLORS = { ok: 'green', warn: 'yellow', fail: 'red', skip: 'gray' } as const;

export function printReport(ctx: CliContext, r: DoctorReport): void {
  const width = Math.max(...r.checks.map((c) => c.id.length));
  for (const c of r.checks) {
    ctx.line(
      `${paint(ctx.color, COLORS[c.status], LABELS[c.status].padEnd(4))}  ${c.id.padEnd(width)}  ${cellText(c.summary)}`,
    );
    if (c.fix && c.status !== 'ok') ctx.line(`${' '.repeat(width + 8)}fix: ${cellText(c.fix)}`);
  }
  const count = (s: DoctorCheck['status']) => r.checks.filter((c) => c.status === s).length;
  const how =
    r.agentClisFrom === 'daemon'
      ? 'as the running daemon finds them'
      : 'no daemon runs: as a daemon started from this shell would find them';
  ctx.line(`Agent CLIs: ${how} (WTP_<NAME>_BIN, else on PATH=${cellText(r.agentClisPath ?? '')}).`);
  const [fails, warns] = [count('fail'), count('warn')];
  ctx.line(
    fails > 0
      ? `${fails} check(s) failed, ${warns} warning(s): see the fixes above.`
      : `No problems found${warns > 0 ? ` (${warns} warning(s))` : ''}.`,
  );
}
