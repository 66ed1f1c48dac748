import { rm } from 'node:fs/promises';
import { appError } from '../../protocol/error-messages.js';
import type {
  ClosedByHand,
  PaneInfo,
  PaneMux,
  PaneSize,
  PaneSpec,
  SpawnedPane,
  SplitDirection,
} from '../../core/ports/panes.js';
import { closedByHand, holdPane, joinGroup, type Held, type HostGroups } from '../held-pane.js';
import { runCommand, type CommandResult } from '../run-command.js';

const TIMEOUT_MS = 15_000;
/**
 * TERM of an agent in a pane a group serves: WezTerm's default `term`. The group cannot read the
 * pane's own (a `term` set in wezterm.lua), and every WezTerm reads xterm-256color.
 */
const PANE_TERM = 'xterm-256color';

/** One row of `wezterm cli list --format json` (research §1.5); only the fields we read. */
interface WezListItem {
  window_id: number;
  tab_id: number;
  pane_id: number;
  workspace: string;
  title: string;
  tab_title: string;
  is_active: boolean;
  /** Null for a pane of a remote domain. */
  tty_name?: string | null;
}

export interface WeztermMuxOptions {
  weztermPath?: string;
  /** Environment of the CLI calls: WEZTERM_UNIX_SOCKET tells them which WezTerm to talk to. */
  env: Record<string, string>;
  /**
   * Host groups: an agent's pane then runs a holder, and its workspace's group serves the pane's
   * terminal (`wezterm cli list` names it), instead of a host process per pane.
   */
  hostGroups?: HostGroups;
}

/** WezTerm's own id of a pane; one a group serves is `N/<group pid>` in the daemon. */
const wez = (paneId: string): string => paneId.split('/')[0] ?? paneId;

/**
 * WezTerm backend, driven by `wezterm cli`: always `--no-auto-start` (never start a mux
 * server by accident) and an explicit `--pane-id` (never act on whichever pane has focus),
 * one call at a time (bursts of CLI calls can freeze the GUI), `list` parsed as JSON. A pane
 * served by a host group has the id `N/<group pid>`.
 */
export class WeztermMux implements PaneMux {
  readonly backend = 'wezterm' as const;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: WeztermMuxOptions) {}

  openWorkspace(workspace: string, spec: PaneSpec): Promise<SpawnedPane> {
    return this.place(workspace, spec, (program) =>
      this.cli(['spawn', '--new-window', `--workspace=${workspace}`, ...program]),
    );
  }

  async spawnPane(workspace: string, spec: PaneSpec): Promise<SpawnedPane> {
    const inWorkspace = (await this.list()).find((p) => p.workspace === workspace);
    if (!inWorkspace) return this.openWorkspace(workspace, spec);
    // A new tab in the window of a pane of that workspace.
    const id = wez(inWorkspace.id);
    return this.place(workspace, spec, (program) => this.cli(['spawn', '--pane-id', id, ...program], id));
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
    const id = wez(target);
    const workspace = this.o.hostGroups
      ? ((await this.list()).find((p) => wez(p.id) === id)?.workspace ?? '')
      : '';
    return this.place(workspace, spec, (program) =>
      this.cli(['split-pane', '--pane-id', id, `--${direction}`, ...amount, ...program], id),
    );
  }

  async focus(paneId: string): Promise<void> {
    await this.cli(['activate-pane', '--pane-id', wez(paneId)], paneId);
  }

  async setTitle(paneId: string, title: string): Promise<void> {
    await this.cli(['set-tab-title', '--pane-id', wez(paneId), '--', title], paneId);
  }

  closedByHand(paneId: string, agentId: string): Promise<ClosedByHand> {
    return closedByHand(this.o.hostGroups, paneId, agentId);
  }

  async list(): Promise<PaneInfo[]> {
    const rows = await this.rows();
    const served = new Map(
      (await (this.o.hostGroups?.servedPanes() ?? Promise.resolve([]))).map((s) => [wez(s.pane), s]),
    );
    return rows.map((r) => {
      const s = served.get(String(r.pane_id));
      return {
        id: s?.pane ?? String(r.pane_id),
        workspace: r.workspace,
        title: r.tab_title || r.title, // the title we set (a tab title), else the program's
        // WezTerm does not show user vars or env in `list` (wezterm#3675): a pane is known as an
        // agent's by its group's word, else the daemon maps it by pane id.
        agentId: s?.agent ?? null,
        pid: s?.pid ?? null,
        active: r.is_active,
        ours: s !== undefined,
      };
    });
  }

  private async rows(): Promise<WezListItem[]> {
    const out = await this.cli(['list', '--format', 'json']);
    let rows: WezListItem[];
    try {
      rows = JSON.parse(out) as WezListItem[];
    } catch (err) {
      throw appError('MUX_COMMAND_FAILED', { stdout: out.slice(0, 500) }, { cause: err });
    }
    return rows;
  }

  async kill(paneId: string): Promise<void> {
    await this.cli(['kill-pane', '--pane-id', wez(paneId)], paneId);
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

  /**
   * Starts a pane through `spawn` (given the program's arguments). With host groups an agent's
   * pane runs a holder, and its workspace's group serves the pane's terminal; a pane the group
   * cannot serve is closed.
   */
  private async place(
    workspace: string,
    spec: PaneSpec,
    spawn: (program: string[]) => Promise<string>,
  ): Promise<SpawnedPane> {
    const groups = this.o.hostGroups;
    const held = workspace === '' ? null : await holdPane(groups?.groupDir ?? null, spec, this.o.env);
    if (!groups || !held) return this.decorate(paneIdOf(await spawn(this.program(spec))), spec);
    let id: string;
    try {
      // The holder needs none of the agent's environment.
      id = paneIdOf(await spawn(this.program({ ...held.spec, env: {} })));
    } catch (err) {
      await rm(held.fifo, { force: true });
      throw err;
    }
    return this.serve(groups, workspace, id, spec, held);
  }

  private async serve(
    groups: HostGroups,
    workspace: string,
    id: string,
    spec: PaneSpec,
    held: Held,
  ): Promise<SpawnedPane> {
    try {
      const tty = (await this.rows()).find((r) => String(r.pane_id) === id)?.tty_name;
      // A pane of a remote domain has none; its host could not reach this daemon either.
      if (!tty) throw appError('MUX_COMMAND_FAILED', { pane: id });
      const pane = { id, pid: null, tty, term: PANE_TERM, session: workspace };
      const pid = await joinGroup(groups, pane, spec, held);
      await this.decorate(id, spec);
      return { id: `${id}/${pid}`, pid };
    } catch (err) {
      await this.cli(['kill-pane', '--pane-id', id], id).catch(() => undefined);
      await rm(held.fifo, { force: true });
      throw err;
    }
  }

  private async decorate(id: string, spec: PaneSpec): Promise<SpawnedPane> {
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
      throw appError('BACKEND_UNAVAILABLE', { reason: 'wezterm_missing', program: 'wezterm' });
    }
    const stderr = r.stderr.trim();
    // WezTerm words a missing pane differently per subcommand (its source, mirrored by the test fake).
    if (
      pane !== undefined &&
      /no such pane|pane_id \d+ invalid|pane \d+ not found|unable to resolve current (tab|window)/.test(
        stderr,
      )
    ) {
      throw appError('PANE_NOT_FOUND', { terminal: 'WezTerm', pane });
    }
    if (
      /failed to connect|Connection refused|No such file or directory|no default unix domain/i.test(stderr)
    ) {
      throw appError('BACKEND_UNAVAILABLE', { reason: 'wezterm_unreachable', stderr });
    }
    throw appError('MUX_COMMAND_FAILED', {
      command: r.command,
      exitCode: r.exitCode,
      signal: r.signal,
      timedOut: r.timedOut,
      stderr,
      terminal: 'WezTerm',
      error: stderr || `exit ${r.exitCode ?? r.signal}`,
    });
  }
}

/** The pane id `wezterm cli spawn` and `split-pane` print. */
function paneIdOf(out: string): string {
  const id = out.trim();
  if (!/^\d+$/.test(id)) throw appError('MUX_COMMAND_FAILED', { got: id.slice(0, 80) });
  return id;
}
