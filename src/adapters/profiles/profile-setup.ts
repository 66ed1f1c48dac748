import { execFile } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentRecord } from '../../core/model/agent-record.js';
import { AppError } from '../../core/errors.js';
import type { Logger, ProfileSetup } from '../../core/ports/daemon.js';
import { compareVersions, parseVersion } from '../../core/state/detectors/screen-detector.js';
import { profileSpec } from '../../core/agents/profiles.js';
import {
  claudeStateFile,
  trustClaudeProject,
  writeClaudeSettings,
  type HookTransport,
} from './claude-setup.js';
import { trustCodexProject } from './codex-setup.js';

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
  /** auto: http hooks when the API listens on TCP, else command hooks. */
  claudeHooks: 'auto' | 'http' | 'command';
  /** Pre-accept the trust prompt of new working directories (config agents.preTrust). */
  preTrust: boolean;
  log: Logger;
  versionTimeoutMs?: number;
}

const VERSION_RE = /(\d+\.\d+\.\d+(?:[-+][\w.]+)?)/;

/**
 * The oldest Claude Code seen to run `type: "http"` hooks (test/e2e/claude-states.test.ts). No
 * source available here says which release added them, so older versions get command hooks.
 */
const HTTP_HOOKS_VERIFIED = [2, 1, 330];

/** Version, hooks and trust for agent CLIs, on the real file system. */
export class FsProfileSetup implements ProfileSetup {
  private readonly versions = new Map<string, { mtimeMs: number; version: string }>();
  /** `--version` runs in flight, by program file and modification time: agents started together share one. */
  private readonly asking = new Map<string, Promise<string>>();

  constructor(private readonly o: ProfileSetupOptions) {}

  async prepare(agent: AgentRecord): Promise<{ version: string | null; profileArgs: string[] }> {
    const spec = profileSpec(agent.profile);
    if (spec.binary === null) return { version: null, profileArgs: [] };
    const version = await this.version(agent.command);
    const env = { ...this.o.env, ...agent.env };
    const home = env.HOME ?? '/';
    const profileArgs: string[] = [];
    if (agent.profile === 'claude') {
      profileArgs.push(
        '--settings',
        writeClaudeSettings(join(this.o.agentsDir, agent.id), this.hooks(agent, version)),
      );
      if (this.o.preTrust) {
        const file = claudeStateFile({ home, configDir: env.CLAUDE_CONFIG_DIR });
        if (!trustClaudeProject(file, agent.cwd)) {
          this.o.log.warn({ file }, 'not a JSON object: the trust prompt was not pre-accepted');
        }
      }
    } else if (agent.profile === 'codex' && this.o.preTrust) {
      trustCodexProject({ home, codexHome: env.CODEX_HOME }, agent.cwd);
    }
    return { version, profileArgs };
  }

  cleanup(agentId: string): void {
    rmSync(join(this.o.agentsDir, agentId, 'claude-settings.json'), { force: true });
  }

  /**
   * HTTP hooks when the API listens on TCP and the CLI is known to take them: `auto` uses them from
   * the first version verified here (HTTP_HOOKS_VERIFIED), command hooks for older or unknown ones.
   */
  private hooks(agent: AgentRecord, version: string | null): HookTransport {
    const url = this.o.apiUrl();
    const v = parseVersion(version);
    const verified = v !== null && compareVersions(v, HTTP_HOOKS_VERIFIED) >= 0;
    const useHttp =
      url !== null && (this.o.claudeHooks === 'http' || (this.o.claudeHooks === 'auto' && verified));
    const [command, ...rest] = this.o.wtpCommand;
    return {
      http: useHttp
        ? { url: `${url}/api/v1/hooks/${encodeURIComponent(agent.id)}`, token: this.o.hookToken(agent.id) }
        : null,
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

  /** Runs `<cli> --version`; AGENT_CLI_BROKEN when it fails, times out or prints no version. */
  private async askVersion(command: string): Promise<string> {
    const out = await new Promise<{ code: number | null; text: string; timedOut: boolean }>((resolve) => {
      const child = execFile(
        command,
        ['--version'],
        { timeout: this.o.versionTimeoutMs ?? 10_000, env: { ...this.o.env } as NodeJS.ProcessEnv },
        (err, stdout, stderr) => {
          const e = err as (NodeJS.ErrnoException & { killed?: boolean; code?: unknown }) | null;
          resolve({
            code: e ? (typeof e.code === 'number' ? e.code : -1) : 0,
            text: `${stdout}${stderr}`.trim(),
            timedOut: e?.killed === true,
          });
        },
      );
      child.stdin?.end();
    });
    const m = VERSION_RE.exec(out.text);
    if (out.code !== 0 || !m?.[1]) {
      throw new AppError(
        'AGENT_CLI_BROKEN',
        `\`${command} --version\` ${out.timedOut ? 'timed out' : `failed (exit ${out.code})`}: ${out.text.slice(0, 200) || 'no output'}`,
        { command, exitCode: out.code, timedOut: out.timedOut, output: out.text.slice(0, 2000) },
      );
    }
    return m[1];
  }
}
