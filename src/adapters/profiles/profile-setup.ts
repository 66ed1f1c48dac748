import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AgentRecord } from '../../core/model/agent-record.js';
import { AppError } from '../../core/errors.js';
import type { ProfileCatalog } from '../../core/agents/profiles.js';
import type { Logger, ProfileSetup } from '../../core/ports/daemon.js';
import type { HookEndpoints, SetupFiles, VendorSetup } from '../../core/ports/vendor-setup.js';
import { CLI_VERSION_PATTERN } from '../../protocol/constants.js';
import { readJsonObject, writeFileAtomic } from './json-file.js';

export interface ProfileSetupOptions {
  /** Per-agent files live in `<agentsDir>/<id>/`. */
  agentsDir: string;
  /** The daemon's environment (HOME, CLAUDE_CONFIG_DIR, CODEX_HOME), under the agent's own env. */
  env: Readonly<Record<string, string | undefined>>;
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
};

/**
 * Version, hooks and trust for agent CLIs, on the real file system: checks the CLI's version,
 * then runs its vendor's setup (`src/vendors/<name>/setup.ts`), if it has one.
 */
export class FsProfileSetup implements ProfileSetup {
  private readonly versions = new Map<string, { mtimeMs: number; version: string }>();
  /** `--version` runs in flight, by program file and modification time: agents started together share one. */
  private readonly asking = new Map<string, Promise<string>>();

  constructor(private readonly o: ProfileSetupOptions) {}

  async prepare(agent: AgentRecord): Promise<{ version: string | null; profileArgs: string[] }> {
    const spec = this.o.profiles.get(agent.profile);
    if (spec.binary === null) return { version: null, profileArgs: [] };
    const version = await this.version(agent.command);
    const setup = this.o.setups[agent.profile];
    if (setup === undefined) return { version, profileArgs: [] };
    const env = { ...this.o.env, ...agent.env };
    const result = setup.prepare({
      agent,
      version,
      agentDir: join(this.o.agentsDir, agent.id),
      env,
      home: env.HOME ?? '/',
      preTrust: this.o.preTrust,
      hookTransport: this.o.hookTransport,
      hookEndpoints: () => this.hookEndpoints(agent),
      files: FS_FILES,
      log: this.o.log,
    });
    if (Array.isArray(result)) return { version, profileArgs: result };
    Object.assign(agent.env, result.env);
    return { version, profileArgs: result.args };
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

  /** `<cli> --version`, cached per program file (by modification time). */
  private async version(command: string): Promise<string | null> {
    let mtimeMs = 0;
    try {
      mtimeMs = statSync(command).mtimeMs;
    } catch {
      return null;
    }
    const cached = this.versions.get(command);
    if (cached?.mtimeMs === mtimeMs) return cached.version;
    const key = `${command}\u0000${mtimeMs}`;
    let asking = this.asking.get(key);
    if (!asking) {
      asking = this.askVersion(command).finally(() => this.asking.delete(key));
      this.asking.set(key, asking);
    }
    const version = await asking;
    this.versions.set(command, { mtimeMs, version });
    return version;
  }

  /**
   * Runs `<cli> --version`; AGENT_CLI_BROKEN when it fails, times out or prints no version. It runs
   * in a process group of its own, killed whole (SIGKILL) at the time limit: a CLI that relaunches
   * itself (Gemini CLI's wrapper ignores SIGTERM and waits for its child) leaves nothing behind,
   * and a timeout is reported as one (not as the wrapper's later exit 0 with its output cut off).
   */
  private async askVersion(command: string): Promise<string> {
    const timeoutMs = this.o.versionTimeoutMs ?? 30_000;
    const out = await new Promise<{ code: number | null; text: string; timedOut: boolean }>((resolve) => {
      let text = '';
      let timedOut = false;
      const child = spawn(command, ['--version'], {
        env: { ...this.o.env } as NodeJS.ProcessEnv,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
      });
      const timer = setTimeout(() => {
        timedOut = true;
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }, timeoutMs);
      const take = (b: Buffer): void => {
        if (text.length < 4000) text += b.toString('utf8');
      };
      child.stdout.on('data', take);
      child.stderr.on('data', take);
      child.on('error', (err) => {
        clearTimeout(timer);
        resolve({ code: -1, text: err.message, timedOut: false });
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: timedOut ? null : (code ?? -1), text: text.trim(), timedOut });
      });
      child.stdin.end();
    });
    const m = CLI_VERSION_PATTERN.exec(out.text);
    if (out.code !== 0 || !m?.[1]) {
      throw new AppError(
        'AGENT_CLI_BROKEN',
        `\`${command} --version\` ${out.timedOut ? `timed out after ${timeoutMs / 1000} s` : `failed (exit ${out.code})`}: ${out.text.slice(0, 200) || 'no output'}`,
        { command, exitCode: out.code, timedOut: out.timedOut, output: out.text.slice(0, 2000) },
      );
    }
    return m[1];
  }
}
