import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { runAction } from '../run-action.js';

/** Runs the terminal UI; its code (Ink, React) is loaded only here, so other commands start fast. */
export async function startTui(ctx: CliContext): Promise<void> {
  const { runTui } = await import('../../tui/run-tui.js');
  await runTui(ctx);
}

export function registerTuiCommand(program: Command, ctx: CliContext): void {
  program
    .command('tui')
    .description(
      'the fleet in this terminal: live list, preview, approve, attach (`wtp` alone on a terminal)',
    )
    .action(() => runAction(ctx, false, () => startTui(ctx)));
}
