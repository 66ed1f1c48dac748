import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { stateLabel } from '../format.js';
import { registerRouteCommands } from '../register-route-commands.js';
import { routeCommand } from '../route-command.js';

/** The first few of a list, and how many more. */
const some = (files: string[], n = 5): string =>
  files.slice(0, n).join(', ') + (files.length > n ? ` and ${files.length - n} more` : '');

/** `wtp fork`: one route. */
const forkCommand = routeCommand({
  name: 'fork',
  description:
    "a new agent of the same profile on a new worktree branched from the agent's branch, continuing a copy of its conversation where the agent CLI can (Claude Code)",
  route: 'forkAgent',
  args: [{ field: 'params.agent' }],
  flags: [
    { field: 'body.name', short: '-n' },
    { field: 'body.prompt', short: '-p', value: 'text' },
    { field: 'body.withUncommitted' },
    { field: 'body.wait', help: 'return at once instead of waiting for the fork to start' },
  ],
  failed: (r) => r.agent.state === 'crashed',
  json: 'fork',
  print: (ctx, r) => {
    const a = r.agent;
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
  },
});

export function registerForkCommand(program: Command, ctx: CliContext): void {
  registerRouteCommands(program, ctx, [forkCommand]);
}
