import { useEffect, useRef, useState } from 'react';
import type { WtpEvent } from '../../../src/protocol/events.js';
import { useEventHub } from '../event-hub.js';

/** The events after which agents-by-state and the time report may have changed. */
const STATE_EVENTS = new Set<WtpEvent['type']>(['agent.stateChanged', 'agent.created', 'agent.removed']);

export interface LiveLoad<T> {
  data: T | null;
  error: Error | null;
}

/**
 * Loads `load()` once the event connection is ready, and again (at most every `throttleMs`) after
 * agents change state, after a reconnect and every `everyMs` while the page is visible (time
 * moves the window on). A new `key` (e.g. another window) loads at once; older answers that
 * arrive late are dropped. The data shown stays until the next answer replaces it.
 */
export function useLiveLoad<T>(
  key: string,
  load: () => Promise<T>,
  o: { throttleMs?: number; everyMs?: number } = {},
): LiveLoad<T> {
  const hub = useEventHub();
  const [state, setState] = useState<LiveLoad<T> & { key: string }>({ key, data: null, error: null });
  const loadRef = useRef(load);
  loadRef.current = load;
  const throttleMs = o.throttleMs ?? 3_000;
  const everyMs = o.everyMs ?? 30_000;

  useEffect(() => {
    let stopped = false;
    let ready = false;
    let generation = 0;
    let lastRun = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const run = (): void => {
      timer = null;
      lastRun = Date.now();
      const mine = ++generation;
      loadRef
        .current()
        .then((data) => !stopped && mine === generation && setState({ key, data, error: null }))
        .catch((err: unknown) => {
          if (stopped || mine !== generation) return;
          const error = err instanceof Error ? err : new Error(String(err));
          setState((s) => ({ key, data: s.key === key ? s.data : null, error }));
        });
    };
    const soon = (): void => {
      if (!ready || timer !== null) return;
      timer = setTimeout(run, Math.max(0, lastRun + throttleMs - Date.now()));
    };
    const offEvents = hub.subscribe((batch) => {
      if (batch.some((e) => STATE_EVENTS.has(e.type))) soon();
    });
    const offReconnect = hub.onReconnect(soon);
    const tick = setInterval(() => !document.hidden && soon(), everyMs);
    hub.ready
      .then(() => {
        if (stopped) return;
        ready = true;
        run();
      })
      .catch((err: unknown) =>
        setState({ key, data: null, error: err instanceof Error ? err : new Error(String(err)) }),
      );
    return () => {
      stopped = true;
      offEvents();
      offReconnect();
      clearInterval(tick);
      if (timer !== null) clearTimeout(timer);
    };
  }, [hub, key, throttleMs, everyMs]);
  // An answer for another key (the window before) is not shown as this one's.
  return state.key === key ? state : { data: null, error: null };
}
