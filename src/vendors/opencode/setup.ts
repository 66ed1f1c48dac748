import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type {
  HookEndpoints,
  McpServerEntry,
  RepoConfigSpec,
  VendorSetup,
  VendorSetupContext,
} from '../../core/ports/vendor-setup.js';
import { REQUEST_ABOUT_MAX } from '../../protocol/constants.js';
import { privateStateDir } from '../private-state.js';
import { parseJsonc, tildePath } from '../settings-mode.js';
import { opencodeArgsMode, opencodeLayersMode, type OpencodeLayer } from './modes.js';

/** The per-agent plugin file (0600, in the agent's own folder). */
const PLUGIN_FILE = 'wtp-opencode-plugin.js';

/** The OpenCode bus events the plugin forwards (`session.status` idle: `session.idle` tells it). */
export const OPENCODE_EVENTS = [
  'session.created',
  'session.status',
  'session.idle',
  'permission.asked',
  'permission.replied',
  'question.asked',
  'question.replied',
  'question.rejected',
] as const;

/**
 * The plugin's code: a plain ES module importing only node:child_process and node:path, as OpenCode
 * installs nothing for it. It forwards OPENCODE_EVENTS, cut to what readOpencodeHook reads, one at a
 * time in order, without holding OpenCode up: over HTTP when the API listens on TCP (the per-agent
 * token in this 0600 file, never in argv), else through `wtp hook --agent ID`. It marks subagents'
 * sessions, adds each session's last error to its `session.idle`, and skips the `busy` of each retry
 * of a request (OpenCode retries a 429 up to 5 times): a limited agent does not flap to working.
 */
export function opencodePlugin(t: { http: HookEndpoints['http']; command: string[] }): string {
  return `// Written by wezterm-parallel for one agent: forwards OpenCode's events to the wtp daemon.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const WTP = ${JSON.stringify({ http: t.http, command: t.command, events: OPENCODE_EVENTS })};
const cut = (v) => (typeof v === 'string' ? v.slice(0, 300) : undefined);
const ABOUT_MAX = ${REQUEST_ABOUT_MAX};

function post(body) {
  const json = JSON.stringify(body);
  if (WTP.http) {
    return fetch(WTP.http.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' + WTP.http.token },
      body: json,
      signal: AbortSignal.timeout(5000),
    }).then((r) => r.arrayBuffer());
  }
  return new Promise((resolve) => {
    const child = spawn(WTP.command[0], WTP.command.slice(1), { stdio: ['pipe', 'ignore', 'ignore'] });
    const timer = setTimeout(() => child.kill(), 10000);
    child.on('error', resolve);
    child.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    child.stdin.on('error', () => {});
    child.stdin.end(json);
  });
}

function brief(type, p, worktree) {
  switch (type) {
    case 'session.status':
      return { type: p.status?.type, attempt: p.status?.attempt, message: cut(p.status?.message), next: p.status?.next, action: cut(p.status?.action?.reason) };
    case 'permission.asked': {
      const m = p.metadata ?? {};
      const patterns = Array.isArray(p.patterns) ? p.patterns.filter((x) => typeof x === 'string') : [];
      // What its dialog names: an outside folder (a file tool's, or a command's first), a read's
      // file (its pattern is relative to the worktree), the command, the file, the patterns.
      const outside = p.permission === 'external_directory' ? (m.parentDir ?? m.directories?.[0]) : undefined;
      const file = p.permission === 'read' && m.server === undefined && patterns[0] && worktree ? resolve(worktree, patterns[0]) : undefined;
      const named = outside ?? file ?? m.command ?? m.filepath ?? m.filePath;
      const about = named ?? (patterns.length > 0 ? patterns.join(' ') : undefined);
      // Whole only when it is the request's own target and fits (a pattern list is not a target).
      const aboutCut = typeof about !== 'string' || about.length > ABOUT_MAX || named === undefined;
      return { permission: cut(p.permission), about: typeof about === 'string' ? about.slice(0, ABOUT_MAX) : undefined, aboutCut };
    }
    case 'question.asked':
      return { question: cut(p.questions?.[0]?.question), options: (p.questions?.[0]?.options ?? []).slice(0, 20).map((o) => cut(o?.label)).filter(Boolean) };
    case 'permission.replied':
      return { reply: cut(p.reply) };
    default:
      return {};
  }
}

// The turn's last assistant text: each message's role, the text parts of the last
// messages, and each session's last assistant message; the text goes with session.idle, whole
// (a text longer than MESSAGE_MAX is not sent: the daemon never decides on a cut copy).
const MESSAGE_MAX = 500000;
const KEPT = 64;
const remember = (map, key, value) => {
  map.delete(key);
  map.set(key, value);
  if (map.size > KEPT) map.delete(map.keys().next().value);
};

export const WtpStatePlugin = async ({ worktree } = {}) => {
  const subagents = new Set();
  const errors = new Map();
  const retrying = new Set();
  const texts = new Map();
  const lastAssistant = new Map();
  let queue = Promise.resolve();
  return {
    event: async ({ event }) => {
      const p = event.properties ?? {};
      const info = p.info ?? {};
      if (event.type === 'message.updated' && typeof info.id === 'string') {
        if (info.role === 'assistant') remember(lastAssistant, info.sessionID, info.id);
        else if (info.role === 'user') lastAssistant.delete(info.sessionID);
      }
      if (event.type === 'message.part.updated' && p.part?.type === 'text' && typeof p.part.text === 'string') {
        const parts = texts.get(p.part.messageID) ?? new Map();
        parts.set(p.part.id, p.part.text);
        remember(texts, p.part.messageID, parts);
      }
      if (event.type === 'session.created' && info.parentID) subagents.add(info.id);
      const session = p.sessionID ?? info.id;
      if (event.type === 'session.error') errors.set(session, cut(p.error?.name) ?? 'Error');
      if (!WTP.events.includes(event.type)) return;
      if (event.type === 'session.status' && p.status?.type === 'idle') return;
      if (event.type === 'session.status' && p.status?.type === 'busy') {
        errors.delete(session);
        // The next attempt of a retried request: still limited (or failing) until it answers.
        if (retrying.delete(session)) return;
      }
      if (event.type === 'session.status' && p.status?.type === 'retry') retrying.add(session);
      else if (event.type !== 'session.status') retrying.delete(session);
      const body = { hook_event_name: event.type, session_id: session, subagent: subagents.has(session), properties: brief(event.type, p, worktree) };
      // Kept until the next busy: an aborted turn fires session.idle twice.
      if (event.type === 'session.idle' && errors.has(session)) body.error = errors.get(session);
      if (event.type === 'session.idle') {
        const parts = texts.get(lastAssistant.get(session));
        const text = parts ? [...parts.values()].join('\\n\\n').trim() : '';
        if (text !== '' && text.length <= MESSAGE_MAX) body.last_assistant_message = text;
      }
      queue = queue.then(() => post(body)).catch(() => {});
    },
  };
};
`;
}

/**
 * `OPENCODE_CONFIG_CONTENT` with our plugin added: the user's own value (a JSON object, from the
 * daemon's or the agent's environment) is kept, its `plugin` list extended. Null when that value
 * is not a JSON object (then the agent runs without our plugin).
 */
export function withWtpPlugin(own: string | undefined, pluginUrl: string): string | null {
  let doc: unknown = {};
  if (own !== undefined && own.trim() !== '') {
    try {
      doc = JSON.parse(own);
    } catch {
      return null;
    }
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return null;
  const o = doc as Record<string, unknown>;
  const plugins = Array.isArray(o.plugin) ? (o.plugin as unknown[]) : [];
  return JSON.stringify({ ...o, plugin: [...plugins.filter((x) => x !== pluginUrl), pluginUrl] });
}

/** http when the API listens on TCP (unless config says command hooks), else `wtp hook`. */
function transport(ctx: VendorSetupContext): { http: HookEndpoints['http']; command: string[] } {
  const e = ctx.hookEndpoints();
  return {
    http: ctx.hookTransport === 'command' ? null : e.http,
    command: [e.command.command, ...e.command.args],
  };
}

/**
 * OpenCode's config layers that may set `permission`, lowest first: the global config, the file
 * OPENCODE_CONFIG names, the project's opencode.json(c), OPENCODE_CONFIG_CONTENT and
 * OPENCODE_PERMISSION. A layer that is missing or does not parse is left out.
 */
export function opencodeLayers(
  ctx: Pick<VendorSetupContext, 'agent' | 'env' | 'home' | 'files'> &
    Partial<Pick<VendorSetupContext, 'repoConfig'>>,
): OpencodeLayer[] {
  const parse = (text: string | null | undefined): Record<string, unknown> | null => {
    if (text === null || text === undefined || text.trim() === '') return null;
    try {
      const doc = parseJsonc(text);
      return typeof doc === 'object' && doc !== null && !Array.isArray(doc)
        ? (doc as Record<string, unknown>)
        : null;
    } catch {
      return null;
    }
  };
  const file = (path: string): Record<string, unknown> | null => {
    try {
      return parse(ctx.files.readText(path));
    } catch {
      return null;
    }
  };
  const global = join(ctx.env.XDG_CONFIG_HOME || join(ctx.home, '.config'), 'opencode');
  const files = [
    ...['config.json', 'opencode.json', 'opencode.jsonc'].map((f) => join(global, f)),
    ...(ctx.env.OPENCODE_CONFIG ? [ctx.env.OPENCODE_CONFIG] : []),
    // The project's files, unless they are kept out (projectConfigKept).
    ...(projectConfigKept(ctx) ? [] : ['opencode.json', 'opencode.jsonc'].map((f) => join(ctx.agent.cwd, f))),
  ];
  const layers: OpencodeLayer[] = files.flatMap((path) => {
    const doc = file(path);
    return doc && 'permission' in doc
      ? [{ where: tildePath(path, ctx.home), origin: 'settings' as const, permission: doc.permission }]
      : [];
  });
  const content = parse(ctx.env.OPENCODE_CONFIG_CONTENT);
  if (content && 'permission' in content) {
    layers.push({ where: 'OPENCODE_CONFIG_CONTENT', origin: 'env', permission: content.permission });
  }
  const env = parse(ctx.env.OPENCODE_PERMISSION);
  if (env) layers.push({ where: 'OPENCODE_PERMISSION', origin: 'env', permission: env });
  return layers;
}

/** A sandboxed agent's own XDG data, state and cache folders, in its folder. */
const XDG_DIR = 'opencode-xdg';

/**
 * A sandboxed agent's own data, state and cache folders (`<agentDir>/opencode-xdg/…`: its
 * database, sessions, logs, snapshots), the user's login (`auth.json`) linked in read-only. Only
 * XDG variables move them, which move every program's of the agent's: those are read-only in its
 * sandbox anyway. XDG_CONFIG_HOME stays (git and others read theirs there): ~/.config/opencode
 * is read-only to it.
 */
function sandboxXdg(ctx: VendorSetupContext): Record<string, string> {
  const root = join(ctx.agentDir, XDG_DIR);
  const userData = join(ctx.env.XDG_DATA_HOME ?? join(ctx.home, '.local', 'share'), 'opencode');
  privateStateDir(ctx.files, join(root, 'data'), 'opencode', userData, ['auth.json']);
  return {
    XDG_DATA_HOME: join(root, 'data'),
    XDG_STATE_HOME: join(root, 'state'),
    XDG_CACHE_HOME: join(root, 'cache'),
  };
}

/** The files of a folder OpenCode runs or loads (it has no trust dialog: at every start). */
export const OPENCODE_TRUSTED_CONTENT: RepoConfigSpec = {
  cli: 'OpenCode',
  // 1.18.33: opencode.json(c) and tui.json(c) from the folder up to the worktree's top (plugins,
  // MCP servers, commands, agents, permissions), .opencode/ folders (plugins: JavaScript run in
  // OpenCode's own process at start, commands, agents, modes, their package install). All of it is
  // skipped with OPENCODE_DISABLE_PROJECT_CONFIG, and so are the project's AGENTS.md / CLAUDE.md.
  paths: ['opencode.json', 'opencode.jsonc', 'tui.json', 'tui.jsonc', '.opencode'],
};

/** The repository's OpenCode configuration is there and not approved: it is kept out of the agent. */
function projectConfigKept(ctx: Partial<Pick<VendorSetupContext, 'repoConfig'>>): boolean {
  return ctx.repoConfig !== undefined && ctx.repoConfig.config !== null && !ctx.repoConfig.approved;
}

/**
 * `wtp new --mcp`: the config content with our MCP server in its `mcp` map (its config docs: a
 * `local` server is `{type: "local", command: [program, …args], enabled}`), the user's kept.
 */
export function withWtpMcp(content: string | null, mcp: McpServerEntry | null): string | null {
  if (content === null || mcp === null) return content;
  const o = JSON.parse(content) as Record<string, unknown>;
  const theirs = typeof o.mcp === 'object' && o.mcp !== null && !Array.isArray(o.mcp) ? o.mcp : {};
  const ours = { type: 'local', command: [mcp.command, ...mcp.args], enabled: true };
  return JSON.stringify({ ...o, mcp: { ...theirs, [mcp.name]: ours } });
}

/**
 * OpenCode: a per-agent plugin file loaded through `OPENCODE_CONFIG_CONTENT` (nothing of the
 * user's config or ~/.config/opencode is touched; OpenCode has no config argument). The plugin
 * needs no package, but OpenCode installs `@opencode-ai/plugin` into each config folder that
 * lacks it before it loads any plugin (once; it has done so for the user's own folder on its
 * first run anyway).
 */
export const setup: VendorSetup = {
  prepare(ctx) {
    const file = join(ctx.agentDir, PLUGIN_FILE);
    ctx.files.writeAtomic(file, opencodePlugin(transport(ctx)));
    // OpenCode loads a folder's configuration (plugins: code) at every start, without asking: the
    // repository's goes in only once approved.
    const kept = projectConfigKept(ctx);
    const keep: Record<string, string> = kept ? { OPENCODE_DISABLE_PROJECT_CONFIG: '1' } : {};
    const config = ctx.repoConfig.config;
    if (kept && config !== null) {
      const where = ctx.agent.worktree ? ctx.agent.worktree.repo : ctx.agent.cwd;
      ctx.trust.withheld(
        `the repository's OpenCode configuration (${config.files.map((f) => f.path).join(', ')}) is kept out (OPENCODE_DISABLE_PROJECT_CONFIG=1, which also leaves out its AGENTS.md), ${config.problem === null ? `as it is not approved: review it with \`wtp setup show --repo ${where}\`, approve it with \`wtp setup approve --repo ${where}\`, then start a new agent` : `as it cannot be approved: ${config.problem}`}`,
      );
    } else if (config !== null) {
      ctx.trust.granted("the repository's OpenCode configuration loads: it is approved");
    }
    const content = withWtpMcp(
      withWtpPlugin(ctx.env.OPENCODE_CONFIG_CONTENT, pathToFileURL(file).href),
      ctx.mcpServer(),
    );
    const env = { ...keep, ...(ctx.sandboxed ? sandboxXdg(ctx) : {}) };
    if (content === null) {
      ctx.log.warn(
        { agent: ctx.agent.id },
        'OPENCODE_CONFIG_CONTENT is not a JSON object: the agent runs without the wtp plugin (screen signals only)',
      );
      return Object.keys(env).length > 0 ? { args: [], env } : [];
    }
    return { args: [], env: { OPENCODE_CONFIG_CONTENT: content, ...env } };
  },
  cleanup(agentDir, files) {
    files.remove(join(agentDir, PLUGIN_FILE));
    files.removeTree(join(agentDir, XDG_DIR));
  },
  trustedContent: OPENCODE_TRUSTED_CONTENT,
  // Its arguments (--auto), else what its config layers set for bash and edit (else allow).
  startMode: (ctx) => opencodeArgsMode(ctx.agent.args) ?? opencodeLayersMode(opencodeLayers(ctx)),
};
