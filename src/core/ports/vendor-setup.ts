import type { AgentRecord } from '../model/agent-record.js';
import type { RuleSet } from '../policies/matcher.js';
import type { StartMode } from '../agents/profiles.js';
import type { Logger } from './daemon.js';

/** Where hook calls reach the daemon: http when the API listens on TCP, the `wtp hook` command always. */
export interface HookEndpoints {
  http: { url: string; token: string } | null;
  command: { command: string; args: string[] };
}

/**
 * wezterm-parallel's MCP server as an agent CLI launches it (stdio): `wtp mcp --token-file <file>`,
 * the file (0600, in the agent's folder) holding the agent's own token. Nothing secret is in it.
 */
export interface McpServerEntry {
  /** The server's name in the CLI's configuration (`wtp`: its tools are `mcp__wtp__…` in Claude Code). */
  name: string;
  command: string;
  args: string[];
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
   * Edits a file of the user's (an agent CLI's own config): `edit` gets its text (null when it
   * does not exist) and returns the new text, or null to leave it as it is. Written through a
   * symbolic link to its target (the link stays), atomically (a temporary file in the target's
   * folder, then rename), with the target's mode, after copying the old content to
   * `<target>.wtp-backup` (0600). Returns whether it wrote.
   */
  editFile(path: string, edit: (text: string | null) => string | null): boolean;
  /**
   * Runs `update` holding the lock another program takes to rewrite `path` (a `<path>.lock`
   * folder, as Claude Code takes it on ~/.claude.json), so neither side loses the other's change.
   * `locked` is false when that lock stayed held too long and `update` ran without it.
   */
  underLock<T>(path: string, update: () => T): Promise<{ value: T; locked: boolean }>;
}

/**
 * What of a folder an agent CLI runs or loads once it trusts the folder: its hooks,
 * MCP servers, plugins, credential helpers and settings files. The folder and each folder above it
 * up to its repository's top are looked at.
 */
export interface RepoConfigSpec {
  /** Paths relative to a folder: a file, or a folder taken whole. */
  paths: readonly string[];
  /** Files whose values are never shown, only their variable names (`.env`). */
  secret?: readonly string[];
  /** How the CLI is named in messages ("Claude Code"). */
  cli: string;
}

/** One file of a vendor's configuration in a repository. */
export interface RepoConfigFile {
  /** Relative to the repository's top (or to the folder when it is in none). */
  path: string;
  bytes: number;
  /** Its text as shown for approval; null when it is not shown (binary, secret: see `note`). */
  text: string | null;
  note: string | null;
}

/** A vendor's configuration found in a folder: what approving it approves. */
export interface RepoConfig {
  /** The profile it is for (`claude`). */
  vendor: string;
  cli: string;
  files: RepoConfigFile[];
  /** sha256 of the exact content (every path, link and byte); approvals are stored by it. */
  hash: string;
  /**
   * Why it cannot be approved (a link out of the repository, a file too large to review, a special
   * file), or null: then the CLI's own trust dialog is left to the user.
   */
  problem: string | null;
}

/** What a vendor's configuration in the agent's folder means for its trust. */
export interface RepoConfigState {
  /** The repository approvals are kept for (its main checkout's top), or the folder. */
  repo: string;
  /** Null when the folder holds nothing the CLI would run or load on trust. */
  config: RepoConfig | null;
  approved: boolean;
}

/** A trust entry a setup added to a file of the user's, to be taken back when the agent goes. */
export interface TrustEntry {
  /** The vendor setup that knows how to take it back (its profile name). */
  vendor: string;
  /** The file it was written to. */
  file: string;
  /** The folder it trusts. */
  folder: string;
  /** What the entry held before (e.g. `false`), or null when there was none. */
  prior: string | boolean | null;
}

/** What a setup did about the trust of the agent's folder (recorded for `wtp why` and `wtp rm`). */
export interface TrustLog {
  /** The folder's trust was pre-accepted (how, in words); `entry` when a file of the user's got one. */
  granted(how: string, entry?: TrustEntry): void;
  /** The trust prompt is left to the user, and why. */
  withheld(why: string): void;
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
  /**
   * Pre-accept the trust prompt of the agent's working directory: config agents.preTrust, and the
   * folder holds no configuration of this CLI's that the user has not approved (`repoConfig`).
   */
  preTrust: boolean;
  /** This CLI's configuration in the agent's folder (its `trustedContent`), approved or not. */
  repoConfig: RepoConfigState;
  /** Where the setup says what it did about the folder's trust. */
  trust: TrustLog;
  /** How hooks reach the daemon: `auto` (http when the CLI is known to take it), or forced. */
  hookTransport: 'auto' | 'http' | 'command';
  /**
   * The approval rules of this agent (the config's, then its own; other vendors' left out), for
   * a CLI that enforces them itself (`ProfileSpec.nativeApprovals`).
   */
  approvals: RuleSet;
  /** The daemon's hook endpoints for this agent. */
  hookEndpoints(): HookEndpoints;
  /** The agent will run in a sandbox (docs/sandbox.md): its CLI may write only its own state folders. */
  sandboxed?: boolean;
  /** The MCP server to register for this agent only (`wtp new --mcp`), or null: register none. */
  mcpServer(): McpServerEntry | null;
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
   * What of a folder this CLI runs or loads once it trusts the folder: the trust is pre-accepted
   * only when there is none or the user approved it. Absent: it loads nothing on trust.
   */
  trustedContent?: RepoConfigSpec;
  /** Takes back a trust entry `prepare` added (only if it is still as written); false: left as it is. */
  untrust?(entry: TrustEntry, files: SetupFiles): boolean | Promise<boolean>;
  /**
   * The permission mode the CLI will start in, as its arguments, environment and settings files
   * say, or null to leave it to the profile's `permissions` (its arguments, its default).
   * Reads only; a file it cannot read counts as absent.
   */
  startMode?(ctx: VendorSetupContext): StartMode | null;
}
