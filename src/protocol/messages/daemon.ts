import type { ErrorCode } from '../error-catalog.js';
import type { MessagePairs } from './pairs.js';

const OTHER_BACKEND = 'or use another backend (`--backend`, `WTP_BACKEND` or `backend:` in the config)';
const CONFIG_FIX =
  'Fix the file (`docs/config.md` lists every key); `wtp doctor` checks it as the daemon would.';
const START_ANYWAY =
  'start anyway with `wtp up --fresh`: running agents are kept alive as orphans (`wtp orphans`).';
const NO_DB_START = 'starting on an empty database would lose track of them, so the daemon did not start.';
const REBUILD =
  'after a Node upgrade it must be rebuilt, and with no prebuilt binary for this platform it compiles, which needs python3, make and a C++ compiler (`docs/install.md#requirements`).';
const PORT_CHOICE =
  'choose another with `wtp up --port <port>`, `WTP_API_PORT=<port>` or `api.port` in {configFile} (the variable overrides the file; 0 picks any free port), or serve the unix socket only with `api.tcp: false`.';
const WHO_HOLDS = "`ss -ltnp 'sport = :{port}'` (or `lsof -nP -iTCP:{port} -sTCP:LISTEN`) shows who holds it";
const DAEMON_LOG = 'Try again; if it keeps failing, restart the daemon (`wtp down`, then `wtp up`).';
const MUX_CHECK = 'Run `wtp doctor` to check {terminal}, then try again.';
const WEZTERM_CLI =
  'Check that the `wezterm` the daemon runs is WezTerm’s own CLI (`wtp doctor` shows which one), then try again.';
const DB_ELSEWHERE =
  'Restore it from a backup (a `wtp.db.bak-v*` may be beside it), or point WTP_HOME elsewhere.';
const START_OUTPUT = 'Read its output in {output}, or run `wtp up` without `--detach` to watch it start.';

/** The daemon, its storage and config, terminals, sandboxes and the service. */
export const DAEMON_MESSAGES = {
  PANE_NOT_FOUND: [
    ['The {terminal} pane {pane} does not exist.', 'Run `wtp ls` to see where each agent runs.'],
  ],
  CONFIG_INVALID: [
    ['The config file {file} is not valid YAML ({syntaxError}).', CONFIG_FIX],
    ['The config file {file} is invalid ({count} problems; the first: {problem}).', CONFIG_FIX],
    ['The config file {file} is invalid ({problem}).', CONFIG_FIX],
    [
      'The repository config {file} is invalid ({problems}).',
      'Fix the file in the repository, then try again.',
    ],
    [
      'The VAPID key file {path} cannot be used: {reason}.',
      'Fix it, or remove it to have a new key pair made (browsers then turn notifications on again).',
    ],
    [
      'The VAPID subject "{subject}" is not a mailto: or public https: URL.',
      'Give the remote listener an https: address other than localhost.',
    ],
    [
      'Cannot read the config file {file}.',
      'Make it a file this user can read, or move it away to use the defaults.',
    ],
    [
      'The VAPID keys are not base64url P-256 keys.',
      'Remove the key file (`push/vapid.json` in the remote folder) to have a new key pair made.',
    ],
  ],
  DAEMON_UNREACHABLE: [
    ['The daemon’s WebSocket {path} failed: {error}.', DAEMON_LOG],
    ['Cannot reach the daemon: {error}.', DAEMON_LOG],
    ['The daemon did not answer in time.', DAEMON_LOG],
  ],
  DAEMON_NOT_RUNNING: [
    [
      'The daemon is not running, so no agent was stopped, and {hostCount} agent host(s) still run (pid {hostPids}).',
      'Start the daemon (`wtp up --detach`: it takes them back), then run `wtp down --stop-agents` again.',
    ],
    ['The daemon is not running.', 'Start it with `wtp up` (or `wtp up --detach`).'],
  ],
  DAEMON_ALREADY_RUNNING: [
    [
      'A daemon is already running for {stateDir} (pid {pid}).',
      'Stop it with `wtp down` first to restart it.',
    ],
    ['A daemon is already running for {stateDir}.', 'Stop it with `wtp down` first to restart it.'],
  ],
  DAEMON_START_FAILED: [
    ['The daemon exited with code {exitCode} before it was ready.', START_OUTPUT],
    [
      'The daemon did not answer within {timeoutS} s.',
      'Check with `wtp status` whether it came up since; its output is in {output}.',
    ],
  ],
  BACKEND_UNAVAILABLE: [
    [
      'The {backend} backend cannot be used: {reason}.',
      `Fix it, ${OTHER_BACKEND}; \`wtp doctor\` checks each.`,
    ],
    ['The `{program}` program is not on PATH.', `Install it, ${OTHER_BACKEND}.`],
    [
      'WezTerm is not reachable: it is not running, or WEZTERM_UNIX_SOCKET does not lead to it.',
      `Start the daemon from inside a running WezTerm, ${OTHER_BACKEND}.`,
    ],
  ],
  MUX_COMMAND_FAILED: [
    [
      'The pane of agent "{agent}" could not be started: {reason}.',
      'Fix what it says, then try again; `wtp doctor` checks the terminal backends.',
    ],
    ['A {terminal} command failed: {error}.', MUX_CHECK],
    [
      'WezTerm gave pane {pane} no terminal device, so no host can serve it.',
      'Start agents in a pane of WezTerm’s local domain.',
    ],
    ['`wezterm cli` did not print a pane id (got "{got}").', WEZTERM_CLI],
    ['`wezterm cli list` printed something that is not JSON.', WEZTERM_CLI],
  ],
  PORT_IN_USE: [
    [
      `Port {port} on {host} is in use by another wezterm-parallel daemon, one with another WTP_HOME or another user’s (the port comes from {source}); ${WHO_HOLDS}.`,
      `Stop it with \`{stop}\` under its WTP_HOME, or ${PORT_CHOICE}`,
    ],
    [
      `Port {port} on {host} is in use by another program (the port comes from {source}); ${WHO_HOLDS}.`,
      `To fix: ${PORT_CHOICE}`,
    ],
    [
      'Port {port} on {host} is in use.',
      'Choose another with `wtp up --port <port>`, `WTP_API_PORT=<port>` or `api.port` in the config.',
    ],
    ['{authority} is in use.', 'Pick another port: `wtp remote on --listen ADDR:PORT`.'],
    [
      '{address} is not an address of this machine.',
      'Pick one `ip addr` lists: `wtp remote on --listen ADDR:PORT`.',
    ],
    ['A port the daemon would listen on is in use.', 'Choose another port.'],
  ],
  SERVICE_MANAGER_FAILED: [
    [
      '`{commandLine}` failed: {error}.',
      'With systemd over SSH or in a container there may be no user session, which `loginctl enable-linger $USER` gives; meanwhile `wtp up --detach` starts the daemon ({file} is kept).',
    ],
    [
      '`wtp service` knows systemd (Linux) and launchd (macOS) only.',
      'Start the daemon with `wtp up --detach` from your login instead.',
    ],
  ],
  SERVICE_FILE_EXISTS: [
    [
      '{file} exists and says something else (another wezterm-parallel, or edited by hand).',
      '`wtp service install --force` replaces it.',
    ],
  ],
  SANDBOX_UNAVAILABLE: [
    [
      'The fleet task "{task}" asks for a sandbox, which fleet tasks cannot carry in this version.',
      'Sandbox its profile on each machine (the config’s `sandbox.profiles`), or add the task without `sandbox`.',
    ],
    [
      'The agent would run in a sandbox, and none can be made here: {reason}.',
      'To fix: {fix} (`wtp doctor` checks it); without `--sandbox` it would run unsandboxed.',
    ],
  ],
  SANDBOX_POLICY_INVALID: [
    [
      'The sandbox policy cannot use {path}: {reason}.',
      'Change what it names (a `sandbox` setting of the config, a variable, or the agent’s folder), then try again.',
    ],
  ],
  SANDBOX_GIT_CONFIG_WRITABLE: [
    [
      'The repository’s git configuration includes {file}, which this sandboxed agent could write.',
      'Move that file out of the agent’s folder, or drop the include.',
    ],
  ],
  SANDBOX_COMMAND_HIDDEN: [
    [
      'The agent’s program {file} is not there inside its sandbox, which hides /tmp, this tool’s folders and the home’s secrets.',
      'Install it elsewhere, or show its folder with `sandbox.allowRead`.',
    ],
  ],
  HOST_UNAVAILABLE: [
    [
      'The host of agent "{agent}" is not connected right now.',
      'Try again in a moment: it may be reconnecting after a daemon restart.',
    ],
    ['The agent’s host disconnected before it answered (the agent may have just exited).', 'Try again.'],
  ],
  HOST_TIMEOUT: [
    [
      'The agent’s host did not answer "{method}" within {timeoutMs} ms.',
      'Try again; if it keeps happening, its `host.log` (in the agent’s folder under the state dir) says why.',
    ],
  ],
  DB_CORRUPT: [
    ['{path} cannot be read as a database ({error}); it was left untouched.', DB_ELSEWHERE],
    ['{path} is not an SQLite database; it was left untouched.', DB_ELSEWHERE],
  ],
  DB_TOO_NEW: [
    [
      '{path} has schema version {found}, but this wezterm-parallel knows up to {supported}; nothing was changed.',
      'Upgrade wezterm-parallel, or point WTP_HOME elsewhere.',
    ],
  ],
  DB_MIGRATION_FAILED: [
    [
      'Migration {migration} of {path} failed and was rolled back ({error}); the database is as it was before.',
      'Run the version that wrote it until this is fixed, and report the error with the daemon log.',
    ],
  ],
  DB_NOT_A_FILE: [
    [
      'The database path {path} is a {kind}, not a regular file; nothing was changed.',
      'Move it away, or point WTP_HOME elsewhere.',
    ],
  ],
  DB_MISSING: [
    [
      `The database {path} is {state}, but {agentsDir} holds {folders} agent folder(s) and hosts still run (pid {hostPids}): ${NO_DB_START}`,
      `Restore it (a backup is at {backup}), or ${START_ANYWAY}`,
    ],
    [
      `The database {path} is {state}, but {agentsDir} holds {folders} agent folder(s) and none of their hosts runs: ${NO_DB_START}`,
      `Restore it (a backup is at {backup}), or ${START_ANYWAY}`,
    ],
    [
      `The database {path} is {state}, but {agentsDir} holds {folders} agent folder(s) and hosts still run (pid {hostPids}): ${NO_DB_START}`,
      `Restore it from a backup, or ${START_ANYWAY}`,
    ],
    [
      `The database {path} is {state}, but {agentsDir} holds {folders} agent folder(s) and none of their hosts runs: ${NO_DB_START}`,
      `Restore it from a backup, or ${START_ANYWAY}`,
    ],
  ],
  DASHBOARD_UNAVAILABLE: [
    ['The dashboard was not built: {webDir} has no `index.html`.', 'Run `npm run build`.'],
    [
      'The daemon has no TCP listener (`api.tcp: false` in the config), and the dashboard is served over TCP only.',
      'Set `api.tcp: true` and restart the daemon (`wtp down`, then `wtp up`).',
    ],
  ],
  TUI_NOT_TTY: [
    ['`wtp tui` needs an interactive terminal.', 'In scripts use `wtp ls --json` or `wtp events -f`.'],
  ],
  ATTACH_NOT_TTY: [
    ['`wtp attach` needs an interactive terminal.', 'Use `wtp peek` or `wtp logs -f` in scripts.'],
  ],
  SOCKET_PATH_TOO_LONG: [
    ['The socket path {path} is longer than {limit} bytes.', 'Use a shorter WTP_HOME (or XDG_STATE_HOME).'],
  ],
  NATIVE_ADDON_UNAVAILABLE: [
    [
      'A compiled addon does not load on Node {node}: {failures}.',
      `Run \`{rebuild}\` in {installedIn}: ${REBUILD}`,
    ],
    [
      'A compiled addon does not load on Node {node}: {failures}.',
      `Run \`{rebuild}\` where wezterm-parallel is installed: ${REBUILD}`,
    ],
  ],
} as const satisfies Partial<Record<ErrorCode, MessagePairs>>;
