import { rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { TmuxMux } from '../src/adapters/tmux/tmux-mux.js';
import { BUILTIN_TEMPLATES } from '../src/config/builtin-templates.js';
import { parseTemplate } from '../src/config/templates.js';
import { planLayout } from '../src/core/workspaces/layout-plan.js';
import type { PaneSpec } from '../src/core/ports/panes.js';
import { nowMs, type Env } from './proc.js';
import { TmuxServer } from './tmux.js';

const CONNECT_TIMEOUT_MS = 30_000;
const GONE_TIMEOUT_MS = 10_000;

/** The steps the workspace service takes for the built-in `quad` template. */
const QUAD_PLAN = planLayout(parseTemplate(BUILTIN_TEMPLATES.quad ?? '', 'quad').layout);

/** The pane program: connect to the benchmark's socket, write one line, stay connected. */
const paneScript = (socket: string): string =>
  `const c = require('net').createConnection(${JSON.stringify(socket)}, () => ` +
  `c.write(process.env.WTP_AGENT_ID + '\\n')); c.on('error', () => process.exit(1))`;

/**
 * The baseline of layout.quadTmux: the tmux commands of a `quad` workspace, issued by the
 * product's own tmux adapter (so they stay the same calls) straight from the benchmark against
 * a tmux server of our own, with a minimal Node program as each pane's command instead of a host.
 */
export class QuadBaseline {
  private readonly sockets = new Set<Socket>();
  private waiting: { session: string; seen: Set<string>; resolve: (at: number) => void } | null = null;
  readonly tmux: TmuxServer;
  private readonly mux: TmuxMux;

  private constructor(
    private readonly server: Server,
    private readonly socket: string,
    private readonly repo: string,
    env: Env,
  ) {
    this.tmux = new TmuxServer(`wtp-bench-${process.pid}`, env, repo);
    this.mux = new TmuxMux({ socketName: this.tmux.socketName, env });
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
   * Opens session `name` as the daemon would (the quad template's plan, one step after the other,
   * through the product's TmuxMux); resolves with ms until all four panes connected and ms
   * until the last tmux call returned.
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
    const t0 = nowMs();
    const paneOf: string[] = [];
    for (const step of QUAD_PLAN) {
      const title = 'agent' in step.leaf ? step.leaf.agent.name : 'pane';
      const spec: PaneSpec = {
        argv: [process.execPath, '-e', paneScript(this.socket)],
        cwd: this.repo,
        env: { WTP_AGENT_ID: `${name}-${title}` },
        title,
        agentId: `${name}-${title}`,
      };
      const at = step.at;
      const pane =
        at.kind === 'split'
          ? await this.mux.splitPane(paneOf[at.target] ?? '', spec, at.direction, at.size)
          : await this.mux.openWorkspace(name, spec);
      paneOf.push(pane.id);
    }
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
