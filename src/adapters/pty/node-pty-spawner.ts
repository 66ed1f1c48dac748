import pty from 'node-pty';
import { closeSync, constants as fsConstants, openSync } from 'node:fs';
import { constants } from 'node:os';
import type { PtyProcess, PtySpawner } from '../../core/ports/host.js';
import type { ExitInfo } from '../../protocol/agent.js';

const SIGNAL_NAMES = new Map<number, string>(
  Object.entries(constants.signals).map(([name, num]) => [num, name] as [number, string]),
);

/**
 * Opens the terminal's other end and keeps it open until the agent has exited, or null where it
 * cannot be opened. Without it, the agent's exit hangs the terminal up at once, and libuv takes
 * the hang-up that comes with a short read for the end of output: what the agent wrote last, not
 * yet moved to the reading side by the kernel, was lost (node-pty#726; seen as `logs -f` and logs
 * missing an agent's last line under load). Held open, the terminal is read until node-pty closes
 * it, 200 ms after the exit.
 */
function holdPeer(path: string | undefined): number | null {
  if (!path) return null;
  try {
    return openSync(path, fsConstants.O_RDWR | fsConstants.O_NOCTTY);
  } catch {
    return null; // output is read as before, with the race
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
    let peer = holdPeer((p as pty.IPty & { ptsName?: string }).ptsName);
    p.onExit(() => {
      if (peer !== null) closeSync(peer);
      peer = null;
    });
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
