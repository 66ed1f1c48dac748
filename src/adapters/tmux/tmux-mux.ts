import { AppError } from '../../core/errors.js';
import type {
  PaneInfo,
  PaneMux,
  PaneSize,
  PaneSpec,
  SpawnedPane,
  SplitDirection,
} from '../../core/pane-mux.js';
import { runCommand, type CommandResult } from '../run-command.js';

const TIMEOUT_MS = 10_000;
const FIELDS = [
  'session_name',
  'pane_id',
  'pane_pid',
  'pane_dead',
  'pane_active',
  'pane_title',
  '@wtp_agent',
];
const SEP = '\u001f';

export interface TmuxMuxOptions {
  /** `-L` socket name: a dedicated server, so the user's own tmux is never touched. */
  socketName: string;
  tmuxPath?: string;
  /** Environment of the tmux server when this adapter starts it. */
  env: Record<string, string>;
  /** Size of new sessions until a client attaches. */
  cols?: number;
  rows?: number;
}

/**
 * tmux backend: a dedicated server (`-L wtp-<hash>`), exact targets (`=session`, `%pane`),
 * sessions as workspaces. Layout only: no keys are sent; agent I/O goes through the host.
 */
export class TmuxMux implements PaneMux {
  readonly backend = 'tmux' as const;

  constructor(private readonly o: TmuxMuxOptions) {}

  async openWorkspace(workspace: string, spec: PaneSpec): Promise<SpawnedPane> {
    const size = ['-x', String(this.o.cols ?? 160), '-y', String(this.o.rows ?? 48)];
    const out = await this.tmux(['new-session', '-d', '-s', workspace, ...size, ...this.placeArgs(spec)], {
      duplicateSession: workspace,
    });
    // Let OSC 1337 user vars and notifications reach an outer terminal (WezTerm).
    await this.tmux(['set-option', '-s', 'allow-passthrough', 'on']).catch(() => undefined);
    return this.decorate(out, spec);
  }

  async spawnPane(workspace: string, spec: PaneSpec): Promise<SpawnedPane> {
    if (!(await this.hasSession(workspace))) return this.openWorkspace(workspace, spec);
    const out = await this.tmux(['new-window', '-d', '-t', `=${workspace}:`, ...this.placeArgs(spec)]);
    return this.decorate(out, spec);
  }

  async splitPane(
    target: string,
    spec: PaneSpec,
    direction: SplitDirection,
    size?: PaneSize,
  ): Promise<SpawnedPane> {
    const dir = direction === 'left' || direction === 'right' ? ['-h'] : ['-v'];
    const before = direction === 'left' || direction === 'top' ? ['-b'] : [];
    const length = size ? ['-l', 'percent' in size ? `${size.percent}%` : String(size.cells)] : [];
    const out = await this.tmux(
      ['split-window', '-d', '-t', target, ...dir, ...before, ...length, ...this.placeArgs(spec)],
      {
        pane: target,
      },
    );
    return this.decorate(out, spec);
  }

  async focus(paneId: string): Promise<void> {
    await this.tmux(['select-window', '-t', paneId], { pane: paneId });
    await this.tmux(['select-pane', '-t', paneId], { pane: paneId });
  }

  async setTitle(paneId: string, title: string): Promise<void> {
    await this.tmux(['select-pane', '-t', paneId, '-T', title], { pane: paneId });
  }

  async list(): Promise<PaneInfo[]> {
    const r = await this.run(['list-panes', '-a', '-F', FIELDS.map((f) => `#{${f}}`).join(SEP)]);
    if (r.exitCode !== 0 && this.noServer(r)) return [];
    this.check(r);
    return r.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((line) => {
        const [session, id, pid, dead, active, title, agent] = line.split(SEP);
        return {
          id: id ?? '',
          workspace: session ?? '',
          title: title ?? '',
          agentId: agent ? agent : null,
          pid: pid ? Number(pid) : null,
          active: active === '1',
          dead: dead === '1',
        };
      })
      .filter((p) => !p.dead)
      .map(({ dead: _dead, ...p }) => p);
  }

  async kill(paneId: string): Promise<void> {
    await this.tmux(['kill-pane', '-t', paneId], { pane: paneId });
  }

  async closeWorkspace(workspace: string): Promise<void> {
    if (!(await this.hasSession(workspace))) return;
    await this.tmux(['kill-session', '-t', `=${workspace}`]);
  }

  /** Arguments that place a program in a new pane: cwd, environment, ids printed, command. */
  private placeArgs(spec: PaneSpec): string[] {
    const env = Object.entries(spec.env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    // An argument ending in ';' is a command separator to tmux (research §3.2): escape it.
    const argv = spec.argv.map((a) => (a.endsWith(';') ? `${a.slice(0, -1)}\\;` : a));
    return ['-c', spec.cwd, ...env, '-P', '-F', '#{pane_id} #{pane_pid}', '--', ...argv];
  }

  private async decorate(out: string, spec: PaneSpec): Promise<SpawnedPane> {
    const [id = '', pid = ''] = out.trim().split(' ');
    if (spec.agentId)
      await this.tmux(['set-option', '-p', '-t', id, '@wtp_agent', spec.agentId], { pane: id });
    if (spec.title) await this.tmux(['select-pane', '-t', id, '-T', spec.title], { pane: id });
    return { id, pid: pid ? Number(pid) : null };
  }

  private async hasSession(name: string): Promise<boolean> {
    const r = await this.run(['has-session', '-t', `=${name}`]);
    if (r.exitCode === 0) return true;
    if (this.noServer(r) || /can't find session/.test(r.stderr)) return false;
    this.check(r);
    return false;
  }

  private run(args: string[]): Promise<CommandResult> {
    return runCommand(this.o.tmuxPath ?? 'tmux', ['-L', this.o.socketName, ...args], {
      env: this.o.env,
      timeoutMs: TIMEOUT_MS,
    });
  }

  private async tmux(
    args: string[],
    ctx: { pane?: string; duplicateSession?: string } = {},
  ): Promise<string> {
    const r = await this.run(args);
    if (r.exitCode === 0) return r.stdout;
    if (ctx.pane && (/can't find pane/.test(r.stderr) || this.noServer(r))) {
      throw new AppError('PANE_NOT_FOUND', `tmux pane ${ctx.pane} does not exist.`, { pane: ctx.pane });
    }
    if (ctx.duplicateSession && /duplicate session/.test(r.stderr)) {
      throw new AppError('WORKSPACE_EXISTS', `A tmux session "${ctx.duplicateSession}" already exists.`, {
        workspace: ctx.duplicateSession,
      });
    }
    this.check(r);
    return r.stdout;
  }

  private noServer(r: CommandResult): boolean {
    return /no server running|error connecting|server exited/.test(r.stderr);
  }

  private check(r: CommandResult): void {
    if (r.exitCode === 0) return;
    if (r.spawnError === 'ENOENT') {
      throw new AppError('BACKEND_UNAVAILABLE', 'tmux is not installed (no `tmux` on PATH).', {
        reason: 'tmux_missing',
      });
    }
    throw new AppError(
      'MUX_COMMAND_FAILED',
      `tmux failed: ${r.stderr.trim() || `exit ${r.exitCode ?? r.signal}`}`,
      {
        command: r.command,
        exitCode: r.exitCode,
        signal: r.signal,
        timedOut: r.timedOut,
        stderr: r.stderr,
      },
    );
  }
}
