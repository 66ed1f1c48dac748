import { rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { encodeJson, FrameDecoder } from '../src/interfaces/host-link/frames.js';
import { FRAME_KIND } from '../src/protocol/host-frames.js';
import type { DaemonMessage, HostHello, HostMessage, SpawnSpec } from '../src/protocol/host.js';
import { nowMs } from './proc.js';

/** The real daemon persists offsets and acks once a second; the stand-in acks as often. */
export const ACK_EVERY_MS = 1_000;

type Waiter = { type: HostMessage['type']; resolve: (m: HostMessage) => void };

/**
 * A stand-in for the daemon's host socket, in the benchmark process: it speaks the host
 * protocol with the product's own framing (frames.ts), welcomes one host, sends it `spawn`
 * when told to, reads (and counts) every OUTPUT frame and acks it as the daemon does.
 */
export class StandInDaemon {
  /** Output bytes received in OUTPUT frames. */
  outputBytes = 0;
  private outputEnd = 0;
  private socket: Socket | null = null;
  private backlog: HostMessage[] = [];
  private waiters: Waiter[] = [];
  private readonly ackTimer: NodeJS.Timeout;

  private constructor(private readonly server: Server) {
    server.on('connection', (s) => this.serve(s));
    this.ackTimer = setInterval(() => this.send({ type: 'ack', seq: this.outputEnd }), ACK_EVERY_MS);
    this.ackTimer.unref();
  }

  static listen(socketPath: string): Promise<StandInDaemon> {
    rmSync(socketPath, { force: true });
    const server = createServer();
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => resolve(new StandInDaemon(server)));
    });
  }

  /** The host's hello (the stand-in has answered it with `welcome`). */
  async hello(timeoutMs: number): Promise<HostHello> {
    return (await this.next('hello', timeoutMs)) as HostHello;
  }

  /** Sends `spawn`; returns the time just before it was written. */
  spawn(spec: SpawnSpec): number {
    const at = nowMs();
    this.send({ type: 'spawn', ...spec });
    return at;
  }

  /** Asks the host to stop its agent (SIGTERM to the agent's session, SIGKILL after `graceMs`). */
  stopAgent(graceMs: number): void {
    this.send({ type: 'signal', signal: 'SIGTERM', graceMs });
  }

  /** The next message of this type from the host (earlier unclaimed ones first). */
  next(type: HostMessage['type'], timeoutMs: number): Promise<HostMessage> {
    const i = this.backlog.findIndex((m) => m.type === type);
    if (i !== -1) return Promise.resolve(this.backlog.splice(i, 1)[0] as HostMessage);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        type,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`stand-in daemon: no "${type}" from the host within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  async close(): Promise<void> {
    clearInterval(this.ackTimer);
    this.socket?.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private send(msg: DaemonMessage): void {
    if (this.socket && !this.socket.destroyed) this.socket.write(encodeJson(msg));
  }

  private serve(socket: Socket): void {
    this.socket?.destroy();
    this.socket = socket;
    const decoder = new FrameDecoder();
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      for (const f of decoder.push(chunk)) {
        if (f.kind === FRAME_KIND.OUTPUT) {
          this.outputBytes += f.data.length;
          this.outputEnd = Math.max(this.outputEnd, f.seq + f.data.length);
        } else if (f.kind === FRAME_KIND.JSON) {
          this.received(f.message as HostMessage);
        }
      }
    });
  }

  private received(msg: HostMessage): void {
    if (msg.type === 'hello') {
      this.outputEnd = msg.outputSeq;
      this.send({ type: 'welcome', resumeFrom: msg.outputSeq, daemonVersion: 'bench-stand-in' });
    }
    const i = this.waiters.findIndex((w) => w.type === msg.type);
    if (i === -1) this.backlog.push(msg);
    else this.waiters.splice(i, 1)[0]?.resolve(msg);
  }
}
