import { chmodSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { appError } from '../../protocol/error-messages.js';
import type { HostSessions } from '../../core/hosts/host-sessions.js';
import type { HostLink, Logger } from '../../core/ports/daemon.js';
import { screenSchema, type Screen } from '../../protocol/agent.js';
import { FRAME_KIND, HOST_PROTOCOL_VERSION } from '../../protocol/host-frames.js';
import {
  hostMessageSchema,
  hostSnapshotResultSchema,
  type DaemonMessage,
  type HostHello,
  type HostRequestMethod,
  type HostSnapshot,
} from '../../protocol/host.js';
import { encodeInput, encodeJson, FrameDecoder } from './frames.js';

/** The daemon's end of one host connection. */
export class SocketHostLink implements HostLink {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(
    private readonly socket: Socket,
    readonly hostPid: number,
  ) {}

  send(message: DaemonMessage): void {
    if (!this.socket.destroyed) this.socket.write(encodeJson(message));
  }

  sendInput(bytes: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(encodeInput(bytes));
  }

  async screen(timeoutMs: number): Promise<Screen> {
    return screenSchema.parse(await this.request('screen', timeoutMs));
  }

  async snapshot(timeoutMs: number): Promise<HostSnapshot> {
    return hostSnapshotResultSchema.parse(await this.request('snapshot', timeoutMs));
  }

  close(): void {
    this.socket.destroy();
  }

  settle(id: number, ok: boolean, result: unknown, error: string | undefined): void {
    const w = this.waiting.get(id);
    if (!w) return;
    this.waiting.delete(id);
    if (ok) w.resolve(result);
    else w.reject(new Error(error ?? 'host request failed'));
  }

  /** The connection is gone: what still waits for an answer gets HOST_UNAVAILABLE (a 503, not a 500). */
  failAll(): void {
    const gone = appError('HOST_UNAVAILABLE', { hostPid: this.hostPid });
    for (const w of this.waiting.values()) w.reject(gone);
    this.waiting.clear();
  }

  private request(method: HostRequestMethod, timeoutMs: number): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(appError('HOST_TIMEOUT', { method, timeoutMs }));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.send({ type: 'request', id, method });
    });
  }
}

/**
 * Listens on the host socket (mode 0600). The first frame of a connection must be a
 * valid hello; everything a host sends is validated before it reaches the core.
 */
export function startHostServer(socketPath: string, sessions: HostSessions, log: Logger): Promise<Server> {
  const server = createServer((socket) => serve(socket, sessions, log));
  rmSync(socketPath, { force: true });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      chmodSync(socketPath, 0o600);
      server.off('error', reject);
      resolve(server);
    });
  });
}

function serve(socket: Socket, sessions: HostSessions, log: Logger): void {
  const decoder = new FrameDecoder();
  let link: SocketHostLink | null = null;
  let agentId: string | null = null;
  const drop = (why: string): void => {
    log.warn({ agentId, why }, 'dropping host connection');
    socket.destroy();
  };
  socket.on('data', (chunk: Buffer) => {
    let frames;
    try {
      frames = decoder.push(chunk);
    } catch (err) {
      drop(String(err));
      return;
    }
    for (const f of frames) {
      if (f.kind === FRAME_KIND.OUTPUT) {
        if (agentId) sessions.output(agentId, f.seq, f.data);
        continue;
      }
      if (f.kind !== FRAME_KIND.JSON) {
        drop('unexpected frame kind from host');
        return;
      }
      const parsed = hostMessageSchema.safeParse(f.message);
      if (!parsed.success) {
        drop(`invalid host message: ${parsed.error.message}`);
        return;
      }
      const msg = parsed.data;
      if (msg.type === 'hello') {
        if (link) {
          drop('second hello');
          return;
        }
        if (msg.protocol !== HOST_PROTOCOL_VERSION) {
          drop(`host speaks protocol ${msg.protocol}, daemon ${HOST_PROTOCOL_VERSION}`);
          return;
        }
        link = new SocketHostLink(socket, msg.hostPid);
        agentId = msg.agentId;
        void accept(sessions, link, msg, socket);
      } else if (!link || !agentId) {
        drop('message before hello');
        return;
      } else if (msg.type === 'reply') {
        link.settle(msg.id, msg.ok, msg.result, msg.error);
      } else {
        sessions.message(agentId, msg);
      }
    }
  });
  socket.on('error', () => {
    // 'close' follows
  });
  socket.on('close', () => {
    if (link && agentId) {
      link.failAll();
      sessions.closed(agentId, link);
    }
  });
}

async function accept(sessions: HostSessions, link: SocketHostLink, hello: HostHello, socket: Socket) {
  const ok = await sessions.hello(link, hello).catch(() => false);
  if (!ok) socket.end();
}
