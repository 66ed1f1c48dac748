import { CliContext, NO_DAEMON } from './context.js';
import { listAgents } from './commands/ls.js';

/**
 * The calls scripts and status bars make most (`wtp ls`, `wtp ls --json`), run without building
 * the program: commander and every command's code stay unloaded, and the call costs little more
 * than Node's own start (issue 32; docs/performance.md). Only these exact forms: any option, and
 * anything else, goes to the whole CLI.
 */
export function isFastCall(argv: readonly string[]): boolean {
  return argv[0] === 'ls' && (argv.length === 1 || (argv.length === 2 && argv[1] === '--json'));
}

/**
 * Runs a fast call; false when it failed before printing anything (the daemon is not running, an
 * error answer…): the caller then runs the whole CLI, which asks again and reports the error as
 * every command does. `ls` only reads, so asking twice changes nothing.
 */
export async function runFastCall(argv: readonly string[], version: string): Promise<boolean> {
  const ctx = new CliContext({ version, entry: '', nodePath: process.execPath, daemon: NO_DAEMON });
  ctx.json = argv.includes('--json');
  try {
    await listAgents(ctx, {});
    return true;
  } catch {
    return false;
  }
}
