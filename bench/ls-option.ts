import { runTimed, type TimedRun } from './proc.js';
import { latencyBaseline, latencyResult, progress, type BenchResult } from './report.js';
import type { RepoPaths } from './repo-paths.js';
import type { Session } from './session.js';

const TIMEOUT_MS = 30_000;

/**
 * The cost of validating a typed option: `wtp ls --state running --json` (loads the CLI's
 * zod/mini option schemas) against `wtp ls --json` (no option, no zod), alternating.
 */
export async function measureLsWithOption(paths: RepoPaths, s: Session, runs: number): Promise<BenchResult> {
  const opts = { env: s.env, cwd: s.home, timeoutMs: TIMEOUT_MS };
  const run = (args: string[]): Promise<TimedRun> =>
    runTimed(process.execPath, [paths.binWtp, 'ls', ...args, '--json'], opts);
  const check = (r: TimedRun): number => {
    if (r.code !== 0) throw new Error(`wtp ls exited with ${r.code}: ${r.stderr}`);
    return r.ms;
  };
  check(await run(['--state', 'running']));
  check(await run([]));
  const withOption: number[] = [];
  const plain: number[] = [];
  for (let i = 0; i < runs; i++) {
    withOption.push(check(await run(['--state', 'running'])));
    plain.push(check(await run([])));
  }
  progress(`ls with a typed option: done (${runs} runs)`);
  return latencyResult({
    samples: withOption,
    baseline: latencyBaseline('`wtp ls --json` (no option typed: the option schemas are not loaded)', plain),
    note:
      'Wall time of `node bin/wtp.js ls --state running --json`, whose typed option is validated by the ' +
      'CLI option schemas (a separate zod/mini bundle loaded on demand), against the same command without ' +
      'an option; the difference is the cost of validating CLI options. Alternating; one warm-up of each.',
  });
}
