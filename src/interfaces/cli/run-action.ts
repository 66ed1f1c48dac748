import type { CliContext } from './context.js';
import { exitCodeFor, printError, toAppError } from './errors.js';

/** Runs a command body: sets the output mode, prints any error once, sets the exit status. */
export async function runAction(
  ctx: CliContext,
  json: boolean | undefined,
  body: () => Promise<void>,
): Promise<void> {
  ctx.json = json === true;
  try {
    await body();
  } catch (err) {
    const e = toAppError(err);
    printError(ctx, e);
    ctx.exitCode = exitCodeFor(e);
  }
}
