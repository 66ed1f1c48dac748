import { PROFILE_NAMES, type CreateAgentRequest, type ProfileName } from '../../protocol/agent.js';
import type { Approvals } from '../../protocol/approval-schema.js';
import { agentBinVar } from '../../protocol/constants.js';
import { didYouMean } from '../../protocol/did-you-mean.js';
import { appError } from '../../protocol/error-messages.js';
import { DEFAULT_WORKSPACE } from '../../protocol/workspace.js';
import type { AgentRecord } from '../model/agent-record.js';
import type { AppError } from '../errors.js';
import { checkAgentRules } from '../policies/agent-rules.js';
import type { ProfileCatalog } from './profiles.js';
import type { Clock, IdGenerator, LaunchPreflight } from '../ports/daemon.js';
import type { AgentRegistry } from '../model/registry.js';
import type { SandboxPlanner } from '../ports/sandbox.js';

export interface FactorySettings {
  /** The user's login shell ($SHELL), used by the `shell` profile. */
  shell: string;
  /** PATH of the daemon, used to find commands unless the request sets its own PATH. */
  pathVar: string | undefined;
  /** Program of each agent CLI profile (claude, codex, …): a name on PATH or a path (WTP_<NAME>_BIN). */
  agentBinaries: Readonly<Record<string, string>>;
  cols: number;
  rows: number;
  /** Profiles whose agents run sandboxed unless the request says otherwise (config sandbox.profiles). */
  sandboxProfiles?: readonly string[];
  /** Profiles whose agents get the MCP server unless the request says otherwise (config `mcp.profiles`). */
  mcpProfiles?: readonly string[];
}

export interface FactoryDeps {
  registry: AgentRegistry;
  /** Each profile's arguments and options. */
  profileCatalog: ProfileCatalog;
  preflight: LaunchPreflight;
  ids: IdGenerator;
  clock: Clock;
  settings: FactorySettings;
  /** Sandboxes for agents; absent: none can be made (a request for one is refused). */
  sandbox?: SandboxPlanner | undefined;
}

export const CWD_REASONS = {
  missing: 'does not exist',
  not_directory: 'is not a directory',
  no_access: 'cannot be read and entered by this user',
} as const;

/** Validates a create request against the world (names, cwd, command) and builds the record. */
export function buildAgent(req: CreateAgentRequest & { startedBy?: string }, d: FactoryDeps): AgentRecord {
  const profile = parseProfile(req.profile);
  const ws = d.registry.resolveWorkspace(req.workspace ?? DEFAULT_WORKSPACE);
  const name = req.name ?? d.registry.nextFreeName(ws.id, profile);
  if (d.registry.isNameTaken(ws.id, name)) {
    throw appError('AGENT_NAME_TAKEN', { name, workspace: ws.name });
  }
  const cwdState = d.preflight.checkDirectory(req.cwd);
  if (cwdState !== 'ok') {
    throw appError('CWD_INVALID', { path: req.cwd, reason: cwdState, why: CWD_REASONS[cwdState] });
  }
  if (wantsSandbox(req, profile, d.settings)) assertSandbox(d.sandbox);
  const own = ownApprovals(req);
  if (own) checkAgentRules(d.profileCatalog.get(profile), own);
  const [wanted, userArgs] = commandLine(profile, req.argv, d.settings);
  const args = [...launchArgs(d.profileCatalog, profile, req), ...userArgs];
  const found = d.preflight.resolveCommand(wanted, {
    cwd: req.cwd,
    pathVar: req.env.PATH ?? d.settings.pathVar,
  });
  if (!found.ok) throw commandNotFound(d, profile, wanted, found.searched, req.env.PATH !== undefined);
  const now = d.clock.now();
  return {
    id: d.ids.next('ag'),
    name,
    workspaceId: ws.id,
    profile,
    command: found.path,
    args,
    cwd: req.cwd,
    env: { ...req.env },
    restart: req.restart,
    backend: ws.backend,
    state: 'starting',
    stateDetail: { reason: 'created' },
    stateSince: now,
    pid: null,
    hostPid: null,
    hostIdentity: null,
    paneId: null,
    lastExit: null,
    restarts: 0,
    createdAt: now,
    startedAt: null,
    outputSeq: 0,
    cols: d.settings.cols,
    rows: d.settings.rows,
    version: null,
    sessionId: null,
    forkSession: null,
    profileArgs: [],
    ...(own ? { approvals: { allow: [...own.allow], deny: [...own.deny] } } : {}),
    ...(req.startedBy !== undefined ? { startedBy: req.startedBy } : {}),
    ...((req.mcp ?? d.settings.mcpProfiles?.includes(profile)) === true ? { mcp: true } : {}),
    worktree: null,
  };
}

/** Whether the agent runs sandboxed: the request's `sandbox`, else the config's sandbox.profiles. */
export function wantsSandbox(
  req: Pick<CreateAgentRequest, 'sandbox'>,
  profile: string,
  s: Pick<FactorySettings, 'sandboxProfiles'>,
): boolean {
  return req.sandbox ?? s.sandboxProfiles?.includes(profile) ?? false;
}

/** SANDBOX_UNAVAILABLE with why and what to do, before anything is made: never a silent fallback. */
function assertSandbox(planner: SandboxPlanner | undefined): void {
  const why = planner
    ? planner.unavailable()
    : { reason: 'no sandbox is wired into this daemon', fix: 'restart it with `wtp down` and `wtp up`' };
  if (why === null) return;
  throw appError('SANDBOX_UNAVAILABLE', { reason: why.reason, fix: why.fix });
}

/** The request's own rules, or undefined when it has none. */
function ownApprovals(req: CreateAgentRequest): Approvals | undefined {
  const a = req.approvals;
  return a && a.allow.length + a.deny.length > 0 ? a : undefined;
}

/**
 * COMMAND_NOT_FOUND with the next step: the daemon's PATH and WTP_<NAME>_BIN are what count (not the
 * shell that ran `wtp new`), and for an agent CLI how to install it.
 */
function commandNotFound(
  d: FactoryDeps,
  profile: ProfileName,
  wanted: string,
  searched: string[],
  requestPath: boolean,
): AppError {
  const where = requestPath
    ? 'on the PATH given with the request'
    : "on the daemon's PATH (the environment it was started with, not this shell's)";
  const missing = wanted.includes('/')
    ? 'not an executable file'
    : `no executable file by that name ${where}`;
  const spec = d.profileCatalog.get(profile);
  if (spec.binary === null) {
    return appError('COMMAND_NOT_FOUND', { command: wanted, searched, missing });
  }
  const variable = agentBinVar(profile);
  const viaVar = d.settings.agentBinaries[profile] !== undefined;
  const install = spec.install ?? null;
  return appError('COMMAND_NOT_FOUND', {
    command: wanted,
    searched,
    profile,
    variable,
    install,
    missing,
    binary: spec.binary,
    ...(viaVar ? { program: wanted } : {}),
  });
}

/** The profile's default arguments and what `--model` / `--permission-mode` become. */
function launchArgs(profiles: ProfileCatalog, profile: ProfileName, req: CreateAgentRequest): string[] {
  const spec = profiles.get(profile);
  const out = [...spec.defaultArgs];
  const unsupported = (option: string): AppError =>
    appError('PROFILE_OPTION_UNSUPPORTED', { profile, option });
  if (req.model !== undefined) {
    if (!spec.modelArgs) throw unsupported('model');
    out.push(...spec.modelArgs(req.model));
  }
  if (req.permissionMode !== undefined) {
    if (!spec.permissionArgs || !spec.permissionModes) {
      throw unsupported('permission-mode');
    }
    if (!spec.permissionModes.includes(req.permissionMode)) {
      throw appError('PROFILE_OPTION_UNSUPPORTED', {
        profile,
        option: 'permission-mode',
        value: req.permissionMode,
        known: [...spec.permissionModes],
      });
    }
    out.push(...spec.permissionArgs(req.permissionMode));
  }
  return out;
}

function parseProfile(value: string): ProfileName {
  const known: readonly string[] = PROFILE_NAMES;
  if (known.includes(value)) return value as ProfileName;
  throw appError('PROFILE_UNKNOWN', {
    profile: value,
    known: [...PROFILE_NAMES],
    suggestion: didYouMean(value, PROFILE_NAMES),
  });
}

function commandLine(profile: ProfileName, argv: string[], s: FactorySettings): [string, string[]] {
  if (profile === 'shell') return [s.shell, [...argv]];
  if (profile !== 'cmd') return [s.agentBinaries[profile] ?? profile, [...argv]];
  const [command, ...args] = argv;
  if (command === undefined || command === '') {
    throw appError('COMMAND_MISSING', {});
  }
  return [command, args];
}
