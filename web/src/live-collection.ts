import { useEffect, useRef, useState } from 'react';
import type { WtpEvent } from '../../src/protocol/events.js';
import { WtpError } from './api.js';
import { useEventHub } from './event-hub.js';

/** Above this many items touched by one batch of events, the whole collection is fetched once. */
const MAX_SINGLE_FETCHES = 8;

export interface LiveSource<T extends { id: string }> {
  loadAll(): Promise<T[]>;
  /** One item again; a 404 means it is gone. */
  loadOne(id: string): Promise<T>;
  /** The item an event changes (fetched again), or null. */
  touched(e: WtpEvent): string | null;
  /** The item an event removes, or null. */
  removed(e: WtpEvent): string | null;
  /** Applies an event to an item at once, before its fetch comes back (optional). */
  patch?(item: T, e: WtpEvent): T;
}

export interface LiveCollection<T> {
  items: Map<string, T>;
  /** False until the collection has been loaded once. */
  loaded: boolean;
  error: Error | null;
}

/**
 * A collection kept live from the page's event stream: loaded once after the stream's start
 * sequence is known, then each item an event touches is fetched again — coalesced: one fetch in
 * flight per item (again once if another event came meanwhile), and the whole collection once when
 * a batch touches many items. Reloaded after a reconnect. `source` must be stable (module level).
 */
export function useLiveCollection<T extends { id: string }>(source: LiveSource<T>): LiveCollection<T> {
  const hub = useEventHub();
  const [items, setItems] = useState<Map<string, T>>(new Map());
  const [error, setError] = useState<Error | null>(null);
  const [loaded, setLoaded] = useState(false);
  /** Items being fetched; true when an event touched one again meanwhile (fetched once more). */
  const pending = useRef(new Map<string, boolean>());

  useEffect(() => {
    let stopped = false;
    const fail = (err: unknown): void => setError(err instanceof Error ? err : new Error(String(err)));
    // Items events touched while the whole collection was loading: fetched again once it has
    // arrived, so an answer that left the daemon before their events cannot hide them.
    let loading: Set<string> | null = null;
    const loadAll = async (): Promise<void> => {
      const touched = new Set<string>();
      loading = touched;
      try {
        const list = await source.loadAll();
        if (stopped) return;
        setItems(new Map(list.map((x) => [x.id, x])));
        setLoaded(true);
      } finally {
        if (loading === touched) loading = null;
      }
      refresh(touched);
    };
    const refresh = (ids: Iterable<string>): void => {
      for (const id of ids) {
        if (pending.current.has(id)) {
          pending.current.set(id, true); // the answer in flight may predate this event
          continue;
        }
        pending.current.set(id, false);
        source
          .loadOne(id)
          .then((x) => !stopped && setItems((m) => new Map(m).set(x.id, x)))
          .catch((err: unknown) => {
            if (err instanceof WtpError && err.status === 404) setItems((m) => without(m, id));
            else fail(err);
          })
          .finally(() => {
            const again = pending.current.get(id) === true;
            pending.current.delete(id);
            if (again && !stopped) refresh([id]);
          });
      }
    };
    let reloading: 'no' | 'yes' | 'again' = 'no';
    const reloadAll = (): void => {
      if (reloading !== 'no') {
        reloading = 'again';
        return;
      }
      reloading = 'yes';
      loadAll()
        .catch(fail)
        .finally(() => {
          const again = reloading === 'again';
          reloading = 'no';
          if (again && !stopped) reloadAll();
        });
    };
    const apply = (batch: WtpEvent[]): void => {
      // Worked out here, not in the state updater: React may run an updater later (or twice).
      const touched = new Set<string>();
      const gone = new Set<string>();
      for (const e of batch) {
        const id = source.touched(e);
        if (id !== null) touched.add(id);
        const removed = source.removed(e);
        if (removed !== null) gone.add(removed);
      }
      if (gone.size > 0 || source.patch) {
        setItems((m) => {
          const next = new Map(m);
          for (const e of batch) {
            const removed = source.removed(e);
            if (removed !== null) next.delete(removed);
            const id = source.touched(e);
            const item = id === null ? undefined : next.get(id);
            if (item && source.patch) next.set(item.id, source.patch(item, e));
          }
          return next;
        });
      }
      for (const id of touched) loading?.add(id);
      // Many items at once (a fleet starting, a plan imported): one list instead of a call each.
      if (touched.size > MAX_SINGLE_FETCHES) reloadAll();
      else refresh(touched);
    };
    const offEvents = hub.subscribe(apply);
    const offReconnect = hub.onReconnect(reloadAll);
    hub.ready.then(loadAll).catch(fail);
    return () => {
      stopped = true;
      offEvents();
      offReconnect();
    };
  }, [hub, source]);

  return { items, loaded, error };
}

function without<K, V>(m: Map<K, V>, key: K): Map<K, V> {
  const next = new Map(m);
  next.delete(key);
  return next;
}
