import type {
  ShellRedirect,
  ShellScript,
  ShellSyntax,
  ShellWord,
  SimpleCommand,
} from '../ports/shell-syntax.js';
import { quoted, wordExpands, wordText, wordValue } from './shell-words.js';
import { baseName, isWrapper, unwrap } from './wrappers.js';

/**
 * One simple command as the rules judge it. `allow`: the texts an allow rule may match (the
 * command as written, and what a transparent wrapper runs), or `inner` when it needs no rule of its
 * own because what it runs is judged instead (`bash -c '…'`, its script parsed); empty with `why`
 * when no allow rule may approve it. `deny`: every text a deny rule is matched against.
 */
export interface CommandCheck {
  /** The command as written (its words' values, expansions as written). */
  shown: string;
  allow: readonly string[] | 'inner';
  why: string | null;
  deny: readonly string[];
}

/** A command line read for the rules: its simple commands, redirections and what was not resolved. */
export interface ShellReading {
  checks: CommandCheck[];
  redirects: ShellRedirect[];
  unresolved: string[];
}

/** bash's reserved words: as a command's name they mean the parser read a construct differently. */
const KEYWORDS = new Set([
  '!',
  '{',
  '}',
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'do',
  'done',
  'case',
  'esac',
  'while',
  'until',
  'for',
  'in',
  'select',
  'function',
  ']]',
  'coproc',
]);

/** Shells whose `-c SCRIPT` is parsed in turn. */
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'mksh']);
/** Shell options that take a value (`-o pipefail`, `-O extglob`). */
const SHELL_VALUED = new Set(['-o', '+o', '-O', '+O']);
/** How deep wrappers, `bash -c "sh -c '…'"` and `eval` are followed (each a level). */
const MAX_NESTING = 8;
/** How many possible commands of a wrapper whose options cannot be read are tried by deny rules. */
const MAX_SUFFIXES = 32;
const SUFFIX_WORDS = 256;

const join = (words: readonly ShellWord[], dynamic: 'source' | 'drop'): string =>
  words
    .map((w) => wordText(w, dynamic))
    .filter((t) => t !== '')
    .join(' ');

/**
 * Reads a parsed command line into checks, following what runs other commands: wrappers, `sh -c`
 * and `eval` (whose text is parsed too: a deny rule sees inside; `eval` is never approved), and
 * `find -exec` (deny only).
 */
export async function readScript(script: ShellScript, shell: ShellSyntax, depth = 0): Promise<ShellReading> {
  const out: ShellReading = {
    checks: [],
    redirects: [...script.redirects],
    unresolved: [...script.unresolved],
  };
  for (const c of script.commands) await readCommand(c, shell, depth, out);
  return out;
}

async function readCommand(
  c: SimpleCommand,
  shell: ShellSyntax,
  depth: number,
  out: ShellReading,
): Promise<void> {
  const all = [...c.assignments, ...c.words];
  const shown = join(all, 'source');
  const deny = new Set<string>([shown, join(all, 'drop'), join(c.words, 'source'), join(c.words, 'drop')]);
  if (depth > MAX_NESTING) {
    out.unresolved.push(`commands nested deeper than ${MAX_NESTING} levels`);
    out.checks.push({ shown, allow: [], why: 'nested too deep', deny: [...deny] });
    return;
  }
  const allow = new Set<string>([shown]);
  let why = whyNotResolved(c);
  let inner = false;
  const name = c.words[0] === undefined ? null : wordValue(c.words[0]);

  /** The forms of a command run by this one (a wrapper's), added to this one's. */
  const through = async (words: readonly ShellWord[], assignments: readonly ShellWord[], opaque?: string) => {
    const sub: ShellReading = { checks: [], redirects: [], unresolved: [] };
    await readCommand({ assignments, words }, shell, depth + 1, sub);
    out.redirects.push(...sub.redirects);
    out.unresolved.push(...sub.unresolved);
    // Its own check comes last (the checks of a script it runs come first).
    const own = sub.checks.pop();
    out.checks.push(...sub.checks);
    if (own === undefined) return;
    for (const d of own.deny) deny.add(d);
    why ??= own.why;
    if (opaque !== undefined || own.why !== null) return;
    if (own.allow === 'inner') inner = true;
    else for (const a of own.allow) allow.add(a);
  };

  if (name !== null && KEYWORDS.has(name)) {
    // tree-sitter read a construct (`! if …`, `! { …; }`) as a command of this name, where bash
    // reads the construct: not what runs. Every suffix is tried by deny; nothing is approved.
    out.unresolved.push(`the keyword ${quoted(name)} read as a command name`);
    await denyEverySuffix(c.words.slice(1), shell, depth, deny, out);
  } else if (name !== null && c.words[0] !== undefined) {
    const base = baseName(name);
    if (base !== name) deny.add([base, ...c.words.slice(1).map((w) => wordText(w, 'source'))].join(' '));
    if (isWrapper(name)) {
      const u = unwrap(c.words);
      if (u.ok) await through(u.inner, [...c.assignments, ...u.assignments], u.opaque);
      else await denyEverySuffix(c.words.slice(1), shell, depth, deny, out);
    } else if (SHELLS.has(base)) {
      const script = shellScript(c.words);
      if (script === 'none') {
        // `bash file.sh`, `sh` reading its input: a command like another.
      } else if (script === null) {
        why ??= `${name} -c runs a script known only when it runs`;
      } else if (depth >= MAX_NESTING) {
        why ??= `${name} -c nested too deep`;
        out.unresolved.push(`${name} -c nested too deep`);
      } else {
        const nested = await readText(script, shell, depth + 1);
        append(out, nested);
        if (why === null && nested.unresolved.length === 0) inner = true;
      }
    } else if (base === 'eval' || base === 'trap') {
      // trap's action (its first argument past -l/-p/--) runs later, on a signal or at exit.
      const args = base === 'eval' ? c.words.slice(1) : trapAction(c.words.slice(1));
      why = `${base} runs ${base === 'eval' ? 'its arguments' : 'its first argument'} as a command`;
      const text = args
        .map((w) => wordValue(w))
        .filter((v): v is string => v !== null)
        .join(' ');
      if (depth < MAX_NESTING && text !== '') {
        const nested = await readText(text, shell, depth + 1);
        out.checks.push(...nested.checks);
      }
    } else if (base === 'find') {
      for (const run of findExecs(c.words)) await through(run, [], 'find -exec');
    }
  }
  const free = inner && why === null;
  out.checks.push({ shown, allow: free ? 'inner' : [...allow], why, deny: [...deny] });
}

/** `trap [-lp] [--] action signal…`: the action's word (none when it only lists or resets). */
function trapAction(args: readonly ShellWord[]): ShellWord[] {
  let i = 0;
  while (i < args.length && /^-[lp]+$/.test(wordValue(args[i]!) ?? '')) i++;
  const at = args[i];
  if (at !== undefined && wordValue(at) === '--') i++;
  return args.length - i >= 2 ? [args[i]!] : [];
}

/** Why no allow rule may approve a simple command as written, or null. */
function whyNotResolved(c: SimpleCommand): string | null {
  for (const w of [...c.assignments, ...c.words]) {
    if (wordValue(w) === null) return `${quoted(w.source)} is known only when it runs`;
  }
  const name = c.words[0];
  for (const w of [...c.assignments, ...c.words]) {
    const e = wordExpands(w);
    if (e === 'braces') return `${quoted(w.source)} is expanded into several words`;
    if (e === 'glob' && w === name) return `the command name ${quoted(w.source)} is a file pattern`;
  }
  return null;
}

async function readText(text: string, shell: ShellSyntax, depth: number): Promise<ShellReading> {
  const parsed = await shell.parse(text);
  return readScript(parsed, shell, depth);
}

function append(out: ShellReading, more: ShellReading): void {
  out.checks.push(...more.checks);
  out.redirects.push(...more.redirects);
  out.unresolved.push(...more.unresolved);
}

/**
 * A wrapper whose options could not be read for sure: a deny rule is tried on every command it
 * might run (each suffix of its arguments that starts with a word that is not an option), the
 * first MAX_SUFFIXES of them; past those the line counts as unresolved (and deny rules try its
 * loosely cut text, `looseForms`).
 */
async function denyEverySuffix(
  words: readonly ShellWord[],
  shell: ShellSyntax,
  depth: number,
  deny: Set<string>,
  out: ShellReading,
): Promise<void> {
  let tried = 0;
  for (let i = 0; i < words.length; i++) {
    const v = wordValue(words[i] as ShellWord);
    if (v?.startsWith('-')) continue;
    if (++tried > MAX_SUFFIXES) {
      out.unresolved.push(`more than ${MAX_SUFFIXES} commands a wrapper might run`);
      return;
    }
    const sub: ShellReading = { checks: [], redirects: [], unresolved: [] };
    // At most SUFFIX_WORDS words of each (a hostile line of thousands would cost their square).
    await readCommand({ assignments: [], words: words.slice(i, i + SUFFIX_WORDS) }, shell, depth + 1, sub);
    for (const check of sub.checks) for (const d of check.deny) deny.add(d);
  }
}

/**
 * The script of `sh -c SCRIPT` (options before it: `-lc`, `-e -c`, `-o pipefail -c`): its
 * value, null when it is dynamic or the options cannot be read, `none` when there is no `-c`.
 */
function shellScript(words: readonly ShellWord[]): string | null | 'none' {
  for (let i = 1; i < words.length; i++) {
    const v = wordValue(words[i] as ShellWord);
    if (v === null) return null;
    if (SHELL_VALUED.has(v)) {
      i++;
      continue;
    }
    if (/^[-+][A-Za-z]*c[A-Za-z]*$/.test(v) && v.startsWith('-')) {
      const script = words[i + 1];
      return script === undefined ? null : wordValue(script);
    }
    if (/^(?:[-+][A-Za-z]+|--[a-z-]+)$/.test(v)) continue;
    return 'none';
  }
  return 'none';
}

/** The commands of `find … -exec CMD … ;` (and `-execdir`, `-ok`, `-okdir`, ended by `;` or `+`). */
function findExecs(words: readonly ShellWord[]): ShellWord[][] {
  const runs: ShellWord[][] = [];
  for (let i = 1; i < words.length; i++) {
    const v = wordValue(words[i] as ShellWord);
    if (v === null || !/^-(?:exec|execdir|ok|okdir)$/.test(v)) continue;
    const run: ShellWord[] = [];
    for (i++; i < words.length; i++) {
      const w = words[i] as ShellWord;
      const x = wordValue(w);
      if (x === ';' || x === '+') break;
      run.push(w);
    }
    if (run.length > 0) runs.push(run);
  }
  return runs;
}
