/** Error codes without zod (the CLI and client import this; errors.ts adds the schemas). */
/**
 * The error catalog: every code the daemon, the CLI or the host can report, with the
 * sentence `docs/errors.md` shows for it. Codes are stable; add, never rename.
 */
export const ERROR_CATALOG = {
  INVALID_INPUT:
    'A request body, query, path parameter, CLI argument or config value failed validation. `details.issues` lists every problem with its path.',
  NOT_FOUND: 'No API route matches the method and path.',
  UNAUTHORIZED:
    'A TCP request came without the bearer token from the token file (the unix socket needs none).',
  FORBIDDEN_ORIGIN:
    'A browser request came from an origin other than the daemon itself, or a request signed in by the dashboard cookie changes state (or opens a WebSocket) without the daemon’s own `Origin` or `Host`.',
  PROFILE_UNKNOWN:
    'The agent profile does not exist. `details.known` lists the profiles, `details.suggestion` the one likely meant (or null).',
  COMMAND_MISSING: 'The `cmd` profile needs the command after `--`, e.g. `wtp new cmd -- npm run dev`.',
  COMMAND_NOT_FOUND:
    'The agent command is not an executable file: not found on PATH, or not executable. The daemon’s PATH counts (the environment `wtp up` ran with), not the shell’s that ran `wtp new`. `details.command` is what was asked for, `details.searched` every path tried; for an agent CLI, `details.variable` names the variable that points at its program (`WTP_CLAUDE_BIN`, …) and `details.install` how to install it.',
  CWD_INVALID:
    'The working directory does not exist, is not a directory, or cannot be read and entered by this user. `details.reason` says which.',
  AGENT_NOT_FOUND: 'No agent has this id or name.',
  AGENT_AMBIGUOUS:
    'A bare name matches agents in several workspaces; use `workspace/name` or the id. `details.candidates` lists them.',
  AGENT_NAME_TAKEN: 'Another agent in the same workspace already has this name.',
  AGENT_NOT_RUNNING: 'The operation needs a running agent (its process is alive), and this one is not.',
  AGENT_RUNNING:
    'The operation needs a stopped agent; stop it first or pass `--force` (which stops it with the usual SIGTERM then SIGKILL escalation).',
  HOST_UNAVAILABLE:
    'The agent’s host process is not connected to the daemon right now (it may be reconnecting after a daemon restart); try again in a moment.',
  HOST_TIMEOUT: 'The agent’s host did not answer within the time limit.',
  WORKSPACE_NOT_FOUND: 'No workspace has this name or id.',
  DAEMON_NOT_RUNNING: 'No daemon answers on this WTP_HOME. Start it with `wtp up` (or `wtp up --detach`).',
  DAEMON_ALREADY_RUNNING:
    'A daemon already runs for this WTP_HOME; `details` has its pid and addresses. Use `wtp down` first to restart it.',
  DAEMON_START_FAILED:
    'The daemon was started in the background but did not become ready; the log tail is in `details.log`.',
  NATIVE_ADDON_UNAVAILABLE:
    'A compiled addon the daemon needs (better-sqlite3, node-pty) does not load on this Node.js: built for another Node.js version (rebuild it after an upgrade) or never built (no prebuilt binary fits and it could not compile: python3, make and a C++ compiler are needed). `details.addons` names each with the loader’s error; the message says the `npm rebuild` to run.',
  SERVICE_FILE_EXISTS:
    'The systemd unit (or launchd agent) file exists and says something else than `wtp service install` would write; `--force` replaces it. `details.file` is the file.',
  SERVICE_MANAGER_FAILED:
    'systemctl (or launchctl) is missing or refused: the message has its first error line and what to do (over SSH there may be no systemd user session); `details.command` is what was run.',
  DAEMON_UNREACHABLE: 'The daemon’s socket exists but the daemon did not answer in time.',
  PORT_IN_USE:
    'The TCP port for the API is taken by another program; set `api.port` in the config or `WTP_API_PORT` (0 picks any free port). `details.from` says which chose it, `details.whoHolds` the commands (ss, lsof) that show the program holding it.',
  SOCKET_PATH_TOO_LONG:
    'A unix socket path would exceed the 107-byte limit of the operating system; use a shorter WTP_HOME or XDG_STATE_HOME.',
  CONFIG_INVALID:
    'The config file is not valid YAML or does not match the schema. `details.issues` lists every problem with its path and line; an unknown key names the key it was likely meant to be.',
  DB_CORRUPT:
    'The database file is not a readable SQLite database. Nothing was changed; `details.path` says which file.',
  DB_TOO_NEW:
    'The database was written by a newer wezterm-parallel (schema version in `details`). Nothing was changed; upgrade, or point WTP_HOME elsewhere.',
  DB_MIGRATION_FAILED: 'A schema migration failed and was rolled back; the database is as it was before.',
  ATTACH_NOT_TTY: '`wtp attach` needs an interactive terminal on stdin and stdout.',
  TUI_NOT_TTY:
    '`wtp tui` needs an interactive terminal on stdin and stdout; scripts read the fleet with `wtp ls --json` or follow it with `wtp events -f`.',
  INTERNAL: 'An unexpected failure inside wezterm-parallel. The daemon log has the stack trace.',
  BACKEND_UNAVAILABLE:
    'The requested backend cannot be used here: `wezterm` needs WezTerm running (WEZTERM_UNIX_SOCKET) and the `wezterm` CLI on PATH; `tmux` needs the `tmux` program. `details.reason` says which.',
  MUX_COMMAND_FAILED:
    'A `wezterm cli` or `tmux` command failed. `details` has the command line, exit code, signal, whether it timed out, and its stderr.',
  PANE_NOT_FOUND: 'The pane does not exist any more (closed by hand, or its program ended).',
  WORKSPACE_EXISTS: 'A workspace with this name already exists.',
  WORKSPACE_NOT_EMPTY:
    'The workspace still has live agents; stop them first or remove it with `--force` (which stops them).',
  TEMPLATE_NOT_FOUND:
    'No template has this name. `details.known` lists the templates and where they come from.',
  TEMPLATE_INVALID:
    'A template does not match the schema (schemas/template.schema.json). `details.issues` gives the YAML path (and line) of every problem; nothing was created.',
  AGENT_BUSY:
    'The agent is working: typing now would land in the middle of its turn. Wait until it is idle or needs input, or pass `--force`. `details` has the state and the evidence behind it.',
  AGENT_NOT_WAITING:
    'The agent does not wait for this answer: it is not asking for permission (approve, deny) or for input (answer), or no longer in the state the answer was given for. `details.now` has what its screen shows now.',
  DIALOG_CHANGED:
    'The dialog on the agent’s screen is not the one announced (another command or file, another kind of dialog): nothing was pressed. `details.now` has what the screen shows now; look again, then answer that.',
  DIALOG_NOT_WHOLE:
    'An approval rule decided the request, but the agent’s screen shows only part of it (clipped, or wrapped over rows the screen rules do not read): a rule never approves what the screen does not show whole, so nothing was pressed and the dialog waits for you. `details.now` has what the screen shows.',
  ANSWER_NOT_SUPPORTED:
    'This agent’s CLI does not declare how its dialogs are answered (`wtp profiles` lists which do), or the dialog has no such option (e.g. `--always`). Answer in its terminal (`wtp attach`).',
  ANSWER_NOT_AN_OPTION:
    'The answer is not one of the options the question offers. `details.options` lists them; give an option’s number or label.',
  ANSWER_NOT_TAKEN:
    'The answer’s keys were sent (and audited), but the agent was still in the dialog when the bound passed. `details.now` has what its screen shows; look at it (`wtp attach`).',
  DIALOG_UNKNOWN:
    'The agent shows a dialog its CLI’s screen rules see but do not know how to answer, so nothing was pressed. Look at it (`wtp peek`), then press its keys yourself: `wtp send NAME --key … --force` (recorded as an answer to that dialog) or answer in its terminal (`wtp attach`). `details.now` has what the screen shows.',
  ANSWER_CHANGES_MODE:
    'The dialog’s "always" option changes the session’s permission mode (e.g. "switch to accept edits … for this session"): it grants more than this request, so nothing was pressed. `details.option` is its text; pass `--accept-mode-change` (API: `acceptModeChange: true`) to press it anyway, or approve this one request.',
  DIALOG_ALREADY_ANSWERED:
    'Another answer to the same dialog is being sent or was given (two clients answered it): the first wins and this one pressed nothing. `details.by` says where the other came from.',
  AGENT_IN_DIALOG:
    'The agent waits on a dialog (a permission or a question), and keys typed raw would answer it unchecked and unaudited: answer it with `wtp approve`, `wtp deny` or `wtp answer`, or pass `--force` to send the keys as an answer to that dialog (audited). `details` has the state and what it asks.',
  PROFILE_OPTION_UNSUPPORTED:
    'An option does not apply to this profile (e.g. `--model` for `cmd`), or its value is not one the agent CLI accepts. `details` says which.',
  AGENT_CLI_BROKEN:
    'The agent CLI was found but `<cli> --version` failed or timed out; `details` has the command, exit status and output.',
  GIT_FAILED:
    'A git command failed; `details` has the arguments, the folder, the exit code and git’s stderr.',
  NOT_A_REPOSITORY: 'The folder is not inside a git repository (`details.path`).',
  GIT_REF_NOT_FOUND: 'The branch, tag or commit does not exist in the repository (`details.ref`).',
  GIT_BRANCH_TAKEN:
    'The branch already exists (a new agent gets `wtp/<name>`): pick another name, or reuse it with `--branch`.',
  GIT_DETACHED_HEAD:
    'The repository is on a detached HEAD and no `--base` was given: there is no current branch to start from.',
  AGENT_HAS_NO_WORKTREE:
    'The agent works outside git (it was created without a repository), so there is no branch to fork from. Fork agents started with `--repo <dir>` or in a workspace with a repository; `details.agent` names it.',
  WORKTREE_DIRTY:
    'The worktree has uncommitted or unmerged work that the command would lose; `details` lists it. Commit or merge it, or pass `--force`.',
  MERGE_TARGET_DIRTY:
    'The branch to merge into is checked out with uncommitted changes (`details.worktree`, `details.files`); nothing was changed. Commit or stash them there and run `wtp merge` again, or merge into another branch with `--into`.',
  MERGE_CONFLICT:
    "The merge would conflict in `details.conflicts`; nothing was merged and the target branch was left exactly as it was. Ask the agent to rebase on the target and resolve them (`wtp feedback NAME '…'`), or merge the target into its worktree by hand (`cd WORKTREE && git merge TARGET`, resolve, commit) and run `wtp merge` again; `wtp conflicts` shows the lines. `details.next` has the exact commands.",
  MERGE_UNCOMMITTED:
    'The agent’s worktree has uncommitted work, which a merge would leave behind; nothing was merged. Commit it and merge (`wtp merge NAME --commit MSG`), or commit it first (`wtp commit NAME -m MSG`); `details.files` lists it.',
  MERGE_TEST_FAILED:
    'The test command failed in the agent’s worktree, so nothing was merged; `details` has its exit code and output. Ask the agent to fix it (`wtp feedback`), or run it in the worktree yourself, then `wtp merge --test` again.',
  SETUP_NOT_APPROVED:
    'The repository’s content that would run or be fetched has not been approved, or changed since: its config (setup script, approval rules) or its submodules (their URLs are fetched from only once approved). Nothing was run or fetched and no worktree is left. `details` has the commands, the rules, the submodules (`details.submodules`) and the hashes (`details.hashes`); review with `wtp setup show --repo DIR`, approve with `wtp setup approve --repo DIR`, then run the command again.',
  REPO_CONFIG_NOT_APPROVABLE:
    'An agent CLI’s configuration in the repository cannot be approved: a file of it leads outside the repository (a symbolic link), is not a regular file, or is too large to review (`details.problem`). Its agents are not pre-trusted: answer the CLI’s own trust dialog yourself (`wtp approve NAME`, or `wtp attach NAME`).',
  SETUP_FAILED:
    'The repository’s setup script failed in the new worktree; the agent was not started. `details.output` has its output.',
  TASK_NOT_FOUND: 'No task has this id or title (`wtp task ls` lists them).',
  COST_DISABLED:
    'Usage is not read on this daemon (config `cost.enabled: false`), so there is no cost report or budget. Set `cost.enabled: true` and restart the daemon (`wtp down && wtp up`).',
  TASK_MOVE_REFUSED:
    'The task cannot go to that status from where it is (e.g. out of done); `details` has from and to.',
  TASK_ATTEMPT_NOT_FOUND: 'The task has no attempt with that number in its current round.',
  TASK_ATTEMPT_NOT_READY:
    'That attempt cannot be picked: it is still running or it failed (`details` has its status); only an attempt in review can be merged.',
  HOOK_REJECTED:
    'A hook call was refused: unknown agent, wrong per-agent hook token, or a body that is not a hook payload.',
  DASHBOARD_UNAVAILABLE:
    'The web dashboard cannot be opened: the daemon has no TCP listener (`api.tcp: false`), or the dashboard was not built (`npm run build` makes dist/web). `details.reason` says which.',
  TEMPLATE_NOT_APPROVED:
    'A repository’s template (`.wezterm-parallel/templates/`) runs only once its exact content is approved for that repository, and this one is not (or changed since it was). Nothing was created; `details` has the template, its file and its sha256. Review it with `wtp template show`, approve it with `wtp template approve NAME --repo DIR`.',
  DB_MISSING:
    'The database is missing or empty while the state directory holds agent folders (and maybe running hosts): starting on an empty database would lose track of them. Restore the database (a `wtp.db.bak-v*` backup may be beside it), or start anyway with `wtp up --fresh`, which keeps running agents alive as orphans (`wtp orphans`). `details` lists what was found.',
  DB_NOT_A_FILE:
    'The database path is a directory or another non-file; nothing was changed. Move it away or point WTP_HOME elsewhere. `details.path` names it.',
  ORPHAN_NOT_FOUND: 'No orphan host has this agent id; `wtp orphans` lists them.',
  ORPHAN_NOT_ADOPTABLE:
    'The orphan host cannot be adopted: its agent process has ended, or the host (an older version) did not say what it runs. Stop it with `wtp orphans stop`.',
  REQUEST_OUTCOME_UNKNOWN:
    'A request that changes something (create, stop, merge…) reached the daemon, but the connection ended (or timed out) before its answer: it may or may not have been carried out. Check with `wtp ls` or `wtp status` before trying again.',
  STORAGE_FULL:
    'The filesystem holding a state file is full (ENOSPC, EDQUOT, SQLITE_FULL): the change asked for (a new agent, workspace or task, a task move) was not made. Running agents keep running and their state changes are kept until space returns; free space on that filesystem and the daemon resumes writing by itself. `details` has the path, the component and the error code.',
  STORAGE_FAILED:
    'A state file could not be written (EIO, EROFS, SQLITE_IOERR, …): the change asked for was not made. Running agents keep running; the daemon retries by itself. `details` has the path, the component and the error code.',
  METHOD_NOT_ALLOWED:
    'The daemon serves no route with this HTTP method (e.g. `CONNECT`, `PUT`, `PATCH`): it is not a proxy. `details.allowed` (and the `Allow` header) lists the methods of the path.',
  TASK_AMBIGUOUS:
    'Several tasks have this title; name one by its id. `details.candidates` lists their ids, `details.tasks` their workspaces and statuses.',
  WORKSPACE_REQUIRED:
    'The command needs a workspace and none was given: `--workspace` was not passed and no workspace works on the current directory (its git repository, or the folder itself). Make one with `wtp workspace new NAME --repo .`, then pass `--workspace NAME`.',
  WORKSPACE_AMBIGUOUS:
    'Several workspaces work on the current directory, so none is picked for you; pass `--workspace`. `details.candidates` lists them.',
  FILE_EXISTS:
    'The file the command would write already exists (`wtp init`: the repository’s `.wezterm-parallel/config.yaml`; `wtp record-screen`: the `--out` file); nothing was changed. `details.path` names it; `--force` overwrites it.',
  PATH_OUTSIDE_REPOSITORY:
    'A file the command would write in a repository (`wtp init`: `.wezterm-parallel/config.yaml`) is reached through a symbolic link: a folder on its way that leads out of the repository, or the file itself (writing would change the file it points to, wherever that is). A repository’s own links are its content, not a place to write to; nothing was written. `details.path` is the file, `details.link` the link met, `details.target` where it points.',
  NO_IDLE_AGENTS:
    '`wtp broadcast` found no idle agent, so nothing was sent; `details.skipped` lists the live agents it left out and their states. Wait until one is idle (`wtp ls --state idle`), or type into one with `wtp send AGENT TEXT --force`.',
  WORKTREE_MISSING:
    'The agent’s git worktree no longer exists (`wtp gc` removes the worktree and branch of an ended agent whose work is merged; or it was removed by hand), so it cannot be restarted there; nothing was started. `details` has its path and branch. Remove the agent (`wtp rm`) and start a new one, which gets a fresh worktree (`wtp new … --repo DIR`, or `--branch B` to continue on a branch that still exists).',
  FORGE_CLI_MISSING:
    'The forge’s CLI is not on the daemon’s PATH: `gh` for GitHub, `glab` for GitLab (`details.cli`; which one follows from the remote’s URL, or config `forge.cli`). Install it (https://cli.github.com, https://gitlab.com/gitlab-org/cli), sign in (`gh auth login`, `glab auth login`), and restart the daemon from a shell where it is found (`wtp down && wtp up`). It is looked for before the push: nothing was pushed or opened.',
  FORGE_FAILED:
    'The forge’s CLI (`details.cli`) failed: not signed in (gh exits 4: run `gh auth login`; glab: `glab auth login`), no such repository on the forge, a network error or a time limit. `details` has its arguments, exit code and the end of its error output; the message says what it said.',
  PUSH_REJECTED:
    'The remote refused the push; nothing was changed there. `details.reason`: `behind` (the remote branch has commits this one lacks: someone else pushed, or the agent rebased or amended — `--force-with-lease` replaces it if the remote is still where it was last seen), `stale` (`--force-with-lease` refused: the remote branch moved since this repository last saw it; fetch and look before deciding), or `remote` (a hook or a protection rule of the remote; `details.message` says which). `details.next` has the commands.',
  GIT_REMOTE_NOT_FOUND:
    'The repository has no remote of that name (`details.remote`); `details.remotes` lists the ones it has. Add it (`git remote add NAME URL`) or pass `--remote`.',
  PR_NOT_FOUND:
    'The agent has no pull request recorded: open one with `wtp pr NAME` (an open pull request for its branch is taken as it is).',
  CHECKS_NOT_FAILING:
    '`wtp feedback --from-checks`: no check of the agent’s pull request fails (`details.checksState`: none, pending or passing), so nothing was sent. `wtp pr status NAME` shows them.',
  PR_NO_COMMITS:
    'The agent’s branch has no commits that its base lacks, so there is nothing to propose; nothing was opened. Commit its work first (`wtp commit NAME -m MSG`, or `--commit MSG`).',
  FLEET_UNREACHABLE:
    'The fleet database (`store.fleet`, `WTP_FLEET_URL`) cannot be reached: the server is down or the network is cut. This machine’s own agents keep running and their changes wait in its outbox, published once the database answers again; other machines are shown as last seen. `details.database` names it (without its password).',
  FLEET_REFUSED:
    'The fleet database refused this daemon: a wrong user or password, no such database, or a missing privilege (`details.pgCode` is PostgreSQL’s SQLSTATE). Local work goes on; fix the URL or the grants, then `wtp down` and `wtp up`.',
  FLEET_SCHEMA_MISSING:
    'The fleet database has no (or an older) wezterm-parallel schema, and this daemon’s role may not create it. Run `wtp fleet migrate` once with `WTP_FLEET_URL` set to a role that may (the database’s owner); `details` has the versions.',
  FLEET_SCHEMA_NEWER:
    'The fleet database was set up by a newer wezterm-parallel than this one (`details.schema` is its schema version, `details.known` this one’s): upgrade wezterm-parallel on this machine.',
  FLEET_MACHINE_TAKEN:
    'Another database role owns this machine name in the fleet, so this daemon may not write as it. Give this machine another name (`WTP_MACHINE` or `fleet.machine`), or connect as the role that owns it. `details.machine` names it.',
  FLEET_NOT_CONFIGURED:
    'The command needs a fleet and this daemon has none: set `store.fleet` in the config (or `WTP_FLEET_URL`) to a PostgreSQL URL, then restart the daemon.',
  FLEET_TASK_NOT_YOURS:
    'Only the machine that added a fleet task, or the machine that holds it (runs it, or ran it to review), may move or cancel it; the database refuses it from any other (row-level security). Run the command on one of them; `details.createdBy` and `details.machine` name them.',
  FLEET_DATABASE_REPLACED:
    'The fleet database is not the one this machine joined before (its identity, made when its schema was, changed): it was dropped and made again, restored, or `store.fleet` names another. The fleet’s task graph there starts anew; the fleet tasks this machine ran are kept here (released, listed as gone from the fleet). `details.previous` and `details.current` are the identities; if this is what you meant, nothing needs doing.',
  FLEET_ROW_INVALID:
    'A row of the fleet database failed validation (written by another machine’s role: a forged or damaged row, or a version that writes it otherwise): it was skipped, never shown or acted on. `wtp fleet` lists them (table, machine, key, the problem); look at that machine’s version and role.',
  MACHINE_NOT_FOUND:
    'No machine of the fleet has this name; `wtp fleet` lists them. `details.known` lists the names.',
  MACHINE_UNREACHABLE:
    'The machine that owns the agent has stopped sending heartbeats (its daemon or its network is down), so an action sent to it would not be carried out; nothing was sent. `details.since` is its last heartbeat.',
  REMOTE_ACTION_TIMEOUT:
    'The action was written to the fleet database for the machine that owns the agent, but its daemon did not answer in time; it may still carry it out. `details.command` is its id; check with `wtp ls`.',
  ATTACH_REMOTE_UNAVAILABLE:
    'The agent runs on another machine of the fleet and this one has no way to reach its terminal: set `fleet.ssh` on that machine (how `ssh` reaches it, e.g. `me@build-box`) so `wtp attach machine/agent` runs `wtp attach` there over SSH.',
  SANDBOX_UNAVAILABLE:
    'An agent was to run in a sandbox (`--sandbox`, the config’s `sandbox.profiles`, a template or a task) and none can be made on this machine: bubblewrap or socat missing or too old, user namespaces off, or not Linux. It is never started without one. `details.reason` says why, `details.fix` what to install or enable; `wtp doctor` checks the same.',
  SANDBOX_POLICY_INVALID:
    'A path of the sandbox policy (`sandbox.allowWrite`, `sandbox.allowRead`) cannot be used: not absolute, not there, or it would show what the sandbox hides (the state folder, `/`). `details.path` and `details.reason` say which.',
  SANDBOX_GIT_CONFIG_WRITABLE:
    'A sandboxed agent was to start in a repository whose git configuration includes a file the agent could write (`include.path` or `includeIf` into its folder): git outside the sandbox, the daemon’s or the user’s, would read the agent’s settings and run what they name. `details.file` names it; move it out of the folder or drop the include.',
  SANDBOX_COMMAND_HIDDEN:
    'A sandboxed agent was to start with a program the sandbox does not show (under /tmp, which is private inside, or in a hidden folder), or whose `#!` interpreter it does not show: it would exit 127 at once. Nothing was started. `details.file` names it; install it elsewhere or show its folder with `sandbox.allowRead`.',
  MCP_TOKEN_INVALID:
    'A call to the MCP endpoint (`/mcp`, `wtp mcp`) came with a token that is no agent’s: forged, cut, for another agent id, or for an agent that was removed or never given `--mcp`. Agents get theirs from `wtp new --mcp`; a user’s MCP client uses the API token (or the unix socket).',
  MCP_OUT_OF_SCOPE:
    'An agent’s MCP tool call reached past its scope: it acts only on the agents it started (its team; `mcp.scope: workspace` widens that to its workspace), reads only its own workspace, starts agents only in its own workspace and repository, never answers its own dialogs or its lead’s, never acts on itself or its lead, and never starts an agent that would act without asking more than it does. `details.rule` names the rule, `details.agent` the agent it named.',
  REMOTE_OFF:
    'The remote (phone) listener is off, so there is nothing to pair with. Turn it on with `wtp remote on --listen ADDR:PORT`; `details.error` says why one turned on does not serve.',
  REMOTE_CERT_INVALID:
    'The remote listener’s certificate cannot be used: a file is missing, unreadable, not PEM, or the local CA may not vouch for the address (it signs private addresses and names only). `details` names the file or host; give your own with `--cert` and `--key`, or use `tailscale serve`.',
  REMOTE_FILE_INVALID:
    'A file of the remote listener in `<state>/remote/` (its settings or its paired devices) cannot be trusted: a link, another user’s, open to other users, over 64 KiB, not JSON or not in its format. Nothing is served from it and nothing overwrites it. `details.path` names it; delete it, then turn the listener on and pair the devices again.',
  REMOTE_FORBIDDEN:
    'A request on the remote listener was refused: another Host (DNS rebinding) or Origin, a cross-site request, or a route a device may not use (pairing, hooks, MCP, the remote settings). `details.reason` says which.',
  PAIRING_REFUSED:
    'A pairing code was wrong, used or expired (codes work once, for two minutes), or pairing is locked after five wrong codes in ten minutes. `details.reason` says which and `details.lockedUntil` until when; run `wtp remote pair` for a new code.',
  DEVICE_NOT_FOUND: 'No paired device has this name; `wtp remote devices` lists them.',
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export const ERROR_CODES = Object.keys(ERROR_CATALOG) as [ErrorCode, ...ErrorCode[]];

/**
 * One validation problem: where (a dotted path such as `body.restart` or `--name`) and what. From
 * a schema check, also the kind of problem (zod's issue code: `too_small`, `too_big`,
 * `invalid_type`, `invalid_format`, `invalid_value`, `unrecognized_keys`, `custom`) and the bound a
 * `too_small` or `too_big` broke, so a client can word it for its own fields.
 */
export interface Issue {
  path: string;
  message: string;
  code?: string | undefined;
  minimum?: number | undefined;
  maximum?: number | undefined;
}

/** The body of every error response and of `--json` errors. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown> | undefined;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CATALOG, value);
}
