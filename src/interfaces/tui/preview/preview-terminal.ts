import xtermHeadless from '@xterm/headless';
import type { WebSocket } from 'ws';
import type { WtpClient } from '../../../client/wtp-client.js';
import type { PtyServerMessage } from '../../../protocol/pty.js';
import { BEFORE_REPAINT } from '../../../protocol/repaint.js';
import { lineToSgr } from './cells-to-sgr.js';

const { Terminal } = xtermHeadless;

/** Lines of scrollback the preview keeps (what `pgup` reaches). */
const SCROLLBACK_LINES = 1000;
/** At most one repaint request per this many ms. */
const CHANGE_MS = 16;

export interface PreviewOptions {
  /** Bytes of the agent's output log replayed before the screen (the scrollback). */
  scrollbackBytes: number;
  /** Called (coalesced) when what `lines()` returns may have changed. */
  onChange: () => void;
}

export type PreviewStatus = 'connecting' | 'live' | 'exited' | 'closed' | 'error';

/**
 * The selected agent's screen for the TUI's preview: a read-only pty stream (`input=false`) into
 * an emulator of the agent's own size, read back at the preview's size without resizing the agent.
 */
export class PreviewTerminal {
  private ws: WebSocket | null = null;
  private readonly term: InstanceType<typeof Terminal>;
  private state: PreviewStatus = 'connecting';
  private failure: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Bumped on every change of the emulator: what was read from it before stays valid until then. */
  private version = 0;
  private read: { key: string; lines: string[] } | null = null;
  private lastRow: { version: number; row: number } | null = null;

  constructor(
    private readonly client: Pick<WtpClient, 'socketUrl'>,
    private readonly agentRef: string,
    private readonly opts: PreviewOptions,
  ) {
    this.term = new Terminal({ cols: 80, rows: 24, scrollback: SCROLLBACK_LINES, allowProposedApi: true });
  }

  get status(): PreviewStatus {
    return this.state;
  }

  get error(): string | null {
    return this.failure;
  }

  get size(): { cols: number; rows: number } {
    return { cols: this.term.cols, rows: this.term.rows };
  }

  start(): void {
    void this.connect();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.state === 'connecting' || this.state === 'live') this.state = 'closed';
    if (this.timer) clearTimeout(this.timer);
    this.ws?.close();
    this.term.dispose();
  }

  /** `height` lines of at most `width` columns: the bottom of the screen, or `scroll` lines further back. */
  lines(width: number, height: number, opts: { color: boolean; scroll: number }): string[] {
    if (this.closed || height <= 0) return [];
    // Every repaint of the TUI asks; the screen changes far less often than the list.
    const key = `${this.version} ${width} ${height} ${opts.color} ${opts.scroll}`;
    if (this.read?.key === key) return this.read.lines;
    const buf = this.term.buffer.active;
    const last = this.lastUsedRow();
    const end = Math.max(0, last + 1 - Math.min(opts.scroll, this.maxScroll(height)));
    const start = Math.max(0, end - height);
    const cell = buf.getNullCell();
    const out: string[] = [];
    for (let y = start; y < end; y++) out.push(lineToSgr(buf.getLine(y), width, opts.color, cell));
    this.read = { key, lines: out };
    return out;
  }

  /** How far back `lines()` can scroll for a preview `height` lines tall. */
  maxScroll(height: number): number {
    if (this.closed) return 0;
    return Math.max(0, this.lastUsedRow() + 1 - height);
  }

  /** The buffer row (scrollback included) of the lowest non-blank line or the cursor, whichever is lower. */
  private lastUsedRow(): number {
    if (this.lastRow?.version === this.version) return this.lastRow.row;
    const buf = this.term.buffer.active;
    let y = buf.baseY + this.term.rows - 1;
    const cursor = buf.baseY + buf.cursorY;
    while (y > cursor && (buf.getLine(y)?.translateToString(true) ?? '') === '') y--;
    this.lastRow = { version: this.version, row: y };
    return y;
  }

  private changed(): void {
    this.version += 1;
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.closed) this.opts.onChange();
    }, CHANGE_MS);
  }

  /** Resizes once the output before it is parsed (writes are parsed later, a resize happens at once). */
  private resize(cols: number, rows: number): void {
    this.term.write('', () => {
      if (this.closed) return;
      if (this.term.cols !== cols || this.term.rows !== rows) this.term.resize(cols, rows);
      this.changed();
    });
  }

  private async connect(): Promise<void> {
    const { default: WebSocketImpl } = await import('ws');
    if (this.closed) return;
    const { url, headers } = this.client.socketUrl(
      `/api/v1/agents/${encodeURIComponent(this.agentRef)}/pty`,
      {
        snapshot: true,
        scrollback: this.opts.scrollbackBytes,
        input: false,
        client: 'tui-preview',
      },
    );
    const ws = new WebSocketImpl(url, { headers });
    this.ws = ws;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (this.closed) return;
      if (isBinary) {
        this.term.write(new Uint8Array(data), () => this.changed());
        return;
      }
      let msg: PtyServerMessage;
      try {
        msg = JSON.parse(data.toString('utf8')) as PtyServerMessage;
      } catch {
        return;
      }
      this.onMessage(msg);
    });
    ws.on('error', (err: Error) => {
      if (this.closed) return;
      this.state = 'error';
      this.failure = err.message;
      this.changed();
    });
    ws.on('close', () => {
      if (this.closed || this.state === 'exited' || this.state === 'error') return;
      this.state = 'closed';
      this.changed();
    });
  }

  private onMessage(msg: PtyServerMessage): void {
    switch (msg.type) {
      case 'scrollback':
        // Written at the size of the screen it leads to, so no line is reflowed away.
        this.resize(msg.cols, msg.rows);
        return;
      case 'snapshot':
        // The repaint over the replayed scrollback's last screen (which led up to it).
        this.resize(msg.cols, msg.rows);
        this.term.write(BEFORE_REPAINT + msg.data, () => this.changed());
        return;
      case 'ready':
        this.state = 'live';
        this.changed();
        return;
      case 'size':
        this.resize(msg.cols, msg.rows);
        return;
      case 'exit':
        this.state = 'exited';
        this.changed();
        return;
      case 'error':
        this.state = 'error';
        this.failure = `${msg.error.message} [${msg.error.code}]`;
        this.changed();
        return;
      default:
        return;
    }
  }
}
