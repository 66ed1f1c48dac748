import serializeAddon from '@xterm/addon-serialize';
import xtermHeadless, { type ILogger } from '@xterm/headless';
import type { TerminalScreen } from '../../core/ports/host.js';
import type { Screen } from '../../protocol/agent.js';

const { Terminal } = xtermHeadless;
const { SerializeAddon } = serializeAddon;

/**
 * Where the emulator's own messages go instead of `console` (which in a pane is the user's screen,
 * and headless a log with no cap): a sequence it cannot parse is counted, anything else noted.
 */
export interface EmulatorLog {
  parseError(): void;
  note(level: 'info' | 'warn' | 'error', message: string): void;
}

/** xterm.js's logger, over an EmulatorLog: `Parsing error` is counted, never printed with its state. */
export function emulatorLogger(log: EmulatorLog): ILogger {
  const text = (message: string, args: unknown[]): string =>
    [message, ...args.map((a) => (typeof a === 'string' ? a : typeof a))].join(' ').slice(0, 500);
  return {
    trace: () => undefined,
    debug: () => undefined,
    info: (m, ...a: unknown[]) => log.note('info', text(m, a)),
    warn: (m, ...a: unknown[]) => log.note('warn', text(m, a)),
    error: (m, ...a: unknown[]) => {
      const message = typeof m === 'string' ? m : m.message;
      if (/parsing error/i.test(message)) log.parseError();
      else log.note('error', text(message, a));
    },
  };
}

/**
 * The host's terminal emulator (@xterm/headless). Scrollback stays small on purpose: the
 * screen is what `peek` and attach need, the full history is in the output log, and
 * every line of scrollback is memory in every host.
 */
export class XtermScreen implements TerminalScreen {
  private readonly term: InstanceType<typeof Terminal>;
  private readonly serializer: InstanceType<typeof SerializeAddon>;
  private parsedSeq: number;
  private title = '';

  constructor(cols: number, rows: number, startSeq: number, scrollback = 100, log?: EmulatorLog) {
    this.term = new Terminal({
      cols,
      rows,
      scrollback,
      allowProposedApi: true,
      ...(log ? { logger: emulatorLogger(log) } : {}),
    });
    this.serializer = new SerializeAddon();
    this.term.loadAddon(this.serializer);
    this.parsedSeq = startSeq;
    this.term.onTitleChange((t) => {
      this.title = t;
    });
  }

  write(data: Uint8Array, endSeq: number): void {
    this.term.write(data, () => {
      this.parsedSeq = endSeq;
    });
  }

  resize(cols: number, rows: number): void {
    this.term.resize(cols, rows);
  }

  settled(): Promise<void> {
    return new Promise((resolve) => this.term.write('', resolve));
  }

  screen(): Screen {
    const buf = this.term.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < this.term.rows; y++)
      lines.push(buf.getLine(buf.viewportY + y)?.translateToString(true) ?? '');
    return {
      cols: this.term.cols,
      rows: this.term.rows,
      cursor: { x: buf.cursorX, y: buf.cursorY },
      altScreen: buf.type === 'alternate',
      title: this.title,
      lines,
    };
  }

  snapshot(): { data: string; cols: number; rows: number; seq: number } {
    return {
      data: this.serializer.serialize({ scrollback: 0 }),
      cols: this.term.cols,
      rows: this.term.rows,
      seq: this.parsedSeq,
    };
  }

  bracketedPaste(): boolean {
    return this.term.modes.bracketedPasteMode;
  }

  onReply(listener: (data: string) => void): void {
    this.term.onData(listener);
  }

  dispose(): void {
    this.term.dispose();
  }
}
