import type { StartMode } from '../core/agents/profiles.js';
import type { VendorSetupContext } from '../core/ports/vendor-setup.js';

/**
 * Reading a CLI's default permission mode from its settings files, for the vendors'
 * setups: the first file, most binding first, whose key sets one. A file that is missing, cannot
 * be read or does not parse counts as absent (the CLI would refuse it or ignore it too).
 */

/** One settings file and how to find the mode in it. */
export interface SettingsFile {
  path: string;
  /** The key, for the evidence: `permissions.defaultMode`. */
  key: string;
  /** The CLI's mode name the document sets, or null. */
  read(doc: Record<string, unknown>): string | null;
}

/** JSON with `//` and `/* … *\/` comments and trailing commas (Gemini CLI and Qwen Code allow them). */
export function parseJsonc(text: string): unknown {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else {
      out += c;
    }
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
}

/** `/home/me/.claude/settings.json` as `~/.claude/settings.json`. */
export function tildePath(path: string, home: string): string {
  return home !== '/' && path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}

/** A settings file as a JSON object, or null (missing, unreadable, not an object). */
function readObject(ctx: Pick<VendorSetupContext, 'files'>, path: string): Record<string, unknown> | null {
  try {
    const text = ctx.files.readText(path);
    if (text === null) return null;
    const doc = parseJsonc(text);
    return typeof doc === 'object' && doc !== null && !Array.isArray(doc)
      ? (doc as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** The mode the first of `files` sets (most binding first), with the key and file as evidence; null: none does. */
export function readSettingsMode(
  ctx: Pick<VendorSetupContext, 'files' | 'home'>,
  files: readonly SettingsFile[],
): StartMode | null {
  for (const f of files) {
    const doc = readObject(ctx, f.path);
    const mode = doc === null ? null : f.read(doc);
    if (mode !== null) {
      return {
        native: mode,
        evidence: `${f.key} ${JSON.stringify(mode)} in ${tildePath(f.path, ctx.home)}`,
        origin: 'settings',
      };
    }
  }
  return null;
}

/** The value at a dotted path of a document (`tools.approvalMode`), when it is a non-empty string. */
export function stringAt(doc: Record<string, unknown>, path: string): string | null {
  let at: unknown = doc;
  for (const part of path.split('.')) {
    if (typeof at !== 'object' || at === null) return null;
    at = (at as Record<string, unknown>)[part];
  }
  return typeof at === 'string' && at !== '' ? at : null;
}
