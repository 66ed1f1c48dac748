/**
 * The real terminal of the pane the host runs in (WezTerm or tmux): the user sees the
 * agent's screen here and types into it. The host is a transparent pipe between this
 * terminal and the agent's PTY, plus the user vars the WezTerm plugin reads.
 */
export interface PaneTerminalHandlers {
  /** Keystrokes typed in the pane. */
  input(data: Buffer): void;
  /** The pane was resized. */
  resized(cols: number, rows: number): void;
  /** The output queue drained after a write returned false (resume the agent's PTY). */
  drained(): void;
}

/** Wraps an escape sequence for tmux passthrough (needs `allow-passthrough on`). */
function forTmux(seq: string): string {
  return `\x1bPtmux;${seq.replace(/\x1b/g, '\x1b\x1b')}\x1b\\`;
}

export class PaneTerminal {
  private lastVars = new Map<string, string>();
  private closed = false;
  private notifications = 0;

  /**
   * @param mirror also told every changed user var (in tmux: set as pane options, which the
   *   pane border shows, since tmux itself has no user vars).
   */
  constructor(
    private readonly stdin: NodeJS.ReadStream,
    private readonly stdout: NodeJS.WriteStream,
    private readonly inTmux: boolean,
    private readonly mirror?: (changed: Record<string, string>) => void,
  ) {}

  get cols(): number {
    return this.stdout.columns || 80;
  }

  get rows(): number {
    return this.stdout.rows || 24;
  }

  start(h: PaneTerminalHandlers): void {
    if (this.stdin.isTTY) this.stdin.setRawMode(true);
    this.stdin.on('data', (d: Buffer) => h.input(d));
    this.stdin.on('error', () => undefined);
    this.stdin.resume();
    this.stdout.on('resize', () => h.resized(this.cols, this.rows));
    this.stdout.on('drain', () => h.drained());
    // A closed pane makes writes fail (EIO/EPIPE): the SIGHUP that comes with it ends the host.
    this.stdout.on('error', () => {
      this.closed = true;
    });
  }

  /** Copies agent output to the pane; false when the pane's queue is full (pause the agent). */
  write(data: Uint8Array | string): boolean {
    if (this.closed) return true;
    return this.stdout.write(data);
  }

  /** Sets WezTerm user vars (OSC 1337 SetUserVar), only when a value changed. */
  setUserVars(vars: Record<string, string>): void {
    let seq = '';
    const changed: Record<string, string> = {};
    for (const [name, value] of Object.entries(vars)) {
      if (this.lastVars.get(name) === value) continue;
      this.lastVars.set(name, value);
      changed[name] = value;
      const osc = `\x1b]1337;SetUserVar=${name}=${Buffer.from(value, 'utf8').toString('base64')}\x07`;
      seq += this.inTmux ? forTmux(osc) : osc;
    }
    if (seq) {
      this.write(seq);
      this.mirror?.(changed);
    }
  }

  /**
   * Shows a notification in the pane: the plugin toasts the user var `wtp_notify` (compact JSON;
   * its counter makes a repeat of the same text still a change), and a BEL rings the bell.
   */
  notify(n: { title: string; message: string; bell: boolean; toast: boolean }): void {
    if (n.toast) {
      this.notifications += 1;
      this.setUserVars({ wtp_notify: JSON.stringify({ t: n.title, m: n.message, n: this.notifications }) });
    }
    if (n.bell) this.write('\x07');
  }

  /** Resolves on the next keystroke (or when the pane goes away). */
  waitForKey(): Promise<void> {
    return new Promise((resolve) => {
      this.stdin.once('data', () => resolve());
      this.stdin.once('end', () => resolve());
    });
  }

  restore(): void {
    if (this.stdin.isTTY && !this.closed) this.stdin.setRawMode(false);
  }
}
