import type { Screen } from '../../protocol/agent.js';
import type { SpawnSpec } from '../../protocol/host.js';
import type { Signal } from '../../protocol/signals.js';
import type { ModeReading, StreamReader } from '../../core/agents/profiles.js';
import {
  detectScreen,
  screenRows,
  evidenceOf,
  verdictRequest,
  type DetectorTable,
  type ScreenVerdict,
} from '../../core/state/detectors/screen-detector.js';
import {
  STATUS_QUERY_REPLY,
  StatusProtocolScanner,
  recordToSignal,
} from '../../core/state/detectors/status-protocol.js';

/** What the host knows of the agent CLIs (from the vendor folders, given by host-main.ts). */
export interface SignalReaders {
  /** Screen detector rule sets, by detector name (`watch.detector`). */
  detectors: DetectorTable;
  /** Structured stream readers, by stream name (`watch.stream`). */
  streams: Readonly<Record<string, (now: () => number) => StreamReader>>;
  /** Permission-mode line readers, by detector name (`watch.detector`): the mode the screen shows. */
  modes?: Readonly<Record<string, (lines: readonly string[]) => ModeReading | null>>;
}

export interface SignalWatchOptions {
  watch: NonNullable<SpawnSpec['watch']>;
  readers: SignalReaders;
  /** Writes into the agent's terminal input (the answer to the OSC 7501 query). */
  reply(data: string): void;
  /** Sends a signal to the daemon. */
  send(signal: Signal): void;
  /** A structured stream named the agent's session (for a later resume). */
  session?(sessionId: string): void;
  /** The screen's mode line names another permission mode than it last did. */
  mode?(reading: ModeReading, at: number): void;
  /** The current screen (loads the emulator if needed). */
  readScreen(): Promise<Screen>;
  now(): number;
  /** A screen that looks idle must stay so (no output, same verdict) this long before it is reported. */
  idleStableMs?: number;
  /** Screen checks run at most this often while output flows. */
  checkEveryMs?: number;
}

/**
 * The host's eyes on its agent (signals 1, 3 and 4 of DESIGN §5): answers the OSC 7501 status
 * query and turns status records into signals; reads a headless agent's structured stream
 * (`claude -p --output-format stream-json`); runs the screen detector over the emulator's
 * screen after output, and reports a verdict when it changes — an idle-looking screen only
 * after it has been stable (an agent can look idle between two frames of work).
 */
export class SignalWatch {
  private readonly scanner = new StatusProtocolScanner();
  private readonly decoder = new TextDecoder();
  private readonly stream: StreamReader | null;
  private lastSession: string | null = null;
  private lastStatusKey = '';
  private lastScreenKey = '';
  private lastMode: string | null = null;
  private pendingIdle: { key: string; at: number } | null = null;
  private checkTimer: ReturnType<typeof setTimeout> | null = null;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private lastCheck = 0;
  private checking = false;
  /** Output came while a check was reading the screen: check again once it is done. */
  private recheck = false;
  private disposed = false;

  constructor(private readonly o: SignalWatchOptions) {
    const stream = o.watch.stream ? o.readers.streams[o.watch.stream] : undefined;
    this.stream = stream ? stream(() => o.now()) : null;
  }

  output(data: Uint8Array): void {
    if (this.disposed) return;
    const text =
      this.o.watch.statusProtocol || this.stream ? this.decoder.decode(data, { stream: true }) : '';
    if (this.o.watch.statusProtocol) this.scanStatus(text);
    if (this.stream) this.readStream(this.stream, text);
    if (this.o.watch.detector === null) return;
    if (this.idleTimer) clearTimeout(this.idleTimer); // output: whatever looked idle must settle again
    this.idleTimer = null;
    this.scheduleCheck();
  }

  /** Tells the mode the screen shows again at the next check (a daemon that was away may have missed it). */
  resendMode(): void {
    this.lastMode = null;
    if (this.o.watch.detector !== null) this.scheduleCheck();
  }

  dispose(): void {
    this.disposed = true;
    if (this.checkTimer) clearTimeout(this.checkTimer);
    if (this.idleTimer) clearTimeout(this.idleTimer);
  }

  private scanStatus(text: string): void {
    const { queries, records } = this.scanner.feed(text);
    for (let i = 0; i < queries; i++) this.o.reply(STATUS_QUERY_REPLY);
    for (const rec of records) {
      const signal = recordToSignal(rec, this.o.now());
      if (!signal) continue;
      const key = `${signal.state}|${signal.reason ?? ''}|${signal.evidence}`;
      if (key === this.lastStatusKey) continue;
      this.lastStatusKey = key;
      this.o.send(signal);
    }
  }

  private readStream(reader: StreamReader, text: string): void {
    for (const signal of reader.feed(text)) this.o.send(signal);
    const id = reader.sessionId;
    if (id !== null && id !== this.lastSession) {
      this.lastSession = id;
      this.o.session?.(id);
    }
  }

  private scheduleCheck(): void {
    if (this.checkTimer) return;
    const every = this.o.checkEveryMs ?? 200;
    const wait = Math.max(50, every - (this.o.now() - this.lastCheck));
    this.checkTimer = setTimeout(() => {
      this.checkTimer = null;
      void this.check();
    }, wait);
  }

  private async check(): Promise<void> {
    if (this.disposed || this.o.watch.detector === null) return;
    if (this.checking) {
      // What this check reads may predate the output that scheduled it (a slow read on a busy
      // machine): the screen is read again after it, or its last frame (a dialog) goes unseen.
      this.recheck = true;
      return;
    }
    this.checking = true;
    this.recheck = false;
    this.lastCheck = this.o.now();
    try {
      const screen = await this.o.readScreen();
      if (this.disposed) return;
      const { detectors } = this.o.readers;
      // The rows as the rules read them (a question's options are read from them too).
      const lines = screenRows(detectors, this.o.watch.detector, this.o.watch.version, screen.lines);
      const verdict = detectScreen(detectors, this.o.watch.detector, this.o.watch.version, {
        lines,
        cursorY: screen.cursor.y,
      });
      this.consider(verdict, lines);
      this.considerMode(lines);
    } catch {
      // the emulator is gone (agent exiting): nothing to report
    } finally {
      this.checking = false;
      if (this.recheck && !this.disposed) {
        this.recheck = false;
        this.scheduleCheck();
      }
    }
  }

  private consider(v: ScreenVerdict | null, lines: readonly string[]): void {
    if (!v) return;
    const key = verdictKey(v);
    if (key === this.lastScreenKey) {
      this.pendingIdle = null;
      return;
    }
    if (v.state !== 'idle') {
      this.pendingIdle = null;
      this.report(v, key, this.o.now(), lines);
      return;
    }
    // The screen no longer shows the dialog (or work) last reported, though its idle is not
    // confirmed yet: the same dialog drawn again after it (a CLI prompted again at once asks
    // again) is a new wait. (An idle last reported stays: another idle look is no news of it.)
    if (!this.lastScreenKey.startsWith('idle|')) this.lastScreenKey = '';
    if (this.pendingIdle?.key !== key) this.pendingIdle = { key, at: this.o.now() };
    const pending = this.pendingIdle;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      void this.confirmIdle(pending);
    }, this.o.idleStableMs ?? 1_500);
  }

  /** The mode line, when the screen shows one and it names another mode than last time. */
  private considerMode(lines: readonly string[]): void {
    const read = this.o.watch.detector === null ? undefined : this.o.readers.modes?.[this.o.watch.detector];
    const reading = read?.(lines) ?? null;
    if (reading === null || reading.native === this.lastMode || !this.o.mode) return;
    this.lastMode = reading.native;
    this.o.mode({ native: reading.native, evidence: reading.evidence.slice(0, 500) }, this.o.now());
  }

  /** Still idle-looking, with no output since: report it (as of when it first looked so). */
  private async confirmIdle(pending: { key: string; at: number }): Promise<void> {
    if (this.disposed || this.pendingIdle !== pending) return;
    try {
      const screen = await this.o.readScreen();
      const v = detectScreen(this.o.readers.detectors, this.o.watch.detector ?? '', this.o.watch.version, {
        lines: screen.lines,
        cursorY: screen.cursor.y,
      });
      if (!v || verdictKey(v) !== pending.key || this.pendingIdle !== pending) return;
      this.pendingIdle = null;
      this.report(v, pending.key, pending.at);
    } catch {
      // emulator gone
    }
  }

  private report(v: ScreenVerdict, key: string, at: number, lines?: readonly string[]): void {
    this.lastScreenKey = key;
    const request = verdictRequest(v, lines);
    this.o.send({
      source: 'screen',
      state: v.state,
      ...(v.reason === undefined ? {} : { reason: v.reason }),
      ...(v.resetsAt === undefined ? {} : { resetsAt: v.resetsAt }),
      evidence: evidenceOf(v).slice(0, 500),
      at,
      ...(request === undefined ? {} : { request }),
    });
  }
}

/** A verdict worth reporting again when this changes: another rule, or another dialog (its target). */
function verdictKey(v: ScreenVerdict): string {
  return `${v.state}|${v.reason ?? ''}|${v.rule}|${v.about ?? ''}`;
}
