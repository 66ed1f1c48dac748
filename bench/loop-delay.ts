import { latencyBaseline, latencyResult, progress, type BenchResult } from './report.js';
import { runTimed, sleep } from './proc.js';
import type { Session } from './session.js';

const WINDOW_MS = 5_000;
const POLL_MS = 100;

/** The same measurement as the daemon's loopDelay route, in a bare Node process doing nothing else. */
const BARE = `
const { monitorEventLoopDelay } = require('node:perf_hooks');
const h = monitorEventLoopDelay({ resolution: 10 });
h.enable();
setTimeout(() => { h.disable(); console.log(Math.max(0, h.percentile(99) / 1e6 - 10)); }, ${WINDOW_MS});`;

/**
 * Figure daemon.loopDelay: the p99 of the daemon's event-loop delay over WINDOW_MS windows (its
 * loopDelay route) while the session's agents run and a client lists them every POLL_MS, against
 * the same measurement in a bare Node process over the same window. Each window is one sample.
 */
export async function measureLoopDelay(s: Session, agents: number, windows: number): Promise<BenchResult> {
  const daemon: number[] = [];
  const bare: number[] = [];
  const max: number[] = [];
  const samplesPerWindow: number[] = [];
  for (let i = 0; i < windows; i++) {
    let polling = true;
    const poll = (async () => {
      while (polling) {
        await s.client.call('listAgents', { query: {} });
        await sleep(POLL_MS);
      }
    })();
    // The first read starts the window (and the daemon's sampling), the second tells it.
    await s.client.call('loopDelay');
    const [d, b] = await Promise.all([
      sleep(WINDOW_MS).then(() => s.client.call('loopDelay')),
      runTimed(process.execPath, ['-e', BARE], { env: s.env, cwd: s.home, timeoutMs: 4 * WINDOW_MS }),
    ]);
    polling = false;
    await poll;
    if (b.code !== 0) throw new Error(`the bare loop-delay probe exited with ${b.code}: ${b.stderr}`);
    if (d.samples === 0)
      throw new Error(`the daemon's loop-delay read ${d.sinceMs} ms after the first has no samples`);
    samplesPerWindow.push(d.samples);
    daemon.push(d.p99Ms);
    max.push(d.maxMs);
    bare.push(Math.round(Number(b.stdout.trim()) * 100) / 100);
  }
  progress(`daemon event-loop delay with ${agents} agents: done (${windows} windows)`);
  return latencyResult({
    samples: daemon,
    baseline: latencyBaseline('p99 event-loop delay of a bare Node process, same windows', bare, 2),
    target: { text: 'p99 < 20 ms, in every window', below: 20, stat: 'p99' },
    digits: 2,
    extra: { windowMs: WINDOW_MS, agents, pollMs: POLL_MS, maxDelayPerWindowMs: max, samplesPerWindow },
    note:
      `Each sample is the p99 of the daemon's event-loop delay over a ${WINDOW_MS / 1000} s window ` +
      `(GET /api/v1/daemon/loop-delay read at its start and its end: how late a 10 ms timer fires) with ${agents} agents running and a ` +
      `client listing them every ${POLL_MS} ms; the baseline is the same measurement in a bare Node process ` +
      'over the same window.',
  });
}
