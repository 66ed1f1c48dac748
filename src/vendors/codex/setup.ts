import { join } from 'node:path';
import type { HookEndpoints, SetupFiles, VendorSetup } from '../../core/ports/vendor-setup.js';
import { tildePath } from '../settings-mode.js';
import { codexArgsSettings, codexConfigSettings, codexStartMode } from './modes.js';

/** TOML basic string. */
function tomlString(s: string): string {
  return `"${s
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/[\u0000-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

/**
 * Marks `cwd` trusted for Codex CLI (`[projects."<cwd>"] trust_level = "trusted"` in
 * ~/.codex/config.toml, or $CODEX_HOME/config.toml). Appends a table only when the project has
 * none; an existing entry (trusted or not: the user's choice) is left alone.
 */
export function trustCodexProject(
  files: SetupFiles,
  env: { home: string; codexHome?: string | undefined },
  cwd: string,
): boolean {
  const file = join(env.codexHome ?? join(env.home, '.codex'), 'config.toml');
  const text = files.readText(file) ?? '';
  const header = `[projects.${tomlString(cwd)}]`;
  if (text.includes(header)) return true;
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  files.writeAtomic(file, `${text}${sep}\n${header}\ntrust_level = "trusted"\n`);
  return true;
}

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
 * Codex CLI: the trust prompt of the agent's working directory pre-accepted; its `notify` program
 * (the session id, to resume after a restart; the state comes from its OSC 7501 records) unless
 * the user's config.toml sets one: an override would silence the user's, so it is kept and the
 * agent cannot be resumed.
 */
export const setup: VendorSetup = {
  prepare(ctx) {
    const env = { home: ctx.home, codexHome: ctx.env.CODEX_HOME };
    if (ctx.preTrust) trustCodexProject(ctx.files, env, ctx.agent.cwd);
    const config = ctx.files.readText(join(env.codexHome ?? join(env.home, '.codex'), 'config.toml'));
    if (config !== null && setsNotify(config)) {
      ctx.log.warn(
        { agent: ctx.agent.id },
        'codex config.toml sets notify: it is kept, so a restart of this agent starts a new session',
      );
      return [];
    }
    return codexNotifyArgs(ctx.hookEndpoints());
  },
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
