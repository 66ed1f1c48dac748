import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The soak's agent program (POSIX sh): prints `soak <name> <token> <n>` for n = 1, 2, 3 … at a
 * steady rate. The token (`<pid>-<random>`) names the incarnation: a restarted agent starts at 1
 * again under a new token. After each `echo` returns — the line is in the PTY — the program
 * appends n to its ledger `<ledgers>/<name>/<token>`, so the ledger is a lower bound on what the
 * program handed to its terminal (it may be one line short if the program dies in between).
 * `$1` name, `$2` ledger folder of the agent, `$3` pause between lines in seconds.
 */
const SCRIPT = [
  'tok=$$-$(od -An -N4 -tx4 /dev/urandom | tr -d " \\n")',
  'i=0',
  'while :; do',
  '  i=$((i+1))',
  '  echo "soak $1 $tok $i" || exit 1',
  '  echo "$i" >> "$2/$tok"',
  '  sleep "$3"',
  'done',
].join('\n');

/** The agent's command line (after `wtp new cmd … --`). */
export function tickerArgv(name: string, ledgerDir: string, ratePerSecond: number): string[] {
  return ['sh', '-c', SCRIPT, 'ticker', name, ledgerDir, (1 / ratePerSecond).toFixed(3)];
}

export function ledgerDir(home: string, name: string): string {
  const dir = join(home, 'soak-ledgers', name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The pid at the start of an incarnation's token. */
export function tokenPid(token: string): number {
  return Number(token.slice(0, token.indexOf('-')));
}

/** Every incarnation's ledger in the folder: token → the last line number it recorded. */
export function readLedgers(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const token of readdirSync(dir)) {
    const text = readFileSync(join(dir, token), 'latin1');
    // A line being appended right now may be incomplete: the last complete one counts.
    const complete = text
      .slice(0, text.lastIndexOf('\n') + 1)
      .trimEnd()
      .split('\n');
    const last = Number(complete.at(-1) ?? 0);
    out.set(token, Number.isInteger(last) ? last : 0);
  }
  return out;
}
