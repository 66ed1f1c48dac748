import type { IncomingHttpHeaders } from 'node:http';
import { errorLines, exitCodeOf, type ErrorWords } from '../../protocol/error-text.js';
import { terminalText } from '../../protocol/terminal-text.js';

/**
 * A client that asks for `text/plain` (bin/wtp answering through curl, without starting Node)
 * gets the lines the CLI prints: a route's result as its line, or the error as `wtp` shows it,
 * with the CLI's exit status in `x-wtp-exit-code`. Every control character from what agents wrote
 * is shown as an escape, as the CLI shows it; `x-wtp-colour: 1` paints the error as on a terminal.
 */
export const wantsText = (headers: IncomingHttpHeaders): boolean => headers.accept === 'text/plain';

export const TEXT_TYPE = 'text/plain; charset=utf-8';

export const resultText = (line: string): string =>
  `${terminalText(line, { controls: 'show', sgr: 'none' })}\n`;

export function errorText(
  err: ErrorWords,
  headers: IncomingHttpHeaders,
): { text: string; headers: Record<string, string> } {
  const colours = headers['x-wtp-colour'] === '1';
  const text = terminalText(`${errorLines(err, colours).join('\n')}\n`, {
    controls: 'show',
    sgr: colours ? 'palette' : 'none',
  });
  return { text, headers: { 'x-wtp-exit-code': String(exitCodeOf(err.code)) } };
}
