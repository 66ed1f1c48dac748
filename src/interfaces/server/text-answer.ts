import type { IncomingHttpHeaders } from 'node:http';
import { JSON_VERSION } from '../../protocol/constants.js';
import { errorDoc, errorLines, exitCodeOf, type ErrorWords } from '../../protocol/error-text.js';
import { jsonForTerminal, terminalText } from '../../protocol/terminal-text.js';

/**
 * A client that asks for what the CLI prints (bin/wtp answering through curl, without starting
 * Node) gets it: `text/plain`, a route's result as its line or the error as `wtp` shows it;
 * `application/vnd.wtp.cli+json`, the document `--json` prints. The CLI's exit status comes in
 * `x-wtp-exit-code`. Every control character from what agents wrote is shown as an escape, as
 * the CLI shows it; `x-wtp-colour: 1` paints the error as on a terminal.
 */
export type CliFormat = 'text' | 'json';

export function cliFormat(headers: IncomingHttpHeaders): CliFormat | null {
  if (headers.accept === 'text/plain') return 'text';
  if (headers.accept === CLI_JSON) return 'json';
  return null;
}

const CLI_JSON = 'application/vnd.wtp.cli+json';

export const typeOf = (f: CliFormat): string =>
  f === 'text' ? 'text/plain; charset=utf-8' : `${CLI_JSON}; charset=utf-8`;

/** A result as the CLI prints it: its line, or its `--json` document (`version` added). */
export function resultOutput(f: CliFormat, line: string, doc: Record<string, unknown>): string {
  if (f === 'json') return `${jsonForTerminal({ version: JSON_VERSION, ...doc })}\n`;
  return `${terminalText(line, { controls: 'show', sgr: 'none' })}\n`;
}

export function errorOutput(
  f: CliFormat,
  err: ErrorWords,
  headers: IncomingHttpHeaders,
): { text: string; headers: Record<string, string> } {
  const exit = { 'x-wtp-exit-code': String(exitCodeOf(err.code)) };
  if (f === 'json') {
    return { text: `${jsonForTerminal({ version: JSON_VERSION, error: errorDoc(err) })}\n`, headers: exit };
  }
  const colours = headers['x-wtp-colour'] === '1';
  const text = terminalText(`${errorLines(err, colours).join('\n')}\n`, {
    controls: 'show',
    sgr: colours ? 'palette' : 'none',
  });
  return { text, headers: exit };
}
