import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { AppError } from '../core/errors.js';
import { NAME_PATTERN } from '../protocol/constants.js';
import {
  templateSchema,
  type Template,
  type TemplateInfo,
  type TemplateSource,
} from '../protocol/template.js';
import { explainIssues, formatPath } from '../protocol/zod-issues.js';
import { BUILTIN_TEMPLATES } from './builtin-templates.js';

export interface LoadedTemplate extends TemplateInfo {
  template: Template;
  yaml: string;
}

export interface TemplateDirs {
  /** The config dir: user templates live in `<configDir>/templates/*.yaml`. */
  configDir: string;
  /** A repository: its templates live in `<repo>/.wezterm-parallel/templates/*.yaml`. */
  repoPath?: string | undefined;
}

/** A problem in a template: YAML path, line (when known) and what is wrong. */
export interface TemplateIssue {
  path: string;
  line: number | null;
  message: string;
}

const PANE_HINT = 'a pane needs exactly one of `agent`, `command` or `split`';

/** Parses and validates template YAML; TEMPLATE_INVALID lists the path and line of every problem. */
export function parseTemplate(text: string, file: string): Template {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const issues: TemplateIssue[] = doc.errors.map((e) => ({
      path: '',
      line: lines.linePos(e.pos[0]).line,
      message: e.message.split('\n')[0] ?? e.message,
    }));
    throw invalid(file, issues);
  }
  let value: unknown;
  try {
    value = doc.toJS(); // throws on an alias to no anchor, and on too many aliases (a YAML bomb)
  } catch (err) {
    throw invalid(file, [{ path: '', line: null, message: (err as Error).message }]);
  }
  const parsed = templateSchema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issues = explainIssues(parsed.error, value, PANE_HINT).map(({ path, message }) => {
    // The node itself, or the nearest parent that exists (a missing key has no node).
    let line: number | null = null;
    for (let n = path.length; n >= 0 && line === null; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) line = lines.linePos(node.range[0]).line;
    }
    return { path: formatPath(path), line, message };
  });
  throw invalid(file, issues);
}

function invalid(file: string, issues: TemplateIssue[]): AppError {
  const where = (i: TemplateIssue): string =>
    `${i.path || '(top)'}${i.line === null ? '' : ` (line ${i.line})`}`;
  // The first problem in the message (toasts show only that); all of them in `details.issues`,
  // which the CLI lists one per line.
  const [first] = issues;
  const head = first ? `${where(first)}: ${first.message}` : 'invalid';
  const message =
    issues.length <= 1
      ? `Template ${file}: ${head}`
      : `Template ${file} has ${issues.length} problems; the first: ${head}`;
  return new AppError('TEMPLATE_INVALID', message, { file, issues });
}

interface Candidate {
  name: string;
  source: TemplateSource;
  path: string | null;
  read: () => string;
}

function filesIn(dir: string, source: TemplateSource): Candidate[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((f) => ['.yaml', '.yml'].includes(extname(f)) && NAME_PATTERN.test(basename(f, extname(f))))
    .map((f) => ({
      name: basename(f, extname(f)),
      source,
      path: join(dir, f),
      read: () => readFileSync(join(dir, f), 'utf8'),
    }));
}

/** Every template by name; a repository's override the user's, which override the built-ins. */
function candidates(dirs: TemplateDirs): Map<string, Candidate> {
  const all = new Map<string, Candidate>();
  for (const [name, text] of Object.entries(BUILTIN_TEMPLATES)) {
    all.set(name, { name, source: 'builtin', path: null, read: () => text });
  }
  for (const c of filesIn(join(dirs.configDir, 'templates'), 'user')) all.set(c.name, c);
  if (dirs.repoPath) {
    for (const c of filesIn(join(dirs.repoPath, '.wezterm-parallel', 'templates'), 'repo'))
      all.set(c.name, c);
  }
  return all;
}

/** Loads and validates one template by name. */
export function loadTemplate(name: string, dirs: TemplateDirs): LoadedTemplate {
  const all = candidates(dirs);
  const c = all.get(name);
  if (!c) {
    throw new AppError(
      'TEMPLATE_NOT_FOUND',
      `No template "${name}". Templates: ${[...all.keys()].sort().join(', ')}.`,
      {
        name,
        known: [...all.values()].map((x) => ({ name: x.name, source: x.source })),
      },
    );
  }
  const yaml = c.read();
  const template = parseTemplate(yaml, c.path ?? `built-in template ${name}`);
  return { name, source: c.source, path: c.path, description: template.description, template, yaml };
}

/** Every template, valid or not (an invalid one has `error` set). */
export function listTemplates(dirs: TemplateDirs): (TemplateInfo & { error: string | null })[] {
  return [...candidates(dirs).values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((c) => {
      try {
        const t = parseTemplate(c.read(), c.path ?? c.name);
        return { name: c.name, source: c.source, path: c.path, description: t.description, error: null };
      } catch (err) {
        return {
          name: c.name,
          source: c.source,
          path: c.path,
          description: '',
          error: (err as Error).message,
        };
      }
    });
}
