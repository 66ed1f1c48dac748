import type { Clock, TimerHandle } from '../../core/ports/daemon.js';

/** Real time; timers are unref'd so they never keep a process alive on their own. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms: number, fn: () => void): TimerHandle {
    const t = setTimeout(fn, ms);
    t.unref();
    return { id: t };
  },
  clearTimer(handle: TimerHandle): void {
    clearTimeout(handle.id as NodeJS.Timeout);
  },
};
