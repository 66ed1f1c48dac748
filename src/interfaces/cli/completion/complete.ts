import type { Command, Option } from 'commander';
import {
  AGENT_STATES,
  BACKEND_CHOICES,
  MERGE_STRATEGIES,
  PROFILE_NAMES,
  RESTART_POLICIES,
  TASK_STATUSES,
} from '../../../protocol/constants.js';

/** Values only the daemon (or the config folders) know; asked for at completion time. */
export type DynamicKind = 'agent' | 'live-agent' | 'workspace' | 'template' | 'task';

/** What a word can be, beside a subcommand or an option. */
type ValueKind = DynamicKind | 'static' | 'files' | 'dirs' | 'commands' | 'none';

export interface Candidate {
  value: string;
  description?: string;
}

/** What the shell offers: candidates, and whether file or folder names go with them. */
export interface Completion {
  candidates: Candidate[];
  files: 'none' | 'files' | 'dirs';
}

/** Resolves a dynamic kind; rejects or times out when the daemon is not there (nothing is offered then). */
export type ValueSource = (kind: DynamicKind) => Promise<Candidate[]>;

const STATIC: Record<string, readonly string[]> = {
  profile: PROFILE_NAMES,
  state: AGENT_STATES,
  policy: RESTART_POLICIES,
  backend: BACKEND_CHOICES,
  strategy: MERGE_STRATEGIES,
  status: TASK_STATUSES,
};

/** Commands whose agent must have a process (stop it, type into it, attach to it). */
const LIVE_AGENT_COMMANDS = new Set(['stop', 'send', 'attach']);

/** `<agent>` → agent; `<name>` of `workspace rm` → workspace; `--repo <path>` → dirs; … */
function kindOf(
  path: string[],
  placeholder: string,
  option?: Option,
): { kind: ValueKind; values?: readonly string[] } {
  const long = option?.long ?? '';
  const cmd = path.at(-1) ?? '';
  if (placeholder === 'agent' || long === '--agent')
    return { kind: LIVE_AGENT_COMMANDS.has(cmd) && !option ? 'live-agent' : 'agent' };
  if (long === '--workspace') return { kind: 'workspace' };
  if (placeholder === 'template') return { kind: 'template' };
  if (placeholder === 'task') return { kind: 'task' };
  if (placeholder === 'name' && !option && cmd !== 'new') {
    if (path[0] === 'workspace') return { kind: 'workspace' };
    if (path[0] === 'template') return { kind: 'template' };
  }
  if (placeholder === 'dir' || placeholder === 'path') return { kind: 'dirs' };
  if (placeholder === 'file') return { kind: 'files' };
  if (path[0] === 'new' && placeholder === 'argv') return { kind: 'files' };
  const values = STATIC[placeholder];
  return values ? { kind: 'static', values } : { kind: 'none' };
}

/** `<agent>` → agent, `[argv...]` → argv. */
const placeholderOf = (flags: string): string => /[<[]([\w-]+)(?:\.\.\.)?[>\]]/.exec(flags)?.[1] ?? '';

/**
 * A description on one line: whole (its parentheses and colons mean something: "a task (id or
 * title) this one waits for"), without a trailing usage example (": wtp new claude | …"), cut at a
 * word with `…` past 80 characters.
 */
export function short(text: string): string {
  const flat = text
    .replace(/\s+/g, ' ')
    .replace(/:\s+wtp\s.*$/, '')
    .trim();
  if (flat.length <= 80) return flat;
  const cut = flat.slice(0, 79);
  const space = cut.lastIndexOf(' ');
  return `${(space > 40 ? cut.slice(0, space) : cut).replace(/[\s,;:(]+$/, '')}…`;
}

function findOption(cmd: Command, word: string): Option | undefined {
  const help = cmd.createHelp();
  return help.visibleOptions(cmd).find((o) => o.long === word || o.short === word);
}

function findCommand(cmd: Command, word: string): Command | undefined {
  return cmd
    .createHelp()
    .visibleCommands(cmd)
    .find((c) => c.name() === word || c.aliases().includes(word));
}

/** `--name` takes the next word: required (`<v>`) always, optional (`[v]`) unless it is an option. */
const takesValue = (o: Option, next: string | undefined): boolean =>
  o.required || (o.optional && next !== undefined && !next.startsWith('-'));

/**
 * Completes the last of `words` (the words after the program's name, the current one last and
 * possibly empty) against the commander program itself: its subcommands, options and arguments,
 * so the completion follows the commands as they are. Agent, workspace, template and task names
 * come from `values`; a failing source offers nothing.
 */
export async function complete(program: Command, words: string[], values: ValueSource): Promise<Completion> {
  const cur = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  let cmd = program;
  let parent = program;
  const path: string[] = [];
  let position = 0;
  let pending: Option | null = null;
  let dashdash = false;
  for (const [i, w] of before.entries()) {
    if (pending) {
      pending = null;
      continue;
    }
    if (!dashdash && w === '--') {
      dashdash = true;
      continue;
    }
    if (!dashdash && w.startsWith('-') && w !== '-') {
      const o = w.includes('=') ? undefined : findOption(cmd, w);
      if (o && takesValue(o, before[i + 1] ?? cur)) pending = o;
      continue;
    }
    const sub = !dashdash && position === 0 ? findCommand(cmd, w) : undefined;
    if (sub) {
      parent = cmd;
      cmd = sub;
      path.push(sub.name());
      continue;
    }
    position += 1;
  }

  let want: { kind: ValueKind; values?: readonly string[] };
  if (pending) want = kindOf(path, placeholderOf(pending.flags), pending);
  else if (!dashdash && cur.startsWith('-')) {
    const options = cmd
      .createHelp()
      .visibleOptions(cmd)
      .flatMap((o) => [o.long, o.short].filter((f): f is string => f !== undefined).map((f) => ({ f, o })));
    return {
      candidates: options
        .filter(({ f }) => f.startsWith('--') || !cur.startsWith('--'))
        .filter(({ f }) => f.startsWith(cur))
        .map(({ f, o }) => ({ value: f, description: short(o.description) })),
      files: 'none',
    };
  } else if (!dashdash && position === 0 && cmd.commands.length > 0) want = { kind: 'commands' };
  else if (path.at(-1) === 'help' && position === 0) want = { kind: 'commands' };
  else {
    const args = cmd.registeredArguments;
    const last = args.at(-1);
    const arg = args[position] ?? (last?.variadic ? last : undefined);
    want = arg ? kindOf(path, arg.name()) : { kind: 'none' };
  }

  const of = (list: Candidate[]): Completion => ({
    candidates: list.filter((c) => c.value.startsWith(cur)),
    files: 'none',
  });
  switch (want.kind) {
    case 'commands': {
      const listed = path.at(-1) === 'help' ? parent : cmd; // `wtp help <command>`
      return of(
        listed
          .createHelp()
          .visibleCommands(listed)
          .map((c) => ({ value: c.name(), description: short(c.description()) })),
      );
    }
    case 'static':
      return of((want.values ?? []).map((value) => ({ value })));
    case 'files':
    case 'dirs':
      return { candidates: [], files: want.kind };
    case 'none':
      return { candidates: [], files: 'none' };
    default:
      return of(await values(want.kind).catch(() => []));
  }
}

/** The lines `wtp __complete` prints: `value<TAB>description`, then `:none`, `:files` or `:dirs`. */
export function formatCompletion(c: Completion): string {
  const lines = c.candidates.map((x) =>
    x.description ? `${x.value}\t${x.description.replace(/[\t\n]/g, ' ')}` : x.value,
  );
  return `${[...lines, `:${c.files}`].join('\n')}\n`;
}
