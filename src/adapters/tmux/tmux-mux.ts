import { isAppError } from '../../core/errors.js';
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
import { rm } from 'node:fs/promises';
import { runCommand, type CommandResult } from '../run-command.js';
import {
  closedByHand,
  describePane,
  holdPane,
  joinGroup,
  PANE_FORMAT,
  type Held,
  type HostGroups,
} from '../held-pane.js';
import { escapeSemicolon, isSequence, literal, tagCommands, tmuxTarget } from './tmux-args.js';

const TIMEOUT_MS = 10_000;
/** Tries of a command that met a server in the middle of exiting, and the pause before the next. */
const EXITING_SERVER_ATTEMPTS = 5;
const EXITING_SERVER_PAUSE_MS = 20;
const FIELDS = [
  'session_name',
  'pane_id',
  'pane_pid',
  'pane_dead',
  'pane_active',
  'pane_title',
  '@wtp_agent',
  '@wtp_owned',
  '@wtp_host',
];
const SEP = '\u001f';
/** Tries of `spawnPane` when its session vanishes or appears meanwhile. */
const SESSION_RACE_ATTEMPTS = 3;
/** ` a1 · running ` on each pane's top border (the host keeps `@wtp_state` current). */
const BORDER_FORMAT =
  ' #{?@wtp_title,#{@wtp_title},#{pane_title}}#{?@wtp_state, · #{?#{m:needs*,#{@wtp_state}},#[bold fg=yellow],}#{@wtp_state}#[default],} ';

export interface TmuxMuxOptions {
  /** `-L` socket name: a dedicated server, so the user's own tmux is never touched. */
  socketName: string;
  /** Where that socket lives: removed with the server, as tmux 3.3 leaves it behind. */
  socketPath?: string;
  tmuxPath?: string;
  /** Environment of the tmux server when this adapter starts it. */
  env: Record<string, string>;
  /** Size of new sessions until a client attaches. */
  cols?: number;
  rows?: number;
  /**
   * Host groups (the headless backend's): a pane then runs a holder, and its workspace's group
   * serves the pane's terminal, instead of a host process per pane.
   */
  hostGroups?: HostGroups;
}

/**
 * tmux backend: a dedicated server (`-L wtp-<hash>`), exact targets (`=session`, `%pane`),
 * sessions as workspaces. Layout only: no keys are sent; agent I/O goes through the host. A pane
 * served by a host group has the id `%N/<group pid>`.
 */
export class TmuxMux implements PaneMux {
  readonly backend = 'tmux' as const;

  private readonly tagging = new Set<Promise<void>>();

  constructor(private readonly o: TmuxMuxOptions) {}

  async openWorkspace(workspace: string, spec: PaneSpec): Promise<SpawnedPane> {
    const held = await this.holder(spec);
    const out = await this.newSession(workspace, held?.spec ?? spec).catch(async (err: unknown) => {
      if (held) await rm(held.fifo, { force: true });
      throw err;
    });
    return held ? this.serve(out, spec, held) : parsePane(out);
  }

  private async newSession(workspace: string, spec: PaneSpec): Promise<string> {
    const size = ['-x', String(this.o.cols ?? 160), '-y', String(this.o.rows ?? 48)];
    // Named windows (`-n`) keep their name instead of showing the running program (`node`).
    const out = await this.tmux(
      [
        'new-session',
        '-d',
        '-s',
        literal(workspace),
        '-n',
        literal(workspace),
        ...size,
        ...this.placeArgs(spec),
      ],
      {
        duplicateSession: workspace,
      },
    );
    // One more call: `new-session -e` also sets the session environment, which later windows
    // would inherit, so unset it; the server is ours alone, so global options are safe: let OSC
    // 1337 user vars reach an outer terminal (WezTerm) and show each pane's agent and state on its
    // top border; and tag the pane.
    const pane = parsePane(out);
    await this.tmux(
      [
        ...tagCommands(pane.id, spec),
        ...Object.keys(spec.env).map((name) => ['set-environment', '-t', `=${workspace}`, '-u', name]),
        // A server that goes away was killed or crashed, never emptied by a closed pane: the hosts
        // tell the two apart (a vanished server is not a stop); an empty server is reaped below.
        ['set-option', '-s', 'exit-empty', 'off'],
        ['set-option', '-g', '-w', 'pane-border-status', 'top'],
        ['set-option', '-g', '-w', 'pane-border-format', BORDER_FORMAT],
        // Last: tmux before 3.3 has no such option, and a failing command ends the sequence.
        ['set-option', '-s', 'allow-passthrough', 'on'],
      ],
      { pane: pane.id },
    ).catch((err: unknown) => {
      if (!(isAppError(err) && /invalid option|unknown option/.test(String(err.details?.stderr)))) throw err;
    });
    return out;
  }

  /**
   * A new window in the session, or the session itself when there is none. The session can
   * vanish between the check and `new-window` (its last pane just closed) or appear (another
   * agent opened it): both are retried, so concurrent starts and removals never fail.
   */
  async spawnPane(workspace: string, spec: PaneSpec): Promise<SpawnedPane> {
    const name = spec.title ? ['-n', literal(spec.title)] : [];
    const held = await this.holder(spec);
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= SESSION_RACE_ATTEMPTS;
      if (!(await this.hasSession(workspace))) {
        try {
          const out = await this.newSession(workspace, held?.spec ?? spec);
          return held ? await this.serve(out, spec, held) : parsePane(out);
        } catch (err) {
          if (!last && isAppError(err) && err.code === 'WORKSPACE_EXISTS') continue;
          throw err;
        }
      }
      const r = await this.run([
        'new-window',
        '-d',
        '-t',
        `=${workspace}:`,
        ...name,
        ...this.placeArgs(held?.spec ?? spec),
      ]);
      if (r.exitCode === 0) return held ? this.serve(r.stdout, spec, held) : this.tagLater(r.stdout, spec);
      if (!last && this.sessionGone(r)) continue;
      if (held) await rm(held.fifo, { force: true });
      this.check(r);
    }
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
    const held = await this.holder(spec);
    const t = tmuxTarget(target);
    const out = await this.tmux(
      ['split-window', '-d', '-t', t, ...dir, ...before, ...length, ...this.placeArgs(held?.spec ?? spec)],
      { pane: t },
    ).catch(async (err: unknown) => {
      if (held) await rm(held.fifo, { force: true });
      throw err;
    });
    return held ? this.serve(out, spec, held) : this.tagLater(out, spec);
  }

  /** With host groups, an agent's pane runs a holder instead of its host (tmux-held-pane.ts). */
  private holder(spec: PaneSpec): Promise<Held | null> {
    return holdPane(this.o.hostGroups?.groupDir ?? null, spec, this.o.env);
  }

  /** Hands a holder's pane to its workspace's host group; a pane the group cannot serve is closed. */
  private async serve(out: string, spec: PaneSpec, held: Held): Promise<SpawnedPane> {
    const pane = describePane(out);
    try {
      const groups = this.o.hostGroups;
      if (!groups || !this.o.socketPath) throw new Error('no host groups');
      const pid = await joinGroup(groups, pane, spec, held, this.o.socketPath);
      const host = ['set-option', '-p', '-t', pane.id, '@wtp_host', String(pid)];
      await this.tmux([...tagCommands(pane.id, spec), host], { pane: pane.id });
      return { id: `${pane.id}/${pid}`, pid };
    } catch (err) {
      await this.run(['kill-pane', '-t', pane.id]);
      await rm(held.fifo, { force: true });
      throw err;
    }
  }

  async focus(paneId: string): Promise<void> {
    await this.tagged();
    const t = tmuxTarget(paneId);
    await this.tmux(['select-window', '-t', t], { pane: paneId });
    await this.tmux(['select-pane', '-t', t], { pane: paneId });
  }

  async setTitle(paneId: string, title: string): Promise<void> {
    await this.tagged();
    await this.tmux(['select-pane', '-t', tmuxTarget(paneId), '-T', literal(title)], { pane: paneId });
  }

  async list(): Promise<PaneInfo[]> {
    await this.tagged();
    const r = await this.run(['list-panes', '-a', '-F', FIELDS.map((f) => `#{${f}}`).join(SEP)]);
    // A server whose last pane was closed by hand runs on with no session (`exit-empty off`), and
    // tmux then finds no target for `list-panes -a`: no pane, not a failure.
    if (r.exitCode !== 0 && (this.noServer(r) || /no current target/.test(r.stderr))) return [];
    this.check(r);
    return r.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((line) => {
        const [session, id, pid, dead, active, title, agent, owned, host] = line.split(SEP);
        const hostPid = host && /^\d+$/.test(host) ? Number(host) : null;
        return {
          id: hostPid === null ? (id ?? '') : `${id ?? ''}/${hostPid}`,
          workspace: session ?? '',
          title: title ?? '',
          agentId: agent ? agent : null,
          pid: hostPid ?? (pid ? Number(pid) : null),
          active: active === '1',
          ours: owned === '1',
          dead: dead === '1',
        };
      })
      .filter((p) => !p.dead)
      .map(({ dead: _dead, ...p }) => p);
  }

  async kill(paneId: string): Promise<void> {
    await this.tagged();
    try {
      await this.tmux(['kill-pane', '-t', tmuxTarget(paneId)], { pane: paneId });
    } finally {
      await this.reapIfEmpty();
    }
  }

  closedByHand(paneId: string, agentId: string): Promise<ClosedByHand> {
    return closedByHand(this.o.hostGroups, paneId, agentId);
  }

  async closeWorkspace(workspace: string): Promise<void> {
    await this.tagged();
    const r = await this.run(['kill-session', '-t', `=${workspace}`]);
    if (r.exitCode !== 0 && !this.sessionGone(r)) this.check(r); // already gone is fine
    await this.reapIfEmpty();
  }

  /**
   * Ends the server once it has no session left (it runs with `exit-empty off`) and removes its
   * socket file; a server that is already gone leaves only the file to remove.
   */
  private async reapIfEmpty(): Promise<void> {
    const r = await this.run(['list-sessions', '-F', '#{session_id}']);
    if (r.exitCode === 0 && r.stdout.trim() !== '') return;
    if (r.exitCode !== 0 && !this.noServer(r)) return; // cannot tell: leave it
    if (r.exitCode === 0) await this.run(['kill-server']);
    if (this.o.socketPath) await rm(this.o.socketPath, { force: true }).catch(() => undefined);
  }

  /** Arguments that place a program in a new pane: cwd, environment, ids printed, command. */
  private placeArgs(spec: PaneSpec): string[] {
    const env = Object.entries(spec.env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    // tmux hands a lone argument to `sh -c` as a command line; a fixed script keeps it one word.
    const argv = spec.argv.length === 1 ? ['/bin/sh', '-c', 'exec "$0"', ...spec.argv] : spec.argv;
    // `-e` values are not formats; `-c` is (a folder named `#(cmd)` would run cmd).
    return ['-c', literal(spec.cwd), ...env, '-P', '-F', PANE_FORMAT, '--', ...argv];
  }

  /**
   * Tags a new pane as ours, with its agent and title, without holding up the caller (the next split of a
   * layout need not wait); `list`, `focus`, `kill` and `closeWorkspace` wait for pending tags.
   */
  private tagLater(out: string, spec: PaneSpec): SpawnedPane {
    const pane = parsePane(out);
    const p = this.tmux(tagCommands(pane.id, spec), { pane: pane.id }).then(
      () => undefined,
      () => undefined, // a pane closed at once: nothing to tag
    );
    this.tagging.add(p);
    void p.finally(() => this.tagging.delete(p));
    return pane;
  }

  /** Waits for the tags of panes created so far. */
  private async tagged(): Promise<void> {
    await Promise.all([...this.tagging]);
  }

  private async hasSession(name: string): Promise<boolean> {
    const r = await this.run(['has-session', '-t', `=${name}`]);
    if (r.exitCode === 0) return true;
    if (this.sessionGone(r)) return false;
    this.check(r);
    return false;
  }

  /** Runs one tmux command, or several in one call (`string[][]`, joined with tmux's `;`). */
  private async run(cmd: string[] | string[][]): Promise<CommandResult> {
    const cmds = isSequence(cmd) ? cmd : [cmd];
    // An argument ending in ';' is a command separator to tmux (research §3.2): escape every
    // one, so the lone ';' placed between commands here is the only separator.
    const escaped = cmds.flatMap((c, i) => [...(i > 0 ? [';'] : []), ...c.map(escapeSemicolon)]);
    for (let attempt = 1; ; attempt++) {
      const r = await runCommand(this.o.tmuxPath ?? 'tmux', ['-L', this.o.socketName, ...escaped], {
        env: this.o.env,
        timeoutMs: TIMEOUT_MS,
      });
      // A server shutting down (its last session just closed) drops commands unrun: ask again.
      if (attempt >= EXITING_SERVER_ATTEMPTS || !/server exited unexpectedly/.test(r.stderr)) return r;
      await new Promise((resolve) => setTimeout(resolve, EXITING_SERVER_PAUSE_MS * attempt));
    }
  }

  private async tmux(
    args: string[] | string[][],
    ctx: { pane?: string; duplicateSession?: string } = {},
  ): Promise<string> {
    const r = await this.run(args);
    if (r.exitCode === 0) return r.stdout;
    if (ctx.pane && (/can't find pane/.test(r.stderr) || this.noServer(r))) {
      throw appError('PANE_NOT_FOUND', { terminal: 'tmux', pane: ctx.pane });
    }
    if (ctx.duplicateSession && /duplicate session/.test(r.stderr)) {
      throw appError('WORKSPACE_EXISTS', { workspace: ctx.duplicateSession });
    }
    this.check(r);
    return r.stdout;
  }

  /** tmux's answers for a session that does not exist (or a server with none left). */
  private sessionGone(r: CommandResult): boolean {
    return this.noServer(r) || /can't find session|no current target|session not found/.test(r.stderr);
  }

  private noServer(r: CommandResult): boolean {
    return /no server running|error connecting|server exited/.test(r.stderr);
  }

  private check(r: CommandResult): void {
    if (r.exitCode === 0) return;
    if (r.spawnError === 'ENOENT') {
      throw appError('BACKEND_UNAVAILABLE', { reason: 'tmux_missing', program: 'tmux' });
    }
    throw appError('MUX_COMMAND_FAILED', {
      command: r.command,
      exitCode: r.exitCode,
      signal: r.signal,
      timedOut: r.timedOut,
      stderr: r.stderr,
      terminal: 'tmux',
      error: r.stderr.trim() || `exit ${r.exitCode ?? r.signal}`,
    });
  }
}

/** `%12 4711 …` (PANE_FORMAT) → the pane. */
function parsePane(out: string): SpawnedPane {
  const { id, pid } = describePane(out);
  return { id, pid };
}
