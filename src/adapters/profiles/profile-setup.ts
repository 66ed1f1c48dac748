import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RepoApprovals } from '../../core/ports/git.js';
import type { RepoConfigInfo } from '../../protocol/git.js';
import type { AgentTrust } from '../../protocol/profiles.js';
import type { AgentRecord } from '../../core/model/agent-record.js';
import type { StartMode } from '../../core/agents/profiles.js';
import type { ProfileCatalog } from '../../core/agents/profiles.js';
import type { Logger, PreparedProfile, ProfileSetup } from '../../core/ports/daemon.js';
import { MCP_SERVER_NAME } from '../../protocol/mcp-tools.js';
import type {
  HookEndpoints,
  McpServerEntry,
  RepoConfigState,
  TrustEntry,
  SetupFiles,
  VendorSetup,
  VendorSetupContext,
} from '../../core/ports/vendor-setup.js';
import { editConfigFile, linkTarget } from './config-edit.js';
import { repoPlace, scanRepoConfig } from './repo-config-scan.js';
import { readTrustRecord, TrustRecorder } from './trust-record.js';
import { rulesFor } from '../../core/policies/agent-rules.js';
import type { Approvals } from '../../protocol/approval-schema.js';
import { CliVersions } from './cli-version.js';
import { readJsonObject, withFileLock, writeFileAtomic } from './json-file.js';

export interface ProfileSetupOptions {
  /** Per-agent files live in `<agentsDir>/<id>/`. */
  agentsDir: string;
  /** What agents get of the daemon's environment (HOME, …), under the agent's own env. */
  env: Readonly<Record<string, string | undefined>>;
  /** Over `env`, what agents of a profile get (CLAUDE_CONFIG_DIR, CODEX_HOME, …). */
  profileEnv?: (profile: string) => Readonly<Record<string, string>>;
  /** `http://127.0.0.1:<port>` when the API listens on TCP (http hooks), else null. */
  apiUrl: () => string | null;
  /** The per-agent hook token (see interfaces/server/auth.ts). */
  hookToken: (agentId: string) => string;
  /** The per-agent MCP token (see interfaces/server/auth.ts), for agents created with `mcp`. */
  mcpToken?: (agentId: string) => string;
  /**
   * The daemon's unix socket, named to `wtp mcp` (`--socket`): an agent CLI may start its MCP
   * servers with an environment of its own choosing (Codex and Qwen Code pass a few variables).
   */
  apiSocket?: string;
  /** `[node, wtp entry]`: the command hooks run `<these> hook --agent ID`. */
  wtpCommand: readonly string[];
  /** auto: http hooks when the API listens on TCP and the CLI takes them, else command hooks (config agents.claudeHooks). */
  hookTransport: 'auto' | 'http' | 'command';
  /** Pre-accept the trust prompt of new working directories (config agents.preTrust). */
  preTrust: boolean;
  /**
   * The user's approvals of repository content: a CLI's configuration in a folder is one (issue
   * 30). Default: kept in memory (none at first).
   */
  repoApprovals?: RepoApprovals;
  /** Every profile's spec (src/vendors/registry.ts). */
  profiles: ProfileCatalog;
  /** The config's approval rules (config `approvals`); none when absent. */
  approvals?: Approvals;
  /** The setups of the vendors that have one, by profile name (src/vendors/setup-list.ts). */
  setups: Readonly<Record<string, VendorSetup>>;
  log: Logger;
  versionTimeoutMs?: number;
}

/** The agent's MCP token, in its own folder (0600). */
const MCP_TOKEN_FILE = 'mcp-token';

/** Approvals kept in memory only (when the caller keeps none). */
function memoryApprovals(): RepoApprovals {
  const approved = new Set<string>();
  return {
    approved: (repo, hash) => approved.has(`${repo}\0${hash}`),
    approve: (repo, hash) => void approved.add(`${repo}\0${hash}`),
  };
}

/** The file operations of vendor setups, on the real file system. */
const FS_FILES: SetupFiles = {
  readText(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  },
  readJsonObject,
  writeAtomic: (path, text) => writeFileAtomic(path, text),
  remove: (path) => rmSync(path, { force: true }),
  list(dir) {
    try {
      return readdirSync(dir).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  },
  link(target, path) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    rmSync(path, { force: true });
    symlinkSync(target, path);
  },
  removeTree: (dir) => rmSync(dir, { recursive: true, force: true }),
  editFile: editConfigFile,
  // The lock of the file the link leads to (proper-lockfile, as Claude Code takes it, resolves links).
  underLock: (path, update) => withFileLock(linkTarget(path), update),
};

/**
 * Version, hooks and trust for agent CLIs, on the real file system: checks the CLI's version,
 * then runs its vendor's setup (`src/vendors/<name>/setup.ts`), if it has one.
 */
export class FsProfileSetup implements ProfileSetup {
  private readonly versions: CliVersions;
  private readonly approvals: RepoApprovals;

  constructor(private readonly o: ProfileSetupOptions) {
    this.approvals = o.repoApprovals ?? memoryApprovals();
    this.versions = new CliVersions({
      env: o.env,
      ...(o.versionTimeoutMs === undefined ? {} : { timeoutMs: o.versionTimeoutMs }),
    });
  }

  async prepare(agent: AgentRecord, o: { sandboxed?: boolean } = {}): Promise<PreparedProfile> {
    // Any agent given `mcp` gets its token file (a `cmd` agent may run an MCP client of its own).
    this.mcpServer(agent, join(this.o.agentsDir, agent.id));
    const spec = this.o.profiles.get(agent.profile);
    if (spec.binary === null) return { version: null, profileArgs: [] };
    const version = await this.versions.get(agent.command);
    const setup = this.o.setups[agent.profile];
    if (setup === undefined) return { version, profileArgs: [] };
    const env = { ...this.o.env, ...this.o.profileEnv?.(agent.profile), ...agent.env };
    const agentDir = join(this.o.agentsDir, agent.id);
    const repoConfig = this.repoConfigState(agent.cwd, setup);
    const trust = new TrustRecorder(agent.profile, agent.cwd, repoConfig);
    const ctx: VendorSetupContext = {
      agent,
      version,
      agentDir,
      env,
      home: env.HOME ?? '/',
      preTrust: this.mayPreTrust(agent, spec.trust !== null, repoConfig, trust),
      repoConfig,
      trust,
      hookTransport: this.o.hookTransport,
      approvals: rulesFor(agent.profile, this.o.approvals ?? { allow: [], deny: [] }, agent.approvals),
      hookEndpoints: () => this.hookEndpoints(agent),
      sandboxed: o.sandboxed === true,
      mcpServer: () => this.mcpServer(agent, agentDir),
      files: FS_FILES,
      log: this.o.log,
    };
    let prepared: Awaited<ReturnType<VendorSetup['prepare']>>;
    try {
      prepared = await setup.prepare(ctx);
    } finally {
      trust.save(join(agentDir, 'trust.json'), FS_FILES);
    }
    const startMode = this.startMode(setup, ctx);
    const mode = startMode === null ? {} : { startMode };
    if (Array.isArray(prepared)) return { version, profileArgs: prepared, ...mode };
    return { version, profileArgs: prepared.args, profileEnv: prepared.env, ...mode };
  }

  /** What the setup reads of the mode the CLI starts in; a failure to read is logged and counts as nothing. */
  private startMode(setup: VendorSetup, ctx: VendorSetupContext): StartMode | null {
    try {
      return setup.startMode?.(ctx) ?? null;
    } catch (err) {
      this.o.log.warn({ err, agentId: ctx.agent.id }, 'could not read the permission settings');
      return null;
    }
  }

  cleanup(agentId: string): void {
    const agentDir = join(this.o.agentsDir, agentId);
    for (const setup of Object.values(this.o.setups)) setup.cleanup?.(agentDir, FS_FILES);
    FS_FILES.remove(join(agentDir, MCP_TOKEN_FILE));
    FS_FILES.remove(join(this.o.agentsDir, agentId, 'trust.json'));
  }

  async releaseTrust(agentId: string): Promise<void> {
    const record = readTrustRecord(join(this.o.agentsDir, agentId, 'trust.json'));
    if (record === null) return;
    const others = FS_FILES.list(this.o.agentsDir)
      .filter((id) => id !== agentId)
      .flatMap((id) => {
        const file = join(this.o.agentsDir, id, 'trust.json');
        const r = readTrustRecord(file);
        return r === null ? [] : [{ file, record: r }];
      });
    for (const entry of record.entries) {
      const same = (e: TrustEntry): boolean =>
        e.vendor === entry.vendor && e.file === entry.file && e.folder === entry.folder;
      if (others.some((o) => o.record.entries.some(same))) continue; // another agent added it too
      // Another agent pre-trusted in the same folder by this entry (it found the folder trusted
      // already): the entry becomes that agent's, taken back when that one goes.
      const heir = others.find(
        (o) =>
          o.record.trust.preTrusted &&
          o.record.trust.profile === entry.vendor &&
          o.record.trust.folder === entry.folder,
      );
      if (heir) {
        heir.record.entries.push(entry);
        FS_FILES.writeAtomic(heir.file, `${JSON.stringify(heir.record, null, 2)}\n`);
        continue;
      }
      const untrust = this.o.setups[entry.vendor]?.untrust;
      if (!untrust) continue;
      try {
        if (!(await untrust(entry, FS_FILES)))
          this.o.log.warn({ agentId, entry }, 'trust entry changed since it was added: left as it is');
      } catch (err) {
        this.o.log.warn({ err, agentId, entry }, 'could not take back a trust entry');
      }
    }
    // Taken back (or left, said): the record goes so that a second removal does nothing.
    FS_FILES.remove(join(this.o.agentsDir, agentId, 'trust.json'));
  }

  trust(agentId: string): AgentTrust | null {
    return readTrustRecord(join(this.o.agentsDir, agentId, 'trust.json'))?.trust ?? null;
  }

  repoConfigs(folder: string): RepoConfigInfo[] {
    return Object.entries(this.o.setups).flatMap(([, setup]) => {
      const state = this.repoConfigState(folder, setup);
      return state.config === null ? [] : [{ ...state.config, approved: state.approved }];
    });
  }

  approveRepoConfig(folder: string, hash: string): boolean {
    for (const setup of Object.values(this.o.setups)) {
      const { repo, config } = this.repoConfigState(folder, setup);
      if (config?.hash !== hash || config.problem !== null) continue;
      this.approvals.approve(repo, hash);
      return true;
    }
    return false;
  }

  /** The setup's CLI configuration in `folder` (its `trustedContent`), and whether it is approved. */
  private repoConfigState(folder: string, setup: VendorSetup): RepoConfigState {
    const repo = repoPlace(folder).key;
    const spec = setup.trustedContent;
    const vendor = Object.entries(this.o.setups).find(([, s]) => s === setup)?.[0] ?? '?';
    const config = spec ? scanRepoConfig(folder, vendor, spec) : null;
    const approved = config !== null && config.problem === null && this.approvals.approved(repo, config.hash);
    return { repo, config, approved };
  }

  /**
   * agents.preTrust, unless the folder holds configuration of the CLI's the user has not approved:
   * then its own trust dialog is left to the user, and the recorder says why.
   */
  private mayPreTrust(
    agent: AgentRecord,
    asksTrust: boolean,
    state: RepoConfigState,
    trust: TrustRecorder,
  ): boolean {
    if (!asksTrust) return this.o.preTrust;
    if (!this.o.preTrust) {
      trust.withheld('agents.preTrust is off: the trust prompt is left to you');
      return false;
    }
    const config = state.config;
    if (config === null || state.approved) return true;
    const files = config.files.map((f) => f.path);
    const shown = files.length > 4 ? [...files.slice(0, 4), `${files.length - 4} more`] : files;
    const where = agent.worktree ? agent.worktree.repo : agent.cwd;
    const answer = `its own trust dialog is left to you (wtp approve ${agent.name}, or wtp attach ${agent.name})`;
    trust.withheld(
      config.problem !== null
        ? `folder not trusted for it: the repository's ${config.cli} configuration cannot be approved: ${config.problem}; ${answer}`
        : `folder not trusted for it: the repository's ${config.cli} configuration (${shown.join(', ')}) would run or load once the folder is trusted, and it is not approved (sha256 ${config.hash.slice(0, 12)}…); ${answer}. To pre-trust its agents, review it with \`wtp setup show --repo ${where}\` and approve it with \`wtp setup approve --repo ${where}\``,
    );
    return false;
  }

  /**
   * The MCP server for an agent created with `mcp`: its token written to a 0600 file of its folder
   * (read by `wtp mcp --token-file`), so no CLI configuration or command line holds the token.
   */
  private mcpServer(agent: AgentRecord, agentDir: string): McpServerEntry | null {
    if (agent.mcp !== true || !this.o.mcpToken) return null;
    const file = join(agentDir, MCP_TOKEN_FILE);
    FS_FILES.writeAtomic(file, `${this.o.mcpToken(agent.id)}\n`);
    const [command, ...rest] = this.o.wtpCommand;
    const socket = this.o.apiSocket === undefined ? [] : ['--socket', this.o.apiSocket];
    return {
      name: MCP_SERVER_NAME,
      command: command ?? 'wtp',
      args: [...rest, 'mcp', '--token-file', file, ...socket],
    };
  }

  /** The daemon's hook endpoints for one agent: its http URL (when the API listens on TCP) and `wtp hook`. */
  private hookEndpoints(agent: AgentRecord): HookEndpoints {
    const url = this.o.apiUrl();
    const [command, ...rest] = this.o.wtpCommand;
    return {
      http:
        url === null
          ? null
          : { url: `${url}/api/v1/hooks/${encodeURIComponent(agent.id)}`, token: this.o.hookToken(agent.id) },
      command: { command: command ?? 'wtp', args: [...rest, 'hook', '--agent', agent.id] },
    };
  }
}
