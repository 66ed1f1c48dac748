import type { WtpEvent } from '../protocol/events.js';
import type { FleetChange } from '../protocol/fleet.js';
import { AppError } from '../protocol/app-error.js';

/** Above this many items touched by one batch of events, the whole collection is fetched once. */
const MAX_SINGLE_FETCHES = 8;
/** After a failed fetch the whole collection is read again this long after, doubling up to the most. */
const RETRY_FIRST_MS = 1_000;
const RETRY_MOST_MS = 30_000;

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
  /** In a fleet: the changes of other machines after which the whole collection is read again. */
  reloadOn?: readonly FleetChange['kind'][];
}

/**
 * A collection kept live from an event stream (the dashboard's views, the terminal UI): loaded once
 * after the stream's start sequence is known, then each item an event touches is fetched again —
 * coalesced: one fetch in flight per item (again once if another event came meanwhile), and the
 * whole collection once when a batch touches many items. `reload()` after a reconnect. `items` is
 * a new Map after every change, so a view can compare it by identity. A failed fetch keeps what
 * was shown, sets `error` and reads everything again after a pause, until a load succeeds: one
 * dropped answer never leaves a view stale or blank until the next reconnect.
 */
export class LiveCollection<T extends { id: string }> {
  items = new Map<string, T>();
  /** False until the collection has been loaded once. */
  loaded = false;
  error: Error | null = null;
  /** Items being fetched; true when an event touched one again meanwhile (fetched once more). */
  private readonly pending = new Map<string, boolean>();
  /** Items events touched while the whole collection was loading (fetched again once it arrived). */
  private loading: Set<string> | null = null;
  private reloading: 'no' | 'yes' | 'again' = 'no';
  private stopped = false;
  private retryMs = RETRY_FIRST_MS;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly source: LiveSource<T>,
    private readonly changed: () => void,
  ) {}

  /** Loads the whole collection (call once the stream's start sequence is known). */
  start(): void {
    this.reload();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
  }

  /**
   * An item as the answer to an action gave it (a stop's agent: newer than the list until its events
   * arrive), shown at once; a fetch or a load in flight that may predate it is followed by another.
   * Only an item the collection has (one removed meanwhile does not come back).
   */
  put(item: T): void {
    if (this.stopped || !this.items.has(item.id)) return;
    if (this.pending.has(item.id)) this.pending.set(item.id, true);
    this.loading?.add(item.id);
    this.set(new Map(this.items).set(item.id, item));
  }

  /** Loads everything again (after a reconnect: items may have moved on meanwhile). */
  reload(): void {
    if (this.reloading !== 'no') {
      this.reloading = 'again';
      return;
    }
    this.reloading = 'yes';
    this.loadAll()
      .catch((err: unknown) => this.fail(err))
      .finally(() => {
        const again = this.reloading === 'again';
        this.reloading = 'no';
        if (again && !this.stopped) this.reload();
      });
  }

  /** A failed fetch: said at once, and everything read again after a pause (not when signed out). */
  fail(err: unknown): void {
    this.error = err instanceof Error ? err : new Error(String(err));
    this.changed();
    const signedOut = err instanceof AppError && err.status === 401;
    if (this.stopped || signedOut || this.retryTimer !== null) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped) this.reload();
    }, this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MOST_MS);
  }

  /**
   * A batch of events from the stream; `fresh`: the item an event brought with it (newer than any
   * fetch in flight), taken instead of fetching it.
   */
  apply(batch: readonly WtpEvent[], fresh?: (e: WtpEvent) => T | undefined): void {
    const touched = new Set<string>();
    const stale = new Set<string>();
    let next: Map<string, T> | null = null;
    for (const e of batch) {
      const removed = this.source.removed(e);
      if (removed !== null && (next ?? this.items).has(removed)) {
        next ??= new Map(this.items);
        next.delete(removed);
      }
      const id = this.source.touched(e);
      if (id === null) continue;
      touched.add(id);
      const item = fresh?.(e);
      if (item?.id === id) {
        next ??= new Map(this.items);
        next.set(id, item);
        stale.delete(id);
        // An answer in flight may predate it: asked again once it lands.
        if (this.pending.has(id)) this.pending.set(id, true);
        continue;
      }
      stale.add(id);
      const known = (next ?? this.items).get(id);
      if (known && this.source.patch) {
        next ??= new Map(this.items);
        next.set(id, this.source.patch(known, e));
      }
    }
    if (next) this.set(next);
    for (const id of touched) this.loading?.add(id);
    // Many items at once (a fleet starting, a plan imported): one list instead of a call each.
    if (stale.size > MAX_SINGLE_FETCHES) this.reload();
    else this.refresh(stale);
  }

  /**
   * A change on another machine of the fleet: its event touches items as a local one
   * does (fetched again from this daemon, which serves them from its view of the fleet); the
   * kinds the source names reload everything.
   */
  fleet(change: FleetChange): void {
    if (change.kind === 'event') this.apply([change.event]);
    else if (this.source.reloadOn?.includes(change.kind)) this.reload();
  }

  private set(items: Map<string, T>): void {
    this.items = items;
    this.changed();
  }

  private async loadAll(): Promise<void> {
    const touched = new Set<string>();
    this.loading = touched;
    try {
      const list = await this.source.loadAll();
      if (this.stopped) return;
      this.loaded = true;
      this.error = null;
      this.retryMs = RETRY_FIRST_MS;
      this.set(new Map(list.map((x) => [x.id, x])));
    } finally {
      if (this.loading === touched) this.loading = null;
    }
    this.refresh(touched);
  }

  private refresh(ids: Iterable<string>): void {
    for (const id of ids) {
      if (this.pending.has(id)) {
        this.pending.set(id, true); // the answer in flight may predate this event
        continue;
      }
      this.pending.set(id, false);
      this.source
        .loadOne(id)
        .then((x) => {
          if (!this.stopped) this.set(new Map(this.items).set(x.id, x));
        })
        .catch((err: unknown) => {
          if (err instanceof AppError && err.status === 404) {
            if (!this.items.has(id)) return;
            const next = new Map(this.items);
            next.delete(id);
            this.set(next);
          } else this.fail(err);
        })
        .finally(() => {
          const again = this.pending.get(id) === true;
          this.pending.delete(id);
          if (again && !this.stopped) this.refresh([id]);
        });
    }
  }
}
