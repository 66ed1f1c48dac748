import pty from 'node-pty';
import { closeSync, constants as fsConstants, openSync } from 'node:fs';
import { constants } from 'node:os';
import type { PtyProcess, PtySpawner } from '../../core/ports/host.js';
import type { ExitInfo } from '../../protocol/agent.js';

const SIGNAL_NAMES = new Map<number, string>(
  Object.entries(constants.signals).map(([name, num]) => [num, name] as [number, string]),
);

/** Output quiet this long after the agent is gone: everything it wrote has been read. */
const DRAIN_QUIET_MS = 20;

/**
 * The terminal's other end, held open by us until the agent is gone and its output drained.
 * Without it, the agent's exit hangs the terminal up at once, and libuv takes the hang-up that
 * comes with a short read for the end of output: what the agent wrote last, not yet moved to the
 * reading side by the kernel, was lost (node-pty#726; seen as `logs -f` and logs missing an agent's
 * last line under load). Held open, the terminal is read normally; once the agent's pid is gone
 * (checked on SIGCHLD) and no output came for DRAIN_QUIET_MS, it is let go, the hang-up ends the
 * read, and node-pty reports the exit. Should that check not happen, node-pty's own timer closes
 * the terminal 200 ms after the exit.
 */
class PeerHold {
  /** Every hold waiting for its agent to go; one SIGCHLD listener serves them all. */
  private static readonly held = new Set<PeerHold>();
  private static readonly onChild = (): void => {
    for (const h of PeerHold.held) h.check();
  };
  private fd: number | null;
  private lastData = Date.now();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    path: string | undefined,
    private readonly pid: number,
  ) {
    this.fd = null;
    if (!path) return;
    try {
      this.fd = openSync(path, fsConstants.O_RDWR | fsConstants.O_NOCTTY);
    } catch {
      return; // output is read as before, with the race
    }
    if (PeerHold.held.size === 0) process.on('SIGCHLD', PeerHold.onChild);
    PeerHold.held.add(this);
  }

  data(): void {
    this.lastData = Date.now();
  }

  release(): void {
    if (PeerHold.held.delete(this) && PeerHold.held.size === 0) process.off('SIGCHLD', PeerHold.onChild);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /** A child changed state: let go once the agent is gone (a stop or continue is not an exit) and quiet. */
  private check(): void {
    if (this.fd === null || this.timer) return;
    try {
      process.kill(this.pid, 0);
      return; // still there (or not reaped yet: node-pty's timer covers that)
    } catch {
      // gone
    }
    const quiet = Date.now() - this.lastData;
    if (quiet >= DRAIN_QUIET_MS) this.release();
    else {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.check();
      }, DRAIN_QUIET_MS - quiet);
    }
  }
}

/** Spawns agents in a real pseudo-terminal with node-pty; output arrives as raw bytes. */
export const nodePtySpawner: PtySpawner = {
  spawn(spec): PtyProcess {
    const p = pty.spawn(spec.command, spec.args, {
      name: 'xterm-256color',
      cols: spec.cols,
      rows: spec.rows,
      cwd: spec.cwd,
      env: spec.env,
      encoding: null,
    } as pty.IPtyForkOptions);
    const peer = new PeerHold((p as pty.IPty & { ptsName?: string }).ptsName, p.pid);
    p.onData(() => peer.data());
    p.onExit(() => peer.release());
    return {
      pid: p.pid,
      onData: (listener) => {
        p.onData((d: string | Buffer) => listener(typeof d === 'string' ? Buffer.from(d, 'utf8') : d));
      },
      onExit: (listener) => {
        p.onExit(({ exitCode, signal }) => {
          const exit: ExitInfo = signal
            ? { exitCode: null, signal: SIGNAL_NAMES.get(signal) ?? `SIG${signal}` }
            : { exitCode, signal: null };
          listener(exit);
        });
      },
      write: (data) => p.write(typeof data === 'string' ? data : Buffer.from(data)),
      resize: (cols, rows) => p.resize(cols, rows),
      pause: () => p.pause(),
      resume: () => p.resume(),
    };
  },
};
