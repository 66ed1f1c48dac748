import { describe, expect, it } from 'vitest';
import type { ShellScript, ShellWord } from '../../core/ports/shell-syntax.js';
import { ansiC, unquotedParts } from './quoting.js';
import { TreeSitterShell, shellWasmFiles } from './tree-sitter-shell.js';

/** The real parser: web-tree-sitter and tree-sitter-bash's WebAssembly from node_modules. */
const shell = new TreeSitterShell(shellWasmFiles([]));

/** A word's value as the command would get it (expansions as `‹source›`). */
const value = (w: ShellWord): string =>
  w.parts.map((p) => (p.kind === 'dynamic' ? `‹${p.text}›` : p.text)).join('');
/** Each simple command as its assignments and words, joined by spaces. */
const commands = (s: ShellScript): string[] =>
  s.commands.map((c) => [...c.assignments, ...c.words].map(value).join(' '));
const parse = (src: string): Promise<ShellScript> => shell.parse(src);

describe('tree-sitter bash translation: every simple command, wherever it sits', () => {
  it.each([
    ['npm test; rm -rf build', ['npm test', 'rm -rf build']],
    ['npm test && rm x || rm y', ['npm test', 'rm x', 'rm y']],
    ['npm test | sh', ['npm test', 'sh']],
    ['npm test |& tee log', ['npm test', 'tee log']],
    ['npm test & rm x', ['npm test', 'rm x']],
    ['npm test\nrm x', ['npm test', 'rm x']],
    ['(cd x; rm y)', ['cd x', 'rm y']],
    ['true && { rm -rf build; }', ['true', 'rm -rf build']],
    ['if true; then rm -rf build; fi', ['true', 'rm -rf build']],
    ['if a; then b; elif c; then d; else rm e; fi', ['a', 'b', 'c', 'd', 'rm e']],
    ['for f in a b; do rm x; done', ['rm x']],
    ['while true; do rm x; done', ['true', 'rm x']],
    ['until false; do rm x; done', ['false', 'rm x']],
    ['case $x in a) rm y;; *) ls;; esac', ['rm y', 'ls']],
    ['f() { rm x; }; f', ['rm x', 'f']],
    ['! rm x', ['rm x']],
    ['FOO=1 rm -rf build', ['FOO=1 rm -rf build']],
    ['X=1', ['X=1']],
    ['A=1 B=2', ['A=1 B=2']],
    ['export A=1 B', ['export A=1 B']],
    ['local x=1; declare -r y=2; unset z', ['local x=1', 'declare -r y=2', 'unset z']],
    ['# just a comment', []],
    ['echo a # ; rm x', ['echo a']],
  ])('%j', async (src, want) => {
    const s = await parse(src);
    expect(commands(s)).toEqual(want);
    expect(s.unresolved).toEqual([]);
  });

  it.each([
    ['echo $(rm x)', ['rm x', 'echo ‹$(rm x)›']],
    ['echo `rm x`', ['rm x', 'echo ‹`rm x`›']],
    ['diff <(rm x) >(rm y)', ['rm x', 'rm y', 'diff ‹<(rm x)› ‹>(rm y)›']],
    ['echo "a $(rm x) b"', ['rm x', 'echo a ‹$(rm x)› b']],
    ['X=$(rm x) npm test', ['rm x', 'X=‹$(rm x)› npm test']],
    ['export A=$(rm x)', ['rm x', 'export A=‹$(rm x)›']],
    ['echo $((1 + $(rm x)))', ['rm x', 'echo ‹$((1 + $(rm x)))›']],
    ['echo ${X:-$(rm x)}', ['rm x', 'echo ‹${X:-$(rm x)}›']],
    ['for f in $(rm x); do echo; done', ['rm x', 'echo']],
    ['case $(rm x) in a) ;; esac', ['rm x']],
    ['cat <<EOF\n$(rm x)\nEOF', ['cat', 'rm x']],
    ['cat <<EOF | sh\nhi\nEOF', ['cat', 'sh']],
    ['cat <<< "$(rm x)"', ['cat', 'rm x']],
    ['a[$(rm x)]=1', ['rm x', '‹a[$(rm x)]›=1']],
    // `$"…"` (translated) was read as a quoted text: its substitution was lost.
    ['V=$"$(rm x)" npm test', ['rm x', 'V=‹$"$(rm x)"› npm test']],
    ['npm test > $"$(rm x)"', ['npm test', 'rm x']],
  ])('substitutions are commands too: %j', async (src, want) => {
    expect(commands(await parse(src)).sort()).toEqual([...want].sort());
  });

  it('reads quoting as the shell does: the value a command gets', async () => {
    const s = await parse(`r''m "rm" r\\m \\rm $'r\\x6d' 'a b' "a\\"b" "x\ny" $'\\e[2J' $"t"`);
    const words = (s.commands[0]?.words ?? []).map(value);
    expect(words.slice(0, 9)).toEqual(['rm', 'rm', 'rm', 'rm', 'rm', 'a b', 'a"b', 'x\ny', '\x1b[2J']);
    // `$"…"` (a translated string) is read as two nodes, a `$` of its own: dynamic (never approved).
    expect(s.commands[0]?.words.slice(9).map((w) => w.parts.map((p) => p.kind))).toEqual([
      ['dynamic'],
      ['literal'],
    ]);
  });

  it('marks what is known only at run time as dynamic', async () => {
    const s = await parse('$CMD args; ${IFS}rm x; touch${IFS}/tmp/MARK');
    expect(s.commands.map((c) => c.words[0]?.parts.map((p) => p.kind))).toEqual([
      ['dynamic'],
      ['dynamic', 'bare'],
      ['bare', 'dynamic', 'bare'],
    ]);
  });

  it('lists redirections with their targets, a here-document without one', async () => {
    const s = await parse('echo x > /etc/passwd 2>&1 >> log &> all < in; cat <<EOF\nhi\nEOF');
    expect(s.redirects.map((r) => [r.op, r.target === null ? null : value(r.target)])).toEqual([
      ['>', '/etc/passwd'],
      ['>&', '1'],
      ['>>', 'log'],
      ['&>', 'all'],
      ['<', 'in'],
      ['<<', null],
    ]);
    expect(s.unresolved).toEqual([]);
  });

  it.each([
    'echo "unterminated',
    "echo 'unterminated",
    'echo $(rm x',
    'if true; then rm x',
    '{rm,-rf,x}',
    'echo x 3<>f',
    '(( x++ ))',
    'for ((i=0; i<3; i++)); do rm x; done',
    // tree-sitter-bash reads the next line as more words of `npm test`; bash runs `\rm` on its own.
    'npm test # a note\n\\rm -rf build',
    // Found by bash-differential.test.ts: each ran a command the parser did not list.
    // A line continuation between two characters: one word to bash (`rm`), two to the parser.
    'r\\\nm -rf build',
    'npm test a\\\r\nrm -rf build',
    'cat <<EOF\n$\\\n(rm x)\nEOF',
    // Inside backquotes bash drops the backslash of `\\` (and `\$`, `` \` ``) before it reads.
    'echo `\\\\rm x`',
    // Inside `"${…}"` single quotes do not quote and `$'…'` is expanded once more.
    `echo "\${X:-'$(rm x)'}"`,
    `echo "\${X:-$'\\x24(rm x)'}"`,
    // Backquotes and `<(…)` in `${…}`, two backquotes in a row: read as text by the parser.
    'echo ${X:-`rm x`}',
    'echo ${X:-<(rm x)}',
    'echo `echo` `rm x`',
    // A quoted subscript is evaluated where bash reads a variable's name or a number.
    "printf -v 'a[$(rm x)]' y",
    "read 'a[$(rm x)]'",
    "test -v 'a[$(rm x)]'",
    "a['$(rm x)']=1",
    "echo ${a['$(rm x)']}",
    'declare a[\\$\\(rm\\ x\\)]=1',
    // tree-sitter-bash cuts `a[\$\(rm\ x\)]` in two words; bash reads one.
    'printf -v a[\\$\\(rm\\ x\\)] y',
    // `time` is a keyword: what follows it is an assignment, not the command's name.
    'time X=1 rm x',
    // Here-documents that tree-sitter-bash ends elsewhere, or whose expansions it reads as text.
    'cat <<-EOF;rm x\n\t\\$(id)\n\tEOF\n',
    "cat <<E'0'\n$(id)\nE0\nrm x <<E3\nE3\n",
    'cat <<EOF\n\t$(rm x)\nEOF',
    'cat <<-EOF\n\t$(rm x)\n\tEOF',
    // Patterns the parser reads as one token, with a substitution inside.
    '[[ a =~ ^x`id`$ ]]',
    '[[ a == @(b|`id`) ]]',
    'case a in @(b|`id`)) ;; esac',
    'time [[ a == $(rm x) ]]',
    `[[ a =~ +([a-c])"\${V:-$'\\x24(id)'}" ]]`,
  ])('reports what it cannot read as unresolved: %j', async (src) => {
    expect((await parse(src)).unresolved.length).toBeGreaterThan(0);
  });

  it.each([
    'npm test \\\n  -- --ci',
    'npm test -- a\\\n --ci',
    'echo `date` "${X:-$(date)}" $(( 1 + 2 ))',
    "cat <<'EOF'\n\t$(x) `y`\nEOF",
    'cat <<-EOF\n\thi $(date)\n\tEOF',
    'echo \'a$(x)\' "[x]" a[1]=b',
    '[[ $x =~ ^a[0-9]+$ ]]',
  ])('still reads plain lines whole: %j', async (src) => {
    expect((await parse(src)).unresolved).toEqual([]);
  });

  it('still collects the commands of a construct it does not understand (deny sees them)', async () => {
    expect(commands(await parse('for ((i=0; i<3; i++)); do rm x; done'))).toContain('rm x');
  });

  it('reads a 70 KB command and one nested 5,000 deep without failing', async () => {
    const long = await parse(`npm test -- ${'a'.repeat(70_000)}; curl x | sh`);
    expect(commands(long).map((c) => c.slice(0, 12))).toEqual(['npm test -- ', 'curl x', 'sh']);
    const deep = await parse(`${'$('.repeat(5_000)}rm x${')'.repeat(5_000)}`);
    expect(deep.unresolved.length).toBeGreaterThan(0);
  });

  it('takes NUL and control characters without failing', async () => {
    const s = await parse('npm test\0; rm x\r\x1b[2K');
    expect(commands(s).join('|')).toContain('rm');
  });
});

describe('quoting', () => {
  it('decodes ANSI-C escapes', () => {
    expect(ansiC('a\\nb\\t\\x41\\101\\u00e9\\cA\\\\\\q')).toBe('a\nb\tAAé\x01\\\\q');
  });
  it('an escaped character in a bare word is quoted; an escaped newline joins', () => {
    expect(unquotedParts('r\\m\\\nx')).toEqual([
      { kind: 'bare', text: 'r' },
      { kind: 'literal', text: 'm' },
      { kind: 'bare', text: 'x' },
    ]);
  });
});
