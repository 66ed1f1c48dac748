import { REQUEST_ABOUT_MAX } from '../protocol/constants.js';
import type { PendingRequest } from '../protocol/signals.js';
import { str } from './hook-signal.js';

/**
 * How much of a command or path a request keeps (64 KiB): approval rules decide on the whole of it.
 * A longer one is cut and not `complete` (no rule approves it). A hook's evidence quotes less.
 */
export const ABOUT_MAX = REQUEST_ABOUT_MAX;
/** pendingRequestSchema's limits. */
const DIFF_MAX = 8_000;
const QUESTION_MAX = 2_000;
const OPTION_MAX = 300;
const OPTIONS_MAX = 20;

const obj = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

const cut = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/**
 * What a tool call is about: the shell command, else the file (or path, URL, query) its input
 * names (Claude Code, Qwen Code, Copilot CLI and Gemini CLI inputs), at most ABOUT_MAX characters.
 */
export function toolAbout(input: unknown): string | undefined {
  return aboutOf(input)?.slice(0, ABOUT_MAX);
}

/** The input fields that name what a tool call is about, first wins. */
const TARGET_KEYS = [
  'command',
  'file_path',
  'filePath',
  'absolute_path',
  'path',
  'notebook_path',
  'url',
  'query',
  'pattern',
] as const;

/**
 * Input fields that name another folder for the call to run in (Qwen Code's `directory`, Gemini
 * CLI's `dir_path`, OpenCode's `workdir`): its command's relative paths are not the agent's.
 */
const ELSEWHERE_KEYS = ['directory', 'dir_path', 'workdir', 'cwd'] as const;

function aboutOf(input: unknown): string | undefined {
  const o = obj(input);
  for (const key of TARGET_KEYS) {
    const v = str(o[key]);
    if (v !== undefined) return v;
  }
  return undefined;
}

/**
 * Whether the input says exactly what the call acts on, as rules read it: one target field (two —
 * a `command` and a `file_path` — leave which one the tool uses to the tool), and no other folder
 * to run in (`directory: "."` is the agent's own).
 */
function oneTarget(input: unknown): boolean {
  const o = obj(input);
  const targets = TARGET_KEYS.filter((k) => o[k] !== undefined && o[k] !== null);
  const elsewhere = ELSEWHERE_KEYS.some(
    (k) => o[k] !== undefined && o[k] !== null && o[k] !== '' && o[k] !== '.',
  );
  return targets.length === 1 && !elsewhere;
}

/**
 * A request's target as kept: `about` (at most ABOUT_MAX characters) and `complete` when that is
 * all of it and `whole` (the payload itself says it was not shortened on the way).
 */
export function aboutFields(
  about: string | undefined,
  whole = true,
): Pick<PendingRequest, 'about' | 'complete'> {
  if (about === undefined) return {};
  const kept = about.slice(0, ABOUT_MAX);
  return whole && kept.length === about.length ? { about: kept, complete: true } : { about: kept };
}

/** `-`/`+` lines of a replaced text: a small unified-style hunk. */
function hunk(before: string, after: string): string {
  const lines = (text: string, mark: string): string[] =>
    text === '' ? [] : text.split('\n').map((l) => `${mark}${l}`);
  return ['@@', ...lines(before, '-'), ...lines(after, '+')].join('\n');
}

/**
 * The change an edit would make, when the input carries it: Edit's `old_string`/`new_string`
 * (and the `old_str`/`new_str` of other CLIs) as a `-`/`+` hunk, MultiEdit's `edits` one hunk
 * each, Write's `content` (or `file_text`) as the new file. At most 8000 characters.
 */
export function toolDiff(input: unknown): string | undefined {
  const o = obj(input);
  const pair = (e: Record<string, unknown>): string | undefined => {
    const before = typeof e.old_string === 'string' ? e.old_string : e.old_str;
    const after = typeof e.new_string === 'string' ? e.new_string : e.new_str;
    return typeof before === 'string' && typeof after === 'string' ? hunk(before, after) : undefined;
  };
  const edits = Array.isArray(o.edits) ? o.edits.map((e) => pair(obj(e))).filter((h) => h !== undefined) : [];
  const content = typeof o.content === 'string' ? o.content : o.file_text;
  const diff =
    pair(o) ?? (edits.length > 0 ? edits.join('\n') : typeof content === 'string' ? content : undefined);
  return diff === undefined ? undefined : cut(diff, DIFF_MAX);
}

/**
 * A question tool's first question and its options' labels (Claude Code's AskUserQuestion,
 * Qwen Code's ask_user_question: `{questions: [{question, options: [{label}]}]}`).
 */
export function toolQuestion(input: unknown): Pick<PendingRequest, 'question' | 'options'> {
  const qs = obj(input).questions;
  const q = obj(Array.isArray(qs) ? qs[0] : undefined);
  const question = str(q.question);
  const options = (Array.isArray(q.options) ? q.options : [])
    .map((o) => str(typeof o === 'string' ? o : obj(o).label))
    .filter((l) => l !== undefined)
    .slice(0, OPTIONS_MAX)
    .map((l) => cut(l, OPTION_MAX));
  return {
    ...(question === undefined ? {} : { question: cut(question, QUESTION_MAX) }),
    ...(options.length === 0 ? {} : { options }),
  };
}

/**
 * A permission dialog's request for a tool call: the tool, what it is about (`complete` unless cut,
 * `whole` is false — the payload was shortened before it came —, or the input names two targets or
 * another folder to run in), the edit's change.
 */
export function permissionRequest(tool: string | undefined, input: unknown, whole = true): PendingRequest {
  const diff = toolDiff(input);
  return {
    kind: 'permission',
    ...(tool === undefined ? {} : { tool: tool.slice(0, 200) }),
    ...aboutFields(aboutOf(input), whole && oneTarget(input)),
    ...(diff === undefined ? {} : { diff }),
  };
}

/**
 * What a decision hook's rules decide on (ProfileSpec.decisionHook's `request`): the tool and its
 * whole target, `complete` as permissionRequest says (never for a cut, doubled or relocated one,
 * which no rule then approves; a deny rule still denies it).
 */
export function decisionRequest(
  tool: string,
  input: unknown,
): { tool: string; about?: string; complete?: boolean } {
  const r = permissionRequest(tool, input);
  return {
    tool: r.tool ?? tool,
    ...(r.about === undefined ? {} : { about: r.about }),
    ...(r.complete === true ? { complete: true } : {}),
  };
}

/** A question's request: the tool that asks it, the question and its options. */
export function questionRequest(tool: string | undefined, input: unknown): PendingRequest {
  return {
    kind: 'question',
    ...(tool === undefined ? {} : { tool: tool.slice(0, 200) }),
    ...toolQuestion(input),
  };
}

/** How much of `about` a hook's evidence quotes (`hook PermissionRequest Bash "…"`): evidence is short. */
const EVIDENCE_ABOUT_MAX = 200;

/**
 * The words a PermissionRequest hook's evidence adds: the tool and the quoted `about`, its first
 * 200 characters (for people: nothing that decides reads it; the request keeps the whole).
 */
export function askedWords(request: PendingRequest): string[] {
  const about = request.about?.slice(0, EVIDENCE_ABOUT_MAX);
  return [request.tool, about === undefined ? undefined : JSON.stringify(about)].filter(
    (w): w is string => w !== undefined,
  );
}
