import type { Issue } from './error-catalog.js';

/** What an error says: its code, message and details (an AppError or its response body). */
export interface ErrorWords {
  code: string;
  message: string;
  details?: Record<string, unknown> | undefined;
}

/** The error of a `--json` document: its code, message and details (when it has any). */
export const errorDoc = <E extends ErrorWords>(err: E) => ({
  code: err.code as E['code'],
  message: err.message,
  ...(err.details ? { details: err.details } : {}),
});

/** Exit status of a command that failed with `code`: 2 for bad input, 1 for every other error. */
export const exitCodeOf = (code: string): number => (code === 'INVALID_INPUT' ? 2 : 1);

/** Codes whose `details.output` is what a program printed (elsewhere it may name a file). */
const PROGRAM_OUTPUT = new Set(['MERGE_TEST_FAILED', 'SETUP_FAILED']);

const sgr = (on: boolean, code: number, text: string): string => (on ? `\x1b[${code}m${text}\x1b[0m` : text);

/**
 * An error as the terminal shows it: `error: <message> [CODE]`, then what its details add (each
 * issue, what the screen shows now, the options, the candidates, the next steps, the daemon's last
 * output). The CLI prints it, and the daemon sends it to a client that asks for text (bin/wtp's
 * answers).
 */
export function errorLines(err: ErrorWords, colours: boolean): string[] {
  const lines = [`${sgr(colours, 31, 'error')}: ${err.message} ${sgr(colours, 90, `[${err.code}]`)}`];
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
  // The next steps of a refused merge or push, one a line.
  const next = err.details?.next;
  if (Array.isArray(next)) for (const step of next) lines.push(`  - ${String(step)}`);
  // What a failed test or setup script printed last (the details keep up to 20 KB of it).
  const output = err.details?.output;
  if (PROGRAM_OUTPUT.has(err.code) && typeof output === 'string' && output.trim() !== '')
    lines.push(
      '  its last lines:',
      ...output
        .trimEnd()
        .split('\n')
        .slice(-10)
        .map((l) => `    ${l}`),
    );
  const log = err.details?.log;
  if (typeof log === 'string' && log.trim() !== '')
    lines.push(
      '  last lines of the daemon output:',
      ...log
        .trimEnd()
        .split('\n')
        .map((l) => `    ${l}`),
    );
  return lines;
}
