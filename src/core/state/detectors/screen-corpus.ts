import { ACTIVITY_STATES, type ActivityState } from '../../../protocol/signals.js';

/**
 * A recorded screen of the regression corpus (`test/fixtures/screens/<agent>/<version>/*.screen`):
 * headers, `---`, then the visible rows exactly (trailing spaces trimmed, blank rows kept). Headers:
 * `state` (working | needs_permission | needs_input | idle, or none: the detector must return null);
 * optional `reason`, `about` (what the dialog asks about) and `tool` (the tool its words name), as the
 * rule's; `unknown: true` (a dialog no rule knows: the catch-all's verdict); `note` (how it was
 * recorded).
 */
export interface CorpusScreen {
  headers: Record<string, string>;
  expected: ActivityState | 'none';
  reason?: string;
  lines: string[];
}

export class CorpusFormatError extends Error {
  override readonly name = 'CorpusFormatError';
}

export function parseCorpusScreen(text: string): CorpusScreen {
  const all = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const sep = all.indexOf('---');
  if (sep < 0) throw new CorpusFormatError('no "---" line between the headers and the screen');
  const headers: Record<string, string> = {};
  for (const [n, line] of all.slice(0, sep).entries()) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const m = /^([\w-]+):\s?(.*)$/.exec(line);
    if (m === null) throw new CorpusFormatError(`header line ${n + 1} is not "key: value": ${line}`);
    const [, key = '', value = ''] = m;
    headers[key.toLowerCase()] = value.trim();
  }
  const state = headers['state'];
  if (state === undefined) throw new CorpusFormatError('no "state:" header');
  if (state !== 'none' && !(ACTIVITY_STATES as readonly string[]).includes(state)) {
    throw new CorpusFormatError(`unknown state "${state}"`);
  }
  const lines = all.slice(sep + 1);
  // The file's final newline ends the last row; it does not add an empty one.
  if (lines.length > 0 && lines[lines.length - 1] === '' && text.endsWith('\n')) lines.pop();
  const screen: CorpusScreen = {
    headers,
    expected: state as ActivityState | 'none',
    lines: lines.map((l) => l.trimEnd()),
  };
  const reason = headers['reason'];
  if (reason !== undefined && reason !== '') screen.reason = reason;
  return screen;
}
