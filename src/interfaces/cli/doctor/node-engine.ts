import { closeSync, openSync, readFileSync, readSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { orElse } from './probe.js';

/** What Node.js an agent CLI installed from npm asks for: its package's `engines.node`. */
export interface NodeNeed {
  /** The range as its package.json writes it (`>=22.0.0`). */
  range: string;
  /** The package that asks (`@qwen-code/qwen-code`) and its package.json. */
  pkg: string;
  file: string;
  /** What runs the script: `node` (looked up on PATH, `#!/usr/bin/env node`) or an absolute path. */
  interpreter: string;
}

/** How far above the script its package.json may be (`bin/claude.js`, `dist/cli/index.js`). */
const UP_LEVELS = 4;
/** A package.json larger than this is not read (the script's own is a few KiB). */
const PACKAGE_MAX = 256 * 1024;

/**
 * The Node.js the agent CLI at `program` needs, when it is a Node script (`#!` naming node) inside
 * an npm package whose package.json says; null for a native program (Claude Code 2.x ships one),
 * a script of another interpreter, or a package that says nothing. Reads files only.
 */
export function nodeNeedOf(program: string): NodeNeed | null {
  const real = orElse(() => realpathSync(program), null);
  const interpreter = real === null ? null : nodeInterpreter(firstLine(real));
  if (real === null || interpreter === null) return null;
  let dir = dirname(real);
  for (let i = 0; i <= UP_LEVELS; i++) {
    const file = join(dir, 'package.json');
    const pkg = readPackage(file);
    if (pkg !== null) {
      const engines = pkg.engines as { node?: unknown } | undefined;
      if (typeof engines?.node !== 'string') return null;
      return { range: engines.node, pkg: typeof pkg.name === 'string' ? pkg.name : dir, file, interpreter };
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

function firstLine(file: string): string {
  const buf = Buffer.alloc(256);
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8').split('\n')[0] ?? '';
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** `#!/usr/bin/env node` → `node`; `#!/opt/node/bin/node --flag` → `/opt/node/bin/node`; else null. */
export function nodeInterpreter(shebang: string): string | null {
  const m = /^#!\s*(\S+)(?:\s+(?:-S\s+)?(\S+))?/.exec(shebang);
  if (!m?.[1]) return null;
  if (/\/env$/.test(m[1])) return m[2] !== undefined && /^node(?:js)?$/.test(m[2]) ? 'node' : null;
  // Only an absolute path: the program run for `--version` is never one relative to our folder.
  return /^\/\S*\/node(?:js)?$/.test(m[1]) ? m[1] : null;
}

function readPackage(file: string): Record<string, unknown> | null {
  const text = orElse(() => readFileSync(file, 'utf8'), '');
  const doc = text.length > PACKAGE_MAX ? null : orElse(() => JSON.parse(text) as unknown, null);
  return typeof doc === 'object' && doc !== null && !Array.isArray(doc)
    ? (doc as Record<string, unknown>)
    : null;
}

type Triple = [number, number, number];
/** A comparator as bounds: from `lo` (inclusive) up to `hi` (exclusive); null: unbounded. */
type Bounds = [lo: Triple | null, hi: Triple | null];

/**
 * Whether Node.js `version` (`20.19.2`, `v22.1.0`) is inside an npm `engines` range: comparators
 * (`>=`, `>`, `<=`, `<`, `=`), caret and tilde ranges, `x` wildcards and partial versions, hyphen
 * ranges, joined by spaces (all) and `||` (any). Null when the range is not one of these.
 */
export function nodeSatisfies(version: string, range: string): boolean | null {
  const v = triple(version.replace(/^v/, ''));
  if (v === null) return null;
  let understood = false;
  for (const alt of range.split('||')) {
    const verdict = allHold(v, alt.trim());
    if (verdict === true) return true;
    if (verdict === false) understood = true;
  }
  return understood ? false : null;
}

function allHold(v: Triple, alt: string): boolean | null {
  if (alt === '' || alt === '*' || alt === 'x') return true;
  const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(alt);
  const comparators = hyphen
    ? [`>=${hyphen[1]}`, `<=${hyphen[2]}`]
    : alt.replace(/([<>=^~]+)\s+/g, '$1').split(/\s+/);
  const all = comparators.map(boundsOf);
  if (hyphen && all.includes(null)) return null;
  for (const b of all) {
    if (b === null) return null;
    if ((b[0] !== null && cmp(v, b[0]) < 0) || (b[1] !== null && cmp(v, b[1]) >= 0)) return false;
  }
  return true;
}

/** `>=20.19` is 20.19.0 and up, `<=20` below 21.0.0, `20.x` 20.0.0 up to 21.0.0; null when not understood. */
function boundsOf(comparator: string): Bounds | null {
  const m = /^(>=|<=|>|<|=|\^|~)?v?(.+)$/.exec(comparator);
  const p = m ? partial(m[2] ?? '') : null;
  if (p === null) return null;
  const [a, b, c] = p.min;
  const caret: Triple =
    a > 0 || p.parts < 2 ? [a + 1, 0, 0] : b > 0 || p.parts < 3 ? [0, b + 1, 0] : [0, 0, c + 1];
  const bounds: Record<string, Bounds> = {
    '>=': [p.min, null],
    '>': [p.next, null],
    '<': [null, p.min],
    '<=': [null, p.next],
    '^': [p.min, caret],
    '~': [p.min, p.parts < 2 ? [a + 1, 0, 0] : [a, b + 1, 0]],
  };
  return bounds[m?.[1] ?? '='] ?? [p.min, p.next];
}

/** `22` → min 22.0.0, next 23.0.0 (parts 1); `20.19` → 20.19.0 / 20.20.0; `1.2.3` → 1.2.3 / 1.2.4; `x` ends it. */
function partial(text: string): { min: Triple; next: Triple; parts: number } | null {
  const bits = text.split('-')[0]?.split('.') ?? [];
  const nums: number[] = [];
  for (const b of bits) {
    if (/^[x*]$/i.test(b)) break;
    if (!/^\d+$/.test(b)) return null;
    nums.push(Number(b));
  }
  if (nums.length === 0 || nums.length > 3) return null;
  const [a = 0, b = 0, c = 0] = nums;
  const next: Triple = nums.length === 1 ? [a + 1, 0, 0] : nums.length === 2 ? [a, b + 1, 0] : [a, b, c + 1];
  return { min: [a, b, c], next, parts: nums.length };
}

function triple(text: string): Triple | null {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

function cmp(a: Triple, b: Triple): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}
