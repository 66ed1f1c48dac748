import type { ShellWord, WordPart } from '../../core/ports/shell-syntax.js';
import type { BashNode } from './bash-node.js';
import { DYNAMIC, type BashReading } from './bash-reading.js';
import { SUBSTITUTION, backquoteEscapes, quotedValue, runsIfExpanded } from './misreadings.js';
import { ansiC, doubleQuoted, pushPart, unquotedParts } from './quoting.js';

/** What a word hands back to the statements' reading: the commands a substitution in it holds. */
export interface BashStatementReader {
  /** A statement: its simple commands and redirections. */
  statement(n: BashNode, depth: number): void;
  /** Anything not understood: its inner statements and words are still collected. */
  scan(n: BashNode, depth: number): void;
}

/** The words of a script: their parts, and the commands their substitutions run. */
export class BashWords {
  constructor(
    private readonly reading: BashReading,
    private readonly statements: BashStatementReader,
  ) {}

  unknownWord(n: BashNode, what: string): ShellWord {
    this.reading.unknown(n, what);
    return { parts: [{ kind: 'dynamic', text: this.reading.text(n) }], source: this.reading.text(n) };
  }

  /** A word as its parts; substitutions inside are collected as commands of their own. */
  word(n: BashNode, depth: number): ShellWord {
    const parts: WordPart[] = [];
    this.wordParts(n, parts, depth);
    // Where bash reads a variable's name or a number (`printf -v`, `read`, `test -v`, `let`,
    // `declare`, `[[ … -eq … ]]`), it evaluates a subscript: `printf -v 'a[$(rm x)]' y` runs rm.
    const value = parts.map((p) => (p.kind === 'dynamic' ? 'x' : p.text)).join('');
    const bracket = value.indexOf('[');
    if (bracket >= 0 && runsIfExpanded(value.slice(bracket))) {
      this.reading.unknown(n, 'a quoted subscript holding a substitution');
    }
    return { parts, source: this.reading.text(n) };
  }

  private wordParts(n: BashNode, parts: WordPart[], depth: number): void {
    const { reading } = this;
    if (reading.deep(n, depth)) {
      pushPart(parts, 'dynamic', reading.text(n));
      return;
    }
    const d = depth + 1;
    switch (n.type) {
      case 'word':
      case 'number':
      case 'variable_name':
      case 'file_descriptor': {
        const t = reading.text(n);
        // An unquoted line break ends a command in bash: a word holding one was read otherwise.
        if (/(^|[^\\])[\n\r]/.test(t)) reading.unknown(n, 'a line break inside a word');
        // tree-sitter-bash reads `${V:-`cmd`}` and `${V:-<(cmd)}` as text; bash runs cmd.
        if (SUBSTITUTION.test(t)) reading.unknown(n, 'a substitution read as text');
        for (const p of unquotedParts(t)) pushPart(parts, p.kind, p.text);
        return;
      }
      case 'raw_string':
        pushPart(parts, 'literal', reading.text(n).slice(1, -1));
        return;
      case 'ansi_c_string':
        pushPart(parts, 'literal', ansiC(reading.text(n).slice(2, -1)));
        return;
      case 'string':
        return this.stringParts(n, parts, d);
      case 'translated_string':
        // `$"…"`: the locale's catalogue may replace its text when it runs; its substitutions run.
        this.statements.scan(n, d);
        pushPart(parts, 'dynamic', reading.text(n));
        return;
      case 'concatenation':
        return this.gapped(n, n.startIndex, n.endIndex, parts, d, (gap) => {
          // `` `a` `b` `` is one substitution to tree-sitter-bash, a word with a gap "` `".
          if (SUBSTITUTION.test(gap)) reading.unknown(n, 'a substitution read as text');
          return unquotedParts(gap);
        });
      case 'variable_assignment':
        return this.assignmentParts(n, parts, d);
      case 'command_substitution':
      case 'process_substitution':
        return this.substitutionParts(n, parts, d);
      default:
        if (DYNAMIC.has(n.type)) {
          this.statements.scan(n, d);
          pushPart(parts, 'dynamic', reading.text(n));
          return;
        }
        // An expression in `[[ … ]]` or `$(( … ))`, a pattern, an error: read as dynamic.
        if (n.type === 'ERROR' || n.isMissing) reading.unknown(n, 'a syntax error');
        this.statements.scan(n, d);
        pushPart(parts, 'dynamic', reading.text(n));
    }
  }

  /** NAME=VALUE (or NAME+=VALUE): the value's parts after the name's. */
  private assignmentParts(n: BashNode, parts: WordPart[], depth: number): void {
    const { reading } = this;
    const name = reading.field(n, 'name')[0];
    const value = reading.field(n, 'value')[0];
    if (name !== undefined && name.type !== 'variable_name') {
      // `a[$(cmd)]=x`: a subscript is evaluated.
      this.statements.scan(name, depth);
      pushPart(parts, 'dynamic', reading.text(name));
    }
    const head = reading.source.slice(name?.endIndex ?? n.startIndex, value?.startIndex ?? n.endIndex);
    if (name?.type === 'variable_name') pushPart(parts, 'literal', reading.text(name));
    pushPart(parts, 'literal', head);
    if (value !== undefined) this.wordParts(value, parts, depth);
  }

  /** `$(…)`, `` `…` `` or `<(…)`: its commands are statements of their own; its value is dynamic. */
  private substitutionParts(n: BashNode, parts: WordPart[], depth: number): void {
    const { reading } = this;
    // Inside backquotes bash drops the backslash of `\$`, `` \` ``, `\\` (and `\"` in a string)
    // before it reads the commands; the parser reads them as they are written.
    if (reading.text(n).startsWith('`') && backquoteEscapes(reading.text(n).slice(1, -1))) {
      reading.unknown(n, 'a backslash escape inside backquotes');
    }
    for (const c of reading.named(n)) this.statements.statement(c, depth);
    pushPart(parts, 'dynamic', reading.text(n));
  }

  /** `"…"`: the text between its named children is literal (its escapes decoded), they are expansions. */
  private stringParts(n: BashNode, parts: WordPart[], depth: number): void {
    for (const c of this.reading.named(n)) if (c.type === 'expansion') this.reexpanded(c, depth);
    this.gapped(n, n.startIndex + 1, n.endIndex - 1, parts, depth, (gap) => [
      { kind: 'literal', text: doubleQuoted(gap) },
    ]);
  }

  /**
   * Quoted text bash expands once more: in `"${V:-…}"` and in a subscript, single quotes do not
   * quote and the value of `$'…'` (in a subscript, of any quoted text) is expanded:
   * `"${V:-'$(rm x)'}"`, `"${V:-$'\x24(rm x)'}"` and `declare a[\$\(rm x\)]=1` run rm, where the
   * parser reads quoted text. (A substitution inside is a script of its own.)
   */
  reexpanded(n: BashNode, depth: number): void {
    const { reading } = this;
    if (reading.deep(n, depth)) return;
    for (const c of reading.named(n)) {
      if (c.type === 'command_substitution' || c.type === 'process_substitution') continue;
      const value = quotedValue(c.type, reading.text(c));
      if (value !== null && runsIfExpanded(value)) reading.unknown(c, 'quoted text that bash expands again');
      else this.reexpanded(c, depth + 1);
    }
  }

  /** The node's named children as parts, and the source between them (`start`..`end`) read by `gap`. */
  private gapped(
    n: BashNode,
    start: number,
    end: number,
    parts: WordPart[],
    depth: number,
    gap: (s: string) => WordPart[],
  ): void {
    const { reading } = this;
    let at = start;
    const fill = (to: number): void => {
      if (to > at) for (const p of gap(reading.source.slice(at, to))) pushPart(parts, p.kind, p.text);
    };
    for (const c of reading.named(n)) {
      if (c.startIndex < start || c.endIndex > end) {
        reading.unknown(c, 'a part not understood');
        continue;
      }
      fill(c.startIndex);
      if (c.type === 'string_content') {
        for (const p of gap(reading.text(c))) pushPart(parts, p.kind, p.text);
      } else this.wordParts(c, parts, depth);
      at = c.endIndex;
    }
    fill(end);
  }
}
