import { useSyncExternalStore } from 'react';
import { client } from '../api.js';
import { mergeHistory, type Sample } from './stats-merge.js';

export type { Sample };

/** What the page knows of the agents' recent CPU and memory. */
export interface StatsState {
  /** Samples per agent id, oldest first; an array is replaced only when it gained samples. */
  samples: Map<string, Sample[]>;
  /** The daemon's sampling interval (config stats.intervalMs). */
  intervalMs: number;
  /** The last poll's failure, cleared by the next success. */
  error: Error | null;
}

const RETRY_MS = 5_000;

/**
 * One poller for the whole page: it runs while any component subscribes and the page is visible,
 * asking every `intervalMs` for the samples newer than the newest it has.
 */
class StatsStore {
  private state: StatsState = { samples: new Map(), intervalMs: 2_000, error: null };
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private polling = false;
  private since = 0;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    if (this.listeners.size === 1) {
      document.addEventListener('visibilitychange', this.onVisibility);
      this.schedule(0);
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        document.removeEventListener('visibilitychange', this.onVisibility);
        this.cancel();
      }
    };
  };

  readonly getSnapshot = (): StatsState => this.state;

  private readonly onVisibility = (): void => {
    if (document.hidden) this.cancel();
    else this.schedule(0);
  };

  private schedule(ms: number): void {
    this.cancel();
    if (this.listeners.size === 0 || document.hidden) return;
    this.timer = setTimeout(() => void this.poll(), ms);
  }

  private cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private async poll(): Promise<void> {
    this.timer = null;
    if (this.polling) return;
    this.polling = true;
    let wait = this.state.intervalMs;
    try {
      const answer = await client.call('statsHistory', { query: { since: this.since } });
      for (const a of answer.agents) for (const s of a.samples) this.since = Math.max(this.since, s.t);
      this.set({
        samples: mergeHistory(this.state.samples, answer),
        intervalMs: answer.intervalMs,
        error: null,
      });
      wait = answer.intervalMs;
    } catch (err) {
      this.set({ ...this.state, error: err instanceof Error ? err : new Error(String(err)) });
      wait = Math.max(wait, RETRY_MS);
    } finally {
      this.polling = false;
    }
    this.schedule(wait);
  }

  private set(next: StatsState): void {
    this.state = next;
    for (const l of this.listeners) l();
  }
}

const store = new StatsStore();

/** The page's stats poller state (samples, interval, last error); polls while subscribed. */
export function useStatsState(): StatsState {
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

/**
 * Recent CPU/RSS samples per agent id, shared by every component that calls it (one request for
 * all agents per `intervalMs`, none while the page is hidden).
 */
export function useStatsHistory(): Map<string, Sample[]> {
  return useStatsState().samples;
}
