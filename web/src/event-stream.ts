import type { EventsServerMessage } from '../../src/protocol/event-socket.js';
import type { WtpEvent } from '../../src/protocol/events.js';
import type { FleetChange } from '../../src/protocol/fleet.js';

/** `signed_out`: the daemon refused the page's session (none, expired, or the token rotated). */
export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'signed_out';

/**
 * `/api/v1/events` with resume: after a drop (a daemon restart, a network blip) it reconnects
 * with backoff from the last sequence number it saw, so no event is missed or seen twice — unless
 * the daemon answers that the page is not signed in: then it stops (`signed_out`), since trying
 * again cannot help. Events are handed over in batches, at most once per animation frame.
 */
export class EventStream {
  private ws: WebSocket | null = null;
  private lastSeq: number;
  private batch: WtpEvent[] = [];
  private frame: number | null = null;
  private retryMs = 250;
  private closed = false;

  constructor(
    since: number,
    private readonly on: {
      events: (batch: WtpEvent[]) => void;
      /** A change on another machine of the fleet (its own sequence numbers, never this stream's). */
      fleet: (change: FleetChange) => void;
      status: (s: StreamStatus) => void;
      /** After a reconnect: state may have moved on while away (the caller refreshes). */
      reconnected: () => void;
      /** Asked before each retry: false when the daemon refuses the session (HTTP 401). */
      signedIn: () => Promise<boolean>;
    },
  ) {
    this.lastSeq = since;
    this.connect(false);
  }

  close(): void {
    this.closed = true;
    this.ws?.close();
    if (this.frame !== null) cancelAnimationFrame(this.frame);
  }

  private connect(again: boolean): void {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${proto}//${location.host}/api/v1/events?since=${this.lastSeq}&fleet=true`);
    this.ws = ws;
    this.on.status(again ? 'reconnecting' : 'connecting');
    ws.onmessage = (m) => {
      const msg = JSON.parse(String(m.data)) as EventsServerMessage;
      if (msg.type === 'hello') {
        this.retryMs = 250;
        this.on.status('live');
        if (again) this.on.reconnected();
      } else if (msg.type === 'event' && msg.event.seq > this.lastSeq) {
        this.lastSeq = msg.event.seq;
        this.batch.push(msg.event);
        this.frame ??= requestAnimationFrame(() => this.flush());
      } else if (msg.type === 'fleet') {
        this.on.fleet(msg.change);
      }
    };
    ws.onclose = () => {
      if (this.closed) return;
      this.on.status('reconnecting');
      setTimeout(() => void this.retry(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 5_000);
    };
  }

  /** Connects again, unless the daemon no longer takes the page's session. */
  private async retry(): Promise<void> {
    const signedIn = await this.on.signedIn();
    if (this.closed) return;
    if (signedIn) return this.connect(true);
    this.closed = true;
    this.on.status('signed_out');
  }

  private flush(): void {
    this.frame = null;
    const batch = this.batch;
    this.batch = [];
    if (batch.length > 0) this.on.events(batch);
  }
}
