import { latencyBaseline, latencyResult, ratio, type BenchResult } from './report.js';
import { summarize } from './stats.js';
import type { SpawnSamples } from './spawn-latency.js';

const TARGET_RATIO = 3;
const CLOCK =
  'Clock: the benchmark takes performance.timeOrigin + performance.now() (epoch ms, CLOCK_REALTIME ' +
  'origin) just before starting; the agent command `sh -c "date +%s%N > FILE; exec sleep 3600"` ' +
  'writes CLOCK_REALTIME in ns as its first act; latency = file time - start time ' +
  '(machine.clockCheck shows the two clocks agree).';

/** Figure 4: CLI and API spawn latency against a fresh Node + node-pty and an in-process pty.spawn. */
export function spawnFigures(s: SpawnSamples): Record<string, BenchResult> {
  const fresh = latencyBaseline(
    '(a) fresh `node -e` process that requires node-pty and pty.spawn()s the same command, spawn to marker',
    s.freshNodePty,
  );
  const inProc = latencyBaseline(
    '(b) pty.spawn() of the same command inside the benchmark process, call to marker',
    s.inProcessPty,
  );
  const withRatios = (r: BenchResult, what: string): BenchResult => {
    const vsFresh = r.ratio ?? Number.NaN;
    return {
      ...r,
      otherBaselines: [{ ...inProc, ratio: ratio(r.value, inProc.value) }],
      target: `< ${TARGET_RATIO}x baseline (a) (${what}); the ratio to (b) is reported in otherBaselines`,
      meetsTarget: vsFresh < TARGET_RATIO,
    };
  };
  const cliExit = summarize(s.cliExit);
  const apiReturn = summarize(s.apiReturn);
  const cli = latencyResult({
    samples: s.cli,
    baseline: fresh,
    note:
      'From spawning `node bin/wtp.js new cmd --name X --json -- sh -c …` until the agent command ' +
      'wrote its marker; each agent is removed (stopped) after its sample. Rounds alternate CLI, API, ' +
      `(a) and (b); one unrecorded warm-up round first. ${CLOCK}`,
    extra: {
      cliExitMs: { p50: cliExit.p50, p90: cliExit.p90 },
      cliOwnCostMsP50: Math.round((summarize(s.cli).p50 - summarize(s.api).p50) * 10) / 10,
    },
  });
  const api = latencyResult({
    samples: s.api,
    baseline: fresh,
    note:
      "WtpClient.call('createAgent', { wait: true }) over run/api.sock until the marker, i.e. the " +
      `spawn path without the CLI's own Node start. ${CLOCK}`,
    extra: { callReturnMs: { p50: apiReturn.p50, p90: apiReturn.p90 } },
  });
  return {
    'spawn.cli': withRatios(
      cli,
      'the issue target: the CLI also starts a new Node process, so (a) is the like-for-like floor',
    ),
    'spawn.api': withRatios(api, 'same reference as spawn.cli'),
  };
}
