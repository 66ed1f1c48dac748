import { resolve } from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../../../protocol/app-error.js';
import { LIVE_STATES } from '../../../protocol/constants.js';
import { complete, formatCompletion, type Candidate, type DynamicKind } from '../completion/complete.js';
import { completionScript, INSTALL, SHELLS, type Shell } from '../completion/scripts.js';
import type { CliContext } from '../context.js';
import { runAction } from '../run-action.js';

/** A completion must not keep the user waiting on a daemon that does not answer. */
const DAEMON_TIMEOUT_MS = 1_000;

/** States with a process (what `stop`, `send` and `attach` can act on). */
const LIVE = new Set<string>(LIVE_STATES);

/** Agent, workspace and task names from the daemon; templates from the config folders (as `wtp template ls`). */
async function dynamicValues(ctx: CliContext, kind: DynamicKind): Promise<Candidate[]> {
  if (kind === 'template') {
    const { listTemplates } = await import('../../../config/templates.js');
    const dirs = { configDir: ctx.paths.configDir, stateDir: ctx.paths.stateDir, repoPath: resolve('.') };
    return listTemplates(dirs)
      .filter((t) => t.error === null)
      .map((t) => ({ value: t.name, description: t.description }));
  }
  const client = ctx.client(DAEMON_TIMEOUT_MS);
  if (kind === 'workspace') {
    const { workspaces } = await client.call('listWorkspaces');
    return workspaces.map((w) => ({ value: w.name, description: `${w.agents} agent(s)` }));
  }
  if (kind === 'task') {
    const { tasks } = await client.call('listTasks', { query: {} });
    return tasks.map((t) => ({ value: t.id, description: `${t.status}: ${t.title}` }));
  }
  const { agents } = await client.call('listAgents');
  const shown = kind === 'live-agent' ? agents.filter((a) => LIVE.has(a.state)) : agents;
  // A name used in two workspaces is completed as workspace/name, which names one agent.
  const count = new Map<string, number>();
  for (const a of agents) count.set(a.name, (count.get(a.name) ?? 0) + 1);
  return shown.map((a) => ({
    value: (count.get(a.name) ?? 0) > 1 ? `${a.workspace}/${a.name}` : a.name,
    description: `${a.profile}, ${a.state}${a.workspace === 'default' ? '' : `, workspace ${a.workspace}`}`,
  }));
}

export function registerCompletionCommands(program: Command, ctx: CliContext): void {
  program
    .command('completion')
    .description('print the shell completion script: wtp completion bash | zsh | fish')
    .argument('<shell>', SHELLS.join(' | '))
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      `\nInstall (once):\n${SHELLS.map((s) => `  ${s.padEnd(5)} ${INSTALL[s]}`).join('\n')}\n` +
        'Agent, workspace and task names are asked of the daemon as you press Tab (nothing when it is not running).',
    )
    .action((shell: string, raw: { json?: boolean }) =>
      runAction(ctx, raw.json, async () => {
        if (!(SHELLS as readonly string[]).includes(shell)) {
          const message = `Unknown shell "${shell}": use one of ${SHELLS.join(', ')}.`;
          throw new AppError('INVALID_INPUT', message, { issues: [{ path: 'shell', message }] });
        }
        const script = completionScript(shell as Shell);
        if (ctx.json) ctx.emit('completion', { shell: shell as Shell, script });
        else ctx.out.write(script);
      }),
    );

  // What the scripts call on every Tab: `wtp __complete -- <words…>`. Never an error, never stderr.
  program
    .command('__complete', { hidden: true })
    .argument('[words...]')
    .helpOption(false)
    .allowUnknownOption()
    .action(async (words: string[]) => {
      const c = await complete(program, words.length > 0 ? words : [''], (kind) =>
        dynamicValues(ctx, kind),
      ).catch(() => ({ candidates: [], files: 'none' as const }));
      ctx.out.write(formatCompletion(c));
    });
}
