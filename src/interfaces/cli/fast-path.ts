import { CliContext, NO_DAEMON } from './context.js';
import { showDiff } from './commands/diff.js';
import { listAgents } from './commands/ls.js';

/** A call the fast path runs, parsed. */
type FastCall = { kind: 'ls' } | { kind: 'diff'; ref: string; stat: boolean };

/**
 * The calls scripts, status bars and people watching agents repeat most — `wtp ls [--json]` and
 * `wtp diff AGENT [--stat] [--json]` — run without building the program: commander and every
 * other command's code stay unloaded, and the call costs little more than Node's own start (issue
 * 32; docs/performance.md). Only these exact forms: any other option, and anything else, goes to the
 * whole CLI. Both only read, so the whole CLI can ask again when the fast path failed.
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
  if (command === 'ls' && positional.length === 0 && only('--json')) return { kind: 'ls' };
  if (command === 'diff' && positional.length === 1 && only('--json', '--stat')) {
    const ref = positional[0] ?? '';
    return ref === '' ? null : { kind: 'diff', ref, stat: flags.has('--stat') };
  }
  return null;
}

export function isFastCall(argv: readonly string[]): boolean {
  return parseFastCall(argv) !== null;
}

/**
 * Runs a fast call; false when it failed before printing anything (the daemon is not running, an
 * error answer…): the caller then runs the whole CLI, which asks again and reports the error as
 * every command does.
 */
export async function runFastCall(argv: readonly string[], version: string): Promise<boolean> {
  const call = parseFastCall(argv);
  if (call === null) return false;
  const ctx = new CliContext({ version, entry: '', nodePath: process.execPath, daemon: NO_DAEMON });
  ctx.json = argv.includes('--json');
  try {
    if (call.kind === 'ls') await listAgents(ctx, {});
    else await showDiff(ctx, call.ref, { stat: call.stat });
    return true;
  } catch {
    return false;
  }
}
