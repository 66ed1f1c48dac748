/**
 * A generated corpus of bash command lines for the differential test (bash-differential.test.ts):
 * the same lines on every run (a seeded generator), each combining bash's constructs around leaf
 * commands named `zz0`, `zz1`, … (unique within a line), whose runs bash itself reports.
 */

/** The prefix of every leaf command's name (no real program starts with it). */
export const STUB = 'zz';

/** mulberry32: a small seeded generator, so that the corpus is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const singleQuoted = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
const doubleQuoted = (s: string): string => `"${s.replace(/[\\"$`]/g, '\\$&')}"`;
const ansiQuoted = (s: string): string => `$'${s.replace(/[\\']/g, '\\$&').replace(/\n/g, '\\n')}'`;
/** A script inside backquotes: a backslash quotes `\`, `` ` `` and `$` there, and only those. */
const backquoted = (s: string): string => `\`${s.replace(/\\(?=[\\`$]|$)|`/g, '\\$&')}\``;
/** `$(` or `<(` before a script: a space before a leading `(` keeps `$((` from reading as arithmetic. */
const opened = (open: string, s: string): string => `${open}${s.startsWith('(') ? ' ' : ''}${s})`;

/** Alternatives with their weights. */
type Choices = readonly (readonly [number, () => string])[];

/** One line's generation: its leaf names, its pending here-documents. */
class Line {
  private stubs = 0;
  private names = 0;
  /** Here-document bodies waiting for the next line break, one queue per script being written. */
  private pending: string[][] = [[]];

  constructor(private readonly rnd: () => number) {}

  text(): string {
    return this.script(1 + Math.floor(this.rnd() * 3));
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)] as T;
  }
  /** One of the alternatives, only it written (each may draw more). */
  private one(choices: Choices): string {
    let r = this.rnd() * choices.reduce((sum, [w]) => sum + w, 0);
    for (const [w, write] of choices) if ((r -= w) < 0) return write();
    return (choices.at(-1) as Choices[number])[1]();
  }
  private chance(p: number): boolean {
    return this.rnd() < p;
  }
  private stub(): string {
    return `${STUB}${this.stubs++}`;
  }
  private name(prefix: string): string {
    return `${prefix}${this.names++}`;
  }

  /** A script of its own (a substitution, a `-c` string): its here-documents end inside it. */
  private script(depth: number): string {
    this.pending.push([]);
    const s = this.list(depth);
    const bodies = this.pending.pop() ?? [];
    return bodies.length > 0 ? `${s}\n${bodies.join('')}` : s;
  }

  /** A line break: the here-documents opened on the line end after it. */
  private newline(): string {
    return `\n${(this.pending.at(-1) ?? []).splice(0).join('')}`;
  }

  private list(depth: number): string {
    let s = this.pipeline(depth);
    const more = Math.floor(this.rnd() * 3);
    for (let i = 0; i < more; i++) {
      const sep = this.pick([';', ' && ', ' || ', ' & ', 'newline', 'comment']);
      if (sep === 'newline') s += this.newline();
      else if (sep === 'comment') s += ` # ${this.stub()} ; ${this.stub()}${this.newline()}`;
      else s += sep;
      s += this.pipeline(depth);
    }
    return s;
  }

  private pipeline(depth: number): string {
    let s = this.command(depth);
    if (this.chance(0.2)) s += `${this.pick([' | ', ' |& '])}${this.command(depth)}`;
    if (this.chance(0.04)) s = `! ${s}`;
    if (this.chance(0.03)) s = `time ${s}`;
    return s;
  }

  private command(depth: number): string {
    if (depth <= 0 || this.chance(0.45)) return this.simple(depth);
    const d = depth - 1;
    const list = (): string => this.list(d);
    return this.one([
      [1, () => `( ${list()} )`],
      [1, () => `{ ${list()}; }`],
      [
        1,
        () => {
          const elif = this.chance(0.3) ? ` elif ${list()}; then ${list()};` : '';
          const els = this.chance(0.5) ? ` else ${list()};` : '';
          return `if ${list()}; then ${list()};${elif}${els} fi`;
        },
      ],
      // `break` ends the loop whatever its condition says.
      [1, () => `${this.pick(['while', 'until'])} ${list()}; do ${list()}; break; done`],
      [1, () => `for ${this.name('v')} in ${this.word(d)} ${this.word(d)}; do ${list()}; done`],
      [
        1,
        () => {
          const end = this.pick([';;', ';&', ';;&']);
          return `case ${this.word(d)} in ${this.word(d)}) ${list()}${end} *) ${list()};; esac`;
        },
      ],
      [1, () => this.functionCall(d)],
      [1, () => `eval ${this.quoted(this.script(d))}`],
      [1, () => `${this.pick(['bash', 'sh'])} -c ${this.quoted(this.script(d))}`],
      [0.5, () => `(( ${this.arithmetic(d)} ))`],
      [1, () => `${this.name('V')}=${this.word(d)}`],
      [0.5, () => `${this.name('a')}[${this.arithmetic(d)}]=${this.word(d)}`],
      [
        1,
        () => `${this.pick(['export', 'declare', 'readonly', 'typeset'])} ${this.name('V')}=${this.word(d)}`,
      ],
      [0.5, () => `[[ ${this.word(d)} ${this.pick(['==', '!=', '<'])} ${this.word(d)} ]]`],
      [0.5, () => `[[ ${this.word(d)} ${this.pick(['=~', '=='])} ${this.pattern(d)} ]]`],
      [0.3, () => `case ${this.word(d)} in ${this.pattern(d)}) ${list()};; *) ${list()};; esac`],
      [0.5, () => this.evaluating()],
    ]);
  }

  private functionCall(depth: number): string {
    const f = this.name('f');
    const body = this.chance(0.7) ? `{ ${this.list(depth)}; }` : `( ${this.list(depth)} )`;
    const def = this.chance(0.5) ? `${f}() ${body}` : `function ${f} ${body}`;
    return this.chance(0.8) ? `${def}; ${f}` : def;
  }

  /** A builtin that evaluates a quoted subscript as arithmetic (bash runs what is inside it). */
  private evaluating(): string {
    const sub = `a[$(${this.stub()})]`;
    const q = this.pick([`'${sub}'`, doubleQuoted(sub), ansiQuoted(sub), sub.replace(/[$()]/g, '\\$&')]);
    const v = this.name('V');
    return this.pick([
      `printf -v ${q} x`,
      `read ${q} < /dev/null`,
      `test -v ${q}`,
      `[[ ${q} -eq 1 ]]`,
      `[[ -v ${q} ]]`,
      `let ${q}`,
      `typeset ${q}=1`,
      `declare -i ${v}=${q}`,
      `${v}=${q}; ${this.stub()} $(( ${v} ))`,
      `a['$(${this.stub()})']=1`,
      `: \${a['$(${this.stub()})']}`,
    ]);
  }

  private simple(depth: number): string {
    const parts: string[] = [];
    if (this.chance(0.15)) parts.push(`${this.name('V')}=${this.word(depth - 1)}`);
    parts.push(this.commandName());
    const n = Math.floor(this.rnd() * 3);
    for (let i = 0; i < n; i++) parts.push(this.word(depth - 1));
    const redirects = depth > 0 && this.chance(0.35) ? 1 + Math.floor(this.rnd() * 2) : 0;
    for (let i = 0; i < redirects; i++) parts.push(this.redirect(depth - 1));
    return parts.join(this.chance(0.05) ? ' \\\n' : ' ');
  }

  /** A leaf's name, written as bash still reads it as that name. */
  private commandName(): string {
    const n = this.stub();
    const tail = n.slice(STUB.length);
    return this.one([
      [12, () => n],
      [1, () => `'${n}'`],
      [1, () => `"${n}"`],
      [1, () => `\\${n}`],
      [1, () => `z''z${tail}`],
      [1, () => `"z"z${tail}`],
      [1, () => `$'${n}'`],
      [1, () => `$'\\x7a'z${tail}`],
      [0.3, () => `z\\\nz${tail}`],
      [0.3, () => `$"${n}"`],
      [0.3, () => `${n}{,}`],
      [0.3, () => `{${n},a}`],
    ]);
  }

  /** An argument: literal, quoted, or holding a substitution (run or escaped). */
  private word(depth: number): string {
    if (depth <= 0 || this.chance(0.3)) {
      return this.one([
        [3, () => 'a'],
        [1, () => `'${this.stub()} $(${this.stub()})'`],
        [1, () => `\\$\\(${this.stub()}\\)`],
        [1, () => `\\\`${this.stub()}\\\``],
        [1, () => `a#${this.stub()}`],
        [1, () => '{b,c}'],
        [1, () => '$V0'],
        [1, () => '"$@"'],
        [1, () => `$'\\x24(${this.stub()})'`],
      ]);
    }
    const d = depth - 1;
    const sub = (): string => opened('$(', this.script(d));
    return this.one([
      [3, sub],
      [1, () => backquoted(this.script(d))],
      [1, () => opened(this.pick(['<(', '>(']), this.script(d))],
      [1, () => `"x ${sub()} y"`],
      [0.5, () => `"x ${backquoted(this.script(d).replace(/"/g, "'"))} y"`],
      [0.5, () => `"\\$(${this.stub()}) ${sub()}"`],
      [0.2, () => `$"${sub()}"`],
      [1, () => `$(( ${this.arithmetic(d)} ))`],
      [2, () => this.parameter(d)],
      [0.5, () => `${this.name('a')}[${this.arithmetic(d)}]=1`],
    ]);
  }

  private parameter(depth: number): string {
    const v = this.name('V');
    const w = (): string => this.word(depth);
    return this.one([
      [1, () => `\${${v}:-${w()}}`],
      [1, () => `\${${v}-${w()}}`],
      [1, () => `\${${v}:=${w()}}`],
      [1, () => `\${${v}:+${w()}}`],
      [1, () => `\${${v}/a/${w()}}`],
      [1, () => `\${${v}//\\//${w()}}`],
      [1, () => `\${${v}#${w()}}`],
      [1, () => `\${${v}%%${w()}}`],
      [1, () => `\${${v}:${opened('$(', this.script(depth))}:1}`],
      [1, () => `"\${${v}:-${w()}}"`],
      [0.3, () => `"\${${v}:-'$(${this.stub()})'}"`],
      [0.3, () => `"\${${v}:-$'\\x24(${this.stub()})'}"`],
      [0.3, () => `\${${v}:-\`${this.stub()}\`}`],
    ]);
  }

  /** A pattern (`=~`, `==`, a `case` item), with a substitution inside. */
  private pattern(depth: number): string {
    const sub = (): string => opened('$(', this.script(depth));
    return this.one([
      [1, () => `^x${sub()}`],
      [1, () => `x${backquoted(this.script(depth))}*`],
      [1, () => `@(a|${sub()})`],
      [1, () => `@(a|${backquoted(this.script(depth))})`],
      [1, () => `+([a-c])${this.word(depth)}`],
    ]);
  }

  private arithmetic(depth: number): string {
    const sub = (): string => opened('$(', this.script(depth));
    return this.one([
      [1, () => '1 + 1'],
      [1, () => `1 + ${sub()}`],
      [1, () => `${this.name('a')}[${sub()}]`],
      [1, () => backquoted(this.script(depth))],
      [1, () => `\${${this.name('V')}:-${sub()}}`],
      [1, () => `$(( 2 * ${sub()} ))`],
    ]);
  }

  private redirect(depth: number): string {
    return this.one([
      [1, () => `${this.pick(['>', '>>', '2>', '&>', '<'])} "f$(${this.stub()})"`],
      [1, () => `${this.pick(['>', '>>', '2>', '&>'])} ${this.word(depth)}`],
      [1, () => this.pick(['2>&1', '>&2', '< /dev/null', '> f1'])],
      [1, () => `<<< ${this.word(depth)}`],
      [2, () => this.heredoc(depth)],
    ]);
  }

  /** `<<DELIM` (or `<<-`): its body waits for the line's end; a quoted delimiter keeps it as text. */
  private heredoc(depth: number): string {
    const id = this.name('E');
    const delim = this.pick([id, id, `'${id}'`, `"${id}"`, `\\${id}`, `${id.slice(0, 1)}"${id.slice(1)}"`]);
    const tabs = this.chance(0.3) ? '\t' : '';
    const lines: string[] = [];
    const n = 1 + Math.floor(this.rnd() * 3);
    for (let i = 0; i < n; i++) lines.push(this.bodyLine(depth));
    this.pending.at(-1)?.push([...lines, id].map((l) => `${tabs}${l}\n`).join(''));
    return `<<${tabs === '' ? '' : '-'}${delim}`;
  }

  private bodyLine(depth: number): string {
    const s = (): string => this.script(depth);
    const sub = (): string => opened('$(', s());
    return this.one([
      [1, () => 'plain text'],
      [2, () => `x ${sub()} y`],
      [1, () => `${this.pick(['', '\t'])}${sub()}`],
      [1, () => `x ${backquoted(s())} y`],
      [1, () => `\${${this.name('V')}:-${sub()}}`],
      [1, () => `\${${this.name('V')}:-${backquoted(s())}}`],
      [1, () => `$(( 1 + ${sub()} ))`],
      [1, () => `\\$(${this.stub()}) \\\`${this.stub()}\\\``],
      [0.5, () => `\\\\${backquoted(s())}`],
      [1, () => `'${sub()}'`],
      [1, () => `"${backquoted(s())}"`],
      [0.3, () => `a \\\n${sub()}`],
    ]);
  }

  /** A script as one word: single, double or ANSI-C quotes. */
  private quoted(s: string): string {
    return this.pick([singleQuoted, doubleQuoted, ansiQuoted])(s);
  }
}

/** `count` command lines from `seed`, each at most `maxLength` characters (longer ones are drawn again). */
export function bashCorpus(seed: number, count: number, maxLength = 300): string[] {
  const rnd = seeded(seed);
  const out: string[] = [];
  while (out.length < count) {
    const line = new Line(rnd).text();
    if (line.length <= maxLength) out.push(line);
  }
  return out;
}
