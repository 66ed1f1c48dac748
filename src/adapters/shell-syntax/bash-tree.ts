import type { ShellScript, ShellWord } from '../../core/ports/shell-syntax.js';
import { childrenOf, settled, type BashNode } from './bash-node.js';
import { BashReading, isWord } from './bash-reading.js';
import { BashWords, type BashStatementReader } from './bash-words.js';
import {
  ASSIGNMENT,
  SUBSTITUTION,
  expansionStarts,
  joiningContinuations,
  misreadDelimiter,
} from './misreadings.js';

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

/**
 * Translates tree-sitter-bash's syntax tree of `source` into the core's neutral structure: every
 * simple command wherever it sits, every redirection, and what could not be read. It decides
 * nothing: a node type it does not know is reported as unresolved (its inner commands are still
 * collected), and so is every syntax error and missing token the parser recovered from.
 */
export function translateBash(root: BashNode, source: string): ShellScript {
  const reading = new BashReading(source);
  new BashStatements(reading).statement(settled(root), 0);
  // bash removes a line continuation before it reads a word; tree-sitter-bash reads one between
  // tokens as a blank: `z\⏎z0` is one word to bash (`zz0`), two to the parser.
  for (const at of joiningContinuations(source)) {
    const n = root.descendantForIndex(at, at + 1);
    if (n !== null && !QUOTED_TEXT.has(n.type) && childrenOf(n).length > 0) {
      reading.unknown(n, 'a line continuation inside a word');
    }
  }
  const { commands, redirects, unresolved } = reading;
  return { commands, redirects, unresolved };
}

/** The statements of a script: their simple commands and redirections, their words read by `BashWords`. */
class BashStatements implements BashStatementReader {
  private readonly words: BashWords;

  constructor(private readonly reading: BashReading) {
    this.words = new BashWords(reading, this);
  }

  /** A statement: its simple commands and redirections. */
  statement(n: BashNode, depth: number): void {
    const { reading, words } = this;
    if (reading.deep(n, depth)) return;
    if (n.isMissing) return reading.unknown(n, `a missing ${n.type}`);
    const d = depth + 1;
    switch (n.type) {
      case 'comment':
        return;
      case 'command':
        return this.command(n, d);
      case 'variable_assignment':
        reading.commands.push({ assignments: [words.word(n, d)], words: [] });
        return;
      case 'variable_assignments':
        reading.commands.push({ assignments: reading.named(n).map((a) => words.word(a, d)), words: [] });
        return;
      case 'redirected_statement':
        return this.contained(n, d);
      case 'for_statement':
        // `for NAME in WORDS; do …`: the words are expanded (substitutions run); the name is a variable.
        for (const c of reading.field(n, 'value')) words.word(c, d);
        for (const c of reading.field(n, 'body')) this.statement(c, d);
        return;
      case 'case_statement':
        for (const c of reading.named(n)) {
          if (c.type === 'case_item') this.caseItem(c, d);
          else words.word(c, d);
        }
        return;
      case 'function_definition':
        // The body runs when the function is called: its commands count as if they were here.
        for (const c of reading.field(n, 'body')) this.statement(c, d);
        return;
      case 'test_command': {
        const tested = reading.named(n).map((c) => words.word(c, d));
        reading.commands.push({ assignments: [], words: [literalWord('[['), ...tested] });
        return;
      }
      default:
        if (DECLARATIONS.has(n.type)) return this.declaration(n, d);
        if (CONTAINERS.has(n.type)) return this.contained(n, d);
        reading.unknown(n, n.type === 'ERROR' ? 'a syntax error' : `a ${n.type} (not understood)`);
        this.scan(n, d);
    }
  }

  /** A statement's named children: its redirections and the statements it holds. */
  private contained(n: BashNode, depth: number): void {
    for (const c of this.reading.named(n)) {
      if (isRedirect(c)) this.redirect(c, depth);
      else this.statement(c, depth);
    }
  }

  private caseItem(n: BashNode, depth: number): void {
    for (const { node: c, field: f } of childrenOf(n)) {
      if (!(c.isNamed || c.isMissing)) continue;
      if (f === 'value') this.words.word(c, depth);
      else this.statement(c, depth);
    }
  }

  /** Anything not understood: its inner statements and words are still collected (deny sees them). */
  scan(n: BashNode, depth: number): void {
    const { reading } = this;
    if (reading.deep(n, depth)) return;
    if (n.type === 'subscript') this.words.reexpanded(n, depth);
    // A pattern tree-sitter-bash reads as one token (`=~ x`cmd``, `@(a|`cmd`)`): bash expands it,
    // a `${…}` in it too (which may hold what the parser would have flagged).
    if (PATTERNS.has(n.type) && (SUBSTITUTION.test(reading.text(n)) || /\$\{/.test(reading.text(n)))) {
      reading.unknown(n, 'an expansion in a pattern');
    }
    for (const c of reading.named(n)) {
      if (c.isMissing) reading.unknown(c, `a missing ${c.type}`);
      else if (c.type === 'command' || CONTAINERS.has(c.type) || c.type === 'redirected_statement') {
        this.statement(c, depth + 1);
      } else if (isRedirect(c)) this.redirect(c, depth + 1);
      else if (isWord(c)) this.words.word(c, depth + 1);
      else this.scan(c, depth + 1);
    }
  }

  private command(n: BashNode, depth: number): void {
    const { reading } = this;
    const assignments: ShellWord[] = [];
    const words: ShellWord[] = [];
    const joined = this.adjacency();
    for (const { node: c, field: f } of childrenOf(n)) {
      if (!isRedirect(c)) joined(c);
      if (c.isMissing) reading.unknown(c, `a missing ${c.type}`);
      // tree-sitter-bash 0.25.1 reads `cmd # note⏎\rm x` as one command holding the comment, where
      // bash ends the command at the comment's line break: not what runs.
      else if (c.type === 'comment') reading.unknown(c, 'a comment inside a command');
      else if (f === 'redirect' || isRedirect(c)) this.redirect(c, depth);
      else if (c.type === 'variable_assignment') assignments.push(this.words.word(c, depth));
      else if (c.type === 'command_name')
        words.push(...reading.named(c).map((w) => this.words.word(w, depth)));
      else if (f === 'argument' || c.isNamed) words.push(this.words.word(c, depth));
      else words.push(this.words.unknownWord(c, `a bare ${JSON.stringify(reading.text(c))} in a command`));
    }
    // The keyword `time` (unquoted, first): bash reads `NAME=VALUE` after it as an assignment,
    // where the parser reads the command's name.
    if (assignments.length === 0 && words[0]?.source === 'time') {
      const after = words.slice(1).find((w) => w.source !== '-p' && w.source !== '--');
      if (after !== undefined && ASSIGNMENT.test(after.source))
        reading.unknown(n, 'an assignment after time');
    }
    reading.commands.push({ assignments, words });
  }

  /** Reports two words with nothing between them: tree-sitter-bash cut one (`a[\$\(x\)]`), bash reads one. */
  private adjacency(): (c: BashNode) => void {
    let end = -1;
    return (c) => {
      if (c.startIndex === end) this.reading.unknown(c, 'a word read as two');
      end = c.endIndex;
    };
  }

  private declaration(n: BashNode, depth: number): void {
    const { reading } = this;
    const words: ShellWord[] = [];
    const joined = this.adjacency();
    for (const { node: c } of childrenOf(n)) {
      if (!isRedirect(c)) joined(c);
      if (c.isMissing) reading.unknown(c, `a missing ${c.type}`);
      else if (!c.isNamed) words.push(literalWord(reading.text(c)));
      else if (isRedirect(c)) this.redirect(c, depth);
      else words.push(this.words.word(c, depth));
    }
    reading.commands.push({ assignments: [], words });
  }

  private redirect(n: BashNode, depth: number): void {
    const { reading } = this;
    const op = childrenOf(n).find((c) => !c.node.isNamed)?.node.type ?? n.type;
    if (n.type === 'heredoc_redirect' || n.type === 'herestring_redirect') {
      reading.redirects.push({ op, target: null });
      return this.heredoc(n, op, depth);
    }
    const [dest] = reading.field(n, 'destination');
    if (dest === undefined) {
      reading.unknown(n, 'a redirection without a target');
      return;
    }
    // (Nodes are read afresh on each walk: compared by place, not identity.)
    const isDest = (c: BashNode): boolean => c.startIndex === dest.startIndex && c.type === dest.type;
    for (const c of reading.named(n)) {
      if (!isDest(c) && c.type !== 'file_descriptor') reading.unknown(c, 'a redirection not understood');
    }
    reading.redirects.push({ op, target: this.words.word(dest, depth) });
  }

  /**
   * A here-document or here-string: its text is input; what is expanded in it (unquoted delimiter)
   * still runs. tree-sitter-bash puts what follows the delimiter on its line (`cat <<EOF | sh`,
   * `<<EOF > out`) inside it.
   */
  private heredoc(n: BashNode, op: string, depth: number): void {
    const { reading } = this;
    const start = reading.named(n).find((c) => c.type === 'heredoc_start');
    const end = reading.named(n).find((c) => c.type === 'heredoc_end');
    if (start !== undefined) {
      const delimiter = end === undefined || end.isMissing ? null : reading.text(end);
      const why = misreadDelimiter(reading.text(start), delimiter, op);
      if (why !== null) reading.unknown(start, why);
    }
    // An unquoted delimiter: bash expands the body, backquotes included, which tree-sitter-bash
    // reads as text — a command no rule may approve unread.
    const expanded = start !== undefined && !/["'\\]/.test(reading.text(start));
    for (const c of reading.named(n)) {
      if (c.isMissing) reading.unknown(c, `a missing ${c.type}`);
      if (c.type === 'heredoc_start' || c.type === 'heredoc_end') continue;
      const body = expanded && c.type === 'heredoc_body';
      if (body && /(?:^|[^\\])(?:\\\\)*`/.test(reading.text(c)))
        reading.unknown(c, 'a backquote substitution in a here-document');
      if (body && joiningContinuations(reading.text(c)).length > 0)
        reading.unknown(c, 'a line continuation in a here-document');
      if (body) this.unread(c);
      if (isRedirect(c)) this.redirect(c, depth);
      else if (c.type === 'heredoc_body' || isWord(c)) this.scanWords(c, depth);
      else this.statement(c, depth);
    }
  }

  /**
   * Reports a `$(` or `${` in an expanded body that the parser read as text: tree-sitter-bash 0.25
   * does so when the body begins with a tab (`<<EOF⏎\t$(cmd)`).
   */
  private unread(body: BashNode): void {
    const { reading } = this;
    const read = reading.named(body).filter((c) => c.type !== 'heredoc_content');
    for (const offset of expansionStarts(reading.text(body))) {
      const at = body.startIndex + offset;
      if (!read.some((c) => c.startIndex <= at && at < c.endIndex)) {
        reading.unknown(body, 'an expansion in a here-document read as text');
        return;
      }
    }
  }

  /** The words inside a here-document's body or a here-string (their substitutions run). */
  private scanWords(n: BashNode, depth: number): void {
    if (isWord(n)) this.words.word(n, depth);
    else for (const c of this.reading.named(n)) this.scanWords(c, depth + 1);
  }
}

/** Patterns tree-sitter-bash reads as one token. */
const PATTERNS = new Set(['regex', 'extglob_pattern']);

/** Nodes whose text is quoted (a continuation in it is theirs) or read elsewhere (a here-document). */
const QUOTED_TEXT = new Set(['string', 'translated_string', 'heredoc_body']);

const isRedirect = (n: BashNode): boolean =>
  n.type === 'file_redirect' || n.type === 'heredoc_redirect' || n.type === 'herestring_redirect';

const literalWord = (t: string): ShellWord => ({ parts: [{ kind: 'literal', text: t }], source: t });
