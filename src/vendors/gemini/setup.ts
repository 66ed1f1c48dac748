import { join } from 'node:path';
import type {
  HookEndpoints,
  McpServerEntry,
  RepoConfigSpec,
  SetupFiles,
  VendorSetup,
  VendorSetupContext,
} from '../../core/ports/vendor-setup.js';
import { isObject, parseJsonc } from '../trust-edit.js';
import { readSettingsMode, type SettingsFile } from '../settings-mode.js';
import { geminiArgsMode, geminiSettingsMode } from './modes.js';

/**
 * Gemini CLI hook events that carry state (0.61.0 `HookEventName`; payloads seen, see hooks.ts).
 * SessionEnd is left to the process exit.
 */
export const GEMINI_HOOK_EVENTS = [
  'SessionStart',
  'BeforeAgent',
  'BeforeTool',
  'AfterTool',
  'Notification',
  'AfterAgent',
] as const;

/** The agent's own Gemini home (GEMINI_CLI_HOME) in its folder: `<agentDir>/gemini-home/.gemini/`. */
const HOME_DIR = 'gemini-home';
/** In an agent's Gemini home: the user's home it mirrors (a fork inherits GEMINI_CLI_HOME with the env). */
const SOURCE_FILE = 'wtp-user-home';
/** Entries of the user's `.gemini` a sandboxed agent sees (read-only): its login and instructions. */
const SHARED_READ_ONLY = [
  'oauth_creds.json',
  'google_accounts.json',
  'GEMINI.md',
  'commands',
  'skills',
  'extensions',
];
/** Its first-run answers (the terminal-setup prompt): copied for a sandboxed agent, which rewrites it. */
const STATE_FILE = 'state.json';
/** Our hook handlers' name: left out when settings are read from an agent's home. */
const HOOK_NAME = 'wtp-state';

/**
 * A hook that holds the agent up at most this long (ms). Gemini runs command hooks one by one
 * and waits for each (BeforeTool before the tool): a slow daemon must not stall the agent for
 * Gemini's default of 60 s. A hook that times out is only logged; it never denies anything.
 */
const HOOK_TIMEOUT_MS = 10_000;

/**
 * The decision hook's limit (ms): longer, since the agent waits on it as it would on its dialog,
 * and a decision that comes late is lost (the dialog shows). `wtp hook --decide` gives up first.
 */
const DECIDE_TIMEOUT_MS = 30_000;

/** A word for the POSIX shell, single-quoted (Gemini runs a command hook with `bash -c`). */
const shellWord = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Our hooks in Gemini's settings form: `wtp hook --agent ID` (posts stdin to the daemon's socket)
 * for every state-carrying event. Its output goes nowhere and it always exits 0: Gemini reads a
 * hook's stdout/stderr as a decision (plain text with exit 2 or more DENIES a tool, with exit 0
 * it is shown as a system message), so a daemon that is down or slow must say nothing. BeforeTool
 * is the decision hook (hooks.ts GEMINI_DECISION_HOOK): `wtp hook --decide` prints a deny rule's
 * decision (JSON) or nothing, and exits 0 whatever happens; its stderr goes nowhere.
 */
export function geminiHooks(t: HookEndpoints): Record<string, unknown[]> {
  const wtp = [t.command.command, ...t.command.args].map(shellWord).join(' ');
  const handler = (command: string, timeout: number) => ({
    type: 'command',
    name: HOOK_NAME,
    command,
    timeout,
  });
  const state = handler(`${wtp} >/dev/null 2>&1 || true`, HOOK_TIMEOUT_MS);
  const deciding = handler(`${wtp} --decide 2>/dev/null || true`, DECIDE_TIMEOUT_MS);
  return Object.fromEntries(
    GEMINI_HOOK_EVENTS.map((e) => [e, [{ hooks: [e === 'BeforeTool' ? deciding : state] }]]),
  );
}

/**
 * The agent's settings.json: the user's own settings (`$GEMINI_CLI_HOME/.gemini/settings.json`,
 * default ~/.gemini) with our hooks added after theirs, and the "Executing Hook" progress text
 * off unless the user chose otherwise. Null when the user's file is not a JSON object (Gemini
 * also takes comments there): then the agent runs on the user's home, without hooks.
 */
export function geminiAgentSettings(
  user: Record<string, unknown>,
  t: HookEndpoints,
  mcp: McpServerEntry | null = null,
): Record<string, unknown> {
  const obj = (v: unknown): Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  const hooks: Record<string, unknown> = { ...obj(user.hooks) };
  const notOurs = (def: unknown): boolean => !JSON.stringify(def).includes(`"name":"${HOOK_NAME}"`);
  for (const [event, defs] of Object.entries(geminiHooks(t))) {
    const theirs = hooks[event];
    hooks[event] = [...(Array.isArray(theirs) ? (theirs as unknown[]).filter(notOurs) : []), ...defs];
  }
  const hooksConfig = obj(user.hooksConfig);
  return {
    ...user,
    hooks,
    hooksConfig: { ...hooksConfig, notifications: hooksConfig.notifications ?? false },
    // `wtp new --mcp`: our server beside the user's own (its settings docs: mcpServers, command/args).
    ...(mcp
      ? { mcpServers: { ...obj(user.mcpServers), [mcp.name]: { command: mcp.command, args: mcp.args } } }
      : {}),
  };
}

/**
 * Makes the agent's Gemini home `<home>/.gemini`: settings.json is ours (geminiAgentSettings),
 * every other entry of the user's `.gemini` (auth, trusted folders, sessions under tmp/, state,
 * history, extensions, …) and `~/.agents` are links to the user's, so the agent keeps the user's
 * login and settings and its sessions are where `gemini --resume` finds them. Returns false
 * (and writes nothing) when the user's settings file is not a JSON object.
 */
export function prepareGeminiHome(
  files: SetupFiles,
  userHome: string,
  agentHome: string,
  t: HookEndpoints,
  mcp: McpServerEntry | null = null,
  sandboxed = false,
): boolean {
  const userDir = join(userHome, '.gemini');
  const user = files.readJsonObject(join(userDir, 'settings.json'));
  if (user === null) return false;
  const dir = join(agentHome, '.gemini');
  // Sandboxed, only what it reads is linked (read-only there); it writes its sessions and state in its own.
  const shared = sandboxed ? SHARED_READ_ONLY : null;
  for (const name of files.list(userDir)) {
    if (name !== 'settings.json' && (shared === null || shared.includes(name)))
      files.link(join(userDir, name), join(dir, name));
  }
  const state = sandboxed ? files.readText(join(userDir, STATE_FILE)) : null;
  if (state !== null) files.writeAtomic(join(dir, STATE_FILE), state);
  if (files.list(join(userHome, '.agents')).length > 0) {
    files.link(join(userHome, '.agents'), join(agentHome, '.agents'));
  }
  files.writeAtomic(
    join(dir, 'settings.json'),
    `${JSON.stringify(geminiAgentSettings(user, t, mcp), null, 2)}\n`,
  );
  files.writeAtomic(join(agentHome, SOURCE_FILE), `${userHome}\n`);
  return true;
}

/** The files of a folder Gemini CLI runs or loads once it trusts the folder. */
export const GEMINI_TRUSTED_CONTENT: RepoConfigSpec = {
  cli: 'Gemini CLI',
  // 0.61.0: .gemini/ (settings.json: hooks, mcpServers, tools.discoveryCommand/callCommand and
  // every other setting, merged only when trusted; commands/, agents/, skills/, extensions/, .env)
  // and .env (trusted: every variable; untrusted: only its auth variables), looked up from the
  // folder upwards (loadEnvironment, findEnvFile). A .env's values are never shown.
  paths: ['.gemini', '.env'],
  secret: ['.env'],
};

/**
 * Whether `--skip-trust` may trust the agent's folder: not when the user's trusted-folders file
 * (GEMINI_CLI_TRUSTED_FOLDERS_PATH, else ~/.gemini/trustedFolders.json) says DO_NOT_TRUST for it
 * (that choice is kept). Records the outcome on the TrustLog.
 */
function maySkipTrust(ctx: VendorSetupContext, userHome: string): boolean {
  const file = ctx.env.GEMINI_CLI_TRUSTED_FOLDERS_PATH ?? join(userHome, '.gemini', 'trustedFolders.json');
  const rules = parseJsonc(ctx.files.readText(file) ?? '');
  if (isObject(rules) && rules[ctx.agent.cwd] === 'DO_NOT_TRUST') {
    ctx.trust.withheld(
      `folder not trusted for it: your ${file} says DO_NOT_TRUST for ${ctx.agent.cwd}; that choice is kept and Gemini CLI runs it untrusted`,
    );
    return false;
  }
  ctx.trust.granted('folder trusted for it: --skip-trust (for this process only; nothing written)');
  return true;
}

/**
 * The settings files Gemini CLI takes `general.defaultApprovalMode` from, most binding first: the
 * system settings, the project's (the agent's folder), the user's.
 */
export function geminiSettingsFiles(ctx: Pick<VendorSetupContext, 'agent' | 'env' | 'home'>): SettingsFile[] {
  const read = geminiSettingsMode;
  const key = 'general.defaultApprovalMode';
  return [
    ctx.env.GEMINI_CLI_SYSTEM_SETTINGS_PATH ?? '/etc/gemini-cli/settings.json',
    join(ctx.agent.cwd, '.gemini', 'settings.json'),
    join(ctx.env.GEMINI_CLI_HOME || ctx.home, '.gemini', 'settings.json'),
  ].map((path) => ({ path, key, read }));
}

/**
 * Gemini CLI: settings files take hooks, but the only per-process choice of settings is the home
 * (GEMINI_CLI_HOME; the system settings path must be a root-owned file). So each agent gets its
 * own home that mirrors the user's (prepareGeminiHome) with our hooks added; nothing of the
 * user's is changed. Settings hooks run only in a trusted folder: `--skip-trust` trusts the
 * agent's folder for that process only (config agents.preTrust).
 */
export const setup: VendorSetup = {
  prepare(ctx) {
    const agentHome = join(ctx.agentDir, HOME_DIR);
    const home = ctx.env.GEMINI_CLI_HOME || ctx.home;
    const userHome = ctx.files.readText(join(home, SOURCE_FILE))?.trim() || home;
    const skip = ctx.preTrust && maySkipTrust(ctx, userHome);
    const args = skip ? ['--skip-trust'] : [];
    const sandboxed = ctx.sandboxed === true;
    if (!prepareGeminiHome(ctx.files, userHome, agentHome, ctx.hookEndpoints(), ctx.mcpServer(), sandboxed)) {
      ctx.log.warn(
        { agent: ctx.agent.id, file: join(userHome, '.gemini', 'settings.json') },
        'gemini settings.json is not a JSON object: the agent runs without hooks (screen only)',
      );
      return args;
    }
    return { args, env: { GEMINI_CLI_HOME: agentHome } };
  },
  cleanup(agentDir, files) {
    files.removeTree(join(agentDir, HOME_DIR));
  },
  trustedContent: GEMINI_TRUSTED_CONTENT,
  // Its arguments, else its settings (else its default, by the profile).
  startMode: (ctx) => geminiArgsMode(ctx.agent.args) ?? readSettingsMode(ctx, geminiSettingsFiles(ctx)),
};
