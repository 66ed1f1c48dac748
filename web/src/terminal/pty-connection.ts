import type { PtyClientMessage, PtyServerMessage } from '../../../src/protocol/pty.js';

/** Bytes of the output log replayed before the screen, as the terminal's scrollback. */
export const SCROLLBACK_BYTES = 512 * 1024;
/** Processed output is acknowledged in steps of this size (or after ACK_DELAY_MS). */
const ACK_BYTES = 32 * 1024;
const ACK_DELAY_MS = 50;

export interface PtyHandlers {
  /** Terminal bytes: scrollback (before `snapshot`) or live output. `done` once painted. */
  output(data: Uint8Array, done: () => void): void;
  message(msg: PtyServerMessage): void;
  /** The connection ended: `exited` when the agent did (no point reconnecting). */
  closed(info: { exited: boolean; reason: string }): void;
}

/**
 * One `/api/v1/agents/:id/pty` connection of the dashboard: the safe-input path (`guard`), flow
 * control (`flow`: output is acknowledged once painted, so a busy agent cannot flood the page),
 * and the scrollback from the agent's log before the screen.
 */
export class PtyConnection {
  private readonly ws: WebSocket;
  private readonly encoder = new TextEncoder();
  private unacked = 0;
  private ackTimer: number | null = null;
  private exited = false;

  constructor(
    agentId: string,
    readonly handlers: PtyHandlers,
  ) {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const query = new URLSearchParams({
      snapshot: 'true',
      scrollback: String(SCROLLBACK_BYTES),
      guard: 'true',
      flow: 'true',
      client: 'dashboard',
    });
    this.ws = new WebSocket(
      `${proto}//${location.host}/api/v1/agents/${encodeURIComponent(agentId)}/pty?${query}`,
    );
    this.ws.binaryType = 'arraybuffer';
    this.ws.onmessage = (m: MessageEvent<ArrayBuffer | string>) => {
      if (typeof m.data !== 'string') {
        const data = new Uint8Array(m.data);
        handlers.output(data, () => this.processed(data.length));
        return;
      }
      const msg = JSON.parse(m.data) as PtyServerMessage;
      if (msg.type === 'exit') this.exited = true;
      handlers.message(msg);
    };
    this.ws.onclose = (e) => {
      if (this.ackTimer !== null) clearTimeout(this.ackTimer);
      handlers.closed({ exited: this.exited, reason: e.reason });
    };
  }

  /** Keys typed (or a quick-key button): the daemon holds text while the agent works. */
  type(keys: string | Uint8Array): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(typeof keys === 'string' ? this.encoder.encode(keys) : keys);
  }

  /** "Type anyway": text goes through while the agent stays in its current state. */
  force(): void {
    this.send({ type: 'force' });
  }

  /** Resizes the agent's terminal (the daemon applies it to headless agents only). */
  resize(cols: number, rows: number): void {
    this.send({ type: 'resize', cols, rows });
  }

  close(): void {
    this.ws.onclose = null;
    this.ws.close();
    if (this.ackTimer !== null) clearTimeout(this.ackTimer);
  }

  private send(msg: PtyClientMessage): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  private processed(bytes: number): void {
    this.unacked += bytes;
    if (this.unacked >= ACK_BYTES) this.ack();
    else this.ackTimer ??= window.setTimeout(() => this.ack(), ACK_DELAY_MS);
  }

  private ack(): void {
    if (this.ackTimer !== null) clearTimeout(this.ackTimer);
    this.ackTimer = null;
    if (this.unacked > 0) this.send({ type: 'ack', bytes: this.unacked });
    this.unacked = 0;
  }
}
