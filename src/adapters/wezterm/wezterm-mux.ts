import { AppError } from '../../core/errors.js';
import type {
  PaneInfo,
  PaneMux,
  PaneSize,
  PaneSpec,
  SpawnedPane,
  SplitDirection,
} from '../../core/ports/panes.js';
import { runCommand, type CommandResult } from '../run-command.js';

const TIMEOUT_MS = 15_000;

/** One row of `wezterm cli list --format json` (research §1.5); only the fields we read. */
interface WezListItem {
  window_id: number;
  tab_id: number;
  pane_id: number;
  workspace: string;
  title: string;
  tab_title: string;
  is_active: boolean;
}

export interface WeztermMuxOptions {
  weztermPath?: string;
  /** Environment of the CLI calls: WEZTERM_UNIX_SOCKET tells them which WezTerm to talk to. */
  env: Record<string, string>;
}

/**
 * WezTerm backend, driven by `wezterm cli`: always `--no-auto-start` (never start a mux
 * server by accident) and an explicit `--pane-id` (never act on whichever pane has focus),
 * one call at a time (bursts of CLI calls can freeze the GUI), `list` parsed as JSON.
 */
export class WeztermMux implements PaneMux {
  readonly backend = 'wezterm' as const;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: WeztermMuxOptions) {}

  async openWorkspace(workspace: string, spec: PaneSpec): Promise<SpawnedPane> {
    const out = await this.cli(['spawn', '--new-window', `--workspace=${workspace}`, ...this.program(spec)]);
    return this.decorate(out, spec);
  }

  async spawnPane(workspace: string, spec: PaneSpec): Promise<SpawnedPane> {
    const inWorkspace = (await this.list()).find((p) => p.workspace === workspace);
    if (!inWorkspace) return this.openWorkspace(workspace, spec);
    // A new tab in the window of a pane of that workspace.
    const out = await this.cli(['spawn', '--pane-id', inWorkspace.id, ...this.program(spec)], inWorkspace.id);
    return this.decorate(out, spec);
  }

  async splitPane(
    target: string,
    spec: PaneSpec,
    direction: SplitDirection,
    size?: PaneSize,
  ): Promise<SpawnedPane> {
    const amount = size
      ? 'percent' in size
        ? ['--percent', String(size.percent)]
        : ['--cells', String(size.cells)]
      : [];
    const out = await this.cli(
      ['split-pane', '--pane-id', target, `--${direction}`, ...amount, ...this.program(spec)],
      target,
    );
    return this.decorate(out, spec);
  }

  async focus(paneId: string): Promise<void> {
    await this.cli(['activate-pane', '--pane-id', paneId], paneId);
  }

  async setTitle(paneId: string, title: string): Promise<void> {
    await this.cli(['set-tab-title', '--pane-id', paneId, '--', title], paneId);
  }

  async list(): Promise<PaneInfo[]> {
    const out = await this.cli(['list', '--format', 'json']);
    let rows: WezListItem[];
    try {
      rows = JSON.parse(out) as WezListItem[];
    } catch (err) {
      throw new AppError(
        'MUX_COMMAND_FAILED',
        'wezterm cli list printed something that is not JSON.',
        {
          stdout: out.slice(0, 500),
        },
        { cause: err },
      );
    }
    return rows.map((r) => ({
      id: String(r.pane_id),
      workspace: r.workspace,
      title: r.tab_title || r.title, // the title we set (a tab title), else the program's
      agentId: null, // WezTerm does not show user vars or env in `list` (wezterm#3675); the daemon maps by pane id
      pid: null,
      active: r.is_active,
      ours: false, // no pane options or environment in `list` (wezterm#3675)
    }));
  }

  async kill(paneId: string): Promise<void> {
    await this.cli(['kill-pane', '--pane-id', paneId], paneId);
  }

  async closeWorkspace(workspace: string): Promise<void> {
    for (const p of await this.list()) {
      if (p.workspace === workspace) await this.kill(p.id).catch(() => undefined);
    }
  }

  /**
   * `--cwd=DIR -- [env K=V …] argv…`: `wezterm cli spawn` has no --env flag (research §1.4).
   * Values go in `--opt=value` form: clap reads a separate value that starts with `-` as an option.
   * WezTerm expands nothing in them (no formats, no shell).
   */
  private program(spec: PaneSpec): string[] {
    const env = Object.entries(spec.env).map(([k, v]) => `${k}=${v}`);
    if (env.length === 0) return [`--cwd=${spec.cwd}`, '--', ...spec.argv];
    // `env` would take a program whose name holds `=` for one more variable: start it from a
    // fixed script instead, which runs its arguments as they are.
    const argv = spec.argv[0]?.includes('=') ? ['/bin/sh', '-c', 'exec "$0" "$@"', ...spec.argv] : spec.argv;
    return [`--cwd=${spec.cwd}`, '--', 'env', ...env, ...argv];
  }

  private async decorate(out: string, spec: PaneSpec): Promise<SpawnedPane> {
    const id = out.trim();
    if (!/^\d+$/.test(id)) {
      throw new AppError(
        'MUX_COMMAND_FAILED',
        `wezterm cli did not print a pane id (got "${id.slice(0, 80)}").`,
      );
    }
    if (spec.title) await this.cli(['set-tab-title', '--pane-id', id, '--', spec.title], id);
    return { id, pid: null };
  }

  /** Runs `wezterm cli --no-auto-start ARGS`, one call at a time; `pane` names the pane acted on. */
  private cli(args: string[], pane?: string): Promise<string> {
    const run = this.queue.then(async () => {
      const r = await runCommand(this.o.weztermPath ?? 'wezterm', ['cli', '--no-auto-start', ...args], {
        env: this.o.env,
        timeoutMs: TIMEOUT_MS,
      });
      return this.check(r, pane);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private check(r: CommandResult, pane: string | undefined): string {
    if (r.exitCode === 0) return r.stdout;
    if (r.spawnError === 'ENOENT') {
      throw new AppError('BACKEND_UNAVAILABLE', 'The `wezterm` program is not on PATH.', {
        reason: 'wezterm_missing',
      });
    }
    const stderr = r.stderr.trim();
    // WezTerm words a missing pane differently per subcommand (its source, mirrored by the test fake).
    if (
      pane !== undefined &&
      /no such pane|pane_id \d+ invalid|pane \d+ not found|unable to resolve current (tab|window)/.test(
        stderr,
      )
    ) {
      throw new AppError('PANE_NOT_FOUND', `WezTerm pane ${pane} does not exist.`, { pane });
    }
    if (
      /failed to connect|Connection refused|No such file or directory|no default unix domain/i.test(stderr)
    ) {
      throw new AppError(
        'BACKEND_UNAVAILABLE',
        'WezTerm is not reachable (is it running? WEZTERM_UNIX_SOCKET).',
        {
          reason: 'wezterm_unreachable',
          stderr,
        },
      );
    }
    throw new AppError(
      'MUX_COMMAND_FAILED',
      `wezterm cli failed: ${stderr || `exit ${r.exitCode ?? r.signal}`}`,
      {
        command: r.command,
        exitCode: r.exitCode,
        signal: r.signal,
        timedOut: r.timedOut,
        stderr,
      },
    );
  }
}
