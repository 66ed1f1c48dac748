import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { AppError } from '../core/errors.js';
import { appError } from '../protocol/error-messages.js';
import { templateSchema, type Template, type TemplateInfo } from '../protocol/template.js';
import { didYouMean } from '../protocol/did-you-mean.js';
import { shellWord } from '../protocol/shell-word.js';
import { explainIssues, formatPath } from '../protocol/zod-issues.js';
import { approveTemplateHash, isTemplateApproved, repoKey, templateHash } from './template-approvals.js';
import {
  findCandidates,
  listCandidates,
  refOf,
  resolveRef,
  type Candidate,
  type Candidates,
} from './template-names.js';
import { lineAt } from './yaml-lines.js';

export interface LoadedTemplate extends TemplateInfo {
  template: Template;
  yaml: string;
  /** Set when a bare name passed over the repository's template of that name. */
  note: string | null;
}

export interface TemplateDirs {
  /** The config dir: user templates live in `<configDir>/templates/*.yaml`. */
  configDir: string;
  /** A repository: its templates live in `<repo>/.wezterm-parallel/templates/*.yaml`. */
  repoPath?: string | undefined;
  /** The state dir, where approvals of repository templates are kept; without it none is approved. */
  stateDir?: string | undefined;
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
    return { path: formatPath(path), line: lineAt(doc, lines, path), message };
  });
  throw invalid(file, issues);
}

function invalid(file: string, issues: TemplateIssue[]): AppError {
  // The first problem in the message (toasts show only that); all of them in `details.issues`,
  // which the CLI lists one per line.
  const [first] = issues;
  const at = first?.path || 'the top';
  return appError('TEMPLATE_INVALID', {
    file,
    issues,
    count: issues.length > 1 ? issues.length : null,
    problem: first?.message ?? 'it does not match the schema',
    at: first?.line == null ? at : `${at}, line ${first.line}`,
  });
}

interface Read {
  ref: string;
  candidate: Candidate;
  yaml: string;
  hash: string;
  approved: boolean | null;
}

/** Reads a template's file once: what is hashed and approved is exactly what gets parsed. */
function readCandidate(ref: string, candidate: Candidate, dirs: TemplateDirs): Read {
  const yaml = candidate.read();
  const hash = templateHash(yaml);
  const approved =
    candidate.source !== 'repo'
      ? null
      : dirs.stateDir !== undefined &&
        dirs.repoPath !== undefined &&
        isTemplateApproved(dirs.stateDir, dirs.repoPath, candidate.name, hash);
  return { ref, candidate, yaml, hash, approved };
}

/** TEMPLATE_NOT_FOUND; `inRepo`: the repository (and its templates folder) that has no such template. */
function notFound(ref: string, all: Candidates, inRepo?: { repo: string; folder: string }): AppError {
  const known = listCandidates(all);
  const refs = known.map((k) => k.ref);
  return appError('TEMPLATE_NOT_FOUND', {
    name: ref,
    known: known.map((k) => ({ name: k.ref, source: k.candidate.source })),
    suggestion: didYouMean(ref, refs),
    templates: refs,
    ...inRepo,
  });
}

/** The command that approves a repository template, for messages. */
export function approveCommand(ref: string, repoPath: string, hash?: string): string {
  return `wtp template approve ${ref} --repo ${shellWord(repoPath)}${hash ? ` --hash ${hash}` : ''}`;
}

function notApproved(r: Read, repoPath: string): AppError {
  const path = r.candidate.path ?? '';
  return appError('TEMPLATE_NOT_APPROVED', {
    name: r.ref,
    repo: repoKey(repoPath),
    path,
    hash: r.hash,
    repoArg: shellWord(repoPath),
  });
}

/**
 * Loads and validates one template by name (`quad`, `repo:quad`, …; see `resolveRef`).
 * With `requireApproval`, a repository template whose content is not approved is refused
 * (TEMPLATE_NOT_APPROVED) before it is even parsed.
 */
export function loadTemplate(
  ref: string,
  dirs: TemplateDirs,
  opts: { requireApproval?: boolean } = {},
): LoadedTemplate {
  const all = findCandidates(dirs.configDir, dirs.repoPath);
  const { candidate, note } = resolveRef(ref, all);
  if (!candidate) throw notFound(ref, all);
  const r = readCandidate(ref, candidate, dirs);
  if (opts.requireApproval && r.approved === false) throw notApproved(r, dirs.repoPath ?? '');
  const template = parseTemplate(r.yaml, candidate.path ?? `built-in template ${candidate.name}`);
  return { ...info(r, template.description), template, yaml: r.yaml, note };
}

function info(r: Read, description: string): TemplateInfo {
  const { candidate: c } = r;
  return { name: r.ref, source: c.source, path: c.path, description, hash: r.hash, approved: r.approved };
}

/**
 * Approves the repository's template `name` (`quad` or `repo:quad`) for that repository,
 * only if it is valid and, when `hash` is given, still the content that hash was shown for.
 */
export function approveTemplate(
  name: string,
  dirs: TemplateDirs & { stateDir: string; repoPath: string },
  hash?: string,
): LoadedTemplate {
  const bare = name.startsWith('repo:') ? name.slice('repo:'.length) : name;
  const all = findCandidates(dirs.configDir, dirs.repoPath);
  const candidate = all.repo.get(bare);
  if (!candidate) {
    const folder = join(dirs.repoPath, '.wezterm-parallel', 'templates');
    throw notFound(name, all, { repo: dirs.repoPath, folder });
  }
  const r = readCandidate(refOf(candidate, all), candidate, dirs);
  if (hash !== undefined && hash !== r.hash) {
    throw appError('TEMPLATE_NOT_APPROVED', {
      name: r.ref,
      repo: repoKey(dirs.repoPath),
      path: candidate.path ?? bare,
      hash: r.hash,
      shown: hash,
      repoArg: shellWord(dirs.repoPath),
    });
  }
  const template = parseTemplate(r.yaml, candidate.path ?? bare); // an invalid one is not worth approving
  approveTemplateHash(dirs.stateDir, dirs.repoPath, candidate.name, r.hash);
  // What was read, hashed and approved; the file is not read again.
  return { ...info({ ...r, approved: true }, template.description), template, yaml: r.yaml, note: null };
}

/** Every template, valid or not (an invalid one has `error` set), by the name that selects it. */
export function listTemplates(dirs: TemplateDirs): (TemplateInfo & { error: string | null })[] {
  const all = findCandidates(dirs.configDir, dirs.repoPath);
  return listCandidates(all).map(({ ref, candidate }) => {
    let r: Read | null = null;
    try {
      r = readCandidate(ref, candidate, dirs);
      const t = parseTemplate(r.yaml, candidate.path ?? candidate.name);
      return { ...info(r, t.description), error: null };
    } catch (err) {
      // Unreadable: no hash, and a repository's is not approved.
      r ??= { ref, candidate, yaml: '', hash: '', approved: candidate.source === 'repo' ? false : null };
      return { ...info(r, ''), error: (err as Error).message };
    }
  });
}
