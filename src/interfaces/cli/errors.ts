import { AppError } from '../../protocol/app-error.js';
import { isErrorCode } from '../../protocol/error-catalog.js';
import { errorDoc, errorLines, exitCodeOf } from '../../protocol/error-text.js';
import type { CliContext } from './context.js';

/** Turns anything thrown into a AppError (daemon start-up errors arrive as plain errors with a code). */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { code?: unknown; message?: unknown; details?: unknown };
  if (isErrorCode(e.code)) {
    return new AppError(
      e.code,
      String(e.message),
      (e.details as Record<string, unknown> | undefined) ?? undefined,
    );
  }
  return new AppError('INTERNAL', err instanceof Error ? err.message : String(err));
}

/** Exit status: 2 for bad input, 1 for every other error. */
export function exitCodeFor(err: AppError): number {
  return exitCodeOf(err.code);
}

/** The one formatter from error to human text (or the `--json` error document). */
export function printError(ctx: CliContext, err: AppError): void {
  if (ctx.json) {
    ctx.emit('error', { error: errorDoc(err) });
    return;
  }
  const c = ctx.color || ctx.err.isTTY === true;
  ctx.errorText(`${errorLines(err, c).join('\n')}\n`, c);
}
