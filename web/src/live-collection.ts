import { useEffect, useState } from 'react';
import { LiveCollection as Collection, type LiveSource } from '../../src/client/live-collection.js';
import { useEventHub } from './event-hub.js';

export type { LiveSource };

export interface LiveCollection<T> {
  items: Map<string, T>;
  /** False until the collection has been loaded once. */
  loaded: boolean;
  error: Error | null;
}

/**
 * A collection kept live from the page's event stream (src/client/live-collection.ts): loaded once
 * the stream's start sequence is known, reloaded after a reconnect. `source` must be stable
 * (module level).
 */
export function useLiveCollection<T extends { id: string }>(source: LiveSource<T>): LiveCollection<T> {
  const hub = useEventHub();
  const [view, setView] = useState<LiveCollection<T>>({ items: new Map(), loaded: false, error: null });
  useEffect(() => {
    const c: Collection<T> = new Collection(source, () =>
      setView({ items: c.items, loaded: c.loaded, error: c.error }),
    );
    const offEvents = hub.subscribe((batch) => c.apply(batch));
    const offFleet = hub.subscribeFleet((change) => c.fleet(change));
    const offReconnect = hub.onReconnect(() => c.reload());
    hub.ready.then(() => c.start()).catch((err: unknown) => c.fail(err));
    return () => {
      c.stop();
      offEvents();
      offFleet();
      offReconnect();
    };
  }, [hub, source]);
  return view;
}
