import { dirname, join } from 'node:path';
import { eventually, REPO, type TestHome } from './harness.js';

/** The `wtp` command users run (bin/wtp), which starts the TUI with its V8 flag. */
const LAUNCHER = join(REPO, 'bin', 'wtp');

/** tmux key names for `keys()`: anything else is typed literally. */
const TMUX_KEYS = new Set([
  'Enter',
  'Tab',
  'BTab',
  'Escape',
  'Up',
  'Down',
  'Left',
  'Right',
  'PPage',
  'NPage',
  'BSpace',
  'Space',
]);

/**
 * `wtp tui` in a pane of the test home's own tmux server, driven as a user drives it: keys with
 * `send-keys`, the screen read with `capture-pane` (the user's real tmux is never touched).
 */
export class TuiPane {
  private constructor(
    private readonly home: TestHome,
    readonly target: string,
  ) {}

  /**
   * Starts the TUI in a new tmux session `name` of `cols`×`rows`; `env` adds to (or, with
   * `undefined`, removes from) the home's environment — e.g. `{ NO_COLOR: undefined }` for colours.
   */
  static async start(
    home: TestHome,
    o: {
      cols?: number;
      rows?: number;
      name?: string;
      env?: Record<string, string | undefined>;
      args?: string[];
      /** The folder it starts in: the home's own by default, never the checkout running the tests. */
      cwd?: string;
    } = {},
  ): Promise<TuiPane> {
    const name = o.name ?? 'tui';
    // Started as a user starts it: the `wtp` command (bin/wtp), on the node running the tests.
    const env = { ...home.env, PATH: `${dirname(process.execPath)}:${home.env.PATH ?? ''}`, ...o.env };
    const vars = Object.entries(env).flatMap(([k, v]) =>
      v === undefined || k.startsWith('TMUX') ? [] : ['-e', `${k}=${v}`],
    );
    const unset = Object.entries(o.env ?? {}).flatMap(([k, v]) => (v === undefined ? [k] : []));
    const r = await home.tmux([
      'new-session',
      '-d',
      '-s',
      name,
      '-x',
      String(o.cols ?? 120),
      '-y',
      String(o.rows ?? 30),
      '-c',
      o.cwd ?? home.dir,
      ...vars,
      // The pane stays open after the TUI quits, so a test can read what it left on screen.
      ...(unset.length > 0 ? ['env', ...unset.flatMap((k) => ['-u', k])] : []),
      // A fixed script; the command comes as its arguments. It says how the TUI ended, after it.
      'sh',
      '-c',
      '"$@"; echo "[tui exited with status $?]"',
      'sh',
      LAUNCHER,
      ...(o.args ?? ['tui']),
    ]);
    if (r.code !== 0) throw new Error(`tmux new-session failed: ${r.stderr}`);
    await home.tmux(['set-option', '-t', name, 'remain-on-exit', 'on']);
    return new TuiPane(home, `${name}:0.0`);
  }

  /** Presses keys: tmux key names (`Enter`, `Tab`, `Escape`, `Down`, `C-]`…) or literal text. */
  async keys(...keys: string[]): Promise<void> {
    for (const k of keys) {
      const named = TMUX_KEYS.has(k) || /^C-.$/.test(k);
      const r = await this.home.tmux(['send-keys', '-t', this.target, ...(named ? [] : ['-l']), k]);
      if (r.code !== 0) throw new Error(`send-keys ${k}: ${r.stderr}`);
    }
  }

  /** The pane's screen as text (with SGR escapes when `escapes`). */
  async screen(escapes = false): Promise<string> {
    const r = await this.home.tmux(['capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', this.target]);
    return r.stdout;
  }

  /** Waits until the screen satisfies `ok` and returns it; the error shows the last screen. */
  async until(what: string, ok: (screen: string) => boolean, timeoutMs?: number): Promise<string> {
    let last = '';
    try {
      return await eventually(
        what,
        async () => {
          last = await this.screen();
          return ok(last) ? last : undefined;
        },
        timeoutMs,
      );
    } catch (err) {
      throw new Error(`${(err as Error).message}\nthe TUI showed:\n${last}`);
    }
  }

  /** Waits until `text` is on screen. */
  see(text: string, timeoutMs?: number): Promise<string> {
    return this.until(`"${text}" on screen`, (s) => s.includes(text), timeoutMs);
  }

  /** Resizes the terminal (the tmux window), as a user resizing theirs. */
  async resize(cols: number, rows: number): Promise<void> {
    await this.home.tmux([
      'resize-window',
      '-t',
      this.target.split(':')[0] ?? 'tui',
      '-x',
      String(cols),
      '-y',
      String(rows),
    ]);
  }

  /** Everything the pane printed, the scrolled-off part too, wrapped lines joined. */
  async history(): Promise<string> {
    return (await this.home.tmux(['capture-pane', '-p', '-J', '-S', '-', '-t', this.target])).stdout;
  }

  /** Waits until the TUI has ended and returns its exit status (the wrapper's last line, maybe scrolled up). */
  async exited(): Promise<number> {
    const line = /\[tui exited with status (\d+)\]/;
    const all = await eventually('the TUI to end', async () => {
      const text = await this.history();
      return line.test(text) ? text : undefined;
    });
    return Number(line.exec(all)?.[1]);
  }

  async close(): Promise<void> {
    await this.home.tmux(['kill-session', '-t', this.target.split(':')[0] ?? 'tui']);
    // The last session gone, tmux's server exits after kill-session returns: a client that connects
    // meanwhile gets "server exited unexpectedly". Closed means the server serves or is gone.
    await eventually('the tmux server to serve or be gone after kill-session', async () => {
      const r = await this.home.tmux(['list-sessions']);
      return r.code === 0 || /no server running|error connecting/.test(r.stderr);
    });
  }
}

/** The name on the selected row (`▸ ○ name …`), or undefined. */
export const selectedRow = (screen: string): string | undefined => /^▸ \S (\S+)/m.exec(screen)?.[1];

/**
 * Presses tab (the next agent that needs you) until the selected row matches (`/▸ ? name/`), once
 * the TUI's own list shows that row waiting: a press before its event arrived finds no one and
 * leaves "No agent needs you" on screen. After each press, waits until the selection itself moved,
 * or the TUI said none needs you (any other change of the screen, an uptime ticking, is not the
 * press taking effect).
 */
export async function select(tui: TuiPane, row: RegExp): Promise<void> {
  const listed = new RegExp(row.source.replace(/^▸ /, '^[▸ ] '), 'm');
  await tui.until(`${row} in the list`, (s) => listed.test(s));
  for (let i = 0; i < 6 && !row.test(await tui.screen()); i++) {
    const before = selectedRow(await tui.screen());
    await tui.keys('Tab');
    await tui.until(
      'the selection to move',
      (s) => selectedRow(s) !== before || s.includes('No agent needs you'),
    );
  }
  await tui.until(`${row} selected`, (s) => row.test(s));
}

/** Moves the selection with j and k (they stop at the ends) until `name`'s row is selected. */
export async function selectByName(tui: TuiPane, name: string): Promise<void> {
  for (let i = 0; i < 8; i++) {
    const screen = await tui.screen();
    const at = selectedRow(screen);
    if (at === name) return;
    const rows = [...screen.matchAll(/^[▸ ] \S (\S+) /gm)].map((m) => m[1]);
    await tui.keys(rows.indexOf(name) < rows.indexOf(at) ? 'k' : 'j');
    await tui.until('the selection to move', (s) => selectedRow(s) !== at);
  }
  await tui.until(`${name} selected`, (s) => selectedRow(s) === name);
}
