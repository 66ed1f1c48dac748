import { lstatSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, resolve } from 'node:path';
import type { ProfileCatalog, ProfileSandbox, SandboxStatePath } from '../../core/agents/profiles.js';
import type { AppError } from '../../core/errors.js';
import type { AgentRecord } from '../../core/model/agent-record.js';
import type { SandboxPlanner, SandboxUnavailable } from '../../core/ports/sandbox.js';
import { appError } from '../../protocol/error-messages.js';
import type { SandboxForward, SandboxPolicy } from '../../protocol/sandbox.js';
import { sandboxHostSchema } from '../../protocol/sandbox.js';
import { isWithin } from './bwrap-args.js';
import { checkCommandShown } from './command-shown.js';
import { parseAllowed } from './host-match.js';
import type { SandboxProbe } from './sandbox-probe.js';

/**
 * Files and folders of a home no agent reads unless the config lets it (`sandbox.allowRead`):
 * keys, cloud and forge credentials, password stores, browsers' profiles.
 */
export const HOME_SECRETS = [
  '.ssh',
  '.aws',
  '.config/gh',
  '.config/glab-cli',
  '.config/hub',
  '.gnupg',
  '.docker',
  '.kube',
  '.netrc',
  '.git-credentials',
  '.config/git/credentials',
  '.config/gcloud',
  '.azure',
  '.password-store',
  '.local/share/keyrings',
  '.pgpass',
  '.postgresql',
  '.npmrc',
  '.pypirc',
  '.vault-token',
  '.mozilla',
  '.config/google-chrome',
  '.config/chromium',
] as const;

/** The config's `sandbox` section (src/config/sandbox-schema.ts). */
export interface SandboxSettings {
  allowHosts: readonly string[];
  allowRead: readonly string[];
  allowWrite: readonly string[];
  /** Profile → its model API hosts, in place of its vendor's. */
  hosts: Readonly<Record<string, readonly string[]>>;
}

export interface PlannerOptions {
  settings: SandboxSettings;
  profiles: ProfileCatalog;
  /** This tool's folders: all hidden (the token, the database, other agents' logs and worktrees). */
  stateDir: string;
  configDir: string;
  worktreesDir: string;
  /** The agent's own folder (its setup's files): `<agentsDir>/<id>`, shown read-only. */
  agentDir: (agentId: string) => string;
  /** Files of the fleet's credentials (the database URL's sslkey, sslcert, passfile…). */
  credentialFiles: readonly string[];
  /** The environment the agent starts with (the daemon's allowlisted part, its profile's, its own). */
  agentEnv: (agent: AgentRecord) => Readonly<Record<string, string | undefined>>;
  /** Whether a sandbox can be made here (cached by the caller). */
  probe: () => SandboxProbe;
  /** Every file git's configuration in a folder includes (absolute): none may be the agent's to write. */
  gitIncludes?: (folder: string) => string[];
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * The sandbox policy of a new agent (docs/sandbox.md): it writes its worktree (or its folder),
 * the parts of its repository's git folder a commit writes, its CLI's private state, and what the
 * config adds; it reads everything else of the machine but this tool's folders, other CLIs'
 * state and the home's secrets; it reaches its CLI's API hosts (or where a base URL variable
 * points it) and the config's. Every path is checked here: absolute, there, and never the home,
 * `/` or a folder above this tool's state as a writable one.
 */
export class FsSandboxPlanner implements SandboxPlanner {
  private working: SandboxProbe | null = null;

  constructor(private readonly o: PlannerOptions) {}

  unavailable(): SandboxUnavailable | null {
    if (this.working?.ok) return null;
    const probe = this.o.probe();
    if (probe.ok) {
      this.working = probe;
      return null;
    }
    return { reason: probe.reason, fix: probe.fix };
  }

  plan(agent: AgentRecord): SandboxPolicy {
    const env = this.o.agentEnv(agent);
    const home = env.HOME && isAbsolute(env.HOME) ? normalize(env.HOME) : '/';
    const spec = this.o.profiles.get(agent.profile).sandbox;
    const folder = agent.worktree?.path ?? agent.cwd;
    const write: string[] = [];
    const read: string[] = [];
    const readOnly: string[] = [];
    const hide: string[] = [];

    checkWritable(folder, home, this.o.stateDir, 'the agent’s folder');
    write.push(folder);
    const git = gitFolders(folder);
    write.push(...git.write);
    read.push(...git.read);
    readOnly.push(...git.readOnly);

    // Its CLI's state is written only where its setup moved it into the agent's own folder; the
    // user's (where an unsandboxed CLI reads its settings and hooks) stays read-only.
    const agentDir = this.o.agentDir(agent.id);
    const userEnv = this.o.agentEnv(withoutProfileEnv(agent));
    for (const p of statePaths(spec, env, home)) {
      if (!isWithin(p.path, [agentDir])) continue;
      if (p.file) {
        if (isFile(p.path)) write.push(p.path);
      } else {
        ensureFolder(p.path);
        write.push(p.path);
      }
    }
    for (const p of statePaths(spec, userEnv, home)) if (exists(p.path)) readOnly.push(p.path);
    // The home is read as it is (a home under /tmp too, which the sandbox makes private); its secrets are hidden below.
    if (home !== '/' && exists(home)) read.push(home);
    read.push(agentDir);
    for (const sub of spec?.agentDirs ?? []) {
      const dir = join(agentDir, sub);
      if (isDir(dir)) write.push(dir);
    }
    for (const p of this.o.settings.allowWrite) {
      const path = userPath(p, home, 'sandbox.allowWrite');
      checkWritable(path, home, this.o.stateDir, 'sandbox.allowWrite');
      write.push(path);
    }
    for (const p of this.o.settings.allowRead) read.push(userPath(p, home, 'sandbox.allowRead'));

    // Hidden: this tool's folders, other CLIs' state, the home's secrets, the fleet's credentials.
    hide.push(this.o.stateDir, this.o.configDir, this.o.worktreesDir, ...this.o.credentialFiles);
    for (const other of this.o.profiles.all()) {
      if (other.name === agent.profile) continue;
      // Where the user keeps them, also when this agent's own variables (XDG_CACHE_HOME) moved its view.
      for (const e of [env, userEnv]) for (const p of statePaths(other.sandbox, e, home)) hide.push(p.path);
      for (const p of other.sandbox?.secrets ?? [])
        hide.push(p.startsWith('~/') ? join(home, p.slice(2)) : p);
    }
    for (const s of HOME_SECRETS) hide.push(join(home, s));
    // What the config shows again is not hidden (a deeper hidden path under it still is).
    const shown = new Set(
      [...this.o.settings.allowRead, ...this.o.settings.allowWrite].map((p) => userPath(p, home, 'sandbox')),
    );
    const mine = new Set([...write, ...readOnly]);
    this.checkGitIncludes(folder, write, readOnly);

    const hosts = this.hosts(agent.profile, spec, env);
    const policy = {
      write: unique(write),
      hide: unique(hide.filter((p) => !shown.has(p) && !mine.has(p))),
      read: unique(read),
      readOnly: unique(readOnly),
      hosts,
      forwards: forwardsOf(hosts),
    };
    checkCommandShown(agent.command, env.PATH, policy);
    return policy;
  }

  /**
   * The daemon's git and the user's read the repository's configuration outside the sandbox: a
   * file it includes that the agent could write would hand them the agent's settings (a filter,
   * an fsmonitor, an ssh command).
   */
  private checkGitIncludes(folder: string, write: readonly string[], readOnly: readonly string[]): void {
    const writable = write.map(realOrSelf);
    for (const file of this.o.gitIncludes?.(folder) ?? []) {
      const real = realOfNearest(file);
      if (!isWithin(real, writable) || isWithin(real, readOnly.map(realOrSelf))) continue;
      throw appError('SANDBOX_GIT_CONFIG_WRITABLE', { file, folder });
    }
  }

  /** The vendor's API hosts (the config's for it, or where its base URL variable points), then the config's. */
  private hosts(
    profile: string,
    spec: ProfileSandbox | undefined,
    env: Readonly<Record<string, string | undefined>>,
  ): string[] {
    const fromEnv = (spec?.baseUrlEnv ?? []).flatMap((name) => {
      const value = env[name];
      return value ? [hostOfUrl(value, name)] : [];
    });
    const own = this.o.settings.hosts[profile] ?? (fromEnv.length > 0 ? fromEnv : (spec?.hosts ?? []));
    return unique([...own, ...this.o.settings.allowHosts]);
  }
}

/** `host:port` of a base URL (`http://127.0.0.1:8080/v1` → `127.0.0.1:8080`); SANDBOX_POLICY_INVALID when it is not a URL. */
export function hostOfUrl(value: string, variable: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(value, `${variable} is not a URL, so the sandbox cannot tell which host it names`);
  }
  const port = url.port || (url.protocol === 'https:' ? '443' : url.protocol === 'http:' ? '80' : '');
  const host = url.hostname;
  const entry = port ? `${host}:${port}` : host;
  if (!sandboxHostSchema.safeParse(entry).success)
    throw invalid(value, `${variable} names a host the sandbox cannot take`);
  return entry;
}

/** Loopback entries with a port: reachable at the same address inside (a local model server). */
export function forwardsOf(hosts: readonly string[]): SandboxForward[] {
  const out: SandboxForward[] = [];
  for (const h of hosts) {
    const a = parseAllowed(h);
    if (a.wildcard || a.port === null || !LOOPBACK.has(a.host)) continue;
    if (a.host !== '::1') out.push({ host: '127.0.0.1', port: a.port });
    if (a.host !== '127.0.0.1') out.push({ host: '::1', port: a.port });
  }
  return out.filter((f, i) => out.findIndex((g) => g.host === f.host && g.port === f.port) === i);
}

/** A CLI's state paths for this agent's environment (`~` its HOME; a set variable moves them). */
export function statePaths(
  spec: ProfileSandbox | undefined,
  env: Readonly<Record<string, string | undefined>>,
  home: string,
): SandboxStatePath[] {
  return (spec?.state ?? []).map((s) => {
    const moved = s.env ? env[s.env] : undefined;
    const path =
      moved && isAbsolute(moved)
        ? join(moved, s.sub ?? '')
        : s.path.startsWith('~/')
          ? join(home, s.path.slice(2))
          : s.path;
    return { ...s, path: normalize(path) };
  });
}

/**
 * What of a repository's git folder the agent writes and what it must not: a worktree's own
 * folder (`.git/worktrees/<name>`: HEAD, index) and the shared objects, refs and logs a commit
 * writes; the `.git` link of the worktree and that folder's `commondir` and `gitdir` stay
 * read-only (repointed, they would make the daemon's next git command in the worktree read
 * another config), and so do the config and hooks (never in the writable list). A repository's
 * own `.git` (an agent without a worktree) is read-only whole.
 */
export function gitFolders(folder: string): { write: string[]; read: string[]; readOnly: string[] } {
  const dotGit = join(folder, '.git');
  let st;
  try {
    st = lstatSync(dotGit);
  } catch {
    return { write: [], read: [], readOnly: [] };
  }
  if (st.isDirectory()) {
    // The repository itself (`--no-worktree`): all of its `.git` is read-only (a mount point, it
    // cannot be renamed either). A writable `.git` cannot be kept safe: a `commondir` file or a
    // new `.git` put there would make the user's next git read the agent's config. The agent
    // edits files; commits are the user's (or `wtp commit`).
    return { write: [], read: [], readOnly: [dotGit] };
  }
  if (!st.isFile()) return { write: [], read: [], readOnly: [dotGit] };
  const m = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'));
  if (!m?.[1]) return { write: [], read: [], readOnly: [dotGit] };
  const own = realOrSelf(resolve(folder, m[1].trim()));
  let common = own;
  try {
    common = realOrSelf(resolve(own, readFileSync(join(own, 'commondir'), 'utf8').trim()));
  } catch {
    // not a linked worktree's folder: only its own
  }
  const write = [own, ...['objects', 'refs', 'logs'].map((f) => join(common, f)).filter(exists)];
  // Its own config.worktree is read when the repository turns on extensions.worktreeConfig (as
  // `git sparse-checkout` does): made here if missing, so that it is read-only too.
  ensureFile(join(own, 'config.worktree'));
  const readOnly = [
    dotGit,
    ...['commondir', 'gitdir', 'config.worktree'].map((f) => join(own, f)).filter(exists),
  ];
  return { write, read: [common], readOnly };
}

/** The agent without the environment its setup gave it: the user's own view of where CLI state lives. */
function withoutProfileEnv(agent: AgentRecord): AgentRecord {
  const { profileEnv: _setup, ...rest } = agent;
  return rest;
}

function userPath(p: string, home: string, setting: string): string {
  const expanded = p === '~' ? home : p.startsWith('~/') ? join(home, p.slice(2)) : p;
  if (!isAbsolute(expanded)) throw invalid(p, `${setting} takes absolute paths (or ~/…)`);
  if (!exists(expanded)) throw invalid(p, `${setting}: it is not there`);
  return normalize(expanded);
}

/** A writable folder must not be `/`, the home or above it, or above this tool's state. */
function checkWritable(path: string, home: string, stateDir: string, what: string): void {
  const p = realOrSelf(path);
  const above = (dir: string): boolean => dir === p || dir.startsWith(p === '/' ? '/' : `${p}/`);
  if (p === '/' || (home !== '/' && above(realOrSelf(home))))
    throw invalid(
      path,
      `${what} would make the whole home writable (~/.bashrc, ~/.profile run outside the sandbox)`,
    );
  if (above(realOrSelf(stateDir))) throw invalid(path, `${what} holds this tool’s state folder`);
}

function ensureFile(path: string): void {
  try {
    writeFileSync(path, '', { flag: 'wx', mode: 0o644 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** The real path of `path`, or of its nearest existing folder with the rest joined on (a file not made yet). */
function realOfNearest(path: string): string {
  let dir = normalize(path);
  const rest: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(dir), ...rest.reverse());
    } catch {
      const up = dirname(dir);
      if (up === dir) return normalize(path);
      rest.push(dir.slice(up === '/' ? 1 : up.length + 1));
      dir = up;
    }
  }
}

function ensureFolder(path: string): void {
  if (exists(path)) return;
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
  } catch {
    // a folder we cannot make is left out (bwrap-args skips what is not there)
  }
}

const exists = (p: string): boolean => {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
};
const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};
const isFile = (p: string): boolean => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};
const realOrSelf = (p: string): string => {
  try {
    return realpathSync(p);
  } catch {
    return exists(dirname(p)) ? join(realOrSelf(dirname(p)), p.slice(dirname(p).length + 1)) : p;
  }
};
const unique = (list: readonly string[]): string[] => [...new Set(list)];

function invalid(path: string, reason: string): AppError {
  return appError('SANDBOX_POLICY_INVALID', { path, reason });
}
