import type { Command } from 'commander';
import type { OrphanHost } from '../../../protocol/orphans.js';
import type { CliContext } from '../context.js';
import { table } from '../format.js';
import { registerRouteCommands } from '../register-route-commands.js';
import { routeCommand } from '../route-command.js';

function list(ctx: CliContext, orphans: OrphanHost[]): void {
  if (orphans.length === 0) {
    ctx.line('no orphan hosts: every running host belongs to an agent this daemon knows');
    return;
  }
  ctx.line(
    table(
      ['AGENT ID', 'HOST', 'PROCESS', 'NAME', 'WORKSPACE', 'COMMAND', 'CWD', 'SINCE'],
      orphans.map((o) => [
        o.agentId,
        String(o.hostPid),
        o.childPid === null ? 'ended' : String(o.childPid),
        o.name ?? '?',
        o.workspace ?? '?',
        o.command?.join(' ') ?? '?',
        o.cwd ?? '?',
        o.since.slice(0, 19).replace('T', ' '),
      ]),
    ),
  );
  ctx.line(
    '\nThese hosts kept running although this daemon has no record of their agent (its database was lost or replaced).',
  );
  ctx.line('Register one again: wtp orphans adopt <agent id>   ·   stop one: wtp orphans stop <agent id>');
}

const agentId = {
  field: 'params.agent',
  name: 'agent-id',
  help: 'the agent id `wtp orphans` shows',
} as const;

/** `wtp orphans ls|stop|adopt`: one route each. */
export const orphanCommands = [
  routeCommand({
    name: 'ls',
    isDefault: true,
    description: 'list them (the default)',
    route: 'listOrphans',
    json: 'orphans',
    print: (ctx, r) => list(ctx, r.orphans),
  }),
  routeCommand({
    name: 'stop',
    description: 'stop an orphan host’s agent (SIGTERM, then SIGKILL) and the host',
    route: 'stopOrphan',
    args: [agentId],
    json: 'orphanStopped',
    print: (ctx, r, sent) =>
      ctx.line(`stopping the orphan host ${r.orphan.hostPid} and its agent (${sent.params.agent})`),
  }),
  routeCommand({
    name: 'adopt',
    description: 'register an orphan host’s running agent again (same id, name, workspace, command, folder)',
    route: 'adoptOrphan',
    args: [agentId],
    flags: [
      { field: 'body.name', short: '-n' },
      { field: 'body.workspace', short: '-w', value: 'name' },
    ],
    json: 'agent',
    jsonDoc: (r) => ({ agent: r.agent }),
    print: (ctx, { agent }) => {
      ctx.line(`adopted ${agent.workspace}/${agent.name} (${agent.id}); its host reconnects in a moment`);
      ctx.line(
        'Its restart policy is `never`, its environment and worktree were not recorded by the host: see `wtp ls`.',
      );
    },
  }),
];

export function registerOrphanCommands(program: Command, ctx: CliContext): void {
  const orphans = program
    .command('orphans')
    .description('hosts whose agent this daemon does not know (after a lost database): list, stop, adopt');
  registerRouteCommands(orphans, ctx, orphanCommands);
}
