import type { ExitInfo, Screen } from '../../protocol/agent.js';
import type { SandboxSpawn } from '../../protocol/sandbox.js';

/** The agent process in its pseudo-terminal (host side). */
export interface PtyProcess {
  readonly pid: number;
  onData(listener: (data: Uint8Array) => void): void;
  onExit(listener: (exit: ExitInfo) => void): void;
  write(data: Uint8Array | string): void;
  resize(cols: number, rows: number): void;
  /** Stops reading the agent's output (the pane cannot keep up); `resume` starts again. */
  pause(): void;
  resume(): void;
}

export interface PtySpawner {
  spawn(spec: {
    command: string;
    args: string[];
    cwd: string;
    env: Record<string, string>;
    cols: number;
    rows: number;
    /** Lower the process's priority to this nice value (1-19); absent or 0: as the host's. */
    nice?: number | undefined;
    /** Run it in this sandbox (docs/sandbox.md); absent: as the host runs. */
    sandbox?: SandboxSpawn | undefined;
  }): PtyProcess;
}

/** A terminal emulator fed with the agent's output: what the screen shows right now. */
export interface TerminalScreen {
  /** Feeds output; `endSeq` is the stream offset just after `data`. */
  write(data: Uint8Array, endSeq: number): void;
  resize(cols: number, rows: number): void;
  /** Resolves after everything written so far has been parsed. */
  settled(): Promise<void>;
  screen(): Screen;
  /** Escape sequences that repaint the screen, and the output offset they reflect. */
  snapshot(): { data: string; cols: number; rows: number; seq: number };
  bracketedPaste(): boolean;
  /** Replies the emulator generates for the app (device status, etc.), to be written back to the PTY. */
  onReply(listener: (data: string) => void): void;
  dispose(): void;
}

/** Signals every process of a terminal session (the agent and all it started). */
export interface SessionKiller {
  /**
   * Signals all processes whose session id is `sid`, and their descendants; returns how many.
   * `leaderExited`: the leader was reaped, so a live process with pid `sid` is a newer one (the
   * kernel reuses a pid only once no process is left in the session it named): nothing is signalled.
   */
  signalSession(
    sid: number,
    signal: 'SIGTERM' | 'SIGKILL' | 'SIGHUP' | 'SIGSTOP' | 'SIGCONT',
    o?: { leaderExited?: boolean },
  ): number;
}
