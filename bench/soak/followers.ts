import WebSocket from 'ws';
import type { WtpClient } from '../../src/client/wtp-client.js';
import type { EventKey } from './event-check.js';

/** Pause before connecting again after a socket closed (the daemon may be down for a while). */
const RETRY_MS = 100;

type Query = Record<string, string | number | boolean>;

/**
 * A WebSocket to the daemon that connects again whenever it closes (a killed daemon, a restart),
 * each time with a query built from what has been received so far, until stopped.
 */
abstract class Follower {
  /** Connections opened (the first one included). */
  connects = 0;
  private ws: WebSocket | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly client: WtpClient,
    private readonly path: string,
  ) {}

  start(): void {
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.ws?.terminate();
    this.ws = null;
  }

  protected abstract query(): Query;
  protected abstract onOpen(): void;
  protected abstract onText(msg: { type: string } & Record<string, unknown>): void;
  protected abstract onBinary(data: Buffer): void;

  private connect(): void {
    if (this.stopped) return;
    const { url, headers } = this.client.socketUrl(this.path, this.query());
    const ws = new WebSocket(url, { headers });
    this.ws = ws;
    ws.on('open', () => {
      this.connects++;
      this.onOpen();
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (ws !== this.ws) return;
      if (isBinary) this.onBinary(data);
      else this.onText(JSON.parse(data.toString('utf8')) as { type: string });
    });
    ws.on('error', () => {
      // 'close' follows: the daemon is away or was killed
    });
    ws.on('close', () => {
      if (ws !== this.ws || this.stopped) return;
      this.ws = null;
      this.timer = setTimeout(() => this.connect(), RETRY_MS);
    });
  }
}

/**
 * Follows one agent's output (`/api/v1/agents/:id/pty`, read-only, no screen) from byte 0, and
 * after every reconnect from the offset after the last byte received: the concatenation must be
 * the agent's log, byte for byte.
 */
export class OutputFollower extends Follower {
  private readonly chunks: Buffer[] = [];
  /** Bytes received so far: the offset the next connection asks for. */
  received = 0;
  private asked = 0;
  /** A `ready` that named another offset than the one asked for. */
  readyMismatches: { asked: number; ready: number }[] = [];

  constructor(client: WtpClient, agentId: string) {
    super(client, `/api/v1/agents/${encodeURIComponent(agentId)}/pty`);
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  protected query(): Query {
    this.asked = this.received;
    return { snapshot: false, input: false, from: this.received, client: 'soak' };
  }

  protected onOpen(): void {}

  protected onText(msg: { type: string } & Record<string, unknown>): void {
    if (msg.type === 'ready' && msg.seq !== this.asked)
      this.readyMismatches.push({ asked: this.asked, ready: Number(msg.seq) });
  }

  protected onBinary(data: Buffer): void {
    this.chunks.push(data);
    this.received += data.length;
  }
}

/** Follows the event stream (`/api/v1/events`) from seq 0, resuming after the last seq received. */
export class EventFollower extends Follower {
  readonly received: EventKey[] = [];
  private last = 0;

  constructor(client: WtpClient) {
    super(client, '/api/v1/events');
  }

  protected query(): Query {
    return { since: this.last };
  }

  protected onOpen(): void {}

  protected onText(msg: { type: string } & Record<string, unknown>): void {
    if (msg.type !== 'event') return;
    const e = msg.event as { seq: number; type: string; ts: string; agentId: string | null };
    this.received.push({ seq: e.seq, type: e.type, ts: e.ts, agentId: e.agentId });
    this.last = Math.max(this.last, e.seq);
  }

  protected onBinary(): void {}
}
