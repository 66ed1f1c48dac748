import type { PtySpawner, SessionKiller } from '../../core/ports/host.js';
import type { ScreenFactory } from './lazy-screen.js';
import type { OutputLogHealthReport } from './output-log-reporter.js';
import type { PaneTerminal } from './pane-terminal.js';
import type { SignalReaders } from './signal-watch.js';

/** What an agent's host is given: its options, and the parts it drives (agent-host.ts). */
export interface HostOptions {
  agentId: string;
  socketPath: string;
  hostVersion: string;
  /** Output held in memory for the daemon while it is away (the log keeps everything). */
  bufferMaxBytes: number;
  cols: number;
  rows: number;
  /** TERM for the agent: the pane's terminal type, or xterm-256color when headless. */
  term: string;
  /** The pane's terminal when the host runs in a WezTerm or tmux pane; null when headless. */
  pane: PaneTerminal | null;
  /** The pane's id ($WEZTERM_PANE / $TMUX_PANE), reported in the hello. */
  paneId: string | null;
}

export interface OutputLogAppender {
  readonly end: number;
  /** Never throws: bytes it cannot write keep their offsets and are counted in `health`. */
  append(data: Uint8Array): number;
  /** Whether writing works (false while bytes are dropped), and what was dropped since it opened. */
  readonly health: OutputLogHealthReport;
  close(): void;
}

export type { OutputLogHealthReport };

export interface HostDeps {
  pty: PtySpawner;
  /** Loads the terminal emulator; called once the agent runs, so loading it never delays the spawn. */
  loadScreen: () => Promise<ScreenFactory>;
  log: OutputLogAppender;
  killer: SessionKiller;
  /** Screen detectors and stream readers of the agent CLIs. */
  readers: SignalReaders;
  diag: (level: 'info' | 'warn' | 'error', msg: string) => void;
  /** What the terminal emulator could not parse (counted by the screen loadScreen makes). */
  emulator?: { readonly parseErrors: number };
  exit: (code: number) => void;
}
