import type { ErrorCode } from '../error-catalog.js';
import type { MessagePairs } from './pairs.js';

const REMOTE_REPAIR = 'Delete it, then turn the listener on and pair the devices again.';
const OWN_CERT =
  'Pass your own certificate (`wtp remote on --cert FILE --key FILE`) or use `tailscale serve`.';
const PG_RESTART = 'Fix the URL or the grants, then run `wtp down` and `wtp up`.';
const PG_CHECK = 'Check that the server is up and this machine reaches it; local work goes on meanwhile.';

/** The fleet, the remote listener and devices, the HTTP API and MCP. */
export const FLEET_MESSAGES = {
  MACHINE_NOT_FOUND: [
    ['No machine of the fleet is named "{machine}".', 'Run `wtp fleet status` to see the machines.'],
  ],
  DEVICE_NOT_FOUND: [['No paired device is named "{name}".', 'Run `wtp remote devices` to see them.']],

  FLEET_UNREACHABLE: [
    ['The fleet database {database} cannot be reached: {error} ({pgCode}).', PG_CHECK],
    ['The fleet database {database} cannot be reached: {error}.', PG_CHECK],
    [
      'This machine ("{machine}") is no longer registered in the fleet database {database}.',
      'Nothing needs doing: it joins again by itself.',
    ],
    ['The fleet database failed: {error}.', PG_CHECK],
    ['The fleet database cannot be reached.', PG_CHECK],
  ],
  FLEET_REFUSED: [
    [
      'The fleet database {database} refused this daemon: its TLS connection failed: {tlsError} ({tlsCode}).',
      'Fix the TLS parameters of its URL (`sslmode`, `sslrootcert`), then run `wtp down` and `wtp up`.',
    ],
    [
      'The fleet database {database} refused this daemon: its TLS connection failed: {tlsError}.',
      'Fix the TLS parameters of its URL (`sslmode`, `sslrootcert`), then run `wtp down` and `wtp up`.',
    ],
    ['The fleet database {database} refused this daemon: {error} (SQLSTATE {pgCode}).', PG_RESTART],
    ['The fleet database {database} refused this daemon.', PG_RESTART],
  ],
  FLEET_SCHEMA_MISSING: [
    [
      "The fleet database {database} has schema version {schema} of {known}, and this daemon's role may not create it.",
      'Run `wtp fleet migrate` once with `WTP_FLEET_URL` set to a role that may (the database owner).',
    ],
  ],
  FLEET_SCHEMA_NEWER: [
    [
      'The fleet database {database} has schema version {schema}; this wezterm-parallel knows up to {known}.',
      'Upgrade wezterm-parallel on this machine.',
    ],
  ],
  FLEET_MACHINE_TAKEN: [
    [
      'The machine name "{machine}" belongs to the database role {owner} in the fleet, and this daemon connects as {role}.',
      'Name this machine otherwise (`WTP_MACHINE` or `fleet.machine`), or connect as the role that owns it.',
    ],
    [
      'The machine name "{machine}" belongs to the database role {owner} in the fleet.',
      'Name this machine otherwise (`WTP_MACHINE` or `fleet.machine`), or connect as the role that owns it.',
    ],
  ],
  FLEET_NOT_CONFIGURED: [
    [
      'No fleet database is set.',
      'Set `WTP_FLEET_URL` (or `store.fleet` in the config) to its PostgreSQL URL.',
    ],
  ],
  FLEET_TASK_NOT_YOURS: [
    [
      'Fleet task {task} was added on {createdBy} and is held by {machine}: only they may move it, not {me}.',
      'Run the command there; the database refuses it from here.',
    ],
    [
      'Fleet task {task} was added on {createdBy}: only that machine may move it, not {me}.',
      'Run the command there; the database refuses it from here.',
    ],
  ],
  MACHINE_UNREACHABLE: [
    [
      'Machine "{machine}" has sent no heartbeat since {since}: its daemon or its network is down, so nothing was sent.',
      'Try again once `wtp fleet status` shows it reachable.',
    ],
  ],
  REMOTE_ACTION_TIMEOUT: [
    [
      'Machine "{machine}" did not carry out the action within {seconds} s; it may still do so (command {command}).',
      'Check with `wtp ls`.',
    ],
  ],
  ATTACH_REMOTE_UNAVAILABLE: [
    [
      'Machine "{machine}" names an ssh destination that is not one ("{ssh}"): nothing was run.',
      'Set `fleet.ssh` in its config to how ssh reaches it (such as `me@build-box`), or attach there.',
    ],
    [
      'Agent "{agent}" runs on machine "{machine}", which offers no way in.',
      'Set `fleet.ssh` in its config (how ssh reaches it, such as me@{machine}), or attach there.',
    ],
  ],

  NOT_FOUND: [
    ['No route {method} {path}; this path takes {allowed}.', 'Use one of those methods.'],
    ['No route {method} {path}.', 'See `docs/api.md` for the routes.'],
    ['No WebSocket at {webSocket}.', 'See `docs/api.md` for the WebSockets.'],
    ['No file "{file}" in the dashboard.', 'Open `/dashboard/` to start again.'],
    [
      'This listener uses your own certificate: there is no local CA.',
      'Install the CA that signed your certificate on the phone instead.',
    ],
  ],
  METHOD_NOT_ALLOWED: [
    [
      '{method} {target} is not served: the daemon is not a proxy.',
      'Unset the proxy setting that sends requests to the daemon.',
    ],
    ['The MCP endpoint {endpoint} takes POST only (not {method}).', 'Send MCP requests as POST.'],
    ['The daemon serves no {method} requests.', 'Use a method it serves: {allowed}.'],
    ['The daemon serves no request with this method.', 'Use a method it serves: {allowed}.'],
  ],
  UNAUTHORIZED: [
    [
      'This dashboard link is invalid, already used or expired (links work once, for {seconds} seconds).',
      'Run `wtp dashboard` again.',
    ],
    [
      'A call to {endpoint} came without a bearer token.',
      'Send an agent’s MCP token (`wtp new --mcp`), or the API token.',
    ],
    ['This device is not paired with {host}, or was revoked.', 'Pair it again with `wtp remote pair`.'],
    ['The bearer token is missing or wrong.', 'Send the token of the token file `wtp status` names.'],
  ],
  FORBIDDEN_ORIGIN: [
    [
      'A request signed in by the dashboard cookie must come from the dashboard page itself (`Sec-Fetch-Site: same-origin`, `Origin` and `Host` `http://127.0.0.1:{port}`).',
      'Use the dashboard page, or send the bearer token instead of the cookie.',
    ],
    ['Origin {origin} may not use this API.', 'Use the dashboard the daemon serves (`wtp dashboard`).'],
  ],

  MCP_TOKEN_INVALID: [
    [
      'This MCP token is no agent’s: forged, cut, another agent’s, or the agent was removed.',
      'Agents get theirs from `wtp new --mcp`; a user’s MCP client uses the API token.',
    ],
  ],
  MCP_OUT_OF_SCOPE: [
    [
      'Agent "{name}" is in another workspace ({workspace}); you see only {yours}.',
      'Name an agent of your own workspace; `list_agents` shows them.',
    ],
    [
      'Agent "{lead}" is your lead (it started you): you cannot act on it.',
      'Tell it what you need instead, or leave it to your user.',
    ],
    [
      'Agent "{name}" is not in your team: you act only on agents you started.',
      'Start one with `start_agent`, or ask your user for `mcp.scope: workspace`.',
    ],
    [
      'Profile {profile} runs what it is given without asking: an agent may not start it.',
      'Pick another profile, or ask your user to list it in config `mcp.workerProfiles`.',
    ],
    [
      'You can start agents only in your own workspace ({workspace}).',
      'Leave the workspace out: it defaults to yours.',
    ],
    [
      'You can start agents only in your own repository ({repository}).',
      'Leave the repository out: it defaults to yours.',
    ],
    [
      'Permission mode {modeName} ({mode}) asks less than yours ({mine}): a worker may not act without asking more than you do.',
      'Leave `permissionMode` out, or ask your user.',
    ],
    [
      'A task with permission mode {permissionMode} needs its profile (and every variant’s).',
      'Give the profile, or leave `permissionMode` out.',
    ],
    [
      'The test gate runs only your repository\'s approved test command: "{approved}".',
      'Give that command as `test`, or leave `test` out.',
    ],
    [
      "The test gate runs only your repository's approved test command (`test:` in {config}, approved with `wtp setup approve`), and it has none.",
      'Leave `test` out.',
    ],
    [
      'Task {task} is in another workspace.',
      'Move only tasks of your own workspace; `list_tasks` shows them.',
    ],
    [
      'You cannot act on yourself through these tools: your own dialogs, input, stop or merge are your user’s.',
      'Leave them to your user.',
    ],
  ],

  REMOTE_OFF: [['The remote listener is off.', 'Turn it on with `wtp remote on --listen ADDR:PORT`.']],
  REMOTE_FORBIDDEN: [
    ['Host "{host}" is not this listener\'s address.', 'Open the address `wtp remote status` shows.'],
    ['Origin {origin} may not use this listener.', 'Open the address `wtp remote status` shows.'],
    [
      'A {method} that changes something, or a WebSocket, must come from the page itself (an Origin header).',
      'Use the dashboard.',
    ],
    [
      'A request from another site was refused (`Sec-Fetch-Site: {site}`).',
      'Use the dashboard on this address.',
    ],
    ['Only a paired device subscribes to pushes ({route}).', 'Open the dashboard on your phone.'],
    ['A paired device may not use this route.', 'Use `wtp` on the machine itself.'],
  ],
  PAIRING_REFUSED: [
    [
      'Pairing is locked after five wrong codes until {lockedUntil}.',
      'Run `wtp remote pair` again after that.',
    ],
    ['A device named "{name}" is paired already.', 'Run `wtp remote pair` again and pick another name.'],
    [
      'This pairing code was used already or expired (codes work once, for {minutes} minutes).',
      'Run `wtp remote pair` again.',
    ],
    ['This pairing code is wrong.', 'Scan the code `wtp remote pair` shows.'],
  ],
  REMOTE_FILE_INVALID: [
    ['{path} {problem}.', REMOTE_REPAIR],
    ['The paired devices file cannot be read: {error}.', REMOTE_REPAIR],
    ['A file of the remote listener cannot be trusted.', REMOTE_REPAIR],
  ],
  REMOTE_CERT_INVALID: [
    [
      '{path} {problem}.',
      'Delete {ca} to make a new local CA, then install its new root certificate on the phone.',
    ],
    [
      'The local CA {path} expired on {notAfter}.',
      'Delete {ca} to make a new local CA, then install its new root certificate on the phone.',
    ],
    ['{path} {problem}.', 'Give a `{flag}` file of your own, readable by you only.'],
    ['{path} {problem}.', 'Delete {remoteDir}, then turn the listener on and pair the devices again.'],
    ['{path} {problem}.', 'Delete {path}; a new one is made.'],
    ['{path} does not exist.', 'Give the path of a PEM file as `{flag}`.'],
    [
      '{path} and {key} are not a PEM certificate and its key ({error}).',
      'Give the pair your CA or tailscale made.',
    ],
    [
      'The local CA may not vouch for {host}: its root covers only private addresses ({ranges}) and the names {names} and those below them, so that a leaked key cannot impersonate a site on the internet.',
      OWN_CERT,
    ],
    [
      '"{host}" is neither an IP address nor a DNS name.',
      'Give an address (`192.168.1.5`, `fd7a:115c:a1e0::1`) or a host name (`box.local`), without port or brackets.',
    ],
    ['No host was given for the server certificate.', 'Give the addresses or names the phone connects to.'],
  ],
} as const satisfies Partial<Record<ErrorCode, MessagePairs>>;
