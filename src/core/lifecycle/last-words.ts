import { plainText } from '../../protocol/terminal-text.js';
import type { OutputHub } from '../hosts/output-hub.js';
import { utf8Decode } from '../model/text.js';

/** How much of the output's end is read, and what is kept of it: a few short lines to show. */
const TAIL_BYTES = 4_096;
const LINES = 3;
const LINE_MAX = 200;

/**
 * The last lines an agent's program printed (plain text, at most three of 200 characters), from
 * the output the daemon still holds: what an exit nobody asked for said last. The agent wrote
 * them: shown as text, never acted on.
 */
export function lastWords(output: OutputHub, agentId: string, end: number): string | undefined {
  const start = Math.max(output.tailStart(agentId) ?? end, end - TAIL_BYTES);
  const bytes = output.readFrom(agentId, start);
  if (bytes === null || bytes.length === 0) return undefined;
  const lines = utf8Decode(bytes).split('\n');
  // A read that starts inside a line does not have its beginning.
  if (start > (output.tailStart(agentId) ?? start)) lines.shift();
  const kept = lines
    // What a carriage return overwrote is not on the screen.
    .map((l) => plainText(spaced(l.slice(l.lastIndexOf('\r', l.length - 2) + 1))).trim())
    .filter((l) => l !== '')
    .slice(-LINES)
    .map((l) => (l.length > LINE_MAX ? `${l.slice(0, LINE_MAX - 1)}…` : l));
  return kept.length === 0 ? undefined : kept.join('\n');
}

/** A TUI moves the cursor right where a space would be (`Hi\x1b[1Cthere`): spaces, before the escapes go. */
const spaced = (line: string): string =>
  line.replace(/\x1b\[(\d{0,3})C/g, (_m, n: string) => ' '.repeat(Math.min(Number(n || '1'), 200)));
