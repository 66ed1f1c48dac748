import { latencyBaseline, latencyResult, progress, type BenchResult } from './report.js';
import { runTimed, type TimedRun } from './proc.js';
import type { RepoPaths } from './repo-paths.js';
import type { Session } from './session.js';
import { summarize } from './stats.js';

const TIMEOUT_MS = 30_000;
/** An event as Codex's notify passes it (the payload as the argument), for an id no agent has. */
const PAYLOAD = JSON.stringify({ type: 'agent-turn-complete', 'turn-id': 'bench' });
const AGENT = 'ag-bench-none';

/** The daemon's answer must have come back: HOOK_REJECTED for an id no agent has, in JSON. */
function checkHook(run: TimedRun): void {
  if (run.code !== 1 || !run.stdout.includes('"HOOK_REJECTED"')) {
    throw new Error(
      `wtp hook did not get the daemon's answer (exit ${run.code}): ${run.stdout}${run.stderr}`,
    );
  }
}

/**
 * Figure cli.hook: wall time of one hook call as agent CLIs make it (`node dist/wtp.js hook --agent
 * ID <payload>`, the command this tool writes into their settings; every tool call of every agent
 * runs one, and the CLI waits for it) against a bare `node -e 0`, and against the same call through
 * the CLI's whole program (`--agent=ID` is not a form the fast path takes), which is what each hook
 * call cost before it; the three alternate. The id is one no agent has, so the daemon answers
 * HOOK_REJECTED after its lookup (checked): the process's start, the socket round trip and the
 * printing are what an accepted call costs; the daemon's own work on an accepted event is not in it.
 */
export async function measureHook(paths: RepoPaths, s: Session, runs: number): Promise<BenchResult> {
  const opts = { env: s.env, cwd: s.home, timeoutMs: TIMEOUT_MS };
  const hook = (agentArgs: string[]): Promise<TimedRun> =>
    runTimed(process.execPath, [paths.distWtp, 'hook', ...agentArgs, '--json', PAYLOAD], opts);
  const fast = (): Promise<TimedRun> => hook(['--agent', AGENT]);
  const whole = (): Promise<TimedRun> => hook([`--agent=${AGENT}`]);
  const bare = (): Promise<TimedRun> => runTimed(process.execPath, ['-e', '0'], opts);
  checkHook(await fast());
  checkHook(await whole());
  await bare();
  const fastSamples: number[] = [];
  const wholeSamples: number[] = [];
  const bareSamples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const f = await fast();
    checkHook(f);
    fastSamples.push(f.ms);
    const w = await whole();
    checkHook(w);
    wholeSamples.push(w.ms);
    const b = await bare();
    if (b.code !== 0) throw new Error(`node -e 0 exited with ${b.code}`);
    bareSamples.push(b.ms);
  }
  progress(`wtp hook: done (${runs} runs)`);
  const wholeCli = summarize(wholeSamples);
  return latencyResult({
    samples: fastSamples,
    baseline: latencyBaseline('bare `node -e 0`, spawn to exit', bareSamples),
    note:
      'Wall time from spawn to exit of `node dist/wtp.js hook --agent ID --json <payload>` (the form agent ' +
      'CLIs run, on the fast path without the CLI program) for an id no agent has (the daemon answers ' +
      'HOOK_REJECTED, checked); extra.wholeCli is the same call through the whole CLI program ' +
      '(`--agent=ID`), what every hook call cost before; the three alternate, one unrecorded warm-up each.',
    extra: { wholeCli, ratioToWholeCli: Math.round((summarize(fastSamples).p50 / wholeCli.p50) * 100) / 100 },
  });
}
