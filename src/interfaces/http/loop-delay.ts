import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoopDelay } from '../../protocol/daemon.js';

const RESOLUTION_MS = 10;
/** Node's histogram holds the time between two firings of the timer: the delay is what exceeds it. */
const late = (ns: number): number => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);

/**
 * The event loop's delay over `windowMs`, sampled only while asked (no timer runs otherwise, so an
 * idle daemon keeps sleeping): Node's histogram of how late a RESOLUTION_MS timer fires.
 */
export async function measureLoopDelay(windowMs: number): Promise<LoopDelay> {
  const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  h.enable();
  await sleep(windowMs);
  h.disable();
  const n = h.count;
  return {
    windowMs,
    resolutionMs: RESOLUTION_MS,
    samples: n,
    minMs: n === 0 ? 0 : late(h.min),
    p50Ms: n === 0 ? 0 : late(h.percentile(50)),
    p90Ms: n === 0 ? 0 : late(h.percentile(90)),
    p99Ms: n === 0 ? 0 : late(h.percentile(99)),
    maxMs: n === 0 ? 0 : late(h.max),
  };
}
