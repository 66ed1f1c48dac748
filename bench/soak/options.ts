/** What one soak run does; every field has a command-line option (`npm run soak -- --help`). */
export interface SoakOptions {
  agents: number;
  /** Length of the fault phase (the checks come after it). */
  durationMs: number;
  /** Mean time between daemon SIGKILLs, counted from the restarted daemon's API answering. */
  killEveryMs: number;
  /** The daemon stays down for a random time up to this before `wtp up --detach`. */
  downMaxMs: number;
  /** Mean time between host SIGKILLs (0: none). */
  hostKillEveryMs: number;
  /** Lines each agent prints per second. */
  rate: number;
  seed: number;
}

export const DEFAULT_OPTIONS: SoakOptions = {
  agents: 8,
  durationMs: 60_000,
  killEveryMs: 6_000,
  downMaxMs: 2_000,
  hostKillEveryMs: 15_000,
  rate: 10,
  seed: 1,
};

export const USAGE = `npm run soak -- [options]

  --agents <n>            agents printing numbered lines (default 8)
  --duration <time>       length of the fault phase, e.g. 60s, 3m (default 60s)
  --kill-every <time>     mean time between daemon SIGKILLs (default 6s)
  --down-max <time>       longest time the daemon stays down before wtp up --detach (default 2s)
  --host-kill-every <t>   mean time between host SIGKILLs, 0 for none (default 15s)
  --rate <n>              lines per second per agent (default 10)
  --seed <n>              seed of the fault schedule (default 1)
  --out <file>            also write the JSON there (e.g. docs/bench-results/<date>-soak.json)
  --keep                  keep the temporary WTP_HOME (its path is printed)

Prints one JSON document on stdout (progress on stderr); exits 1 when a check fails.`;

/** Parses 1500ms, 45s, 3m or a bare number of milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m?.[1]) throw new Error(`not a duration: "${text}" (e.g. 500ms, 45s, 3m)`);
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  return Math.round(unit === 'm' ? n * 60_000 : unit === 's' ? n * 1_000 : n);
}

export interface Cli {
  options: SoakOptions;
  out: string | null;
  keep: boolean;
  help: boolean;
}

export function parseArgs(argv: readonly string[]): Cli {
  const options = { ...DEFAULT_OPTIONS };
  let out: string | null = null;
  let keep = false;
  let help = false;
  const count = (flag: string, v: string, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`${flag} takes an integer ≥ ${min}, not "${v}"`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] ?? '';
    if (flag === '--keep') {
      keep = true;
      continue;
    }
    if (flag === '--help' || flag === '-h') {
      help = true;
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${flag} needs a value (see --help)`);
    i++;
    switch (flag) {
      case '--agents':
        options.agents = count(flag, value, 1);
        break;
      case '--duration':
        options.durationMs = parseDuration(value);
        break;
      case '--kill-every':
        options.killEveryMs = parseDuration(value);
        break;
      case '--down-max':
        options.downMaxMs = parseDuration(value);
        break;
      case '--host-kill-every':
        options.hostKillEveryMs = parseDuration(value);
        break;
      case '--rate':
        options.rate = count(flag, value, 1);
        break;
      case '--seed':
        options.seed = count(flag, value, 0);
        break;
      case '--out':
        out = value;
        break;
      default:
        throw new Error(`unknown option ${flag} (see --help)`);
    }
  }
  if (options.killEveryMs < 500) throw new Error('--kill-every must be at least 500ms');
  return { options, out, keep, help };
}
