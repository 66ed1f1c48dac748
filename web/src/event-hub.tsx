import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { WtpEvent } from '../../src/protocol/events.js';
import type { FleetChange } from '../../src/protocol/fleet.js';
import { api, isUnauthorized } from './api.js';
import { EventStream, type StreamStatus } from './event-stream.js';

type BatchListener = (batch: WtpEvent[]) => void;

/**
 * One `/api/v1/events` connection for the whole page, shared by every view: it starts at the
 * daemon's latest sequence number (views load their data, then apply what follows) and, after
 * a reconnect, tells the views to reload what may have moved on while away.
 */
export class EventHub {
  private readonly listeners = new Set<BatchListener>();
  private readonly fleetListeners = new Set<(change: FleetChange) => void>();
  private readonly reconnectListeners = new Set<() => void>();
  private readonly statusListeners = new Set<(s: StreamStatus) => void>();
  private stream: EventStream | null = null;
  private stopped = false;
  private resolveReady: (since: number) => void = () => undefined;
  status: StreamStatus = 'connecting';
  error: Error | null = null;
  /**
   * The sequence number the stream starts after, once known. A view loads its data only after
   * this, so every event newer than what it loaded reaches it.
   */
  readonly ready: Promise<number> = new Promise((resolve) => (this.resolveReady = resolve));

  start(onError: (err: Error) => void): void {
    api
      .latestSeq()
      .then((since) => {
        if (this.stopped) return;
        this.resolveReady(since);
        this.stream = new EventStream(since, {
          events: (batch) => {
            for (const l of this.listeners) l(batch);
          },
          fleet: (change) => {
            for (const l of this.fleetListeners) l(change);
          },
          status: (s) => this.setStatus(s),
          reconnected: () => {
            for (const l of this.reconnectListeners) l();
          },
          // A daemon that is down does not answer at all: only its 401 means "signed out".
          signedIn: () =>
            api.latestSeq().then(
              () => true,
              (err: unknown) => !isUnauthorized(err),
            ),
        });
      })
      .catch((err: unknown) => {
        this.error = err instanceof Error ? err : new Error(String(err));
        if (isUnauthorized(err)) this.setStatus('signed_out');
        onError(this.error);
      });
  }

  private setStatus(s: StreamStatus): void {
    this.status = s;
    for (const l of this.statusListeners) l(s);
  }

  stop(): void {
    this.stopped = true;
    this.stream?.close();
  }

  /** Every batch of events (at most one per animation frame). */
  subscribe(listener: BatchListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Changes on the other machines of a fleet. */
  subscribeFleet(listener: (change: FleetChange) => void): () => void {
    this.fleetListeners.add(listener);
    return () => this.fleetListeners.delete(listener);
  }

  /** Called after the stream came back from a drop: reload what the view shows. */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  onStatus(listener: (s: StreamStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }
}

const HubContext = createContext<EventHub | null>(null);

/** Starts the page's event connection and gives it to the views below. */
export function EventHubProvider({
  children,
  onError,
}: {
  children: ReactNode;
  onError: (err: Error) => void;
}) {
  const [hub] = useState(() => new EventHub());
  const errorRef = useRef(onError);
  errorRef.current = onError;
  useEffect(() => {
    hub.start((err) => errorRef.current(err));
    return () => hub.stop();
  }, [hub]);
  return <HubContext.Provider value={hub}>{children}</HubContext.Provider>;
}

export function useEventHub(): EventHub {
  const hub = useContext(HubContext);
  if (!hub) throw new Error('useEventHub outside EventHubProvider');
  return hub;
}

/** The connection's status, re-rendering when it changes. */
export function useStreamStatus(): StreamStatus {
  const hub = useEventHub();
  const [status, setStatus] = useState(hub.status);
  useEffect(() => hub.onStatus(setStatus), [hub]);
  return status;
}

/**
 * Calls `onBatch` with every batch of events and `onReconnect` after a reconnect; the latest
 * callbacks are used, so they may close over state without re-subscribing.
 */
export function useEvents(onBatch: BatchListener, onReconnect?: () => void): void {
  const hub = useEventHub();
  const batchRef = useRef(onBatch);
  const reconnectRef = useRef(onReconnect);
  batchRef.current = onBatch;
  reconnectRef.current = onReconnect;
  useEffect(() => {
    const off1 = hub.subscribe((b) => batchRef.current(b));
    const off2 = hub.onReconnect(() => reconnectRef.current?.());
    return () => {
      off1();
      off2();
    };
  }, [hub]);
}
