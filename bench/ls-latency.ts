import { latencyBaseline, latencyResult, progress, type BenchResult } from './report.js';
import { runTimed, type TimedRun } from './proc.js';
import type { RepoPaths } from './repo-paths.js';
import type { Session } from './session.js';

const TIMEOUT_MS = 30_000;

export interface LsLatency {
  result: BenchResult;
  /** The `node -e 0` samples, reused as the reference of the other ls figure. */
  bareNode: number[];
}

function checkLs(run: TimedRun, expected: number): void {
  if (run.code !== 0) throw new Error(`wtp ls --json exited with ${run.code}: ${run.stderr}`);
  const doc = JSON.parse(run.stdout) as { agents?: unknown[] };
  const n = doc.agents?.length;
  if (n !== expected) throw new Error(`wtp ls --json listed ${n} agents, expected ${expected}`);
}

/** Figure 3: wall time of `node bin/wtp.js ls --json` against a bare `node -e 0`, alternating. */
export async function measureLs(
  paths: RepoPaths,
  s: Session,
  agents: number,
  runs: number,
): Promise<LsLatency> {
  const opts = { env: s.env, cwd: s.home, timeoutMs: TIMEOUT_MS };
  const ls = (): Promise<TimedRun> => runTimed(process.execPath, [paths.binWtp, 'ls', '--json'], opts);
  const bare = (): Promise<TimedRun> => runTimed(process.execPath, ['-e', '0'], opts);
  checkLs(await ls(), agents);
  await bare();
  const lsSamples: number[] = [];
  const bareSamples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await ls();
    checkLs(r, agents);
    lsSamples.push(r.ms);
    const b = await bare();
    if (b.code !== 0) throw new Error(`node -e 0 exited with ${b.code}`);
    bareSamples.push(b.ms);
  }
  progress(`ls with ${agents} agents: done (${runs} runs)`);
  return {
    bareNode: bareSamples,
    result: latencyResult({
      samples: lsSamples,
      baseline: latencyBaseline('bare `node -e 0`, spawn to exit', bareSamples),
      target: { text: '< 150 ms', below: 150 },
      note:
        `Wall time from spawn to exit of \`node bin/wtp.js ls --json\` as a child process with ${agents} ` +
        `running agents (the output is checked to list ${agents}); alternates with the baseline; ` +
        `one unrecorded warm-up of each first.`,
    }),
  };
}
