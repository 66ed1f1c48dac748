import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShellWord } from '../../core/ports/shell-syntax.js';
import { wordExpands } from '../../core/policies/shell-words.js';
import { isWrapper, unwrap } from '../../core/policies/wrappers.js';
import { STUB, bashCorpus } from './bash-corpus.js';
import { TreeSitterShell, shellWasmFiles } from './tree-sitter-shell.js';
import { endInput } from '../child-input.js';

/**
 * The parser against bash itself. Every leaf command of a line is a stub program that reports its
 * own run; bash runs the line. Soundness for approval: every stub bash ran is a command the parser
 * lists (its name, literal), or the parser flags the line (something unresolved, a command name
 * known only when it runs). Listing more than runs (a branch not taken) is fine.
 */
const shell = new TreeSitterShell(shellWasmFiles([]));

const SEED = 0x5eed29;
const CORPUS = 3000;
/** Drivers run at once (2 cores; bash mostly waits on its children). */
const DRIVERS = 4;
const LINE_TIMEOUT_S = 5;
const RUN_TIMEOUT_MS = 150_000;
/** What the driver reports for a line killed at LINE_TIMEOUT_S (bash 5.2 loops forever on a few). */
const TIMED_OUT = '(timed-out)';

/**
 * Runs each line (NUL-terminated on its input) as `bash --noprofile --norc -c LINE` of its own,
 * stdin from /dev/null, killed with all it started after LINE_TIMEOUT_S (`timeout` kills its
 * process group); a stub reports `LINE_NUMBER NAME` on fd 3. One bash driver forks them: cheaper
 * than a spawn from Node for each.
 */
const DRIVER = `i=0
while IFS= read -r -d '' line; do
  DIFF_LINE=$i timeout -s KILL ${LINE_TIMEOUT_S} bash --noprofile --norc -c "$line" </dev/null >/dev/null 2>&1
  [ $? -eq 137 ] && echo "$i ${TIMED_OUT}" >&3
  i=$((i + 1))
done`;

/**
 * bash's reserved words: as a command's name they mean tree-sitter read a construct otherwise
 * (`! { …; }`), and the rules take the line as unresolved (command-checks.ts), as this test does
 * with a name bash expands (`zz0{,}`).
 */
const RESERVED = new Set(
  '! { } if then else elif fi do done case esac while until for in select function ]] coproc'.split(' '),
);

/** What a line makes the rules see: the names of the commands it runs, and why it cannot be trusted. */
interface Reading {
  names: Set<string>;
  flags: string[];
}

const valueOf = (w: ShellWord): string | null =>
  w.parts.some((p) => p.kind === 'dynamic') ? null : w.parts.map((p) => p.text).join('');

/** The script a command runs as text: `eval ARGS…`, `bash -c SCRIPT`; undefined if none. */
function innerScript(name: string, words: readonly ShellWord[]): (string | null)[] | undefined {
  if (name === 'eval') return words.slice(1).map(valueOf);
  if (!/^(?:ba)?sh$/.test(name)) return undefined;
  const c = words.findIndex((w, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(valueOf(w) ?? ''));
  if (c < 0) return undefined;
  const script = words[c + 1];
  return [script === undefined ? null : valueOf(script)];
}

/** The parser's reading, followed as the rules follow it: into wrappers, `sh -c` and `eval`. */
async function reading(source: string, into: Reading = { names: new Set(), flags: [] }, depth = 0) {
  const script = await shell.parse(source);
  into.flags.push(...script.unresolved);
  if (depth > 8) into.flags.push('nested too deep');
  for (const c of depth > 8 ? [] : script.commands) {
    let words = c.words;
    while (words[0] !== undefined && isWrapper(valueOf(words[0]) ?? '')) {
      const u = unwrap(words);
      if (!u.ok) into.flags.push(u.reason);
      words = u.ok ? u.inner : [];
    }
    const first = words[0];
    if (first === undefined) continue;
    const name = valueOf(first);
    if (name === null || RESERVED.has(name) || wordExpands(first) !== null) {
      into.flags.push(`the command name ${first.source} is known only when it runs, or a keyword`);
      continue;
    }
    into.names.add(name);
    const inner = innerScript(name, words);
    if (inner === undefined) continue;
    if (inner.some((v) => v === null)) into.flags.push(`${name} runs a script known only when it runs`);
    else await reading(inner.join(' '), into, depth + 1);
  }
  return into;
}

let dir = '';

/** Runs `lines` with bash, stubs first on PATH: for each line, the stubs that ran (`timed-out` if it did). */
function runBash(lines: readonly string[]): Promise<string[][]> {
  const cwd = join(dir, 'cwd');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-c', DRIVER], {
      cwd,
      env: { PATH: `${join(dir, 'bin')}:/usr/bin:/bin`, HOME: cwd, LC_ALL: 'C' },
      // fd 3 ends when every process holding it is gone, background jobs and process substitutions too.
      stdio: ['pipe', 'ignore', 'ignore', 'pipe'],
      detached: true,
    });
    let out = '';
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      reject(new Error(`bash did not run ${lines.length} lines within ${RUN_TIMEOUT_MS} ms`));
    }, RUN_TIMEOUT_MS);
    child.stdio[3]?.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      const ran = lines.map((): string[] => []);
      for (const [i, name] of out.split('\n').flatMap((l) => (l === '' ? [] : [l.split(' ')]))) {
        ran[Number(i)]?.push(name ?? '');
      }
      resolve(ran);
    });
    endInput(child.stdin, lines.map((l) => `${l}\0`).join(''));
  });
}

/** The failure of a line, if bash ran a stub the parser neither lists nor flags. */
function failure(line: string, ran: readonly string[], read: Reading): string | null {
  if (read.flags.length > 0) return null;
  const missed = [...new Set(ran)].filter((n) => n !== TIMED_OUT && !read.names.has(n));
  if (missed.length === 0) return null;
  return [
    JSON.stringify(line),
    `  bash ran:        ${ran.join(' ')}`,
    `  parser listed:   ${[...read.names].join(' ')}`,
    `  missed:          ${missed.join(' ')}`,
  ].join('\n');
}

interface Outcome {
  failures: string[];
  /** Lines the parser read without a flag (the property is checked in full on them). */
  resolved: number;
  /** Stub runs in all. */
  runs: number;
  /** Lines killed at LINE_TIMEOUT_S. */
  timedOut: string[];
}

async function differential(lines: readonly string[]): Promise<Outcome> {
  const runs = Promise.all(
    Array.from({ length: DRIVERS }, (_, k) => runBash(lines.filter((_, i) => i % DRIVERS === k))),
  );
  const readings: Reading[] = [];
  for (const line of lines) readings.push(await reading(line));
  const ran = await runs;
  const out: Outcome = { failures: [], resolved: 0, runs: 0, timedOut: [] };
  lines.forEach((line, i) => {
    const r = ran[i % DRIVERS]?.[Math.floor(i / DRIVERS)] ?? [];
    const read = readings[i] as Reading;
    const f = failure(line, r, read);
    if (f !== null) out.failures.push(f);
    if (read.flags.length === 0) out.resolved++;
    out.runs += r.length;
    if (r.includes(TIMED_OUT)) out.timedOut.push(line);
  });
  return out;
}

const corpus = bashCorpus(SEED, CORPUS);

/** Known-hard lines, each a construct where a parser may read what bash runs otherwise. */
const HARD = [
  'zz0 <<EOF\n`zz1`\nEOF',
  'zz0 <<-EOF\n\t$(zz1) `zz2`\n\tEOF',
  'zz0 <<EOF\n${V:-`zz1`} $(( 1 + $(zz2) ))\nEOF',
  'zz0 <<EOF\n\\\\`zz1`\nEOF',
  "zz0 <<'EOF'\n`zz1` $(zz2)\nEOF",
  'zz0 <<E"O"F\n`zz1` $(zz2)\nEOF',
  'zz0 <<EOF; zz1\n$(zz2)\nEOF\nzz3',
  'zz0 <<EOF\n$\\\n(zz1)\nEOF',
  'z\\\nz0 a',
  'zz0 a\\\r\nzz1',
  'zz0 `\\$"zz1"`',
  'zz0 `z\\\\\nz1`',
  'zz0 `zz1 \\`zz2\\``',
  'V0=$"$(zz0)" zz1',
  'zz0 &> $"$(zz1)"',
  '[[ $"$(zz0)" != a ]]',
  'zz0 "${V0:-$\'\\x24(zz1)\'}"',
  'time V0=a zz0',
  'time ! zz0',
  'time { zz0; }',
  '! { zz0; }',
  'coproc zz0',
  'zz0 # zz1\nzz2',
  "eval 'zz0 $(zz1)'",
  'bash -c "zz0 \\$(zz1)"',
  "sh -c $'zz0\\nzz1'",
  'a[$(zz0)]=1 zz1',
  'case $(zz0) in $(zz1)) zz2;& *) zz3;;& x) zz4;; esac',
  'for ((i=$(zz0); i<1; i++)); do zz1; done',
  'select v in a; do zz0; break; done',
  'zz0 <<< `zz1`',
  'zz0 > >(zz1) 2> "f$(zz2)"',
  'function f { zz0; }; f',
  // Found by this test (each ran a stub the parser did not list).
  'zz0 `\\\\zz1`',
  `zz0 <<< "\${V:-'$(zz1)'}"`,
  'zz0 <<< ${V:-`zz1`} ${V:-<(zz2)}',
  'zz0 `zz1` `zz2`',
  "printf -v 'a[$(zz0)]' x",
  'printf -v a[\\$\\(zz0\\)] x',
  'declare a[\\$\\(zz0\\)]=1',
  "zz0 ${a['$(zz1)']}",
  'zz0 <<EOF\n\t$(zz1)\nEOF',
  "zz0 <<E'0'\n$(zz1)\nE0\nzz2 <<E3\nE3\n",
  'zz0 <<-EOF;zz1\n\t\\$(zz2)\n\tEOF\n',
  '[[ a =~ ^x`zz0`$ ]]',
  'case a in @(b|`zz0`)) ;; esac',
  'time [[ a == $(zz0) ]]',
];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wtp-bash-diff-'));
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'cwd'));
  const most = Math.max(...[...[...corpus, ...HARD].join(' ').matchAll(/zz(\d+)/g)].map((m) => Number(m[1])));
  for (let i = 0; i <= most; i++) {
    const name = `${STUB}${i}`;
    if (existsSync(join('/usr/bin', name)) || existsSync(join('/bin', name)))
      throw new Error(`${name} exists`);
    const file = join(dir, 'bin', name);
    // Some fail, so that `&&`, `||`, `if` and loops take both ways.
    writeFileSync(file, `#!/bin/sh\necho "$DIFF_LINE ${name}" >&3\nexit ${i % 4 === 3 ? 1 : 0}\n`);
    chmodSync(file, 0o755);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the parser against bash: every command bash runs is listed, or the line is flagged', () => {
  it(`${CORPUS} generated lines`, { timeout: RUN_TIMEOUT_MS + 30_000 }, async () => {
    const out = await differential(corpus);
    expect(out.failures.join('\n\n')).toBe('');
    // The property is checked in full only on lines read without a flag: enough of them (about
    // 55%), running enough stubs (about 3.7 a line), few killed. One line loops for good in bash
    // 5.2; under a load of 11, four more took over LINE_TIMEOUT_S. What a killed line ran before is
    // still checked, so a kill costs coverage only: at most 1% of the lines.
    expect(out.resolved).toBeGreaterThan(CORPUS * 0.4);
    expect(out.runs).toBeGreaterThan(CORPUS * 3);
    expect(out.timedOut.length, out.timedOut.join('\n---\n')).toBeLessThanOrEqual(CORPUS * 0.01);
  });

  it('known-hard lines', async () => {
    const out = await differential(HARD);
    expect(out.failures.join('\n\n')).toBe('');
  });
});
