/** Notes of the same kind beyond this many a minute are dropped (counted in the next one). */
const NOTES_PER_MINUTE = 10;

/**
 * What the host's terminal emulator says: a sequence it cannot parse is counted —
 * the first noted in host.log, the count reported to the daemon (`wtp why`, /metrics) — never
 * dumped one by one; its other messages are noted at most ten a minute.
 */
export class EmulatorNotes {
  private count = 0;
  private windowStart = 0;
  private inWindow = 0;
  private dropped = 0;

  constructor(
    private readonly diag: (level: 'info' | 'warn' | 'error', msg: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Escape sequences of the agent's output the emulator could not parse, since the host started. */
  get parseErrors(): number {
    return this.count;
  }

  parseError(): void {
    this.count += 1;
    if (this.count === 1)
      this.diag(
        'warn',
        "the agent's output holds escape sequences its terminal emulator cannot parse: they are counted (wtp why, /metrics), not noted one by one",
      );
  }

  note(level: 'info' | 'warn' | 'error', message: string): void {
    const t = this.now();
    if (t - this.windowStart >= 60_000) {
      if (this.dropped > 0) this.diag('warn', `${this.dropped} more terminal emulator message(s) not noted`);
      this.windowStart = t;
      this.inWindow = 0;
      this.dropped = 0;
    }
    if (this.inWindow >= NOTES_PER_MINUTE) {
      this.dropped += 1;
      return;
    }
    this.inWindow += 1;
    this.diag(level, `terminal emulator: ${message}`);
  }
}
