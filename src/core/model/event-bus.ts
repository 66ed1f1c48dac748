import type { WtpEvent } from '../../protocol/events.js';

export type EventListener = (event: WtpEvent) => void;

/** In-process fan-out of committed events (WebSocket subscribers, waiters, notifier). */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(events: readonly WtpEvent[]): void {
    for (const event of events) {
      for (const listener of [...this.listeners]) {
        try {
          listener(event);
        } catch {
          // A failing subscriber must not stop delivery to the others.
        }
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
