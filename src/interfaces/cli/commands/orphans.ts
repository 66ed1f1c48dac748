import type { Command } from 'commander';
import type { OrphanHost } from '../../../protocol/orphans.js';
import type { CliContext } from '../context.js';
import { table } from '../format.js';
import { runAction } from '../run-action.js';

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

export function registerOrphanCommands(program: Command, ctx: CliContext): void {
  const orphans = program
    .command('orphans')
    .description('hosts whose agent this daemon does not know (after a lost database): list, stop, adopt');

  orphans
    .command('ls', { isDefault: true })
    .description('list them (the default)')
    .option('--json', 'machine-readable output')
    .action((raw: { json?: boolean }) =>
      runAction(ctx, raw.json, async () => {
        const r = await ctx.client().call('listOrphans');
        if (ctx.json) ctx.emit('orphans', r);
        else list(ctx, r.orphans);
      }),
    );

  orphans
    .command('stop')
    .description('stop an orphan host’s agent (SIGTERM, then SIGKILL) and the host')
    .argument('<agent-id>', 'the agent id `wtp orphans` shows')
    .option('--json', 'machine-readable output')
    .action((agentId: string, raw: { json?: boolean }) =>
      runAction(ctx, raw.json, async () => {
        const r = await ctx.client().call('stopOrphan', { params: { agent: agentId }, body: {} });
        if (ctx.json) ctx.emit('orphanStopped', r);
        else ctx.line(`stopping the orphan host ${r.orphan.hostPid} and its agent (${agentId})`);
      }),
    );

  orphans
    .command('adopt')
    .description('register an orphan host’s running agent again (same id, name, workspace, command, folder)')
    .argument('<agent-id>', 'the agent id `wtp orphans` shows')
    .option('-n, --name <name>', 'under another name (when its old one is taken)')
    .option('-w, --workspace <name>', 'in another workspace (made if missing)')
    .option('--json', 'machine-readable output')
    .action((agentId: string, raw: { name?: string; workspace?: string; json?: boolean }) =>
      runAction(ctx, raw.json, async () => {
        const body = {
          ...(raw.name === undefined ? {} : { name: raw.name }),
          ...(raw.workspace === undefined ? {} : { workspace: raw.workspace }),
        };
        const { agent } = await ctx.client().call('adoptOrphan', { params: { agent: agentId }, body });
        if (ctx.json) ctx.emit('agent', { agent });
        else {
          ctx.line(`adopted ${agent.workspace}/${agent.name} (${agent.id}); its host reconnects in a moment`);
          ctx.line(
            'Its restart policy is `never`, its environment and worktree were not recorded by the host: see `wtp ls`.',
          );
        }
      }),
    );
}
