import { rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { nowMs, type Env } from './proc.js';
import { TmuxServer } from './tmux.js';

const CONNECT_TIMEOUT_MS = 30_000;
const GONE_TIMEOUT_MS = 10_000;

/** The pane program: connect to the benchmark's socket, write one line, stay connected. */
const paneScript = (socket: string): string =>
  `const c = require('net').createConnection(${JSON.stringify(socket)}, () => ` +
  `c.write(process.env.WTP_AGENT_ID + '\\n')); c.on('error', () => process.exit(1))`;

/**
 * The baseline of layout.quadTmux: the tmux commands the tmux adapter issues for a `quad`
 * workspace, run directly against a tmux server of our own, with a minimal Node program as
 * each pane's command instead of a host.
 */
export class QuadBaseline {
  private readonly sockets = new Set<Socket>();
  private waiting: { session: string; seen: Set<string>; resolve: (at: number) => void } | null = null;
  readonly tmux: TmuxServer;

  private constructor(
    private readonly server: Server,
    private readonly socket: string,
    private readonly repo: string,
    env: Env,
  ) {
    this.tmux = new TmuxServer(`wtp-bench-${process.pid}`, env, repo);
    server.on('connection', (s) => this.serve(s));
  }

  static start(home: string, repo: string, env: Env): Promise<QuadBaseline> {
    const socket = join(home, 'quad-baseline.sock');
    rmSync(socket, { force: true });
    const server = createServer();
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(socket, () => resolve(new QuadBaseline(server, socket, repo, env)));
    });
  }

  /**
   * Opens session `name` as the adapter would; resolves with ms until all four panes connected
   * and ms until the last tmux command returned.
   */
  async open(name: string): Promise<{ ms: number; commandsMs: number }> {
    const connected = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`baseline ${name}: panes did not connect`)),
        CONNECT_TIMEOUT_MS,
      );
      this.waiting = {
        session: name,
        seen: new Set(),
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
    });
    const place = (agent: string): string[] => [
      ...['-c', this.repo, '-e', `WTP_AGENT_ID=${name}-${agent}`, '-P', '-F', '#{pane_id} #{pane_pid}'],
      ...['--', process.execPath, '-e', paneScript(this.socket)],
    ];
    const decorate = async (out: string, agent: string): Promise<string> => {
      const id = out.trim().split(' ')[0] ?? '';
      await this.tmux.run(['set-option', '-p', '-t', id, '@wtp_agent', `${name}-${agent}`]);
      await this.tmux.run(['select-pane', '-t', id, '-T', agent]);
      return id;
    };
    const split = async (target: string, dir: '-h' | '-v', agent: string): Promise<string> =>
      decorate(
        await this.tmux.run(['split-window', '-d', '-t', target, dir, '-l', '50%', ...place(agent)]),
        agent,
      );
    const t0 = nowMs();
    const out = await this.tmux.run([
      'new-session',
      '-d',
      '-s',
      name,
      '-x',
      '160',
      '-y',
      '48',
      ...place('a1'),
    ]);
    await this.tmux.run(['set-option', '-s', 'allow-passthrough', 'on']);
    const a1 = await decorate(out, 'a1');
    const a2 = await split(a1, '-h', 'a2');
    await split(a1, '-v', 'a3');
    await split(a2, '-v', 'a4');
    const commandsMs = nowMs() - t0;
    return { ms: (await connected) - t0, commandsMs };
  }

  /** Kills the session, waits until it is gone, and drops the panes' connections. */
  async close(name: string): Promise<void> {
    await this.tmux.run(['kill-session', '-t', `=${name}`]);
    await this.tmux.waitSessionGone(name, GONE_TIMEOUT_MS);
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  async stop(): Promise<void> {
    this.tmux.kill();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    let text = '';
    socket.on('data', (d: Buffer) => {
      const at = nowMs();
      text += d.toString('utf8');
      const w = this.waiting;
      if (!w || !text.endsWith('\n')) return;
      const id = text.trim();
      if (!id.startsWith(`${w.session}-`)) return;
      w.seen.add(id);
      if (w.seen.size === 4) {
        this.waiting = null;
        w.resolve(at);
      }
    });
  }
}
