import { existsSync, lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import type { Server } from 'node:net';
import { join } from 'node:path';
import type { SandboxDenial, SandboxSpawn } from '../../protocol/sandbox.js';
import type { Bridge } from './bwrap-args.js';
import { createDaemonFilter } from './daemon-filter.js';
import { createSandboxProxy } from './sandbox-proxy.js';
import { pidInUse } from '../pid-in-use.js';

/** Denials of the same target are reported at most this often (with how many there were). */
export const DENIAL_REPORT_MS = 10_000;

/** The host's side of one agent's sandbox: its sockets, what runs behind them, and how to end it. */
export interface SandboxRuntime {
  sockDir: string;
  daemonSocket: string;
  bridges: Bridge[];
  proxyPort: number;
  close(): void;
}

/**
 * Starts what the sandbox of one agent reaches through its sockets, in a folder of its own (0700,
 * short enough for a socket path): the proxy (allowed hosts), the daemon filter (the agent's hook
 * route) and a forward for each loopback endpoint. The sockets exist when this returns (a unix
 * socket is bound synchronously by listen()), so bubblewrap can bind them in at once.
 */
export function startSandboxRuntime(
  sandbox: SandboxSpawn,
  report: (denial: SandboxDenial) => void,
  now: () => number = Date.now,
): SandboxRuntime {
  sweepStaleSockDirs();
  const sockDir = mkdtempSync(`${SOCK_PREFIX}${process.pid}-`);
  const servers: Server[] = [];
  const throttle = new DenialThrottle(report, now);
  const listen = (server: Server, name: string): string => {
    const path = join(sockDir, name);
    server.on('error', () => undefined);
    server.listen(path);
    servers.push(server);
    if (!existsSync(path)) throw new Error(`sandbox socket ${path} could not be made`);
    return path;
  };
  try {
    const proxySocket = listen(
      createSandboxProxy(sandbox.hosts, (target) => throttle.add('host', target)),
      'proxy.sock',
    );
    const daemonSocket = listen(
      createDaemonFilter({
        daemonSocket: sandbox.daemon.socket,
        hookPath: sandbox.daemon.hookPath,
        denied: (target) => throttle.add('daemon', target),
      }),
      'daemon.sock',
    );
    const taken = new Set<number>([
      ...sandbox.forwards.map((f) => f.port),
      ...(sandbox.daemon.port === null ? [] : [sandbox.daemon.port]),
    ]);
    let proxyPort = 3128;
    while (taken.has(proxyPort)) proxyPort++;
    const bridges: Bridge[] = [{ family: 4, port: proxyPort, socket: proxySocket }];
    if (sandbox.daemon.port !== null)
      bridges.push({ family: 4, port: sandbox.daemon.port, socket: daemonSocket });
    for (const f of sandbox.forwards) {
      const family = f.host === '::1' ? 6 : 4;
      const socket = listen(forwardTo(f.host, f.port), `fwd-${family}-${f.port}.sock`);
      bridges.push({ family, port: f.port, socket });
    }
    return {
      sockDir,
      daemonSocket,
      bridges,
      proxyPort,
      close: () => {
        throttle.flush();
        for (const s of servers) s.close();
        rmSync(sockDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    for (const s of servers) s.close();
    rmSync(sockDir, { recursive: true, force: true });
    throw err;
  }
}

/** Socket folders: `/tmp/wtp-sb-<host pid>-XXXXXX` (short, for a socket path's 107 bytes). */
const SOCK_PREFIX = '/tmp/wtp-sb-';

/**
 * Removes the socket folders of hosts that are gone (a host killed with SIGKILL cannot remove its
 * own): only folders of this user, named as this module names them, whose host pid is not alive.
 */
export function sweepStaleSockDirs(dir = '/tmp', alive: (pid: number) => boolean = pidInUse): number {
  let removed = 0;
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  const uid = process.getuid?.();
  for (const name of names) {
    const m = /^wtp-sb-(\d+)-[A-Za-z0-9]{6}$/.exec(name);
    if (!m?.[1] || alive(Number(m[1]))) continue;
    const path = join(dir, name);
    try {
      const st = lstatSync(path);
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) continue;
      rmSync(path, { recursive: true, force: true });
      removed++;
    } catch {
      // gone meanwhile
    }
  }
  return removed;
}

/** A unix socket whose connections go on to a loopback TCP endpoint (a local model server). */
function forwardTo(host: string, port: number): Server {
  return net.createServer((inner) => {
    const outer = net.connect({ host, port });
    inner.on('error', () => outer.destroy());
    outer.on('error', () => inner.destroy());
    inner.pipe(outer);
    outer.pipe(inner);
  });
}

/** Reports the first denial of a target at once, and repeats of it at most every DENIAL_REPORT_MS, counted. */
export class DenialThrottle {
  private readonly last = new Map<string, number>();
  private readonly pending = new Map<string, SandboxDenial>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly report: (denial: SandboxDenial) => void,
    private readonly now: () => number,
  ) {}

  add(kind: SandboxDenial['kind'], target: string): void {
    const key = `${kind} ${target}`;
    const at = this.now();
    const last = this.last.get(key);
    if (last === undefined || at - last >= DENIAL_REPORT_MS) {
      this.last.set(key, at);
      const waiting = this.pending.get(key);
      this.pending.delete(key);
      this.report({ kind, target, count: 1 + (waiting?.count ?? 0) });
      return;
    }
    const waiting = this.pending.get(key);
    this.pending.set(key, { kind, target, count: (waiting?.count ?? 0) + 1 });
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.flush();
    }, DENIAL_REPORT_MS).unref();
  }

  /** Reports every repeat still counted. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const [key, d] of this.pending) {
      this.last.set(key, this.now());
      this.report(d);
    }
    this.pending.clear();
  }
}
