import { homedir } from 'node:os';
import { AGENT_CLI_PROFILES, agentBinVar as binVar } from '../protocol/constants.js';

const [FIRST_CLI, ...OTHER_CLIS] = AGENT_CLI_PROFILES;

/** Every environment variable wezterm-parallel reads. This module is the only reader of process.env. */
export interface WtpEnv {
  /** WTP_HOME: put every file (config, state, sockets, logs) under this folder. */
  home: string | undefined;
  xdgConfigHome: string | undefined;
  xdgStateHome: string | undefined;
  userHome: string;
  /** SHELL: the `shell` profile runs it. */
  shell: string | undefined;
  path: string | undefined;
  /** WTP_API_PORT: overrides api.port (0 picks a free port). */
  apiPort: string | undefined;
  /** WTP_LOG_LEVEL: overrides logs.level. */
  logLevel: string | undefined;
  /** WTP_CONFIG: an explicit config file instead of <configDir>/config.yaml. */
  configFile: string | undefined;
  noColor: boolean;
  /** WTP_BACKEND: overrides `backend` in the config (auto, wezterm, tmux, headless). */
  backend: string | undefined;
  term: string | undefined;
  /** Set inside a tmux pane (TMUX, TMUX_PANE). */
  tmux: string | undefined;
  tmuxPane: string | undefined;
  /** Set inside a WezTerm pane (WEZTERM_PANE, WEZTERM_UNIX_SOCKET). */
  weztermPane: string | undefined;
  weztermSocket: string | undefined;
  /** WEZTERM_CONFIG_FILE: WezTerm's config file, when not the default (`wtp doctor` looks for the plugin). */
  weztermConfigFile: string | undefined;
  /** WTP_CLAUDE_BIN, WTP_CODEX_BIN, …: the program of an agent CLI profile. */
  agentBinaries: Record<string, string>;
  /** WTP_WEB_DIR: the built dashboard to serve instead of dist/web next to the bundle. */
  webDir: string | undefined;
}

/** The documented variables, for docs/ARCHITECTURE.md and `wtp status`. */
export const ENV_VARS = {
  WTP_HOME:
    'Put config, state, sockets, token and logs under this one folder (tests and benchmarks always set it).',
  XDG_CONFIG_HOME: 'Config base when WTP_HOME is unset (default ~/.config).',
  XDG_STATE_HOME: 'State base when WTP_HOME is unset (default ~/.local/state).',
  WTP_CONFIG: 'Path of the config file (default <configDir>/config.yaml).',
  WTP_API_PORT: 'TCP port of the API on 127.0.0.1 (overrides api.port; 0 = any free port).',
  WTP_LOG_LEVEL: 'Daemon log level: trace, debug, info, warn, error (overrides logs.level).',
  WTP_BACKEND: 'Where agent panes live: auto, wezterm, tmux or headless (overrides `backend` in the config).',
  WEZTERM_PANE: 'Set by WezTerm in its panes: with `wezterm` on PATH, `auto` picks the WezTerm backend.',
  WEZTERM_UNIX_SOCKET: 'Set by WezTerm in its panes: how `wezterm cli` finds the running WezTerm.',
  SHELL: 'The program the `shell` profile runs (default /bin/sh).',
  [binVar(FIRST_CLI)]:
    `The program the \`${FIRST_CLI}\` profile runs (default \`${FIRST_CLI}\` on PATH); likewise ${OTHER_CLIS.map(binVar).join(', ')}.`,
  WTP_WEB_DIR:
    'Folder of the built web dashboard that the daemon serves (default dist/web beside the bundle).',
  NO_COLOR: 'Disable colours in CLI output.',
  WTP_AGENT_ID: 'Set by wezterm-parallel in every agent process: the agent id.',
  WTP_AGENT_NAME: 'Set by wezterm-parallel in every agent process: the agent name.',
} as const;

export function readEnv(source: NodeJS.ProcessEnv = process.env): WtpEnv {
  const nonEmpty = (v: string | undefined): string | undefined =>
    v === undefined || v === '' ? undefined : v;
  return {
    home: nonEmpty(source.WTP_HOME),
    xdgConfigHome: nonEmpty(source.XDG_CONFIG_HOME),
    xdgStateHome: nonEmpty(source.XDG_STATE_HOME),
    userHome: nonEmpty(source.HOME) ?? homedir(),
    shell: nonEmpty(source.SHELL),
    path: nonEmpty(source.PATH),
    apiPort: nonEmpty(source.WTP_API_PORT),
    logLevel: nonEmpty(source.WTP_LOG_LEVEL),
    configFile: nonEmpty(source.WTP_CONFIG),
    noColor: nonEmpty(source.NO_COLOR) !== undefined,
    backend: nonEmpty(source.WTP_BACKEND),
    term: nonEmpty(source.TERM),
    tmux: nonEmpty(source.TMUX),
    tmuxPane: nonEmpty(source.TMUX_PANE),
    weztermPane: nonEmpty(source.WEZTERM_PANE),
    weztermSocket: nonEmpty(source.WEZTERM_UNIX_SOCKET),
    weztermConfigFile: nonEmpty(source.WEZTERM_CONFIG_FILE),
    agentBinaries: Object.fromEntries(
      AGENT_CLI_PROFILES.flatMap((p) => {
        const v = nonEmpty(source[binVar(p)]);
        return v === undefined ? [] : [[p, v]];
      }),
    ),
    webDir: nonEmpty(source.WTP_WEB_DIR),
  };
}

/**
 * The daemon's own environment, as it is and live (not a copy): what git runs with, so that the
 * user's HOME, PATH and GIT_* settings apply to the daemon's git as to their own. Agents and hosts
 * get `environmentForChildren` instead.
 */
export function ownEnvironment(): Readonly<Record<string, string | undefined>> {
  return process.env;
}

/**
 * The environment for processes we start (hosts inherit it, agents too): a copy of ours,
 * minus what `npm start` injected (npm_* variables and the package's node_modules/.bin on
 * PATH), which belongs to wezterm-parallel's own checkout, not to the agents.
 */
export function environmentForChildren(source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  const viaNpm = source.npm_lifecycle_event !== undefined;
  for (const [k, v] of Object.entries(source)) {
    if (v === undefined || (viaNpm && k.startsWith('npm_'))) continue;
    out[k] = v;
  }
  if (viaNpm && out.PATH) {
    out.PATH = out.PATH.split(':')
      .filter((d) => !d.endsWith('/node_modules/.bin') && !d.includes('node-gyp-bin'))
      .join(':');
  }
  return out;
}
