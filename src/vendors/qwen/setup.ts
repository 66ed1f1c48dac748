import { dirname, join } from 'node:path';
import type { HookEndpoints, VendorSetup, VendorSetupContext } from '../../core/ports/vendor-setup.js';
import { readSettingsMode, type SettingsFile } from '../settings-mode.js';
import { privateStateDir } from '../private-state.js';
import { qwenArgsMode, qwenSettingsMode } from './modes.js';

/**
 * Qwen Code hook events that carry state (its hooks docs, 0.24.4). SessionEnd is left to the
 * process exit.
 */
export const QWEN_HOOK_EVENTS = [
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

/** The variable that names Qwen Code's lowest settings layer (system defaults). */
export const DEFAULTS_VAR = 'QWEN_CODE_SYSTEM_DEFAULTS_PATH';
const FILE = 'qwen-system-defaults.json';

/** The events whose hook carries an approval rule's decision (hooks.ts QWEN_DECISION_HOOK). */
const DECIDING = new Set<string>(['PermissionRequest', 'PreToolUse']);

/** A word for the POSIX shell, single-quoted (a Qwen Code command hook is one shell string). */
const shellWord = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The command hook: `wtp hook --agent ID` (posts stdin to the daemon's socket), `|| true` because
 * Qwen Code reads exit code 2 as "blocking" (a PreToolUse or PermissionRequest hook would deny the
 * tool) and `wtp` exits 2 on bad input; any other failure is only logged. It prints nothing on
 * stdout (no decision). Not `async`: Qwen Code waits for each hook, so they reach the daemon in
 * the order they fired (an async UserPromptSubmit could land after the turn's Stop). Command
 * hooks only: its http hooks refuse private addresses unless the user's own settings allow them.
 */
export function qwenHooks(t: HookEndpoints): Record<string, unknown[]> {
  const wtp = [t.command.command, ...t.command.args].map(shellWord).join(' ');
  const hook = (command: string, timeout: number) => ({
    type: 'command',
    command,
    name: 'wtp-state',
    timeout,
  });
  const state = hook(`${wtp} || true`, 10);
  // The decision hooks (hooks.ts QWEN_DECISION_HOOK): `wtp hook --decide` prints a rule's decision
  // (JSON) or nothing and exits 0 whatever happens; its stderr (a failure's note) goes nowhere. It
  // may take longer (s): the agent waits on it as on its dialog, and a late decision is lost.
  const deciding = hook(`${wtp} --decide 2>/dev/null || true`, 30);
  return Object.fromEntries(
    QWEN_HOOK_EVENTS.map((e) => [e, [{ matcher: '', hooks: [DECIDING.has(e) ? deciding : state] }]]),
  );
}

/** Where Qwen Code reads its system defaults when the variable is not set (its getSystemDefaultsPath). */
function defaultsPath(env: Readonly<Record<string, string | undefined>>, platform: string): string {
  if (env[DEFAULTS_VAR]) return env[DEFAULTS_VAR];
  const system =
    env.QWEN_CODE_SYSTEM_SETTINGS_PATH ??
    (platform === 'darwin'
      ? '/Library/Application Support/QwenCode/settings.json'
      : platform === 'win32'
        ? 'C:\\ProgramData\\qwen-code\\settings.json'
        : '/etc/qwen-code/settings.json');
  return join(dirname(system), 'system-defaults.json');
}

/**
 * The per-agent system-defaults document: the defaults file the CLI would read otherwise (an
 * administrator's, usually none), with our hooks added to each event's list. It is Qwen Code's
 * lowest layer, and hooks are concatenated across layers: the user's, project's and system
 * settings (auth, model, their own hooks) stay as they are and override nothing of ours.
 * Null when that file is not a JSON object (it would be lost): then no hooks are set up.
 */
export function qwenDefaults(ctx: VendorSetupContext, platform: string): Record<string, unknown> | null {
  const from = defaultsPath(ctx.env, platform);
  // An agent created from another one's environment must not stack that one's hooks.
  const base = from.endsWith(`/${FILE}`) ? {} : ctx.files.readJsonObject(from);
  if (base === null) return null;
  const theirs = (typeof base.hooks === 'object' && base.hooks !== null ? base.hooks : {}) as Record<
    string,
    unknown
  >;
  const hooks: Record<string, unknown> = { ...theirs };
  for (const [event, ours] of Object.entries(qwenHooks(ctx.hookEndpoints()))) {
    const list = theirs[event];
    hooks[event] = [...(Array.isArray(list) ? (list as unknown[]) : []), ...ours];
  }
  const mcp = ctx.mcpServer();
  if (mcp === null) return { ...base, hooks };
  // `wtp new --mcp`: our server beside any the defaults file names (its settings docs: mcpServers).
  const servers = typeof base.mcpServers === 'object' && base.mcpServers !== null ? base.mcpServers : {};
  return { ...base, hooks, mcpServers: { ...servers, [mcp.name]: { command: mcp.command, args: mcp.args } } };
}

/**
 * The settings files Qwen Code takes `tools.approvalMode` from, most binding first: the system
 * settings, the project's (the agent's folder), the user's ($QWEN_HOME, else ~/.qwen), the system
 * defaults.
 */
export function qwenSettingsFiles(
  ctx: Pick<VendorSetupContext, 'agent' | 'env' | 'home'>,
  platform: string,
): SettingsFile[] {
  const read = qwenSettingsMode;
  const key = 'tools.approvalMode';
  return [
    ctx.env.QWEN_CODE_SYSTEM_SETTINGS_PATH ?? '/etc/qwen-code/settings.json',
    join(ctx.agent.cwd, '.qwen', 'settings.json'),
    join(ctx.env.QWEN_HOME ?? join(ctx.home, '.qwen'), 'settings.json'),
    defaultsPath(ctx.env, platform),
  ].map((path) => ({ path, key, read }));
}

/** A sandboxed agent's own QWEN_HOME, in its folder. */
const HOME_DIR = 'qwen-home';
/** Entries of the user's QWEN_HOME a sandboxed agent sees (read-only): its login, keys and instructions. */
const SHARED_READ_ONLY = ['oauth_creds.json', '.env', 'QWEN.md', 'commands', 'skills'];

/**
 * A sandboxed agent's own QWEN_HOME (`<agentDir>/qwen-home`; its self-updates, settings and
 * sessions stay there): the user's login and instructions linked in read-only, and a 0600 copy of
 * settings.json (auth type, model; Qwen Code rewrites it when a choice is remembered).
 */
function sandboxQwenHome(ctx: VendorSetupContext): string {
  const user = ctx.env.QWEN_HOME ?? join(ctx.home, '.qwen');
  const dir = privateStateDir(ctx.files, ctx.agentDir, HOME_DIR, user, SHARED_READ_ONLY);
  const settings = ctx.files.readText(join(user, 'settings.json'));
  ctx.files.writeAtomic(join(dir, 'settings.json'), settings ?? '{}\n');
  return dir;
}

/**
 * Qwen Code: our hooks in a per-agent system-defaults file (0600), which the agent's CLI finds
 * through QWEN_CODE_SYSTEM_DEFAULTS_PATH in its environment; ~/.qwen is not touched.
 */
export const setup: VendorSetup = {
  prepare(ctx) {
    const doc = qwenDefaults(ctx, process.platform);
    const home: Record<string, string> = ctx.sandboxed ? { QWEN_HOME: sandboxQwenHome(ctx) } : {};
    if (doc === null) {
      ctx.log.warn(
        { agent: ctx.agent.id, file: defaultsPath(ctx.env, process.platform) },
        'qwen system-defaults file is not a JSON object: no hooks, the screen tells the state',
      );
      return ctx.sandboxed ? { args: [], env: home } : [];
    }
    const file = join(ctx.agentDir, FILE);
    ctx.files.writeAtomic(file, `${JSON.stringify(doc, null, 2)}\n`);
    return { args: [], env: { [DEFAULTS_VAR]: file, ...home } };
  },
  cleanup(agentDir, files) {
    files.remove(join(agentDir, FILE));
    files.removeTree(join(agentDir, HOME_DIR));
  },
  // Its arguments, else its settings (else its default, `auto`, by the profile).
  startMode: (ctx) =>
    qwenArgsMode(ctx.agent.args) ?? readSettingsMode(ctx, qwenSettingsFiles(ctx, process.platform)),
};
