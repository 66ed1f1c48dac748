import { join } from 'node:path';
import { compareVersions, parseVersion } from '../../core/state/detectors/screen-detector.js';
import type {
  HookEndpoints,
  McpServerEntry,
  RepoConfigSpec,
  VendorSetup,
  VendorSetupContext,
} from '../../core/ports/vendor-setup.js';
import {
  isObject,
  parseJsonc,
  recordTrustEdit,
  runTrustEdit,
  setJson,
  type TrustEdit,
} from '../trust-edit.js';
import type { RuleSet } from '../../core/policies/matcher.js';
import { vendor } from './vendor.js';
import { claudeArgsMode, claudeSettingsMode } from './modes.js';
import { readSettingsMode, type SettingsFile } from '../settings-mode.js';
import { CLAUDE_PERMISSION_HOOK_TIMEOUT_S } from './hooks.js';
import { privateStateDir, writePrivateState } from '../private-state.js';

/** Claude Code hook events that carry state (docs: hooks reference); SessionEnd is left to the process exit. */
export const CLAUDE_HOOK_EVENTS = [
  'SessionStart',
  'UserPromptSubmit',
  'PreToolUse',
  'PostToolUse',
  'PostToolUseFailure',
  'PermissionRequest',
  'Notification',
  'Stop',
  'StopFailure',
] as const;

/** Claude Code 2.1.330 skips http hooks for SessionStart ("HTTP hooks are not supported for SessionStart"). */
const COMMAND_ONLY: readonly string[] = ['SessionStart'];

/**
 * The oldest Claude Code seen to run `type: "http"` hooks (test/e2e/claude-states.test.ts). No
 * source available here says which release added them, so older versions get command hooks.
 */
const HTTP_HOOKS_VERIFIED = [2, 1, 330];

const SETTINGS_FILE = 'claude-settings.json';
/** A sandboxed agent's own CLAUDE_CONFIG_DIR, in its folder. */
const CONFIG_DIR = 'claude-config';
/** The per-agent `--mcp-config` file (`wtp new --mcp`). */
const MCP_FILE = 'claude-mcp.json';

/** Seconds Claude Code waits for its PermissionRequest hook (the rule's decision), as the other CLIs' setups give. */
const DECISION_HOOK_TIMEOUT_S = 30;

/**
 * The per-agent `--settings` document: our hooks for every state-carrying event, added on top of
 * the user's own settings (Claude Code merges hooks across levels; nothing of the user's is
 * touched). HTTP hooks are preferred: no process is spawned per tool call. The command form
 * runs `wtp hook --agent ID`, which posts stdin to the daemon's unix socket.
 */
export function claudeSettings(t: HookEndpoints, rules?: RuleSet): Record<string, unknown> {
  const command = { type: 'command', ...t.command, async: true, timeout: 10 };
  // The decision hook waits for its answer (an approval rule's, printed by `wtp hook --decide`, which
  // always exits 0: a failure shows the dialog, never denies). Its time is longer than `--decide`'s own
  // wait (20 s), so an answer the daemon gave and audited is never one Claude Code stopped waiting for.
  const deciding = {
    type: 'command',
    command: t.command.command,
    args: [...t.command.args, '--decide'],
    timeout: DECISION_HOOK_TIMEOUT_S,
  };
  const handler = (event: string): Record<string, unknown> =>
    t.http && !COMMAND_ONLY.includes(event)
      ? {
          type: 'http',
          url: t.http.url,
          headers: { Authorization: `Bearer ${t.http.token}` },
          // Held for the user's answer while its dialog shows (hooks.ts): its own default, 600 s.
          timeout: event === 'PermissionRequest' ? CLAUDE_PERMISSION_HOOK_TIMEOUT_S : 5,
        }
      : event === 'PermissionRequest'
        ? deciding
        : command;
  const hooks = Object.fromEntries(
    CLAUDE_HOOK_EVENTS.map((e) => [e, [{ matcher: '', hooks: [handler(e)] }]]),
  );
  const permissions = rules ? claudePermissions(rules) : null;
  return permissions ? { hooks, permissions } : { hooks };
}

/** Claude Code's own tool names (its vendor.ts `toolClasses`) and MCP tools: what its rules may name. */
const CLAUDE_TOOLS = new Set(Object.values(vendor.profile.toolClasses ?? {}).flat());
const isClaudeTool = (tool: string): boolean => CLAUDE_TOOLS.has(tool) || tool.startsWith('mcp__');

/**
 * The agent's deny rules as Claude Code's own `permissions.deny` (it enforces them itself, before
 * any dialog, merged with the user's settings): a second line of defence. Allow rules are not given
 * to it: they are decided by wezterm-parallel's matcher through the PermissionRequest hook (on the
 * whole command, parsed), never by Claude's own matching. Rules written without the vendor scope;
 * `*` and other vendors' tool names left out (Claude would call them invalid).
 */
export function claudePermissions(rules: RuleSet): { deny: string[] } | null {
  const deny = rules.deny
    .filter((r) => isClaudeTool(r.tool))
    .map((r) => (r.glob === null ? r.tool : `${r.tool}(${r.glob})`));
  return deny.length === 0 ? null : { deny };
}

/** Where Claude Code keeps its global state (trust, onboarding): ~/.claude.json or $CLAUDE_CONFIG_DIR/.claude.json. */
export function claudeStateFile(env: { home: string; configDir?: string | undefined }): string {
  return env.configDir ? join(env.configDir, '.claude.json') : join(env.home, '.claude.json');
}

/**
 * The edit that pre-accepts the "Do you trust the files in this folder?" dialog for `cwd` in the
 * text of ~/.claude.json: `projects[cwd].hasTrustDialogAccepted = true`, everything else of the
 * file kept byte for byte (jsonc-parser's edit). Refused when the file is not a JSON object.
 */
export function claudeTrustEdit(text: string | null, cwd: string): TrustEdit {
  const src = text ?? '';
  const doc = src.trim() === '' ? {} : parseJsonc(src);
  if (!isObject(doc)) return { kind: 'refused', why: 'its state file is not a JSON object' };
  if (doc.projects !== undefined && !isObject(doc.projects))
    return { kind: 'refused', why: 'its state file’s `projects` is not an object' };
  const entry = doc.projects?.[cwd];
  const accepted = isObject(entry) ? entry.hasTrustDialogAccepted : undefined;
  if (accepted === true)
    return { kind: 'already', why: 'already trusted by your own entry in its state file' };
  const base = src.trim() === '' ? '{}\n' : src;
  return {
    kind: 'added',
    text: setJson(base, ['projects', cwd, 'hasTrustDialogAccepted'], true),
    prior: typeof accepted === 'boolean' ? accepted : null,
  };
}

/**
 * Takes back a trust `claudeTrustEdit` added: the value goes back to what it was (removed when
 * there was none, and the project's entry with it when nothing else is left in it); null (no
 * change) when it is no longer `true`.
 */
export function claudeUntrustEdit(
  text: string | null,
  cwd: string,
  prior: string | boolean | null,
): string | null {
  if (text === null) return null;
  const doc = parseJsonc(text);
  if (!isObject(doc) || !isObject(doc.projects)) return null;
  const entry = doc.projects[cwd];
  if (!isObject(entry) || entry.hasTrustDialogAccepted !== true) return null;
  if (typeof prior === 'boolean') return setJson(text, ['projects', cwd, 'hasTrustDialogAccepted'], prior);
  if (Object.keys(entry).length === 1) return setJson(text, ['projects', cwd], undefined);
  return setJson(text, ['projects', cwd, 'hasTrustDialogAccepted'], undefined);
}

/** The files of a folder Claude Code runs or loads once it trusts the folder. */
export const CLAUDE_TRUSTED_CONTENT: RepoConfigSpec = {
  cli: 'Claude Code',
  // .claude/: settings.json and settings.local.json (hooks, statusLine, fileSuggestion, apiKeyHelper,
  // awsAuthRefresh, gcpAuthRefresh, otelHeadersHelper, env, permissions.allow, additionalDirectories,
  // enabledPlugins, extraKnownMarketplaces, enableAllProjectMcpServers), agents/ (frontmatter hooks
  // and MCP servers), skills/ and commands/ (`!` commands); .mcp.json: MCP servers (2.1.330's trust
  // dialog lists these).
  paths: ['.claude', '.mcp.json'],
};

/**
 * HTTP hooks when the API listens on TCP and the CLI is known to take them: `auto` uses them from
 * the first version verified here (HTTP_HOOKS_VERIFIED), command hooks for older or unknown ones.
 */
function hookTransport(ctx: VendorSetupContext): HookEndpoints {
  const endpoints = ctx.hookEndpoints();
  const v = parseVersion(ctx.version);
  const verified = v !== null && compareVersions(v, HTTP_HOOKS_VERIFIED) >= 0;
  const useHttp = ctx.hookTransport === 'http' || (ctx.hookTransport === 'auto' && verified);
  return { http: useHttp ? endpoints.http : null, command: endpoints.command };
}

/**
 * The settings files Claude Code takes `permissions.defaultMode` from, most binding first: the
 * managed policy, the project's local and shared settings in the agent's folder, the user's.
 */
export function claudeSettingsFiles(ctx: Pick<VendorSetupContext, 'agent' | 'env' | 'home'>): SettingsFile[] {
  const user = ctx.env.CLAUDE_CONFIG_DIR ?? join(ctx.home, '.claude');
  return [
    '/etc/claude-code/managed-settings.json',
    join(ctx.agent.cwd, '.claude', 'settings.local.json'),
    join(ctx.agent.cwd, '.claude', 'settings.json'),
    join(user, 'settings.json'),
  ].map((path) => ({ path, key: 'permissions.defaultMode', read: claudeSettingsMode }));
}

/** Entries of the user's config folder a sandboxed agent sees (read-only): its login, settings and instructions. */
const SHARED_READ_ONLY = ['.credentials.json', 'settings.json', 'CLAUDE.md', 'agents', 'commands', 'skills'];

/**
 * A sandboxed agent's own CLAUDE_CONFIG_DIR (`<agentDir>/claude-config`): the user's login,
 * settings and instructions linked in read-only, and its global state (onboarding, account,
 * trusted folders) a 0600 copy of the user's, with its folder trusted there: Claude Code rewrites
 * that file by rename, which neither a link nor a read-only file can take.
 */
async function sandboxConfigDir(ctx: VendorSetupContext): Promise<string> {
  const user = ctx.env.CLAUDE_CONFIG_DIR ?? join(ctx.home, '.claude');
  const dir = privateStateDir(ctx.files, ctx.agentDir, CONFIG_DIR, user, SHARED_READ_ONLY);
  const own = claudeStateFile({ home: ctx.home, configDir: ctx.env.CLAUDE_CONFIG_DIR });
  // Under Claude Code's lock: read whole, never half-rewritten by a running claude.
  const { value: text } = await ctx.files.underLock(own, () => ctx.files.readText(own));
  const file = claudeStateFile({ home: ctx.home, configDir: dir });
  writePrivateState(
    ctx,
    file,
    text ?? '{}\n',
    (t) => claudeTrustEdit(t, ctx.agent.cwd),
    `projects["${ctx.agent.cwd}"].hasTrustDialogAccepted in ${file}`,
  );
  return dir;
}

/** Claude Code's `--mcp-config` document for one stdio server (its MCP docs: `mcpServers`, `type: "stdio"`). */
export function claudeMcpConfig(m: McpServerEntry): Record<string, unknown> {
  return { mcpServers: { [m.name]: { type: 'stdio', command: m.command, args: m.args, env: {} } } };
}

/** Claude Code: a per-agent `--settings` file with our hooks (0600), and the trust prompt pre-accepted. */
export const setup: VendorSetup = {
  async prepare(ctx) {
    const file = join(ctx.agentDir, SETTINGS_FILE);
    const settings = claudeSettings(hookTransport(ctx), ctx.approvals);
    ctx.files.writeAtomic(file, `${JSON.stringify(settings, null, 2)}\n`);
    // Sandboxed, all of its state is its own (an unsandboxed claude would run hooks written to the user's).
    const configDir = ctx.sandboxed ? await sandboxConfigDir(ctx) : undefined;
    if (ctx.preTrust && configDir === undefined) {
      const stateFile = claudeStateFile({ home: ctx.home, configDir: ctx.env.CLAUDE_CONFIG_DIR });
      // Under Claude Code's own lock: a running claude (the agent a fork comes from) rewrites the
      // file from what it read under that lock, and would drop a trust written meanwhile.
      const { value: outcome, locked } = await ctx.files.underLock(stateFile, () =>
        runTrustEdit(ctx.files, stateFile, (text) => claudeTrustEdit(text, ctx.agent.cwd)),
      );
      if (!locked) {
        ctx.log.warn({ file: stateFile }, 'trust written without the file lock: another process kept it');
      }
      recordTrustEdit(
        ctx,
        stateFile,
        outcome,
        `projects["${ctx.agent.cwd}"].hasTrustDialogAccepted in ${stateFile}`,
      );
    }
    // Its own `--mcp-config` file for the MCP server (the user's MCP servers stay as they are).
    // The option takes several values: it comes before `--settings`, which ends them.
    const mcp = ctx.mcpServer();
    let args = ['--settings', file];
    if (mcp !== null) {
      const mcpFile = join(ctx.agentDir, MCP_FILE);
      ctx.files.writeAtomic(mcpFile, `${JSON.stringify(claudeMcpConfig(mcp), null, 2)}\n`);
      args = ['--mcp-config', mcpFile, '--settings', file];
    }
    return configDir === undefined ? args : { args, env: { CLAUDE_CONFIG_DIR: configDir } };
  },
  cleanup(agentDir, files) {
    files.remove(join(agentDir, SETTINGS_FILE));
    files.remove(join(agentDir, MCP_FILE));
    files.removeTree(join(agentDir, CONFIG_DIR));
  },
  trustedContent: CLAUDE_TRUSTED_CONTENT,
  async untrust(entry, files) {
    const { value } = await files.underLock(entry.file, () =>
      files.editFile(entry.file, (text) => claudeUntrustEdit(text, entry.folder, entry.prior)),
    );
    return value;
  },
  // Its arguments, else the first settings file that sets a default mode (else its default, by the profile).
  startMode: (ctx) => claudeArgsMode(ctx.agent.args) ?? readSettingsMode(ctx, claudeSettingsFiles(ctx)),
};
