import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { RepoConfig, RepoConfigFile, RepoConfigSpec } from '../../core/ports/vendor-setup.js';

/** A file larger than this is not shown for review: its configuration cannot be approved. */
export const MAX_FILE_BYTES = 256 * 1024;
/** All files of one vendor's configuration together. */
export const MAX_TOTAL_BYTES = 2 * 1024 * 1024;
/** Files of one vendor's configuration (a folder of skills, plugins, …). */
export const MAX_FILES = 500;
const MAX_DEPTH = 12;

/** Where a folder sits in git: its checkout's top, and the repository approvals are kept for. */
export interface RepoPlace {
  /** The top of the checkout holding the folder (a linked worktree's own), or null outside git. */
  top: string | null;
  /** The main checkout's top (a linked worktree's repository), else the folder: approvals go by it. */
  key: string;
}

const real = (p: string): string | null => {
  try {
    return fs.realpathSync(p);
  } catch {
    return null;
  }
};

const within = (root: string, p: string): boolean =>
  p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);

/**
 * The checkout holding `folder` and its repository, read from the file system as git lays it out
 * (a `.git` folder; a `.git` file naming a linked worktree's git dir, whose `commondir` leads to
 * the main repository's). No git is run.
 */
export function repoPlace(folder: string): RepoPlace {
  const start = real(folder) ?? resolve(folder);
  for (let d = start; ; d = dirname(d)) {
    const dotGit = join(d, '.git');
    const st = fs.lstatSync(dotGit, { throwIfNoEntry: false });
    if (st?.isDirectory()) return { top: d, key: d };
    if (st?.isFile()) return { top: d, key: mainCheckout(d, dotGit) ?? d };
    if (dirname(d) === d) return { top: null, key: start };
  }
}

/** The main checkout of a linked worktree whose `.git` file is `dotGit`; null when it is none (a submodule). */
function mainCheckout(top: string, dotGit: string): string | null {
  try {
    const m = /^gitdir: (.+)$/m.exec(fs.readFileSync(dotGit, 'utf8').slice(0, 4096));
    if (!m?.[1]) return null;
    const gitdir = resolve(top, m[1].trim());
    const common = resolve(gitdir, fs.readFileSync(join(gitdir, 'commondir'), 'utf8').trim());
    const main = common.endsWith(`${sep}.git`) ? dirname(common) : null;
    return main === null ? null : (real(main) ?? main);
  } catch {
    return null;
  }
}

/** The names a dotenv file sets (`NAME=…`, `export NAME=…`), never their values. */
function envNames(text: string): string[] {
  const names = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=/.exec(line);
    if (m?.[1]) names.add(m[1]);
  }
  return [...names];
}

interface Found {
  file: RepoConfigFile;
  /** What is hashed: kind, link target and bytes. */
  content: Buffer;
  kind: 'file' | 'link';
  target: string;
}

/**
 * A vendor's configuration in `folder` and each folder above it up to its checkout's top: every
 * path of `spec` there, files read whole and folders walked. Never follows a link out of the
 * checkout (that is a `problem`: its content is not the repository's), never reads a FIFO, socket
 * or device, and stops at MAX_FILE_BYTES, MAX_TOTAL_BYTES, MAX_FILES and MAX_DEPTH (a problem
 * too). Null when none of it exists. The hash covers every path, link and byte.
 */
export function scanRepoConfig(folder: string, vendor: string, spec: RepoConfigSpec): RepoConfig | null {
  const start = real(folder);
  if (start === null) return null;
  const place = repoPlace(start);
  const root = place.top !== null && within(place.top, start) ? place.top : start;
  const dirs: string[] = [];
  for (let d = start; ; d = dirname(d)) {
    dirs.push(d);
    if (d === root || dirname(d) === d) break;
  }
  const found: Found[] = [];
  const problems: string[] = [];
  let total = 0;
  const seenDirs = new Set<string>();

  const visit = (abs: string, rel: string, depth: number, secret: boolean): void => {
    if (problems.length > 0) return;
    const lst = fs.lstatSync(abs, { throwIfNoEntry: false });
    if (!lst) return;
    const target = lst.isSymbolicLink() ? fs.readlinkSync(abs) : '';
    const realPath = real(abs);
    if (realPath === null) {
      // A dangling link: nothing to load today, but it names what would be.
      found.push({
        file: { path: rel, bytes: 0, text: null, note: `a symbolic link to ${target}, which does not exist` },
        content: Buffer.alloc(0),
        kind: 'link',
        target,
      });
      return;
    }
    if (!within(root, realPath)) {
      problems.push(
        `${rel} leads outside the repository (to ${realPath}): its content is not the repository's`,
      );
      return;
    }
    const st = fs.statSync(abs);
    const link = lst.isSymbolicLink() ? `a symbolic link to ${target}` : null;
    if (st.isDirectory()) {
      if (depth >= MAX_DEPTH) return void problems.push(`${rel} is nested too deep to review`);
      if (seenDirs.has(realPath)) return; // a loop of links
      seenDirs.add(realPath);
      for (const name of fs.readdirSync(abs).sort())
        visit(join(abs, name), `${rel}/${name}`, depth + 1, secret);
      return;
    }
    if (!st.isFile()) {
      problems.push(`${rel} is not a regular file (a FIFO, socket or device)`);
      return;
    }
    if (st.size > MAX_FILE_BYTES) {
      problems.push(`${rel} is too large to review here (${st.size} bytes; the limit is ${MAX_FILE_BYTES})`);
      return;
    }
    total += st.size;
    if (total > MAX_TOTAL_BYTES || found.length >= MAX_FILES) {
      problems.push(
        `there is too much of it to review here (over ${MAX_FILES} files or ${MAX_TOTAL_BYTES} bytes)`,
      );
      return;
    }
    const content = fs.readFileSync(abs);
    const binary = content.includes(0);
    const text = binary || secret ? null : content.toString('utf8');
    const notes = [
      link,
      binary ? 'binary' : null,
      secret && !binary
        ? `values not shown; it sets ${envNames(content.toString('utf8')).join(', ') || 'nothing'}`
        : null,
    ].filter((n): n is string => n !== null);
    found.push({
      file: { path: rel, bytes: content.length, text, note: notes.length > 0 ? notes.join('; ') : null },
      content,
      kind: lst.isSymbolicLink() ? 'link' : 'file',
      target,
    });
  };

  for (const dir of dirs) {
    for (const p of spec.paths) {
      const abs = join(dir, p);
      visit(abs, relative(root, abs) || p, 0, spec.secret?.includes(p) ?? false);
    }
  }
  if (found.length === 0 && problems.length === 0) return null;
  found.sort((a, b) => (a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : 0));
  const h = createHash('sha256').update(`wtp-repo-config/1\0${vendor}\0`);
  for (const f of found) {
    h.update(`${f.file.path}\0${f.kind}\0${f.target}\0${f.content.length}\0`);
    h.update(f.content);
    h.update('\0');
  }
  return {
    vendor,
    cli: spec.cli,
    files: found.map((f) => f.file),
    hash: h.digest('hex'),
    problem: problems[0] ?? null,
  };
}
