import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { repoPaths } from './repo-paths.js';
import { progress } from './report.js';
import { cleanupAll, disposeHome, installCleanupHandlers, makeHome, sandboxEnv } from './sandbox.js';
import { soakFigures } from './soak/figures.js';
import { parseArgs, USAGE } from './soak/options.js';
import { runSoak } from './soak/runner.js';

/** The backend of the soak's daemon: hosts run detached, without panes. */
const BACKEND = 'headless';

/**
 * `npm run soak -- --agents 8 --duration 3m --seed 1 --out docs/bench-results/<date>-soak.json`:
 * agents printing numbered lines while the daemon is SIGKILLed and restarted and hosts are
 * SIGKILLed; prints the checks and figures as JSON and exits 1 if anything was lost.
 */
async function main(): Promise<number> {
  let cli: ReturnType<typeof parseArgs>;
  try {
    cli = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}\n`);
    return 2;
  }
  if (cli.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const paths = repoPaths();
  installCleanupHandlers(paths.binWtp);
  const home = makeHome('soak');
  const env = { ...sandboxEnv(home), WTP_BACKEND: BACKEND };
  const startedAt = new Date();
  const loadBefore = loadavg();
  let passed = false;
  try {
    const run = await runSoak(cli.options, { home, env, binWtp: paths.binWtp, progress });
    const figures = soakFigures(run);
    passed = figures.passed;
    const doc = {
      version: 1,
      kind: 'soak',
      command: `npm run soak -- ${process.argv.slice(2).join(' ')}`.trim(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        node: process.version,
        kernel: release(),
        memTotalMiB: Math.round(totalmem() / 1048576),
        loadavgAtStart: loadBefore.map((x) => Math.round(x * 100) / 100),
        loadavgAtEnd: loadavg().map((x) => Math.round(x * 100) / 100),
      },
      runs: {
        startedAt: startedAt.toISOString(),
        durationS: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
        faultPhaseS: Math.round(run.faultPhaseMs / 100) / 10,
        backend: BACKEND,
        ...cli.options,
      },
      results: figures,
    };
    const json = `${JSON.stringify(doc, null, 2)}\n`;
    process.stdout.write(json);
    if (cli.out) {
      mkdirSync(dirname(cli.out), { recursive: true });
      writeFileSync(cli.out, json);
      progress(`written to ${cli.out}`);
    }
    for (const f of figures.failures) progress(`FAILED: ${f}`);
    progress(passed ? 'soak passed: nothing lost' : `soak FAILED (${figures.failures.length} failure(s))`);
  } finally {
    if (cli.keep)
      progress(`kept ${home} (the daemon and agents still run: WTP_HOME=${home} wtp down --stop-agents)`);
    else {
      disposeHome(home, paths.binWtp);
      cleanupAll(paths.binWtp);
    }
  }
  return passed ? 0 : 1;
}

process.exitCode = await main();
