import { join } from 'node:path';
import type { ProcessAdapters } from './process-adapters.js';
import { HeadlessMux } from '../adapters/headless/headless-mux.js';
import { fsPreflight } from '../adapters/preflight/fs-preflight.js';
import { runCommand, type CommandResult } from '../adapters/run-command.js';
import { TmuxMux } from '../adapters/tmux/tmux-mux.js';
import { WeztermMux } from '../adapters/wezterm/wezterm-mux.js';
import type { MuxRegistry, PaneMux } from '../core/ports/panes.js';
import type { WtpEnv } from '../config/env.js';
import { pathWithTool, toolSearchPath, type PaneTool } from '../config/tool-dirs.js';
import { tmuxSocketPath } from '../config/paths.js';
import type { Backend, BackendChoice } from '../protocol/constants.js';
import { appError } from '../protocol/error-messages.js';

export type BackendProbe = Record<Backend, { available: boolean; reason: string; path: string | null }>;

/**
 * What can run here: WezTerm needs its socket and CLI; tmux needs `tmux -V` to work. Each program
 * is looked for on PATH, then where a Mac keeps it off PATH (src/config/tool-dirs.ts); `path` is
 * what was found, run by its absolute path from then on.
 */
export async function probeBackends(env: WtpEnv, pathVar: string | undefined): Promise<BackendProbe> {
  const find = (tool: PaneTool) =>
    fsPreflight.resolveCommand(tool, { cwd: '/', pathVar: toolSearchPath(tool, pathVar, env) });
  const wezterm = find('wezterm');
  const tmuxFound = find('tmux');
  const tmuxPath = tmuxFound.ok ? tmuxFound.path : null;
  const tmux: CommandResult | null =
    tmuxPath === null
      ? null
      : await runCommand(tmuxPath, ['-V'], {
          timeoutMs: 3_000,
          ...(pathVar ? { env: { PATH: pathVar } } : {}),
        });
  return {
    wezterm: !wezterm.ok
      ? { available: false, reason: '`wezterm` is not on PATH', path: null }
      : env.weztermSocket === undefined
        ? {
            available: false,
            reason: 'WEZTERM_UNIX_SOCKET is not set (not started from inside WezTerm)',
            path: wezterm.path,
          }
        : {
            available: true,
            reason: `\`wezterm\` at ${wezterm.path}, WezTerm at ${env.weztermSocket}`,
            path: wezterm.path,
          },
    tmux:
      tmux === null
        ? { available: false, reason: '`tmux` is not on PATH', path: null }
        : tmux.exitCode === 0
          ? { available: true, reason: tmuxReason(tmux.stdout.trim(), tmuxPath, pathVar), path: tmuxPath }
          : { available: false, reason: tmux.stderr.trim() || `\`tmux -V\` failed`, path: null },
    headless: { available: true, reason: 'always available', path: null },
  };
}

/** `tmux 3.3a`, and where it was found when PATH has not got it. */
function tmuxReason(version: string, path: string | null, pathVar: string | undefined): string {
  return path === null || pathWithTool(pathVar, path) === pathVar
    ? version
    : `${version} (${path}, not on PATH)`;
}

/** The backend new workspaces use, and why it was chosen. */
export interface ChosenBackend {
  backend: Backend;
  reason: string;
}

/** Resolves `auto` (WezTerm inside WezTerm, else tmux, else headless) and checks an explicit choice. */
export function chooseBackend(choice: BackendChoice, probe: BackendProbe, env: WtpEnv): ChosenBackend {
  if (choice !== 'auto') {
    if (!probe[choice].available) {
      throw appError('BACKEND_UNAVAILABLE', { backend: choice, reason: probe[choice].reason });
    }
    return { backend: choice, reason: `chosen explicitly (${probe[choice].reason})` };
  }
  if (env.weztermPane !== undefined && probe.wezterm.available) {
    return {
      backend: 'wezterm',
      reason: `auto: inside WezTerm (WEZTERM_PANE=${env.weztermPane}) with \`wezterm\` at ${probe.wezterm.path ?? '?'}`,
    };
  }
  if (probe.tmux.available) {
    const why =
      env.weztermPane === undefined ? 'not inside WezTerm' : `WezTerm unusable (${probe.wezterm.reason})`;
    return { backend: 'tmux', reason: `auto: ${why}; ${probe.tmux.reason} found` };
  }
  return {
    backend: 'headless',
    reason: `auto: no WezTerm (${probe.wezterm.reason}) and no tmux (${probe.tmux.reason})`,
  };
}

/** The daemon's muxes, created on first use; unavailable backends throw BACKEND_UNAVAILABLE. */
export function createMuxRegistry(o: {
  probe: BackendProbe;
  env: Record<string, string>;
  stateDir: string;
  processes: ProcessAdapters;
  tmuxSocketName: string;
  /** The hosts of one workspace share a process (every backend). */
  hostGroups?: boolean;
  /** A new tmux session's panes: agents.cols × rows (a pane of another size, the user's, decides). */
  size?: { cols: number; rows: number };
}): MuxRegistry {
  const made = new Map<Backend, PaneMux>();
  // The hosts of a terminal's panes: groups of their own, apart from the headless backend's.
  const paneGroups = (folder: string): HeadlessMux =>
    new HeadlessMux({
      env: o.env,
      owner: join(o.stateDir, folder),
      facts: o.processes.facts,
      environments: false,
      groups: true,
    });
  const make = (b: Backend): PaneMux => {
    switch (b) {
      case 'tmux':
        return new TmuxMux({
          ...(o.probe.tmux.path === null ? {} : { tmuxPath: o.probe.tmux.path }),
          socketName: o.tmuxSocketName,
          socketPath: tmuxSocketPath(o.tmuxSocketName, o.env.TMUX_TMPDIR, process.getuid?.() ?? 0),
          env: o.env,
          // One more row for the session's status line.
          ...(o.size ? { cols: o.size.cols, rows: o.size.rows + 1 } : {}),
          ...(o.hostGroups ? { hostGroups: paneGroups('tmux-hosts') } : {}),
        });
      case 'wezterm':
        return new WeztermMux({
          ...(o.probe.wezterm.path === null ? {} : { weztermPath: o.probe.wezterm.path }),
          env: o.env,
          ...(o.hostGroups ? { hostGroups: paneGroups('wezterm-hosts') } : {}),
        });
      case 'headless':
        return new HeadlessMux({
          env: o.env,
          owner: o.stateDir,
          facts: o.processes.facts,
          environments: o.processes.kind === 'procfs',
          groups: o.hostGroups ?? false,
        });
    }
  };
  return {
    available: (b) => o.probe[b].available,
    get(b) {
      if (!o.probe[b].available) {
        throw appError('BACKEND_UNAVAILABLE', { backend: b, reason: o.probe[b].reason });
      }
      let mux = made.get(b);
      if (!mux) {
        mux = make(b);
        made.set(b, mux);
      }
      return mux;
    },
  };
}
