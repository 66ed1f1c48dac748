import type { WebSocket } from 'ws';
import type { WtpClient } from '../../client/wtp-client.js';
import type { AgentView } from '../../protocol/agent.js';
import type { EventsServerMessage } from '../../protocol/event-socket.js';
import type { WtpEvent } from '../../protocol/events.js';
import type { FleetChange } from '../../protocol/fleet.js';

export type FeedStatus = 'connecting' | 'live' | 'reconnecting';

/** Events are handed over in batches, at most one per this many ms (a frame at 60 fps). */
const BATCH_MS = 16;
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5_000;

export interface FeedHandlers {
  /** `agentOf`: the agent an event changed, as it was when sent (the stream carries it). */
  events(batch: WtpEvent[], agentOf: (e: WtpEvent) => AgentView | undefined): void;
  /** A change on another machine of the fleet (its own sequence numbers, never this stream's). */
  fleet?(change: FleetChange): void;
  status(s: FeedStatus): void;
  /** After a reconnect: state may have moved on while away (reload what is shown). */
  reconnected(): void;
}

/**
 * The TUI's `/api/v1/events` stream, as the dashboard's (web/src/event-stream.ts): from a known
 * sequence number, resumed after a drop (a daemon restart) from the last one seen, with backoff,
 * so no event is missed or seen twice; events come in batches.
 */
export class EventFeed {
  private ws: WebSocket | null = null;
  private batch: WtpEvent[] = [];
  private agents = new WeakMap<WtpEvent, AgentView>();
  private timer: NodeJS.Timeout | null = null;
  private retryMs = RETRY_MIN_MS;
  private closed = false;

  constructor(
    private readonly client: WtpClient,
    private lastSeq: number,
    private readonly on: FeedHandlers,
  ) {}

  start(): void {
    void this.connect(false);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.ws?.close();
  }

  private async connect(again: boolean): Promise<void> {
    this.on.status(again ? 'reconnecting' : 'connecting');
    const { default: WebSocketImpl } = await import('ws');
    if (this.closed) return;
    const { url, headers } = this.client.socketUrl('/api/v1/events', {
      since: this.lastSeq,
      fleet: 'true',
      agents: 'true',
    });
    const ws = new WebSocketImpl(url, { headers });
    this.ws = ws;
    ws.on('message', (data: Buffer) => {
      let msg: EventsServerMessage;
      try {
        msg = JSON.parse(data.toString('utf8')) as EventsServerMessage;
      } catch {
        return;
      }
      if (msg.type === 'hello') {
        this.retryMs = RETRY_MIN_MS;
        this.on.status('live');
        if (again) this.on.reconnected();
      } else if (msg.type === 'event' && msg.event.seq > this.lastSeq) {
        this.lastSeq = msg.event.seq;
        this.batch.push(msg.event);
        if (msg.agent) this.agents.set(msg.event, msg.agent);
        this.timer ??= setTimeout(() => this.flush(), BATCH_MS);
      } else if (msg.type === 'fleet') {
        this.on.fleet?.(msg.change);
      }
    });
    ws.on('error', () => undefined); // 'close' follows and retries
    ws.on('close', () => {
      if (this.closed) return;
      this.on.status('reconnecting');
      setTimeout(() => void this.connect(true), this.retryMs).unref();
      this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
    });
  }

  private flush(): void {
    this.timer = null;
    const batch = this.batch;
    this.batch = [];
    const agents = this.agents;
    if (batch.length > 0 && !this.closed) this.on.events(batch, (e) => agents.get(e));
  }
}
