import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type {
  HookEndpoints,
  McpServerEntry,
  RepoConfigSpec,
  VendorSetup,
  VendorSetupContext,
} from '../../core/ports/vendor-setup.js';
import { privateStateDir, writePrivateState } from '../private-state.js';
import { applyTrustEdit, canonical, isObject, type TrustEdit } from '../trust-edit.js';
import { tildePath } from '../settings-mode.js';
import { codexArgsSettings, codexConfigSettings, codexStartMode } from './modes.js';

/** TOML basic string (every control character escaped, DEL too). */
function tomlString(s: string): string {
  return `"${s
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

/** The table a trust entry of ours is, exactly as appended (Codex writes its own the same way). */
const trustBlock = (cwd: string): string => `[projects.${tomlString(cwd)}]\ntrust_level = "trusted"\n`;

/** The parsed TOML, or the parser's message. */
function parseTomlText(text: string): Record<string, unknown> | string {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (err) {
    return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'invalid';
  }
}

/** The document without `projects[key]` (and without `projects` when that was all of it). */
function withoutProject(doc: Record<string, unknown>, key: string): Record<string, unknown> {
  if (!isObject(doc.projects)) return doc;
  const { [key]: _gone, ...rest } = doc.projects;
  const { projects: _all, ...others } = doc;
  return Object.keys(rest).length === 0 ? others : { ...others, projects: rest };
}

/**
 * The edit that marks `cwd` trusted for Codex CLI in the text of its config.toml: a table
 * `[projects."<cwd>"] trust_level = "trusted"` appended, and only when no entry for the folder
 * exists under any spelling of its key (read with a TOML parser: `[projects.'/p']` is the same
 * key). An entry that says `untrusted` — for the folder or, for a worktree, its repository — is
 * the user's choice and is kept (refused, with the reason); one of the user's that trusts it
 * already is left as it is. The result is parsed again and must be the old document plus that
 * entry: anything else (e.g. `projects` written as an inline table) is refused, never rewritten.
 */
export function codexTrustEdit(text: string | null, cwd: string, repo?: string): TrustEdit {
  const src = text ?? '';
  const doc = parseTomlText(src);
  if (typeof doc === 'string') return { kind: 'refused', why: `its config.toml is not valid TOML (${doc})` };
  if (doc.projects !== undefined && !isObject(doc.projects))
    return { kind: 'refused', why: 'its config.toml’s `projects` is not a table' };
  for (const key of repo === undefined || repo === cwd ? [cwd] : [cwd, repo]) {
    const entry = doc.projects?.[key];
    if (entry === undefined) continue;
    const level = isObject(entry) ? entry.trust_level : undefined;
    if (level === 'untrusted')
      return {
        kind: 'refused',
        why: `your config.toml marks ${key} untrusted (trust_level = "untrusted"); that choice is kept`,
      };
    if (key !== cwd) continue;
    if (level === 'trusted')
      return { kind: 'already', why: 'already trusted by your own entry in its config.toml' };
    return {
      kind: 'refused',
      why: `your config.toml has an entry of its own for ${cwd} ([projects]); it is left as it is`,
    };
  }
  const sep = src === '' ? '' : src.endsWith('\n') ? '\n' : '\n\n';
  const next = `${src}${sep}${trustBlock(cwd)}`;
  const check = parseTomlText(next);
  const added = typeof check === 'string' ? undefined : check.projects;
  if (
    typeof check === 'string' ||
    !isObject(added) ||
    canonical(added[cwd]) !== canonical({ trust_level: 'trusted' }) ||
    canonical(withoutProject(check, cwd)) !== canonical(doc)
  ) {
    return { kind: 'refused', why: 'an entry could not be added to its config.toml without rewriting it' };
  }
  // What was written before the table (a newline or two) is kept with the entry: taken back with it.
  return { kind: 'added', text: next, prior: sep };
}

/**
 * Takes back the table `codexTrustEdit` appended (with the `sep` it wrote before it), when it is
 * still there exactly as written, once, and the result parses to the document without that entry;
 * null otherwise (left as it is).
 */
export function codexUntrustEdit(
  text: string | null,
  cwd: string,
  sep: string | boolean | null,
): string | null {
  if (text === null) return null;
  const added = `${typeof sep === 'string' ? sep : ''}${trustBlock(cwd)}`;
  const at = text.indexOf(added);
  if (at < 0 || text.indexOf(added, at + 1) >= 0) return null;
  const next = text.slice(0, at) + text.slice(at + added.length);
  const old = parseTomlText(text);
  const now = parseTomlText(next);
  if (typeof old === 'string' || typeof now === 'string') return null;
  return canonical(now) === canonical(withoutProject(old, cwd)) ? next : null;
}

/** Codex's config.toml ($CODEX_HOME, else ~/.codex). */
const codexConfigFile = (env: { home: string; codexHome?: string | undefined }): string =>
  join(env.codexHome ?? join(env.home, '.codex'), 'config.toml');

/** A sandboxed agent's own CODEX_HOME, in its folder. */
const HOME_DIR = 'codex-home';
/** Entries of the user's CODEX_HOME a sandboxed agent sees (read-only): its login and instructions. */
const SHARED_READ_ONLY = ['auth.json', 'AGENTS.md'];

/**
 * A sandboxed agent's own CODEX_HOME (`<agentDir>/codex-home`): the user's login and instructions
 * linked in read-only, and a 0600 copy of the user's config.toml (providers, model; the TUI
 * rewrites it) with the agent's folder trusted there. The user's `file` is not touched.
 */
function sandboxCodexHome(ctx: VendorSetupContext, file: string): string {
  const user = ctx.env.CODEX_HOME ?? join(ctx.home, '.codex');
  const dir = privateStateDir(ctx.files, ctx.agentDir, HOME_DIR, user, SHARED_READ_ONLY);
  const own = join(dir, 'config.toml');
  const repo = ctx.agent.worktree?.repo;
  writePrivateState(
    ctx,
    own,
    ctx.files.readText(file),
    (text) => codexTrustEdit(text, ctx.agent.cwd, repo),
    `[projects."${ctx.agent.cwd}"] trust_level = "trusted" in ${own}`,
  );
  return dir;
}

/** The files of a folder Codex CLI runs or loads once it trusts the folder. */
export const CODEX_TRUSTED_CONTENT: RepoConfigSpec = {
  cli: 'Codex CLI',
  // .codex/ of the folder and each above it to the project root: config.toml (MCP servers, whose
  // commands run outside the sandbox, providers, notify), hooks (hooks.json, [hooks]) and exec
  // policy rules. 0.169.0: "Config, hooks, and exec policies from untrusted folders stay disabled".
  paths: ['.codex'],
};

/** True when the config's top level (before its first table) sets `notify`. */
function setsNotify(toml: string): boolean {
  for (const line of toml.split('\n')) {
    if (/^\s*\[/.test(line)) return false;
    if (/^\s*(?:notify|"notify")\s*=/.test(line)) return true;
  }
  return false;
}

/**
 * `-c notify=[…]` for this agent's run: Codex runs `wtp hook --agent ID <json>` after every
 * completed turn, which tells the daemon the session's thread id (what `codex resume` takes).
 * An override on the command line: the user's config.toml is not touched.
 */
export function codexNotifyArgs(t: HookEndpoints): string[] {
  return ['-c', `notify=[${[t.command.command, ...t.command.args].map(tomlString).join(', ')}]`];
}

/**
 * `-c mcp_servers.<name>.command=…` and `.args=[…]` for this agent's run (`wtp new --mcp`): Codex's
 * MCP server table (its config docs: `[mcp_servers.<name>]`, command, args) as overrides on the
 * command line, so the user's config.toml is not touched. No secret is in them (the token is in a
 * file `wtp mcp` reads).
 */
export function codexMcpArgs(m: McpServerEntry): string[] {
  const key = `mcp_servers.${m.name}`;
  return [
    '-c',
    `${key}.command=${tomlString(m.command)}`,
    '-c',
    `${key}.args=[${m.args.map(tomlString).join(', ')}]`,
  ];
}

/**
 * Codex CLI: the trust prompt of the agent's working directory pre-accepted; its `notify` program
 * (the session id, to resume after a restart; the state comes from its OSC 7501 records) unless
 * the user's config.toml sets one: an override would silence the user's, so it is kept and the
 * agent cannot be resumed.
 */
export const setup: VendorSetup = {
  prepare(ctx) {
    const env = { home: ctx.home, codexHome: ctx.env.CODEX_HOME };
    const file = codexConfigFile(env);
    const home = ctx.sandboxed ? sandboxCodexHome(ctx, file) : undefined;
    if (ctx.preTrust && home === undefined) {
      const repo = ctx.agent.worktree?.repo;
      applyTrustEdit(
        ctx,
        file,
        (text) => codexTrustEdit(text, ctx.agent.cwd, repo),
        `[projects."${ctx.agent.cwd}"] trust_level = "trusted" in ${file}`,
      );
    }
    const config = ctx.files.readText(file);
    const mcp = ctx.mcpServer();
    const mcpArgs = mcp === null ? [] : codexMcpArgs(mcp);
    let args = [...codexNotifyArgs(ctx.hookEndpoints()), ...mcpArgs];
    if (config !== null && setsNotify(config)) {
      ctx.log.warn(
        { agent: ctx.agent.id },
        'codex config.toml sets notify: it is kept, so a restart of this agent starts a new session',
      );
      args = mcpArgs;
    }
    return home === undefined ? args : { args, env: { CODEX_HOME: home } };
  },
  cleanup(agentDir, files) {
    files.removeTree(join(agentDir, HOME_DIR));
  },
  trustedContent: CODEX_TRUSTED_CONTENT,
  untrust: (entry, files) =>
    files.editFile(entry.file, (text) => codexUntrustEdit(text, entry.folder, entry.prior)),
  // Its arguments, then the top of its config.toml (profiles are not read), then its defaults.
  startMode(ctx) {
    const file = join(ctx.env.CODEX_HOME ?? join(ctx.home, '.codex'), 'config.toml');
    let toml: string | null = null;
    try {
      toml = ctx.files.readText(file);
    } catch {
      // unreadable: as if absent (Codex would stop on it)
    }
    const fromConfig =
      toml === null
        ? { approval: null, sandbox: null }
        : codexConfigSettings(toml, tildePath(file, ctx.home));
    return codexStartMode(codexArgsSettings(ctx.agent.args), fromConfig);
  },
};
