import pty from 'node-pty';
import { constants } from 'node:os';
import type { PtyProcess, PtySpawner } from '../../core/ports/host.js';
import type { ExitInfo } from '../../protocol/agent.js';
import { lowerPriority, niceCommand } from './lower-priority.js';
import { PeerHold } from './peer-hold.js';
import { guardTimedDestroy, type TimedDestroyGuard } from './timed-destroy-guard.js';

const SIGNAL_NAMES = new Map<number, string>(
  Object.entries(constants.signals).map(([name, num]) => [num, name] as [number, string]),
);

/**
 * Spawns agents in a real pseudo-terminal with node-pty; output arrives as raw bytes, all of it
 * before the exit (peer-hold.ts).
 */
export const nodePtySpawner: PtySpawner = {
  spawn(spec): PtyProcess {
    // A lower priority from the first instruction on: through `nice` (lower-priority.ts says why).
    const niced = spec.nice === undefined ? null : niceCommand(spec.command, spec.args, spec.nice);
    const p = pty.spawn(niced?.command ?? spec.command, niced?.args ?? spec.args, {
      name: 'xterm-256color',
      cols: spec.cols,
      rows: spec.rows,
      cwd: spec.cwd,
      env: spec.env,
      encoding: null,
    } as pty.IPtyForkOptions);
    // Its session's group (and, without a `nice` program, the process right after the fork).
    if (spec.nice !== undefined) lowerPriority(p.pid, spec.nice, { started: niced !== null });
    const dataListeners: ((data: Uint8Array) => void)[] = [];
    const exitListeners: ((exit: ExitInfo) => void)[] = [];
    const deliver = (data: Buffer): void => {
      if (data.length > 0) for (const listener of dataListeners) listener(data);
    };
    let guard: TimedDestroyGuard | null = null;
    const hold = PeerHold.open((p as pty.IPty & { ptsName?: string }).ptsName, p.pid, () => guard?.release());
    if (hold) guard = guardTimedDestroy(p, () => hold.gone());
    p.onData((d: string | Buffer) => {
      const data = typeof d === 'string' ? Buffer.from(d, 'utf8') : d;
      deliver(hold ? hold.data(data) : data);
    });
    p.onExit(({ exitCode, signal }) => {
      if (hold) deliver(hold.end());
      guard?.release();
      const exit: ExitInfo = signal
        ? { exitCode: null, signal: SIGNAL_NAMES.get(signal) ?? `SIG${signal}` }
        : { exitCode, signal: null };
      for (const listener of exitListeners) listener(exit);
    });
    return {
      pid: p.pid,
      onData: (listener) => void dataListeners.push(listener),
      onExit: (listener) => void exitListeners.push(listener),
      write: (data) => p.write(typeof data === 'string' ? data : Buffer.from(data)),
      resize: (cols, rows) => p.resize(cols, rows),
      pause: () => {
        hold?.pause();
        p.pause();
      },
      resume: () => {
        hold?.resume();
        p.resume();
      },
    };
  },
};
