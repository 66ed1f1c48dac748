import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { stateLabel } from '../format.js';
import { runAction } from '../run-action.js';
import { validateOptions } from '../validate.js';

/** The first few of a list, and how many more. */
const some = (files: string[], n = 5): string =>
  files.slice(0, n).join(', ') + (files.length > n ? ` and ${files.length - n} more` : '');

export function registerForkCommand(program: Command, ctx: CliContext): void {
  program
    .command('fork')
    .description(
      "a new agent of the same profile on a new worktree branched from the agent's branch, continuing a copy of its conversation where the agent CLI can (Claude Code)",
    )
    .argument('<agent>', 'name, workspace/name or id')
    .option('-n, --name <name>', 'name of the fork (default <agent>-fork)')
    .option('-p, --prompt <text>', 'typed once the fork is at its prompt (agent CLIs) or quiet (others)')
    .option(
      '--with-uncommitted',
      "copy the agent's uncommitted changes and untracked files into the fork (default: they stay behind, with a warning)",
    )
    .option('--no-wait', 'return at once instead of waiting for the fork to start')
    .option('--json', 'machine-readable output')
    .action((ref: string, raw: { withUncommitted?: boolean; json?: boolean }, cmd: Command) =>
      runAction(ctx, raw.json, async () => {
        const o = await validateOptions(cmd, 'fork');
        const r = await ctx.client().call('forkAgent', {
          params: { agent: ref },
          body: {
            withUncommitted: raw.withUncommitted === true,
            wait: o.wait,
            ...(o.name === undefined ? {} : { name: o.name }),
            ...(o.prompt === undefined ? {} : { prompt: o.prompt }),
          },
        });
        const a = r.agent;
        if (a.state === 'crashed') ctx.exitCode = 1;
        if (ctx.json) {
          ctx.emit('fork', r);
          return;
        }
        const from = r.source.branch ?? a.worktree?.base ?? '?';
        ctx.line(
          `forked ${r.source.name} into ${a.name} (${a.id}) on ${a.worktree?.branch ?? '?'} from ${from}: ${stateLabel(a)}`,
        );
        ctx.line(`conversation: ${r.conversation.note}`);
        const files = r.uncommitted.files;
        if (files.length === 0) return;
        if (r.uncommitted.carried)
          ctx.line(`carried ${files.length} uncommitted file(s) into the fork: ${some(files)}`);
        else
          ctx.note(
            `warning: ${r.source.name} has ${files.length} uncommitted file(s) the fork does not have: ${some(files)}; commit them first (wtp commit ${r.source.name}) or fork with --with-uncommitted`,
          );
      }),
    );
}
