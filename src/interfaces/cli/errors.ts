import { AppError } from '../../protocol/app-error.js';
import { isErrorCode, type Issue } from '../../protocol/error-catalog.js';
import type { CliContext } from './context.js';
import { paint } from './format.js';

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
  return err.code === 'INVALID_INPUT' ? 2 : 1;
}

/** The one formatter from error to human text (or the `--json` error document). */
export function printError(ctx: CliContext, err: AppError): void {
  if (ctx.json) {
    ctx.emit('error', {
      error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) },
    });
    return;
  }
  const c = ctx.color || ctx.err.isTTY === true;
  const lines = [`${paint(c, 'red', 'error')}: ${err.message} ${paint(c, 'gray', `[${err.code}]`)}`];
  // Template issues also carry the YAML line.
  const issues = err.details?.issues as (Issue & { line?: number | null })[] | undefined;
  if (Array.isArray(issues) && issues.length > 1)
    for (const i of issues)
      lines.push(
        `  - ${i.path || '(top)'}${typeof i.line === 'number' ? ` (line ${i.line})` : ''}: ${i.message}`,
      );
  const now = err.details?.now as { state?: unknown; about?: unknown; text?: unknown } | null | undefined;
  if (typeof now?.state === 'string') {
    const about = typeof now.about === 'string' ? ` about ${JSON.stringify(now.about)}` : '';
    const row = typeof now.text === 'string' ? `: ${JSON.stringify(now.text)}` : '';
    lines.push(
      `  its screen shows: ${now.state === 'none' ? 'no dialog its rules know' : now.state}${about}${row}`,
    );
  }
  const options = err.details?.options;
  if (Array.isArray(options))
    lines.push(`  options: ${options.map((o, i) => `${i + 1}. ${String(o)}`).join(' · ')}`);
  const candidates = err.details?.candidates;
  if (Array.isArray(candidates)) lines.push(`  candidates: ${candidates.join(', ')}`);
  const log = err.details?.log;
  if (typeof log === 'string' && log.trim() !== '')
    lines.push(
      '  last lines of the daemon output:',
      ...log
        .trimEnd()
        .split('\n')
        .map((l) => `    ${l}`),
    );
  ctx.errorText(`${lines.join('\n')}\n`, c);
}
