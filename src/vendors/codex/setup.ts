import { join } from 'node:path';
import type { SetupFiles, VendorSetup } from '../../core/ports/vendor-setup.js';

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

/** Codex CLI: the trust prompt of the agent's working directory pre-accepted; no hooks. */
export const setup: VendorSetup = {
  prepare(ctx) {
    if (ctx.preTrust) {
      trustCodexProject(ctx.files, { home: ctx.home, codexHome: ctx.env.CODEX_HOME }, ctx.agent.cwd);
    }
    return [];
  },
};
