import type { RealPaths } from '../ports/shell-syntax.js';
import { globMatches } from './matcher.js';

/** A path as the rules see it, resolved against the agent's working folder. */
export interface ResolvedPath {
  /** As asked. */
  written: string;
  /** Absolute, `.` and `..` steps resolved, links not (null: it starts with `~`, a home folder the core does not know). */
  lexical: string | null;
  /** `lexical` with every symbolic link resolved (RealPaths), as far as the path exists. */
  real: string | null;
  /** `real` relative to the working folder's real path when inside it ('' for the folder itself), else null. */
  inside: string | null;
  /** `lexical` relative to the working folder when inside it, else null (a deny rule tries it too). */
  insideAsWritten: string | null;
}

/** `path` made absolute against `cwd`, its `.`, `..` and repeated `/` resolved without the file system. */
export function normalizePath(path: string, cwd: string): string {
  const steps: string[] = [];
  for (const step of (path.startsWith('/') ? path : `${cwd}/${path}`).split('/')) {
    if (step === '' || step === '.') continue;
    if (step === '..') steps.pop();
    else steps.push(step);
  }
  return `/${steps.join('/')}`;
}

const within = (path: string, folder: string): string | null => {
  if (path === folder) return '';
  const base = folder.endsWith('/') ? folder : `${folder}/`;
  return path.startsWith(base) ? path.slice(base.length) : null;
};

/** Resolves a requested path against the working folder `cwd`, following links (RealPaths). */
export async function resolvePath(path: string, cwd: string, paths: RealPaths): Promise<ResolvedPath> {
  const written = path.trim();
  if (written.startsWith('~') || written === '') {
    return { written, lexical: null, real: null, inside: null, insideAsWritten: null };
  }
  const folder = normalizePath(cwd, '/');
  const lexical = normalizePath(written, folder);
  const [real, realFolder] = await Promise.all([paths.realpath(lexical), paths.realpath(folder)]);
  return {
    written,
    lexical,
    real,
    inside: within(real, realFolder),
    insideAsWritten: within(lexical, folder),
  };
}

/**
 * Whether a path rule's glob matches a resolved path. A relative glob is relative to the working
 * folder and never matches outside it (after `..` and links); one with a `..` step is first made
 * absolute against the folder. An absolute glob matches the real path. For an allow rule only the
 * real path counts (a link inside the folder pointing out is outside); a deny rule also tries the
 * path as written (deny more, never less). A glob or path starting with `~` (a home folder) never
 * allows; a deny rule compares it as written.
 */
export function pathRuleMatches(glob: string, p: ResolvedPath, cwd: string, allow: boolean): boolean {
  const g = glob.trim();
  if (g.startsWith('~')) return !allow && globMatches(g, p.written);
  if (g.startsWith('/') || /(^|\/)\.\.(\/|$)/.test(g)) {
    const abs = normalizePath(g, normalizePath(cwd, '/'));
    const candidates = allow ? [p.real] : [p.real, p.lexical, p.written.startsWith('/') ? p.written : null];
    return candidates.some((c) => c !== null && globMatches(abs, c));
  }
  const candidates = allow ? [p.inside] : [p.inside, p.insideAsWritten];
  return candidates.some((c) => c !== null && globMatches(g, c));
}
