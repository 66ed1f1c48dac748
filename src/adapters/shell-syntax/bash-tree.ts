import type {
  ShellRedirect,
  ShellScript,
  ShellWord,
  SimpleCommand,
  WordPart,
} from '../../core/ports/shell-syntax.js';
import { childrenOf, settled, type BashNode } from './bash-node.js';
import {
  ASSIGNMENT,
  SUBSTITUTION,
  backquoteEscapes,
  expansionStarts,
  joiningContinuations,
  misreadDelimiter,
  quotedValue,
  runsIfExpanded,
} from './misreadings.js';
import { ansiC, doubleQuoted, pushPart, unquotedParts } from './quoting.js';

/** Nesting deeper than this is not followed (a hostile `$($($(…)))` would exhaust the stack). */
const MAX_DEPTH = 150;

/** Statements whose named children are statements, in order (their keywords and operators are unnamed). */
const CONTAINERS = new Set([
  'program',
  'list',
  'pipeline',
  'subshell',
  'compound_statement',
  'do_group',
  'negated_command',
  'if_statement',
  'elif_clause',
  'else_clause',
  'while_statement',
]);

/** Commands named by their keyword: `export A=1`, `unset X`. */
const DECLARATIONS = new Set(['declaration_command', 'unset_command']);

/** Word nodes whose value is known only when they run. */
const DYNAMIC = new Set([
  'simple_expansion',
  'expansion',
  'command_substitution',
  'process_substitution',
  'arithmetic_expansion',
  'brace_expression',
  'array',
]);

/**
 * Translates tree-sitter-bash's syntax tree of `source` into the core's neutral structure: every
 * simple command wherever it sits, every redirection, and what could not be read. It decides
 * nothing: a node type it does not know is reported as unresolved (its inner commands are still
 * collected), and so is every syntax error and missing token the parser recovered from.
 */
export function translateBash(root: BashNode, source: string): ShellScript {
  const commands: SimpleCommand[] = [];
  const redirects: ShellRedirect[] = [];
  const unresolved: string[] = [];
  const text = (n: BashNode): string => source.slice(n.startIndex, n.endIndex);
  const unknown = (n: BashNode, what: string): void => {
    const snippet = text(n).slice(0, 40);
    unresolved.push(`${what} at ${n.startIndex}: ${JSON.stringify(snippet)}`);
  };
  const named = (n: BashNode): BashNode[] =>
    childrenOf(n)
      .map((c) => c.node)
      .filter((c) => c.isNamed || c.isMissing);
  const field = (n: BashNode, name: string): BashNode[] =>
    childrenOf(n)
      .filter((c) => c.field === name)
      .map((c) => c.node);

  const deep = (n: BashNode, depth: number): boolean => {
    if (depth <= MAX_DEPTH) return false;
    unknown(n, 'nesting too deep');
    return true;
  };

  /** A statement: its simple commands and redirections. */
  const statement = (n: BashNode, depth: number): void => {
    if (deep(n, depth)) return;
    if (n.isMissing) return unknown(n, `a missing ${n.type}`);
    const d = depth + 1;
    switch (n.type) {
      case 'comment':
        return;
      case 'command':
        return command(n, d);
      case 'variable_assignment':
        commands.push({ assignments: [word(n, d)], words: [] });
        return;
      case 'variable_assignments':
        commands.push({ assignments: named(n).map((a) => word(a, d)), words: [] });
        return;
      case 'redirected_statement':
        for (const c of named(n)) {
          if (isRedirect(c)) redirect(c, d);
          else statement(c, d);
        }
        return;
      case 'for_statement':
        // `for NAME in WORDS; do …`: the words are expanded (substitutions run); the name is a variable.
        for (const c of field(n, 'value')) word(c, d);
        for (const c of field(n, 'body')) statement(c, d);
        return;
      case 'case_statement':
        for (const c of named(n)) {
          if (c.type === 'case_item') caseItem(c, d);
          else word(c, d);
        }
        return;
      case 'function_definition':
        // The body runs when the function is called: its commands count as if they were here.
        for (const c of field(n, 'body')) statement(c, d);
        return;
      case 'test_command':
        commands.push({ assignments: [], words: [literalWord('[['), ...named(n).map((c) => word(c, d))] });
        return;
      default:
        if (DECLARATIONS.has(n.type)) return declaration(n, d);
        if (CONTAINERS.has(n.type)) {
          for (const c of named(n)) {
            if (isRedirect(c)) redirect(c, d);
            else statement(c, d);
          }
          return;
        }
        unknown(n, n.type === 'ERROR' ? 'a syntax error' : `a ${n.type} (not understood)`);
        scan(n, d);
    }
  };

  const caseItem = (n: BashNode, depth: number): void => {
    for (const { node: c, field: f } of childrenOf(n)) {
      if (!(c.isNamed || c.isMissing)) continue;
      if (f === 'value') word(c, depth);
      else statement(c, depth);
    }
  };

  /** Anything not understood: its inner statements and words are still collected (deny sees them). */
  const scan = (n: BashNode, depth: number): void => {
    if (deep(n, depth)) return;
    if (n.type === 'subscript') reexpanded(n, depth);
    // A pattern tree-sitter-bash reads as one token (`=~ x`cmd``, `@(a|`cmd`)`): bash expands it,
    // a `${…}` in it too (which may hold what the parser would have flagged).
    if (PATTERNS.has(n.type) && (SUBSTITUTION.test(text(n)) || /\$\{/.test(text(n)))) {
      unknown(n, 'an expansion in a pattern');
    }
    for (const c of named(n)) {
      if (c.isMissing) unknown(c, `a missing ${c.type}`);
      else if (c.type === 'command' || CONTAINERS.has(c.type) || c.type === 'redirected_statement') {
        statement(c, depth + 1);
      } else if (isRedirect(c)) redirect(c, depth + 1);
      else if (isWord(c)) word(c, depth + 1);
      else scan(c, depth + 1);
    }
  };

  const command = (n: BashNode, depth: number): void => {
    const assignments: ShellWord[] = [];
    const words: ShellWord[] = [];
    const joined = adjacency();
    for (const { node: c, field: f } of childrenOf(n)) {
      if (!isRedirect(c)) joined(c);
      if (c.isMissing) unknown(c, `a missing ${c.type}`);
      // tree-sitter-bash 0.25.1 reads `cmd # note⏎\rm x` as one command holding the comment, where
      // bash ends the command at the comment's line break: not what runs.
      else if (c.type === 'comment') unknown(c, 'a comment inside a command');
      else if (f === 'redirect' || isRedirect(c)) redirect(c, depth);
      else if (c.type === 'variable_assignment') assignments.push(word(c, depth));
      else if (c.type === 'command_name') words.push(...named(c).map((w) => word(w, depth)));
      else if (f === 'argument' || c.isNamed) words.push(word(c, depth));
      else words.push(unknownWord(c, `a bare ${JSON.stringify(text(c))} in a command`));
    }
    // The keyword `time` (unquoted, first): bash reads `NAME=VALUE` after it as an assignment,
    // where the parser reads the command's name.
    if (assignments.length === 0 && words[0]?.source === 'time') {
      const after = words.slice(1).find((w) => w.source !== '-p' && w.source !== '--');
      if (after !== undefined && ASSIGNMENT.test(after.source)) unknown(n, 'an assignment after time');
    }
    commands.push({ assignments, words });
  };

  /** Reports two words with nothing between them: tree-sitter-bash cut one (`a[\$\(x\)]`), bash reads one. */
  const adjacency = (): ((c: BashNode) => void) => {
    let end = -1;
    return (c) => {
      if (c.startIndex === end) unknown(c, 'a word read as two');
      end = c.endIndex;
    };
  };

  const declaration = (n: BashNode, depth: number): void => {
    const words: ShellWord[] = [];
    const joined = adjacency();
    for (const { node: c } of childrenOf(n)) {
      if (!isRedirect(c)) joined(c);
      if (c.isMissing) unknown(c, `a missing ${c.type}`);
      else if (!c.isNamed) words.push(literalWord(text(c)));
      else if (isRedirect(c)) redirect(c, depth);
      else words.push(word(c, depth));
    }
    commands.push({ assignments: [], words });
  };

  const redirect = (n: BashNode, depth: number): void => {
    const op = childrenOf(n).find((c) => !c.node.isNamed)?.node.type ?? n.type;
    if (n.type === 'heredoc_redirect' || n.type === 'herestring_redirect') {
      redirects.push({ op, target: null });
      return heredoc(n, op, depth);
    }
    const [dest] = field(n, 'destination');
    if (dest === undefined) {
      unknown(n, 'a redirection without a target');
      return;
    }
    // (Nodes are read afresh on each walk: compared by place, not identity.)
    const isDest = (c: BashNode): boolean => c.startIndex === dest.startIndex && c.type === dest.type;
    for (const c of named(n)) {
      if (!isDest(c) && c.type !== 'file_descriptor') unknown(c, 'a redirection not understood');
    }
    redirects.push({ op, target: word(dest, depth) });
  };

  /**
   * A here-document or here-string: its text is input; what is expanded in it (unquoted delimiter)
   * still runs. tree-sitter-bash puts what follows the delimiter on its line (`cat <<EOF | sh`,
   * `<<EOF > out`) inside it.
   */
  const heredoc = (n: BashNode, op: string, depth: number): void => {
    const start = named(n).find((c) => c.type === 'heredoc_start');
    const end = named(n).find((c) => c.type === 'heredoc_end');
    if (start !== undefined) {
      const why = misreadDelimiter(text(start), end === undefined || end.isMissing ? null : text(end), op);
      if (why !== null) unknown(start, why);
    }
    // An unquoted delimiter: bash expands the body, backquotes included, which tree-sitter-bash
    // reads as text — a command no rule may approve unread.
    const expanded = start !== undefined && !/["'\\]/.test(text(start));
    for (const c of named(n)) {
      if (c.isMissing) unknown(c, `a missing ${c.type}`);
      if (c.type === 'heredoc_start' || c.type === 'heredoc_end') continue;
      if (expanded && c.type === 'heredoc_body' && /(?:^|[^\\])(?:\\\\)*`/.test(text(c)))
        unknown(c, 'a backquote substitution in a here-document');
      if (expanded && c.type === 'heredoc_body' && joiningContinuations(text(c)).length > 0)
        unknown(c, 'a line continuation in a here-document');
      if (expanded && c.type === 'heredoc_body') unread(c);
      if (isRedirect(c)) redirect(c, depth);
      else if (c.type === 'heredoc_body' || isWord(c)) scanWords(c, depth);
      else statement(c, depth);
    }
  };

  /**
   * Reports a `$(` or `${` in an expanded body that the parser read as text: tree-sitter-bash 0.25
   * does so when the body begins with a tab (`<<EOF⏎\t$(cmd)`).
   */
  const unread = (body: BashNode): void => {
    const read = named(body).filter((c) => c.type !== 'heredoc_content');
    for (const offset of expansionStarts(text(body))) {
      const at = body.startIndex + offset;
      if (!read.some((c) => c.startIndex <= at && at < c.endIndex)) {
        unknown(body, 'an expansion in a here-document read as text');
        return;
      }
    }
  };

  /** The words inside a here-document's body or a here-string (their substitutions run). */
  const scanWords = (n: BashNode, depth: number): void => {
    if (isWord(n)) word(n, depth);
    else for (const c of named(n)) scanWords(c, depth + 1);
  };

  const unknownWord = (n: BashNode, what: string): ShellWord => {
    unknown(n, what);
    return { parts: [{ kind: 'dynamic', text: text(n) }], source: text(n) };
  };

  /** A word as its parts; substitutions inside are collected as commands of their own. */
  const word = (n: BashNode, depth: number): ShellWord => {
    const parts: WordPart[] = [];
    wordParts(n, parts, depth);
    // Where bash reads a variable's name or a number (`printf -v`, `read`, `test -v`, `let`,
    // `declare`, `[[ … -eq … ]]`), it evaluates a subscript: `printf -v 'a[$(rm x)]' y` runs rm.
    const value = parts.map((p) => (p.kind === 'dynamic' ? 'x' : p.text)).join('');
    const bracket = value.indexOf('[');
    if (bracket >= 0 && runsIfExpanded(value.slice(bracket))) {
      unknown(n, 'a quoted subscript holding a substitution');
    }
    return { parts, source: text(n) };
  };

  const wordParts = (n: BashNode, parts: WordPart[], depth: number): void => {
    if (deep(n, depth)) {
      pushPart(parts, 'dynamic', text(n));
      return;
    }
    const d = depth + 1;
    switch (n.type) {
      case 'word':
      case 'number':
      case 'variable_name':
      case 'file_descriptor': {
        const t = text(n);
        // An unquoted line break ends a command in bash: a word holding one was read otherwise.
        if (/(^|[^\\])[\n\r]/.test(t)) unknown(n, 'a line break inside a word');
        // tree-sitter-bash reads `${V:-`cmd`}` and `${V:-<(cmd)}` as text; bash runs cmd.
        if (SUBSTITUTION.test(t)) unknown(n, 'a substitution read as text');
        for (const p of unquotedParts(t)) pushPart(parts, p.kind, p.text);
        return;
      }
      case 'raw_string':
        pushPart(parts, 'literal', text(n).slice(1, -1));
        return;
      case 'ansi_c_string':
        pushPart(parts, 'literal', ansiC(text(n).slice(2, -1)));
        return;
      case 'string':
        return stringParts(n, parts, d);
      case 'translated_string':
        // `$"…"`: the locale's catalogue may replace its text when it runs; its substitutions run.
        scan(n, d);
        pushPart(parts, 'dynamic', text(n));
        return;
      case 'concatenation':
        return gapped(n, n.startIndex, n.endIndex, parts, d, (gap) => {
          // `` `a` `b` `` is one substitution to tree-sitter-bash, a word with a gap "` `".
          if (SUBSTITUTION.test(gap)) unknown(n, 'a substitution read as text');
          return unquotedParts(gap);
        });
      case 'variable_assignment': {
        // NAME=VALUE (or NAME+=VALUE): the value's parts after the name's.
        const name = field(n, 'name')[0];
        const value = field(n, 'value')[0];
        if (name !== undefined && name.type !== 'variable_name') {
          // `a[$(cmd)]=x`: a subscript is evaluated.
          scan(name, d);
          pushPart(parts, 'dynamic', text(name));
        }
        const head = source.slice(name?.endIndex ?? n.startIndex, value?.startIndex ?? n.endIndex);
        if (name?.type === 'variable_name') pushPart(parts, 'literal', text(name));
        pushPart(parts, 'literal', head);
        if (value !== undefined) wordParts(value, parts, d);
        return;
      }
      case 'command_substitution':
      case 'process_substitution':
        // Inside backquotes bash drops the backslash of `\$`, `` \` ``, `\\` (and `\"` in a string)
        // before it reads the commands; the parser reads them as they are written.
        if (text(n).startsWith('`') && backquoteEscapes(text(n).slice(1, -1))) {
          unknown(n, 'a backslash escape inside backquotes');
        }
        for (const c of named(n)) statement(c, d);
        pushPart(parts, 'dynamic', text(n));
        return;
      default:
        if (DYNAMIC.has(n.type)) {
          scan(n, d);
          pushPart(parts, 'dynamic', text(n));
          return;
        }
        // An expression in `[[ … ]]` or `$(( … ))`, a pattern, an error: read as dynamic.
        if (n.type === 'ERROR' || n.isMissing) unknown(n, 'a syntax error');
        scan(n, d);
        pushPart(parts, 'dynamic', text(n));
    }
  };

  /** `"…"`: the text between its named children is literal (its escapes decoded), they are expansions. */
  const stringParts = (n: BashNode, parts: WordPart[], depth: number): void => {
    for (const c of named(n)) if (c.type === 'expansion') reexpanded(c, depth);
    gapped(n, n.startIndex + 1, n.endIndex - 1, parts, depth, (gap) => [
      { kind: 'literal', text: doubleQuoted(gap) },
    ]);
  };

  /**
   * Quoted text bash expands once more: in `"${V:-…}"` and in a subscript, single quotes do not
   * quote and the value of `$'…'` (in a subscript, of any quoted text) is expanded:
   * `"${V:-'$(rm x)'}"`, `"${V:-$'\x24(rm x)'}"` and `declare a[\$\(rm x\)]=1` run rm, where the
   * parser reads quoted text. (A substitution inside is a script of its own.)
   */
  const reexpanded = (n: BashNode, depth: number): void => {
    if (deep(n, depth)) return;
    for (const c of named(n)) {
      if (c.type === 'command_substitution' || c.type === 'process_substitution') continue;
      const value = quotedValue(c.type, text(c));
      if (value !== null && runsIfExpanded(value)) unknown(c, 'quoted text that bash expands again');
      else reexpanded(c, depth + 1);
    }
  };

  /** The node's named children as parts, and the source between them (`start`..`end`) read by `gap`. */
  const gapped = (
    n: BashNode,
    start: number,
    end: number,
    parts: WordPart[],
    depth: number,
    gap: (s: string) => WordPart[],
  ): void => {
    let at = start;
    const fill = (to: number): void => {
      if (to > at) for (const p of gap(source.slice(at, to))) pushPart(parts, p.kind, p.text);
    };
    for (const c of named(n)) {
      if (c.startIndex < start || c.endIndex > end) {
        unknown(c, 'a part not understood');
        continue;
      }
      fill(c.startIndex);
      if (c.type === 'string_content') {
        for (const p of gap(text(c))) pushPart(parts, p.kind, p.text);
      } else wordParts(c, parts, depth);
      at = c.endIndex;
    }
    fill(end);
  };

  statement(settled(root), 0);
  // bash removes a line continuation before it reads a word; tree-sitter-bash reads one between
  // tokens as a blank: `z\⏎z0` is one word to bash (`zz0`), two to the parser.
  for (const at of joiningContinuations(source)) {
    const n = root.descendantForIndex(at, at + 1);
    if (n !== null && !QUOTED_TEXT.has(n.type) && childrenOf(n).length > 0) {
      unknown(n, 'a line continuation inside a word');
    }
  }
  return { commands, redirects, unresolved };
}

/** Patterns tree-sitter-bash reads as one token. */
const PATTERNS = new Set(['regex', 'extglob_pattern']);

/** Nodes whose text is quoted (a continuation in it is theirs) or read elsewhere (a here-document). */
const QUOTED_TEXT = new Set(['string', 'translated_string', 'heredoc_body']);

const isRedirect = (n: BashNode): boolean =>
  n.type === 'file_redirect' || n.type === 'heredoc_redirect' || n.type === 'herestring_redirect';

const WORDS = new Set([
  'word',
  'number',
  'string',
  'raw_string',
  'ansi_c_string',
  'translated_string',
  'concatenation',
  ...DYNAMIC,
]);
const isWord = (n: BashNode): boolean => WORDS.has(n.type);

const literalWord = (t: string): ShellWord => ({ parts: [{ kind: 'literal', text: t }], source: t });
