import { latencyBaseline, latencyResult, progress, ratio, type BenchResult } from './report.js';
import { round } from './stats.js';
import { runTimed, type TimedRun } from './proc.js';
import type { RepoPaths } from './repo-paths.js';
import type { Session } from './session.js';

const TIMEOUT_MS = 30_000;

export interface LsLatency {
  result: BenchResult;
  /** CPU time (user + system) of the same runs against `node -e 0`'s, or null without /proc. */
  cpu: BenchResult | null;
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
  const lsCpu: (number | null)[] = [];
  const bareCpu: (number | null)[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await ls();
    checkLs(r, agents);
    lsSamples.push(r.ms);
    lsCpu.push(r.cpuMs);
    const b = await bare();
    if (b.code !== 0) throw new Error(`node -e 0 exited with ${b.code}`);
    bareSamples.push(b.ms);
    bareCpu.push(b.cpuMs);
  }
  progress(`ls with ${agents} agents: done (${runs} runs)`);
  return {
    bareNode: bareSamples,
    cpu: cpuResult(lsCpu, bareCpu, agents),
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

/** Mean of CPU times, or null when one is unknown (no /proc). */
function meanCpu(xs: readonly (number | null)[]): number | null {
  if (xs.length === 0 || xs.some((x) => x === null)) return null;
  return round((xs as number[]).reduce((a, b) => a + b, 0) / xs.length, 1);
}

/**
 * Issue 32's "cheap CLI": the CPU time `wtp ls --json` costs (user + system, the process and what it
 * waits for) against `node -e 0`'s, goal ≤ 1.5×. Means, not medians: each run's time is counted in
 * 10 ms clock ticks, so a single run is coarse but the sum of the runs is not.
 */
function cpuResult(ls: (number | null)[], bare: (number | null)[], agents: number): BenchResult | null {
  const value = meanCpu(ls);
  const base = meanCpu(bare);
  if (value === null || base === null) return null;
  const r = ratio(value, base);
  return {
    value,
    unit: 'ms CPU',
    baseline: { name: 'bare `node -e 0`, CPU time (mean)', value: base, samples: bare.length },
    ratio: r,
    samples: ls.length,
    mean: value,
    target: '≤ 1.5× node -e 0',
    meetsTarget: r <= 1.5,
    note:
      `CPU time (user + system, from /proc/self/stat's cutime and cstime of the benchmark, read around each ` +
      `run) of \`node bin/wtp.js ls --json\` with ${agents} running agents, mean of the same alternating runs ` +
      `as the wall-time figure, against a bare \`node -e 0\`; Linux counts it in 10 ms ticks, so the mean ` +
      `over the runs is the figure.`,
  };
}
