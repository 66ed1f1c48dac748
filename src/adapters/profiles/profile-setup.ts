import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AgentRecord } from '../../core/model/agent-record.js';
import type { StartMode } from '../../core/agents/profiles.js';
import type { ProfileCatalog } from '../../core/agents/profiles.js';
import type { Logger, PreparedProfile, ProfileSetup } from '../../core/ports/daemon.js';
import type {
  HookEndpoints,
  SetupFiles,
  VendorSetup,
  VendorSetupContext,
} from '../../core/ports/vendor-setup.js';
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
  /** `[node, wtp entry]`: the command hooks run `<these> hook --agent ID`. */
  wtpCommand: readonly string[];
  /** auto: http hooks when the API listens on TCP and the CLI takes them, else command hooks (config agents.claudeHooks). */
  hookTransport: 'auto' | 'http' | 'command';
  /** Pre-accept the trust prompt of new working directories (config agents.preTrust). */
  preTrust: boolean;
  /** Every profile's spec (src/vendors/registry.ts). */
  profiles: ProfileCatalog;
  /** The config's approval rules (config `approvals`); none when absent. */
  approvals?: Approvals;
  /** The setups of the vendors that have one, by profile name (src/vendors/setup-list.ts). */
  setups: Readonly<Record<string, VendorSetup>>;
  log: Logger;
  versionTimeoutMs?: number;
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
  underLock: (path, update) => withFileLock(path, update),
};

/**
 * Version, hooks and trust for agent CLIs, on the real file system: checks the CLI's version,
 * then runs its vendor's setup (`src/vendors/<name>/setup.ts`), if it has one.
 */
export class FsProfileSetup implements ProfileSetup {
  private readonly versions: CliVersions;

  constructor(private readonly o: ProfileSetupOptions) {
    this.versions = new CliVersions({
      env: o.env,
      ...(o.versionTimeoutMs === undefined ? {} : { timeoutMs: o.versionTimeoutMs }),
    });
  }

  async prepare(agent: AgentRecord): Promise<PreparedProfile> {
    const spec = this.o.profiles.get(agent.profile);
    if (spec.binary === null) return { version: null, profileArgs: [] };
    const version = await this.versions.get(agent.command);
    const setup = this.o.setups[agent.profile];
    if (setup === undefined) return { version, profileArgs: [] };
    const env = { ...this.o.env, ...this.o.profileEnv?.(agent.profile), ...agent.env };
    const ctx: VendorSetupContext = {
      agent,
      version,
      agentDir: join(this.o.agentsDir, agent.id),
      env,
      home: env.HOME ?? '/',
      preTrust: this.o.preTrust,
      hookTransport: this.o.hookTransport,
      approvals: rulesFor(agent.profile, this.o.approvals ?? { allow: [], deny: [] }, agent.approvals),
      hookEndpoints: () => this.hookEndpoints(agent),
      files: FS_FILES,
      log: this.o.log,
    };
    const prepared = await setup.prepare(ctx);
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
