import { closeSync, openSync, readFileSync, readSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import semver from 'semver';
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

/**
 * Whether Node.js `version` (`20.19.2`, `v22.1.0`) is inside an npm `engines` range, read as npm
 * reads it; null when the version or the range is not one npm understands.
 */
export function nodeSatisfies(version: string, range: string): boolean | null {
  if (semver.valid(version) === null || semver.validRange(range) === null) return null;
  return semver.satisfies(version, range);
}
