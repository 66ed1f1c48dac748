import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { LoopDelay } from '../../protocol/daemon.js';

const RESOLUTION_MS = 10;
/** Unread this long, the monitor stops: an idle daemon keeps sleeping. */
const IDLE_OFF_MS = 60_000;
/** Node's histogram holds the time between two firings of the timer: the delay is what exceeds it. */
const late = (ns: number): number => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);

/**
 * The event loop's delay as the loopDelay route reads it: Node's histogram of how late a
 * RESOLUTION_MS timer fires, started by the first read and stopped IDLE_OFF_MS after the last one
 * (no timer runs otherwise). Each read answers at once with what happened since the one before and
 * starts over: read, wait while the work runs, read again.
 */
export class LoopDelayMonitor {
  private h: IntervalHistogram | null = null;
  private since = 0;
  private off: NodeJS.Timeout | null = null;

  read(now = Date.now()): LoopDelay {
    const h = this.h;
    const sinceMs = h === null ? 0 : now - this.since;
    const n = h?.count ?? 0;
    const at = (ns: number | undefined): number => (n === 0 || ns === undefined ? 0 : late(ns));
    const out: LoopDelay = {
      sinceMs,
      resolutionMs: RESOLUTION_MS,
      samples: n,
      minMs: at(h?.min),
      p50Ms: at(h?.percentile(50)),
      p90Ms: at(h?.percentile(90)),
      p99Ms: at(h?.percentile(99)),
      maxMs: at(h?.max),
    };
    if (h === null) {
      this.h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
      this.h.enable();
    } else h.reset();
    this.since = now;
    if (this.off) clearTimeout(this.off);
    this.off = setTimeout(() => this.stop(), IDLE_OFF_MS).unref();
    return out;
  }

  stop(): void {
    this.h?.disable();
    this.h = null;
    if (this.off) clearTimeout(this.off);
    this.off = null;
  }
}
