import type { HostMessage } from '../../protocol/host.js';

/** The `outputLog` host message without its type (and the emulator's count, which the host adds). */
export type OutputLogHealthReport = Omit<Extract<HostMessage, { type: 'outputLog' }>, 'type' | 'parseErrors'>;

/** While the log fails, its counts are reported at most this often. */
const LOG_REPORT_MS = 1_000;
/** A count of sequences the terminal emulator could not parse goes to the daemon at most this often. */
const PARSE_REPORT_MS = 5_000;

/**
 * Tells the daemon (and the host's diagnostics) how the agent's output log is being written: when
 * it starts or stops failing, and every second while it fails. The agent runs and streams on
 * either way (the daemon has every byte); the log gets a gap, which readers show with a marker.
 * The same message carries how many escape sequences of the agent's output its terminal emulator
 * could not parse, when that count grows: at most every 5 s.
 * Only daemons whose welcome lists the `outputLog` feature get the message.
 */
export class OutputLogReporter {
  private ok = true;
  private enabled = false;
  private reportedAt = 0;
  private reportedParseErrors = 0;
  private parseTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly log: { readonly health: OutputLogHealthReport },
    private readonly send: (msg: HostMessage) => void,
    private readonly diag: (level: 'info' | 'warn' | 'error', msg: string) => void,
    private readonly parseErrors: () => number = () => 0,
  ) {}

  /** A daemon welcomed the host: report to it if it understands, and at once if there is news. */
  welcomed(features: readonly string[]): void {
    this.enabled = features.includes('outputLog');
    const h = this.log.health;
    if (!h.ok || h.droppedBytes > 0 || this.parseErrors() > 0) this.report();
  }

  /** After each append. */
  appended(): void {
    const ok = this.log.health.ok;
    if (ok !== this.ok) this.changed();
    else if (!ok && Date.now() - this.reportedAt >= LOG_REPORT_MS) this.report(); // counts go up
    // The emulator parses after the append: its count is looked at a moment later.
    if (this.parseTimer === null && this.enabled) {
      const wait = Math.max(1_000, this.reportedAt + PARSE_REPORT_MS - Date.now());
      this.parseTimer = setTimeout(() => {
        this.parseTimer = null;
        if (this.parseErrors() !== this.reportedParseErrors) this.report();
      }, wait);
      this.parseTimer.unref?.(); // never what keeps the host alive
    }
  }

  private changed(): void {
    const h = this.log.health;
    this.ok = h.ok;
    this.diag(
      h.ok ? 'info' : 'error',
      h.ok
        ? `output log written again; ${h.droppedBytes} byte(s) could not be written (a gap in the log)`
        : `output log cannot be written (${h.code ?? '?'}: ${h.message ?? ''}); the agent keeps running, bytes are counted`,
    );
    this.report();
  }

  private report(): void {
    this.reportedAt = Date.now();
    this.reportedParseErrors = this.parseErrors();
    if (this.enabled)
      this.send({ type: 'outputLog', ...this.log.health, parseErrors: this.reportedParseErrors });
  }
}
