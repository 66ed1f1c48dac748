import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './json-file.js';

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
  env: { home: string; codexHome?: string | undefined },
  cwd: string,
): boolean {
  const file = join(env.codexHome ?? join(env.home, '.codex'), 'config.toml');
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const header = `[projects.${tomlString(cwd)}]`;
  if (text.includes(header)) return true;
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  writeFileAtomic(file, `${text}${sep}\n${header}\ntrust_level = "trusted"\n`);
  return true;
}
