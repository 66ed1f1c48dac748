import type { AnswerAction } from '../../protocol/answers.js';
import { CliContext, NO_DAEMON } from './context.js';
import { answerOne } from './commands/answer-one.js';
import { showDiff } from './commands/diff.js';
import { listAgents } from './commands/ls.js';
import { exitCodeFor, printError, toAppError } from './errors.js';

/** A call the fast path runs, parsed. */
type FastCall =
  | { kind: 'ls' }
  | { kind: 'diff'; ref: string; stat: boolean }
  | { kind: 'answer'; action: AnswerAction; ref: string; text?: string };

/**
 * The calls scripts, status bars and people watching agents repeat most — `wtp ls [--json]`,
 * `wtp diff AGENT [--stat] [--json]`, and answering one agent (`wtp approve|deny AGENT`, `wtp
 * answer AGENT TEXT`, each with `--json`) — run without building the program: commander and every
 * other command's code stay unloaded, and the call costs little more than Node's own start
 * (docs/performance.md). Only these exact forms: any other option, and anything else, goes to the
 * whole CLI.
 */
function parseFastCall(argv: readonly string[]): FastCall | null {
  const [command, ...rest] = argv;
  const flags = new Set<string>();
  const positional: string[] = [];
  for (const arg of rest) {
    if (!arg.startsWith('-')) positional.push(arg);
    else if (flags.has(arg)) return null;
    else flags.add(arg);
  }
  const only = (...allowed: string[]): boolean => [...flags].every((f) => allowed.includes(f));
  const [first = '', second = ''] = positional;
  if (command === 'ls' && positional.length === 0 && only('--json')) return { kind: 'ls' };
  if (command === 'diff' && positional.length === 1 && only('--json', '--stat'))
    return first === '' ? null : { kind: 'diff', ref: first, stat: flags.has('--stat') };
  if ((command === 'approve' || command === 'deny') && positional.length === 1 && only('--json'))
    return first === '' ? null : { kind: 'answer', action: command, ref: first };
  if (command === 'answer' && positional.length === 2 && only('--json'))
    return first === '' || second === ''
      ? null
      : { kind: 'answer', action: 'answer', ref: first, text: second };
  return null;
}

export function isFastCall(argv: readonly string[]): boolean {
  return parseFastCall(argv) !== null;
}

/** The client's errors that mean the request never reached the daemon: asking again is safe. */
const NOT_SENT = new Set(['DAEMON_NOT_RUNNING', 'DAEMON_UNREACHABLE']);

/**
 * Runs a fast call and gives its exit status; null when the whole CLI must run it instead, which then asks again and
 * reports the error as every command does. A read (ls, diff) falls back on any failure before
 * printing. An answer changes something: it falls back only when the request never reached the
 * daemon; any other error is reported here, once, so the answer is never sent twice.
 */
export async function runFastCall(argv: readonly string[], version: string): Promise<number | null> {
  const call = parseFastCall(argv);
  if (call === null) return null;
  const ctx = new CliContext({ version, entry: '', nodePath: process.execPath, daemon: NO_DAEMON });
  ctx.json = argv.includes('--json');
  if (call.kind === 'answer') {
    try {
      await answerOne(ctx, call.action, call.ref, {}, call.text);
    } catch (err) {
      const e = toAppError(err);
      if (NOT_SENT.has(e.code)) return null;
      printError(ctx, e);
      return exitCodeFor(e);
    }
    return 0;
  }
  try {
    if (call.kind === 'ls') await listAgents(ctx, {});
    else await showDiff(ctx, call.ref, { stat: call.stat });
    return ctx.exitCode ?? 0;
  } catch {
    return null;
  }
}
