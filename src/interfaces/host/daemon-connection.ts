import { watch, type FSWatcher } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { basename, dirname } from 'node:path';
import { FRAME_KIND } from '../../protocol/host-frames.js';
import type { DaemonMessage, HostFeature, HostMessage } from '../../protocol/host.js';
import { encodeJson, encodeOutput, FrameDecoder } from '../host-link/frames.js';

/** Reconnect delays: first retry soon, then doubling up to the cap. */
export const RECONNECT_MIN_MS = 50;
export const RECONNECT_MAX_MS = 2_000;

export interface ConnectionHandlers {
  hello(): HostMessage;
  /** The daemon accepted this host; `features` are the optional host messages it understands. */
  welcome(resumeFrom: number, features: readonly HostFeature[]): void;
  message(msg: DaemonMessage): void;
  input(data: Buffer): void;
  log(level: 'info' | 'warn', msg: string): void;
}

/**
 * The host's link to the daemon: connects, says hello, reconnects with backoff (and at
 * once when the daemon's socket reappears), and never blocks the agent: output the
 * daemon cannot take right now is skipped here (it is in the log and the resend buffer).
 */
export class DaemonConnection {
  private socket: Socket | null = null;
  private ready = false;
  private delay = RECONNECT_MIN_MS;
  private timer: NodeJS.Timeout | null = null;
  private watcher: FSWatcher | null = null;
  private closed = false;

  constructor(
    private readonly socketPath: string,
    private readonly maxQueuedBytes: number,
    private readonly h: ConnectionHandlers,
  ) {}

  start(): void {
    this.watchSocketDir();
    this.connect();
  }

  /** True once the daemon has welcomed this host on the current connection. */
  get isReady(): boolean {
    return this.ready;
  }

  sendJson(msg: HostMessage): boolean {
    if (!this.socket || this.socket.destroyed || !this.socket.writable) return false;
    this.socket.write(encodeJson(msg));
    return true;
  }

  /** Sends output if the daemon keeps up; returns false when it was skipped. */
  sendOutput(seq: number, data: Uint8Array): boolean {
    const s = this.socket;
    if (!this.ready || !s || s.destroyed || s.writableLength > this.maxQueuedBytes) return false;
    s.write(encodeOutput(seq, data));
    return true;
  }

  /** Flushes what is queued, then closes for good. */
  close(): Promise<void> {
    this.closed = true;
    this.watcher?.close();
    if (this.timer) clearTimeout(this.timer);
    const s = this.socket;
    if (!s || s.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => resolve();
      s.end(done);
      setTimeout(done, 1_000).unref();
    });
  }

  private connect(): void {
    if (this.closed || this.socket) return;
    const s = createConnection(this.socketPath);
    this.socket = s;
    const decoder = new FrameDecoder();
    s.on('connect', () => {
      this.delay = RECONNECT_MIN_MS;
      s.write(encodeJson(this.h.hello()));
    });
    s.on('data', (chunk: Buffer) => {
      let frames;
      try {
        frames = decoder.push(chunk);
      } catch (err) {
        this.h.log('warn', `bad frame from daemon: ${String(err)}`);
        s.destroy();
        return;
      }
      for (const f of frames) {
        if (f.kind === FRAME_KIND.INPUT) this.h.input(f.data);
        else if (f.kind === FRAME_KIND.JSON) this.dispatch(f.message as DaemonMessage);
      }
    });
    s.on('error', () => {
      // 'close' follows; ENOENT / ECONNREFUSED simply mean the daemon is away.
    });
    s.on('close', () => {
      const wasReady = this.ready;
      this.ready = false;
      this.socket = null;
      if (wasReady) this.h.log('info', 'daemon connection lost; buffering output and reconnecting');
      this.scheduleReconnect();
    });
  }

  private dispatch(msg: DaemonMessage): void {
    if (msg.type === 'welcome') {
      this.ready = true;
      this.h.welcome(msg.resumeFrom, msg.features ?? []);
      return;
    }
    this.h.message(msg);
  }

  private scheduleReconnect(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect();
    }, this.delay);
    this.delay = Math.min(RECONNECT_MAX_MS, this.delay * 2);
  }

  /** inotify on the run dir: a new daemon socket triggers an immediate reconnect. */
  private watchSocketDir(): void {
    try {
      const name = basename(this.socketPath);
      this.watcher = watch(dirname(this.socketPath), (_event, file) => {
        if (file !== name || this.socket || this.closed) return;
        if (this.timer) clearTimeout(this.timer);
        this.timer = null;
        this.delay = RECONNECT_MIN_MS;
        this.connect();
      });
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      // the directory may not exist yet; backoff still reconnects
    }
  }
}
