import type { AgentRecord } from '../model/agent-record.js';
import type { RuleSet } from '../policies/matcher.js';
import type { StartMode } from '../agents/profiles.js';
import type { Logger } from './daemon.js';

/** Where hook calls reach the daemon: http when the API listens on TCP, the `wtp hook` command always. */
export interface HookEndpoints {
  http: { url: string; token: string } | null;
  command: { command: string; args: string[] };
}

/** The file operations a vendor setup writes with (the ProfileSetup adapter does the I/O). */
export interface SetupFiles {
  /** The file's text, or null when it does not exist. */
  readText(path: string): string | null;
  /** A JSON object from a file: `{}` when it does not exist; null when it is not a JSON object. */
  readJsonObject(path: string): Record<string, unknown> | null;
  /** Replaces the file atomically (mode 0600, folders 0700): a reader never sees half of it. */
  writeAtomic(path: string, text: string): void;
  /** Removes the file if it exists. */
  remove(path: string): void;
  /** The names in a folder (sorted), or [] when it does not exist. */
  list(dir: string): string[];
  /** Makes `path` a symbolic link to `target` (replacing a link or file already there; folders 0700). */
  link(target: string, path: string): void;
  /** Removes a folder and everything in it (links are removed, never followed). */
  removeTree(dir: string): void;
  /**
   * Runs `update` holding the lock another program takes to rewrite `path` (a `<path>.lock`
   * folder, as Claude Code takes it on ~/.claude.json), so neither side loses the other's change.
   * `locked` is false when that lock stayed held too long and `update` ran without it.
   */
  underLock<T>(path: string, update: () => T): Promise<{ value: T; locked: boolean }>;
}

/** What a vendor setup gets to prepare one agent. */
export interface VendorSetupContext {
  agent: AgentRecord;
  /** The CLI's version (`<cli> --version`), or null when its program was not found. */
  version: string | null;
  /** The agent's own folder for files (`<agentsDir>/<id>`). */
  agentDir: string;
  /** The daemon's environment under the agent's own (HOME, CLAUDE_CONFIG_DIR, CODEX_HOME, …). */
  env: Readonly<Record<string, string | undefined>>;
  /** HOME of that environment (`/` when unset). */
  home: string;
  /** Pre-accept the trust prompt of the agent's working directory (config agents.preTrust). */
  preTrust: boolean;
  /** How hooks reach the daemon: `auto` (http when the CLI is known to take it), or forced. */
  hookTransport: 'auto' | 'http' | 'command';
  /**
   * The approval rules of this agent (the config's, then its own; other vendors' left out), for
   * a CLI that enforces them itself (`ProfileSpec.nativeApprovals`).
   */
  approvals: RuleSet;
  /** The daemon's hook endpoints for this agent. */
  hookEndpoints(): HookEndpoints;
  files: SetupFiles;
  log: Logger;
}

/** What a setup returns when its CLI also needs environment (a config passed only through env). */
export interface PreparedSetup {
  args: string[];
  /** Set at every spawn over the agent's own environment (built from `ctx.env` where it merges). */
  env: Record<string, string>;
}

/**
 * A vendor's I/O part (`src/vendors/<name>/setup.ts`): what its CLI needs written before it
 * starts (hook settings, a pre-accepted trust prompt). The ProfileSetup adapter runs it after
 * checking the CLI's version.
 */
export interface VendorSetup {
  /**
   * Writes this agent's files; returns the profile arguments they need (e.g. `--settings <file>`),
   * and environment when the CLI takes its config only from there.
   */
  prepare(ctx: VendorSetupContext): string[] | PreparedSetup | Promise<string[] | PreparedSetup>;
  /** Removes what `prepare` wrote into the folder of an agent that is being removed. */
  cleanup?(agentDir: string, files: SetupFiles): void;
  /**
   * The permission mode the CLI will start in, as its arguments, environment and settings files
   * say (issue 29), or null to leave it to the profile's `permissions` (its arguments, its default).
   * Reads only; a file it cannot read counts as absent.
   */
  startMode?(ctx: VendorSetupContext): StartMode | null;
}
