import type { Command } from 'commander';
import { tokenTotal, usd } from '../../../protocol/usage-words.js';
import { AppError } from '../../../protocol/app-error.js';
import type { FleetStatus } from '../../../protocol/fleet.js';
import type { CliContext } from '../context.js';
import { clockTime, duration, paint, table } from '../format.js';
import { registerRouteCommands } from '../register-route-commands.js';
import { routeCommand } from '../route-command.js';
import { runAction } from '../run-action.js';

const OWNERSHIP = {
  'per-machine': 'the database lets it write only this machine’s rows',
  'shared-role':
    'it owns other machines too: the database cannot keep their rows apart (give each machine a role)',
  unknown: 'not known until it joins',
} as const;

const fleetStatusCommand = routeCommand({
  name: 'status',
  isDefault: true,
  description: 'this machine in its fleet, and every machine: reachable or since when not (the default)',
  route: 'fleetStatus',
  json: 'fleet',
  print: (ctx, { fleet: status }) => {
    if (status === null)
      return ctx.line(
        'This daemon is in no fleet: set store.fleet in the config (or WTP_FLEET_URL) and restart it.',
      );
    printFleet(ctx, status);
  },
});

/** `wtp fleet`: this machine in its fleet and every machine; `wtp fleet migrate`: the schema. */
export function registerFleetCommands(program: Command, ctx: CliContext): void {
  const fleet = program
    .command('fleet')
    .description('one fleet across machines (store.fleet): this machine, the others, reachable or not');

  registerRouteCommands(fleet, ctx, [fleetStatusCommand]);

  fleet
    .command('migrate')
    .description(
      "create or upgrade the fleet's schema in its database (once, as a role that may: WTP_FLEET_URL or store.fleet)",
    )
    .option('--json', 'machine-readable output')
    .action((raw: { json?: boolean }) =>
      runAction(ctx, raw.json, async () => {
        const migrate = ctx.deps.fleetMigrate;
        if (!migrate) throw new AppError('INTERNAL', 'This build cannot migrate a fleet database.', {});
        const r = await migrate();
        if (ctx.json) return ctx.emit('fleetMigrate', r);
        ctx.line(
          r.applied.length === 0
            ? `${r.database}: the fleet schema is current (version ${r.schema})`
            : `${r.database}: applied fleet schema version${r.applied.length > 1 ? 's' : ''} ${r.applied.join(', ')} (now ${r.schema})`,
        );
      }),
    );
}

function printFleet(ctx: CliContext, s: FleetStatus): void {
  const c = ctx.color;
  const since = duration(Math.max(0, Date.now() - Date.parse(s.since)));
  ctx.line(`${paint(c, 'bold', s.machine)} in the fleet ${s.database}`);
  ctx.line(
    s.connected
      ? `  connected for ${since}, as ${s.role ?? '?'}: ${OWNERSHIP[s.ownership]}`
      : `  ${paint(c, 'red', 'not connected')} for ${since}: ${s.error?.message ?? 'joining'}${s.error ? ` [${s.error.code}]` : ''}`,
  );
  ctx.line(
    s.backlog === 0
      ? `  outbox: empty (published up to event ${s.publishedSeq})`
      : `  outbox: ${s.backlog} event${s.backlog === 1 ? '' : 's'} waiting (published up to ${s.publishedSeq})`,
  );
  const replaced = s.identity.replaced;
  if (replaced) {
    ctx.line(
      `  ${paint(c, 'red', 'database replaced')} at ${clockTime(replaced.at)}: it is not the one this machine joined before (was ${replaced.previous.slice(0, 8)}, now ${replaced.current.slice(0, 8)}) [FLEET_DATABASE_REPLACED]`,
    );
    ctx.line(
      `    ${replaced.released} fleet task(s) whose rows were gone let go here (kept: wtp task ls); the fleet's task graph starts anew`,
    );
  }
  const e = s.tasks.error;
  if (e)
    ctx.line(
      `  ${paint(c, 'red', 'tasks')}: cannot read or claim them since ${clockTime(e.since)}: ${e.message} [${e.code}]`,
    );
  if (s.tasks.refused > 0)
    ctx.line(
      `  tasks: ${s.tasks.refused} of this machine's repositories refused (fleet.acceptTasks; wtp task ls says why)`,
    );
  if (s.rows.skipped > 0) {
    const by = Object.entries(s.rows.byTable)
      .map(([t, n]) => `${n} ${t}`)
      .join(', ');
    ctx.line(`  ${paint(c, 'red', 'invalid rows skipped')}: ${s.rows.skipped} (${by}) [FLEET_ROW_INVALID]`);
    for (const r of s.rows.recent.slice(0, 5))
      ctx.line(`    ${r.table} ${r.key}${r.machine ? ` of ${r.machine}` : ''}: ${r.issue}`);
  }
  if (s.machines.length === 0) return;
  // What each machine spent, when some publish it: today (its day) and in all.
  const spent = s.machines.some((m) => m.usage && (m.usage.totalUsd > 0 || tokenTotal(m.usage.tokens) > 0));
  const money = (m: (typeof s.machines)[number]): string[] =>
    spent
      ? m.usage
        ? [
            usd(m.usage.todayUsd),
            `${usd(m.usage.totalUsd)}${m.usage.unpricedModels.length > 0 ? ' + unknown' : ''}`,
          ]
        : ['-', '-']
      : [];
  const rows = s.machines.map((m) => [
    m.local ? `${m.name} (this one)` : m.name,
    m.reachable ? 'reachable' : `unreachable since ${clockTime(m.unreachableSince ?? m.heartbeatAt)}`,
    String(m.agents),
    ...money(m),
    m.version,
    m.ssh ?? '-',
  ]);
  ctx.line(
    table(
      ['MACHINE', 'STATE', 'AGENTS', ...(spent ? ['TODAY', 'SPENT'] : []), 'VERSION', 'SSH'],
      rows,
      (r, col, text) => (col === 1 && s.machines[r]?.reachable === false ? paint(c, 'red', text) : text),
      { width: ctx.width, keep: ['STATE'], drop: ['SSH', 'VERSION'] },
    ),
  );
  if (spent) {
    const total = s.machines.reduce((n, m) => n + (m.usage?.totalUsd ?? 0), 0);
    const today = s.machines.reduce((n, m) => n + (m.usage?.todayUsd ?? 0), 0);
    ctx.line(`  fleet: ${usd(today)} today, ${usd(total)} in all (as each machine last published it)`);
  }
}
