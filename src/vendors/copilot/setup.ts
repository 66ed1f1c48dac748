import { join } from 'node:path';
import type {
  HookEndpoints,
  McpServerEntry,
  RepoConfigSpec,
  VendorSetup,
  VendorSetupContext,
} from '../../core/ports/vendor-setup.js';
import { applyTrustEdit, isObject, parseJsonc, setJson, type TrustEdit } from '../trust-edit.js';
import { readSettingsMode } from '../settings-mode.js';
import { privateStateDir, writePrivateState } from '../private-state.js';
import { copilotArgsMode, copilotEnvMode, copilotSettingsMode } from './modes.js';

/**
 * The hook events that carry state, by the PascalCase names that give the VS Code-compatible
 * payload with `hook_event_name` (camelCase payloads carry no event name). Not PreToolUse: a
 * preToolUse hook that exits other than 0 DENIES the tool (seen with 1.0.102: "Denied by
 * preToolUse hook … (hook errored)"); permissionRequest is the decision hook (copilotHooks).
 * Notification(permission_prompt) tells the dialog. SessionEnd is left to the process exit.
 */
export const COPILOT_HOOK_EVENTS = [
  'SessionStart',
  'UserPromptSubmit',
  'PostToolUse',
  'PostToolUseFailure',
  'Notification',
  'Stop',
  'ErrorOccurred',
] as const;

/** The per-agent plugin folder (in the agent's own folder) that `--plugin-dir` loads. */
const PLUGIN_DIR = 'copilot-plugin';
const PLUGIN_FILES = ['plugin.json', 'hooks.json'] as const;

/** A word for the POSIX shell, single-quoted (a Copilot command hook is one `bash` string). */
const shellWord = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The plugin's hooks.json: `wtp hook --agent ID` (posts stdin to the daemon's socket) for every
 * state-carrying event, `|| true` so that a daemon that is down never makes Copilot treat the hook
 * as failed. Command hooks only: Copilot's `type: "http"` hooks were not run here.
 */
export function copilotHooks(t: HookEndpoints, decides = true): Record<string, unknown> {
  const wtp = [t.command.command, ...t.command.args].map(shellWord).join(' ');
  const handler = { type: 'command', bash: `${wtp} || true`, timeoutSec: 10 };
  // The decision hook (hooks.ts COPILOT_DECISION_HOOK): `wtp hook --decide` prints one JSON
  // decision or nothing (Copilot denies on output it cannot read or an exit other than 0) and
  // always exits 0; it gives up before Copilot's limit (a timeout is no decision: the dialog).
  const deciding = { type: 'command', bash: `${wtp} --decide 2>/dev/null || true`, timeoutSec: 30 };
  return {
    version: 1,
    hooks: {
      ...Object.fromEntries(COPILOT_HOOK_EVENTS.map((e) => [e, [handler]])),
      // Only for an agent with approval rules: Copilot waits on it at every tool call, and without a
      // rule it can only say nothing (a process started for each call, the hooks after it later).
      ...(decides ? { permissionRequest: [deciding] } : {}),
    },
  };
}

/**
 * The edit that marks `cwd` trusted for GitHub Copilot CLI in the text of its config.json: `cwd`
 * appended to `trustedFolders`, as the trust dialog's "Yes, and remember this folder" does (seen
 * with 1.0.102). Copilot manages that file and starts it with `//` comment rows: they, the order
 * and spacing of every other key are kept (jsonc-parser's edit). Refused when the file is not a
 * JSON object or `trustedFolders` not a list.
 */
export function copilotTrustEdit(text: string | null, cwd: string): TrustEdit {
  const src = text ?? '';
  const doc = parseJsonc(src);
  if (doc === undefined) {
    // Empty, or comment rows only: the object goes under them.
    const sep = src === '' || src.endsWith('\n') ? '' : '\n';
    return {
      kind: 'added',
      text: `${src}${sep}${JSON.stringify({ trustedFolders: [cwd] }, null, 2)}\n`,
      prior: null,
    };
  }
  if (!isObject(doc)) return { kind: 'refused', why: 'its config.json is not a JSON object' };
  const trusted = doc.trustedFolders;
  if (trusted !== undefined && !Array.isArray(trusted))
    return { kind: 'refused', why: 'its config.json’s trustedFolders is not a list' };
  if (trusted?.includes(cwd))
    return { kind: 'already', why: 'already trusted by your own entry in its config.json' };
  const next =
    trusted === undefined
      ? setJson(src, ['trustedFolders'], [cwd])
      : setJson(src, ['trustedFolders', -1], cwd, true);
  return { kind: 'added', text: next, prior: null };
}

/** Takes back `cwd` from trustedFolders (its first place there); null when it is not there. */
export function copilotUntrustEdit(text: string | null, cwd: string): string | null {
  if (text === null) return null;
  const doc = parseJsonc(text);
  if (!isObject(doc) || !Array.isArray(doc.trustedFolders)) return null;
  const at = doc.trustedFolders.indexOf(cwd);
  return at < 0 ? null : setJson(text, ['trustedFolders', at], undefined);
}

/** The files of a folder Copilot CLI runs or loads once it trusts the folder. */
export const COPILOT_TRUSTED_CONTENT: RepoConfigSpec = {
  cli: 'GitHub Copilot CLI',
  // 1.0.102 (cli-main.js): hooks (.github/hooks/*.json at the git root), repository settings
  // (.github/copilot/settings.json, settings.local.json: hooks and more), MCP servers (.mcp.json,
  // .github/mcp.json, looked up from the folder to the git root), extensions, custom agents,
  // skills, LSP servers (.github/lsp.json).
  paths: [
    '.github/hooks',
    '.github/copilot',
    '.github/mcp.json',
    '.mcp.json',
    '.github/extensions',
    '.github/agents',
    '.github/skills',
    '.github/lsp.json',
  ],
};

/** Its config.json, where `defaultPermissionMode` is read ($COPILOT_HOME, else ~/.copilot). */
function copilotConfigFile(ctx: Pick<VendorSetupContext, 'env' | 'home'>): string {
  return join(ctx.env.COPILOT_HOME ?? join(ctx.home, '.copilot'), 'config.json');
}

/** A sandboxed agent's own COPILOT_HOME, in its folder. */
const HOME_DIR = 'copilot-home';
/** Entries of the user's COPILOT_HOME a sandboxed agent sees (read-only): its settings and MCP servers. */
const SHARED_READ_ONLY = ['settings.json', 'mcp-config.json', 'copilot-instructions.md'];

/**
 * A sandboxed agent's own COPILOT_HOME (`<agentDir>/copilot-home`): the user's settings linked in
 * read-only, and a 0600 copy of config.json (its login when no keychain holds it, first-launch
 * state; Copilot CLI rewrites it) with the agent's folder among its trusted folders.
 */
function sandboxCopilotHome(ctx: VendorSetupContext): string {
  const user = ctx.env.COPILOT_HOME ?? join(ctx.home, '.copilot');
  const dir = privateStateDir(ctx.files, ctx.agentDir, HOME_DIR, user, SHARED_READ_ONLY);
  const file = join(dir, 'config.json');
  writePrivateState(
    ctx,
    file,
    ctx.files.readText(copilotConfigFile(ctx)),
    (text) => copilotTrustEdit(text, ctx.agent.cwd),
    `trustedFolders += "${ctx.agent.cwd}" in ${file}`,
  );
  return dir;
}

/** The per-agent file `--additional-mcp-config @<file>` reads (`wtp new --mcp`). */
const MCP_FILE = 'copilot-mcp.json';

/**
 * Copilot CLI's MCP document for one local server (`copilot --help`: `--additional-mcp-config`
 * augments ~/.copilot/mcp-config.json for the session; its format: `mcpServers`, `type: "local"`,
 * command, args, tools).
 */
export function copilotMcpConfig(m: McpServerEntry): Record<string, unknown> {
  return { mcpServers: { [m.name]: { type: 'local', command: m.command, args: m.args, tools: ['*'] } } };
}

/**
 * GitHub Copilot CLI: a per-agent plugin (`--plugin-dir`, 0600 files) whose hooks.json posts our
 * hooks (nothing of the user's settings is touched), and the trust prompt pre-accepted.
 */
export const setup: VendorSetup = {
  prepare(ctx) {
    const dir = join(ctx.agentDir, PLUGIN_DIR);
    const manifest = { name: 'wtp-state-hooks', version: '1.0.0', hooks: 'hooks.json' };
    ctx.files.writeAtomic(join(dir, 'plugin.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    ctx.files.writeAtomic(
      join(dir, 'hooks.json'),
      `${JSON.stringify(copilotHooks(ctx.hookEndpoints(), ctx.approvals.allow.length + ctx.approvals.deny.length > 0), null, 2)}\n`,
    );
    const home = ctx.sandboxed ? sandboxCopilotHome(ctx) : undefined;
    if (ctx.preTrust && home === undefined) {
      const file = copilotConfigFile(ctx);
      applyTrustEdit(
        ctx,
        file,
        (text) => copilotTrustEdit(text, ctx.agent.cwd),
        `trustedFolders += "${ctx.agent.cwd}" in ${file}`,
      );
    }
    const mcp = ctx.mcpServer();
    const args = ['--plugin-dir', dir];
    if (mcp !== null) {
      const mcpFile = join(ctx.agentDir, MCP_FILE);
      ctx.files.writeAtomic(mcpFile, `${JSON.stringify(copilotMcpConfig(mcp), null, 2)}\n`);
      args.push('--additional-mcp-config', `@${mcpFile}`);
    }
    return home === undefined ? args : { args, env: { COPILOT_HOME: home } };
  },
  cleanup(agentDir, files) {
    files.removeTree(join(agentDir, HOME_DIR));
    for (const f of PLUGIN_FILES) files.remove(join(agentDir, PLUGIN_DIR, f));
    files.remove(join(agentDir, MCP_FILE));
  },
  trustedContent: COPILOT_TRUSTED_CONTENT,
  untrust: (entry, files) => files.editFile(entry.file, (text) => copilotUntrustEdit(text, entry.folder)),
  // Its arguments, else COPILOT_ALLOW_ALL, else config.json's defaultPermissionMode (else manual).
  startMode: (ctx) =>
    copilotArgsMode(ctx.agent.args) ??
    copilotEnvMode(ctx.env) ??
    readSettingsMode(ctx, [
      { path: copilotConfigFile(ctx), key: 'defaultPermissionMode', read: copilotSettingsMode },
    ]),
};
