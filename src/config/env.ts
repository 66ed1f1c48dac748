import { homedir } from 'node:os';
import { AGENT_CLI_PROFILES, agentBinVar as binVar } from '../protocol/constants.js';

const [FIRST_CLI, ...OTHER_CLIS] = AGENT_CLI_PROFILES;

/**
 * What wezterm-parallel reads from its environment. This module is the only one that touches
 * process.env; others read a few variables from the copies it hands on (OTHER_ENV_VARS).
 */
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
  /** COLUMNS: the width tables fit (`wtp ls`); else the terminal's own. */
  columns: string | undefined;
  /** WTP_BACKEND: overrides `backend` in the config (auto, wezterm, tmux, headless). */
  backend: string | undefined;
  /** WTP_PROCESS_INSPECTOR: procfs or portable instead of the automatic choice. */
  processInspector: string | undefined;
  /** WTP_FLEET_URL: overrides `store.fleet` (the fleet's PostgreSQL URL). */
  fleetUrl: string | undefined;
  /** WTP_MACHINE: overrides `fleet.machine`. */
  machine: string | undefined;
  term: string | undefined;
  /** Set inside a tmux pane (TMUX, TMUX_PANE). */
  tmux: string | undefined;
  tmuxPane: string | undefined;
  /** Set inside a WezTerm pane (WEZTERM_PANE, WEZTERM_UNIX_SOCKET). */
  weztermPane: string | undefined;
  weztermSocket: string | undefined;
  /** WEZTERM_CONFIG_FILE: WezTerm's config file, when not the default (`wtp doctor` looks for the plugin). */
  weztermConfigFile: string | undefined;
  /** WEZTERM_EXECUTABLE_DIR: set by WezTerm in its panes, the folder of its programs. */
  weztermExecutableDir: string | undefined;
  /** WTP_CLAUDE_BIN, WTP_CODEX_BIN, …: the program of an agent CLI profile. */
  agentBinaries: Record<string, string>;
  /** WTP_WEB_DIR: the built dashboard to serve instead of dist/web next to the bundle. */
  webDir: string | undefined;
}

/** One environment variable wezterm-parallel reads: docs/environment.md is generated from these. */
export interface EnvVarSpec {
  name: string;
  meaning: string;
  /** What applies when it is unset or empty. */
  default: string;
}

/**
 * The variables `readEnv` reads, by the `WtpEnv` field each fills: the names below are the ones
 * read, so a variable cannot be read without being documented.
 */
export const ENV_VARS = {
  home: {
    name: 'WTP_HOME',
    meaning:
      'Put every file (config, database, sockets, token, logs, agent folders) under this one folder. Tests and benchmarks always set it; agents inherit it when the daemon has it.',
    default: 'the XDG folders below',
  },
  xdgConfigHome: {
    name: 'XDG_CONFIG_HOME',
    meaning: 'Base of the config folder (`<base>/wezterm-parallel/`) when WTP_HOME is unset.',
    default: '`~/.config`',
  },
  xdgStateHome: {
    name: 'XDG_STATE_HOME',
    meaning: 'Base of the state folder (`<base>/wezterm-parallel/`) when WTP_HOME is unset.',
    default: '`~/.local/state`',
  },
  userHome: {
    name: 'HOME',
    meaning:
      'The user home: base of the XDG defaults, shortened to `~` in tables, and where agent CLIs keep their settings (`~/.claude.json`, `~/.codex/`).',
    default: "the account's home folder (`os.homedir()`)",
  },
  configFile: {
    name: 'WTP_CONFIG',
    meaning: 'Path of the config file (docs/config.md).',
    default: '`<config dir>/config.yaml`',
  },
  apiPort: {
    name: 'WTP_API_PORT',
    meaning: 'TCP port of the API on 127.0.0.1; overrides `api.port`; `0` picks any free port.',
    default: '`api.port` (7537)',
  },
  logLevel: {
    name: 'WTP_LOG_LEVEL',
    meaning: 'Daemon log level: trace, debug, info, warn, error or silent; overrides `logs.level`.',
    default: '`logs.level` (info)',
  },
  backend: {
    name: 'WTP_BACKEND',
    meaning:
      'Where agent panes live: auto, wezterm, tmux or headless; overrides `backend` in the config (`wtp up --backend` overrides both).',
    default: '`backend` (auto)',
  },
  processInspector: {
    name: 'WTP_PROCESS_INSPECTOR',
    meaning:
      'Where process facts (start times, CPU and memory of process trees, session members) come from: `procfs` reads Linux /proc, `portable` runs `ps` (Linux and macOS); set it for the daemon, which tells its hosts.',
    default: 'procfs where /proc is readable, else portable',
  },
  shell: {
    name: 'SHELL',
    meaning: "The program the `shell` profile runs, and the shell of a template's `command: {shell: …}`.",
    default: '`/bin/sh`',
  },
  path: {
    name: 'PATH',
    meaning:
      "Where agent programs, `tmux`, `wezterm`, `git` and `notify-send` are found (the agent's own `--env PATH=…` wins for its command).",
    default: '—',
  },
  noColor: {
    name: 'NO_COLOR',
    meaning: 'Any non-empty value: no colours in CLI output.',
    default: 'colours when stdout is a terminal',
  },
  columns: {
    name: 'COLUMNS',
    meaning:
      'The width CLI tables fit (`wtp ls` drops its least needed columns first, never the state); shells set it.',
    default: "the terminal's width; whole rows when output is not a terminal",
  },
  fleetUrl: {
    name: 'WTP_FLEET_URL',
    meaning:
      'The PostgreSQL URL of a fleet to join; overrides `store.fleet` in the config. Keeps the password out of the config file (and never on a command line).',
    default: '`store.fleet` (none: this machine alone)',
  },
  machine: {
    name: 'WTP_MACHINE',
    meaning:
      "This machine's name in the fleet; overrides `fleet.machine` (several daemons on one host need distinct names).",
    default: '`fleet.machine`, else the host name',
  },
  term: {
    name: 'TERM',
    meaning: 'Inside a pane, the terminal type the host gives the agent.',
    default: '`xterm-256color`',
  },
  tmux: {
    name: 'TMUX',
    meaning:
      "Set by tmux in its panes: the host of an agent in a tmux pane asks this server whether it still answers when its pane hangs up, and wraps WezTerm user vars for tmux's passthrough.",
    default: '—',
  },
  tmuxPane: {
    name: 'TMUX_PANE',
    meaning: 'Set by tmux in its panes: the pane id a host reports, and where it sets `@wtp_state`.',
    default: '—',
  },
  weztermPane: {
    name: 'WEZTERM_PANE',
    meaning:
      'Set by WezTerm in its panes: with `wezterm` on PATH, `backend: auto` picks WezTerm; a host reports it as its pane id.',
    default: '—',
  },
  weztermSocket: {
    name: 'WEZTERM_UNIX_SOCKET',
    meaning: 'Set by WezTerm in its panes: how `wezterm cli` finds the running WezTerm.',
    default: '—',
  },
  weztermConfigFile: {
    name: 'WEZTERM_CONFIG_FILE',
    meaning: "WezTerm's config file, when not the default: `wtp doctor` looks there for the plugin.",
    default: '`~/.wezterm.lua`, then `$XDG_CONFIG_HOME/wezterm/wezterm.lua`',
  },
  weztermExecutableDir: {
    name: 'WEZTERM_EXECUTABLE_DIR',
    meaning:
      'Set by WezTerm in its panes, the folder of its programs: where `wezterm` is looked for when it is not on PATH (then in `/Applications/WezTerm.app/Contents/MacOS` and `~/Applications/…`).',
    default: '—',
  },
  agentBinaries: {
    name: binVar(FIRST_CLI),
    meaning: `The program the \`${FIRST_CLI}\` profile runs; likewise ${OTHER_CLIS.map((p) => `\`${binVar(p)}\``).join(', ')} for the other agent CLIs.`,
    default: 'the profile name, found on PATH',
  },
  webDir: {
    name: 'WTP_WEB_DIR',
    meaning: 'Folder of the built web dashboard the daemon serves.',
    default: '`web/` beside the bundle (`dist/web`)',
  },
} as const satisfies Record<keyof WtpEnv, EnvVarSpec>;

/**
 * Variables read not by `readEnv` but from the copy of the environment it hands on (the children's
 * environment, or an agent's): `test/doc-references.test.ts` fails when the source reads one that is
 * in neither list.
 */
export const OTHER_ENV_VARS: readonly EnvVarSpec[] = [
  {
    name: 'TMUX_TMPDIR',
    meaning: "Where tmux keeps its sockets: the daemon removes its own tmux server's socket there.",
    default: '`/tmp`',
  },
  {
    name: 'GIT_CONFIG_COUNT',
    meaning:
      "Config your environment gives git (with `GIT_CONFIG_KEY_<n>`, `GIT_CONFIG_VALUE_<n>`): kept for the daemon's git, whose own settings come after it and win (no fsmonitor, hooks, pager or external diff; no nested repository entered).",
    default: 'none',
  },
  {
    name: 'CLAUDE_CONFIG_DIR',
    meaning:
      "Claude Code's config folder, read from the agent's environment: the trust of the agent's folder is pre-accepted in `<dir>/.claude.json` (`agents.preTrust`), and `<dir>/settings.json` is read for the agent's permission mode (`permissions.defaultMode`; else `~/.claude/settings.json`).",
    default: '`~/.claude.json`',
  },
  {
    name: 'CODEX_HOME',
    meaning:
      "Codex's home folder, read from the agent's environment: the trust of the agent's folder is pre-accepted in `<dir>/config.toml` (`agents.preTrust`), whose `approval_policy` and `sandbox_mode` give the agent's permission mode.",
    default: '`~/.codex`',
  },
  {
    name: 'GEMINI_CLI_HOME',
    meaning:
      "Gemini CLI's home, read from the agent's environment: its `.gemini/settings.json` is copied with wtp's hooks into the agent's own home, which a Gemini agent gets in this variable (its profile environment).",
    default: '`~` (so `~/.gemini`)',
  },
  {
    name: 'QWEN_CODE_SYSTEM_SETTINGS_PATH',
    meaning:
      "Qwen Code's system settings file, read from the agent's environment: beside it, `system-defaults.json` is the administrator's defaults a Qwen agent's own defaults file (`QWEN_CODE_SYSTEM_DEFAULTS_PATH`, its profile environment) starts from.",
    default: '`/etc/qwen-code/settings.json` (Linux)',
  },
  {
    name: 'OPENCODE_CONFIG_CONTENT',
    meaning:
      "OpenCode's inline configuration, read from the agent's environment: an OpenCode agent gets the user's value (a JSON object) with wtp's plugin added; its `permission` counts for the agent's permission mode.",
    default: '—',
  },
  {
    name: 'COPILOT_HOME',
    meaning:
      "Copilot CLI's home folder, read from the agent's environment: the trust of the agent's folder is pre-accepted in `<dir>/config.json` (`agents.preTrust`), whose `defaultPermissionMode` gives the agent's permission mode.",
    default: '`~/.copilot`',
  },
  {
    name: 'COPILOT_ALLOW_ALL',
    meaning:
      "Copilot CLI's allow-all-tools switch, read from the agent's environment: when on (`true`, `1`, `yes`, `on`, `y`), the agent's permission mode is `bypass` (it runs every tool without asking).",
    default: '—',
  },
  {
    name: 'GEMINI_CLI_SYSTEM_SETTINGS_PATH',
    meaning:
      "Gemini CLI's system settings file, read from the agent's environment for the agent's permission mode (`general.defaultApprovalMode`).",
    default: '`/etc/gemini-cli/settings.json`',
  },
  {
    name: 'GEMINI_CLI_TRUSTED_FOLDERS_PATH',
    meaning:
      "Gemini CLI's trusted-folders file, read from the agent's environment: a folder it marks `DO_NOT_TRUST` is never pre-trusted (no `--skip-trust`; that choice is kept).",
    default: '`~/.gemini/trustedFolders.json`',
  },
  {
    name: 'QWEN_HOME',
    meaning:
      "Qwen Code's user folder, read from the agent's environment: its `settings.json` is read for the agent's permission mode (`tools.approvalMode`).",
    default: '`~/.qwen`',
  },
  {
    name: 'OPENCODE_CONFIG',
    meaning:
      "OpenCode's configuration file, read from the agent's environment for the agent's permission mode (`permission`: `bash`, `edit`).",
    default: '—',
  },
  {
    name: 'OPENCODE_PERMISSION',
    meaning:
      "OpenCode's permission overrides (JSON), read from the agent's environment for the agent's permission mode.",
    default: '—',
  },
  {
    name: 'OPENCODE_DB',
    meaning:
      "OpenCode's database, read from the agent's environment: where an OpenCode agent's usage is read (docs/cost.md); a path, or a name in OpenCode's data folder; `:memory:` leaves nothing to read.",
    default: '`$XDG_DATA_HOME/opencode/opencode.db`',
  },
  {
    name: 'XDG_DATA_HOME',
    meaning:
      "Base of OpenCode's data folder, read from the agent's environment: its database (`<base>/opencode/opencode.db`) is where an OpenCode agent's usage is read.",
    default: '`~/.local/share`',
  },
  {
    name: 'npm_lifecycle_event',
    meaning:
      "Set when started through `npm start`: agents then get the environment without npm's `npm_*` variables and without the checkout's `node_modules/.bin` on PATH.",
    default: '—',
  },
];

/** `WTP_CLAUDE_BIN`, `WTP_CODEX_BIN`, …: every variable that names an agent CLI's program. */
export const AGENT_BIN_VARS: readonly string[] = AGENT_CLI_PROFILES.map(binVar);

export function readEnv(source: NodeJS.ProcessEnv = process.env): WtpEnv {
  const nonEmpty = (v: string | undefined): string | undefined =>
    v === undefined || v === '' ? undefined : v;
  const read = (field: Exclude<keyof WtpEnv, 'agentBinaries' | 'noColor'>): string | undefined =>
    nonEmpty(source[ENV_VARS[field].name]);
  return {
    home: read('home'),
    xdgConfigHome: read('xdgConfigHome'),
    xdgStateHome: read('xdgStateHome'),
    userHome: read('userHome') ?? homedir(),
    shell: read('shell'),
    path: read('path'),
    apiPort: read('apiPort'),
    logLevel: read('logLevel'),
    configFile: read('configFile'),
    noColor: nonEmpty(source[ENV_VARS.noColor.name]) !== undefined,
    columns: read('columns'),
    backend: read('backend'),
    processInspector: read('processInspector'),
    fleetUrl: read('fleetUrl'),
    machine: read('machine'),
    term: read('term'),
    tmux: read('tmux'),
    tmuxPane: read('tmuxPane'),
    weztermPane: read('weztermPane'),
    weztermSocket: read('weztermSocket'),
    weztermConfigFile: read('weztermConfigFile'),
    weztermExecutableDir: read('weztermExecutableDir'),
    agentBinaries: Object.fromEntries(
      AGENT_CLI_PROFILES.flatMap((p) => {
        const v = nonEmpty(source[binVar(p)]);
        return v === undefined ? [] : [[p, v]];
      }),
    ),
    webDir: read('webDir'),
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

/** This process's environment, for what is given an environment to start programs in. */
export function processEnvironment(): NodeJS.ProcessEnv {
  return process.env;
}

/**
 * The environment handed on to what we start: a copy of ours, minus what `npm start` injected
 * (npm_* variables and the package's node_modules/.bin on PATH), which belongs to
 * wezterm-parallel's own checkout. Agents and hosts get only its allowlisted part
 * (config/agent-environment.ts); the user's notification command all of it.
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
