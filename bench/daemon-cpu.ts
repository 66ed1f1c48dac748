import { readFileSync } from 'node:fs';
import { progress, type BenchResult } from './report.js';
import { nowMs, sleep } from './proc.js';
import { percentile, round } from './stats.js';
import type { Session } from './session.js';

const WINDOW_MS = 4_000;
const PROBE_EVERY_MS = 100;
/** USER_HZ is 100 on every Linux architecture Node supports. */
const TICKS_PER_SECOND = 100;

function cpuTicks(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

/**
 * Not one of the figures: CPU use of the idle daemon over a few seconds (two ticks of
 * its stats sampler), and the latency of `GET /api/v1/health` probed meanwhile, which shows
 * whether periodic work blocks the daemon's event loop.
 */
export async function measureDaemonIdleCpu(s: Session, agents: number): Promise<BenchResult> {
  const latencies: number[] = [];
  const t0 = nowMs();
  const ticks0 = cpuTicks(s.daemonPid);
  while (nowMs() - t0 < WINDOW_MS) {
    const a = nowMs();
    await s.client.call('health');
    latencies.push(nowMs() - a);
    await sleep(PROBE_EVERY_MS);
  }
  const elapsed = nowMs() - t0;
  const cpuPercent = (((cpuTicks(s.daemonPid) - ticks0) * 1000) / TICKS_PER_SECOND / elapsed) * 100;
  progress(
    `daemon idle CPU with ${agents} agents: ${cpuPercent.toFixed(1)}%, health max ${Math.max(...latencies).toFixed(1)} ms`,
  );
  return {
    value: round(cpuPercent, 1),
    unit: '% of one core',
    samples: 1,
    note:
      `Not an issue figure. utime+stime of the daemon over ${WINDOW_MS / 1000} s with ${agents} idle ` +
      `agents, while the benchmark calls GET /api/v1/health every ${PROBE_EVERY_MS} ms (that load is ` +
      `included); extra gives the latency of those calls (a high max means the event loop was blocked).`,
    extra: {
      healthMs: {
        samples: latencies.length,
        p50: round(percentile(latencies, 50), 2),
        p90: round(percentile(latencies, 90), 2),
        max: round(Math.max(...latencies), 2),
      },
    },
  };
}
