import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { NAME_PATTERN } from '../protocol/constants.js';
import { TEMPLATE_SOURCES, type TemplateSource } from '../protocol/template.js';
import { BUILTIN_TEMPLATES } from './builtin-templates.js';

/** One template file (or built-in) before it is read. */
export interface Candidate {
  name: string;
  source: TemplateSource;
  path: string | null;
  read: () => string;
}

/** Every template of each source, by name. */
export type Candidates = Record<TemplateSource, Map<string, Candidate>>;

function filesIn(dir: string, source: TemplateSource): Map<string, Candidate> {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return new Map();
  }
  const found = new Map<string, Candidate>();
  for (const f of names) {
    const name = basename(f, extname(f));
    if (!['.yaml', '.yml'].includes(extname(f)) || !NAME_PATTERN.test(name) || found.has(name)) continue;
    found.set(name, { name, source, path: join(dir, f), read: () => readFileSync(join(dir, f), 'utf8') });
  }
  return found;
}

/** The built-ins, the user's (`<configDir>/templates`) and the repository's (`.wezterm-parallel/templates`). */
export function findCandidates(configDir: string, repoPath: string | undefined): Candidates {
  const builtin = new Map<string, Candidate>();
  for (const [name, text] of Object.entries(BUILTIN_TEMPLATES))
    builtin.set(name, { name, source: 'builtin', path: null, read: () => text });
  return {
    builtin,
    user: filesIn(join(configDir, 'templates'), 'user'),
    repo: repoPath ? filesIn(join(repoPath, '.wezterm-parallel', 'templates'), 'repo') : new Map(),
  };
}

/**
 * The name that selects a template. A bare name means the user's template, else the built-in,
 * else the repository's: a repository never replaces a template of the user or a built-in, its
 * own of the same name is `repo:NAME` (and a built-in that a user template replaces, `builtin:NAME`).
 */
export function refOf(c: Candidate, all: Candidates): string {
  return resolveRef(c.name, all).candidate === c ? c.name : `${c.source}:${c.name}`;
}

export interface Resolved {
  candidate: Candidate | null;
  /** Set when a bare name passed over the repository's template of that name. */
  note: string | null;
}

/** Resolves `NAME` or `source:NAME` (see `refOf`). */
export function resolveRef(ref: string, all: Candidates): Resolved {
  const colon = ref.indexOf(':');
  if (colon >= 0) {
    const source = ref.slice(0, colon) as TemplateSource;
    const name = ref.slice(colon + 1);
    const candidate = TEMPLATE_SOURCES.includes(source) ? (all[source].get(name) ?? null) : null;
    return { candidate, note: null };
  }
  const candidate = all.user.get(ref) ?? all.builtin.get(ref) ?? all.repo.get(ref) ?? null;
  const shadowed = candidate && candidate.source !== 'repo' ? all.repo.get(ref) : undefined;
  const note = shadowed
    ? `The repository also has a template "${ref}" (${shadowed.path ?? ''}); it was not used: name it repo:${ref} to use it.`
    : null;
  return { candidate, note };
}

/** Every template once, in name order (`quad` beside `repo:quad`), each with the name that selects it. */
export function listCandidates(all: Candidates): { ref: string; candidate: Candidate }[] {
  return TEMPLATE_SOURCES.flatMap((s) => [...all[s].values()])
    .map((candidate) => ({ ref: refOf(candidate, all), candidate }))
    .sort((a, b) => a.candidate.name.localeCompare(b.candidate.name) || a.ref.localeCompare(b.ref));
}
