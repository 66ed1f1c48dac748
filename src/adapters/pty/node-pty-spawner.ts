import pty from 'node-pty';
import { constants } from 'node:os';
import type { PtyProcess, PtySpawner } from '../../core/ports/host.js';
import type { ExitInfo } from '../../protocol/agent.js';

const SIGNAL_NAMES = new Map<number, string>(
  Object.entries(constants.signals).map(([name, num]) => [num, name] as [number, string]),
);

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
