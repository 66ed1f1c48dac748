import type { TerminalScreen } from '../../core/ports/host.js';
import type { Screen } from '../../protocol/agent.js';

export type ScreenFactory = (cols: number, rows: number, startSeq: number) => TerminalScreen;

/**
 * A terminal screen whose emulator is loaded on demand: the host spawns the agent first
 * and loads the emulator (tens of milliseconds of module loading) afterwards. Everything
 * written meanwhile is replayed in order, so the emulator never misses a byte.
 */
export class LazyScreen implements TerminalScreen {
  private real: TerminalScreen | null = null;
  private loading: Promise<TerminalScreen> | null = null;
  private queued: { data: Uint8Array; endSeq: number }[] = [];
  private queuedBytes = 0;
  private replyListener: ((data: string) => void) | null = null;
  private disposed = false;
  private loadTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly load: () => Promise<ScreenFactory>,
    private cols: number,
    private rows: number,
    private readonly startSeq: number,
  ) {}

  /**
   * Loads the emulator after `delayMs` (or as soon as `maxQueuedBytes` of output wait): the
   * agent and its siblings get the CPU first while a workspace starts. A request that needs the
   * screen loads it at once (`settled`).
   */
  loadSoon(delayMs: number, maxQueuedBytes: number): void {
    this.maxQueuedBytes = maxQueuedBytes;
    if (this.loading || this.loadTimer) return;
    this.loadTimer = setTimeout(() => void this.ready(), delayMs);
  }

  private maxQueuedBytes = Infinity;

  /** Starts loading the emulator (idempotent); resolves once it has caught up. */
  ready(): Promise<TerminalScreen> {
    if (this.loadTimer) clearTimeout(this.loadTimer);
    this.loadTimer = null;
    this.loading ??= this.load().then((make) => {
      const screen = make(this.cols, this.rows, this.startSeq);
      if (this.replyListener) screen.onReply(this.replyListener);
      for (const q of this.queued) screen.write(q.data, q.endSeq);
      this.queued = [];
      this.queuedBytes = 0;
      this.real = screen;
      if (this.disposed) screen.dispose();
      return screen;
    });
    return this.loading;
  }

  write(data: Uint8Array, endSeq: number): void {
    if (this.real) {
      this.real.write(data, endSeq);
      return;
    }
    this.queued.push({ data, endSeq });
    this.queuedBytes += data.length;
    if (this.queuedBytes > this.maxQueuedBytes) void this.ready();
  }

  resize(cols: number, rows: number): void {
    this.cols = cols;
    this.rows = rows;
    this.real?.resize(cols, rows);
  }

  async settled(): Promise<void> {
    await (await this.ready()).settled();
  }

  screen(): Screen {
    if (!this.real) throw new Error('terminal emulator not loaded yet (await settled() first)');
    return this.real.screen();
  }

  snapshot(): { data: string; cols: number; rows: number; seq: number } {
    if (!this.real) throw new Error('terminal emulator not loaded yet (await settled() first)');
    return this.real.snapshot();
  }

  bracketedPaste(): boolean {
    return this.real?.bracketedPaste() ?? false;
  }

  onReply(listener: (data: string) => void): void {
    this.replyListener = listener;
    this.real?.onReply(listener);
  }

  dispose(): void {
    if (this.loadTimer) clearTimeout(this.loadTimer);
    this.loadTimer = null;
    this.disposed = true;
    this.real?.dispose();
  }
}
