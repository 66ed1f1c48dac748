import pty, { type IPty } from 'node-pty';
import { nowMs, type Env } from './proc.js';
import { liveKillers } from './sandbox.js';

/** Size of every PTY the host benchmarks open (the pane and the bare baselines alike). */
export const PTY_SIZE = { cols: 120, rows: 40 } as const;
/** Text kept per waiter: enough for the longest pattern the benchmarks wait for. */
const TEXT_CAP = 4096;

interface Waiter {
  text: string;
  cap: number;
  match: (text: string) => boolean;
  resolve: (at: number) => void;
}

/**
 * A PTY owned by the benchmark, which plays the terminal: it reads everything the program
 * writes (raw bytes, no decoding) and tells when a pattern or a byte count has arrived.
 */
export class PtyTerminal {
  readonly pty: IPty;
  /** Bytes read from the PTY so far. */
  received = 0;
  /** Reads from the PTY so far. */
  chunks = 0;
  private waiter: Waiter | null = null;
  private byteGoal: { bytes: number; resolve: (at: number) => void } | null = null;
  private readonly exited: Promise<void>;
  private readonly kill = (): void => this.pty.kill('SIGKILL');

  constructor(file: string, args: readonly string[], o: { cwd: string; env: Env }) {
    this.pty = pty.spawn(file, [...args], {
      name: 'xterm-256color',
      ...PTY_SIZE,
      cwd: o.cwd,
      env: o.env,
      encoding: null,
    });
    liveKillers.add(this.kill);
    this.exited = new Promise((resolve) => this.pty.onExit(() => resolve()));
    // With `encoding: null` node-pty hands over Buffers (its typings say string).
    this.pty.onData((d) => this.onData(d as unknown as Buffer));
  }

  get pid(): number {
    return this.pty.pid;
  }

  write(data: string): void {
    this.pty.write(data);
  }

  /**
   * Resolves with the time of the first chunk after which the text read since the call matches;
   * the last `cap` characters are kept (a full-screen program's frame can be larger than the default).
   */
  waitFor(
    match: (text: string) => boolean,
    timeoutMs: number,
    what: string,
    cap = TEXT_CAP,
  ): Promise<number> {
    return this.withTimeout(
      new Promise<number>((resolve) => {
        this.waiter = { text: '', cap, match, resolve };
      }),
      timeoutMs,
      what,
      () => (this.waiter = null),
    );
  }

  /** Resolves with the time the byte count reached `total`. */
  waitBytes(total: number, timeoutMs: number, what: string): Promise<number> {
    if (this.received >= total) return Promise.resolve(nowMs());
    return this.withTimeout(
      new Promise<number>((resolve) => {
        this.byteGoal = { bytes: total, resolve };
      }),
      timeoutMs,
      what,
      () => (this.byteGoal = null),
    );
  }

  /** SIGTERM to the program (then SIGKILL after `graceMs`); resolves once it is gone. */
  async close(graceMs = 3_000): Promise<void> {
    try {
      this.pty.kill('SIGTERM');
    } catch {
      // already gone
    }
    const timer = setTimeout(this.kill, graceMs);
    await this.exited;
    clearTimeout(timer);
    liveKillers.delete(this.kill);
  }

  private onData(chunk: Buffer): void {
    const at = nowMs();
    this.received += chunk.length;
    this.chunks++;
    const g = this.byteGoal;
    if (g && this.received >= g.bytes) {
      this.byteGoal = null;
      g.resolve(at);
    }
    const w = this.waiter;
    if (!w) return;
    w.text = (w.text + chunk.subarray(-w.cap).toString('latin1')).slice(-w.cap);
    if (w.match(w.text)) {
      this.waiter = null;
      w.resolve(at);
    }
  }

  private withTimeout(p: Promise<number>, ms: number, what: string, drop: () => void): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        drop();
        reject(new Error(`${what}: nothing within ${ms} ms (read ${this.received} bytes)`));
      }, ms);
      void p.then((at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
  }
}
