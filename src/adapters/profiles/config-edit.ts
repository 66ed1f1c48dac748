import * as fs from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

const MAX_LINKS = 40;

/**
 * The file a write to `path` must replace: `path` itself, or the end of its chain of symbolic
 * links (a config kept in a dotfiles repository and linked into HOME stays linked, and the
 * repository's file is what changes). A link whose target does not exist yet leads to that target.
 */
export function linkTarget(path: string): string {
  let p = resolve(path);
  for (let i = 0; i < MAX_LINKS; i++) {
    const st = fs.lstatSync(p, { throwIfNoEntry: false });
    if (!st?.isSymbolicLink()) return p;
    p = resolve(dirname(p), fs.readlinkSync(p));
  }
  throw Object.assign(new Error(`${path}: too many levels of symbolic links`), { code: 'ELOOP' });
}

let sequence = 0;

/**
 * Edits a file of the user's: `edit` gets its text (null when it does not exist) and returns the
 * new text, or null to leave it. The new text goes to the link's target (linkTarget), atomically:
 * a temporary file in the target's own folder (so the rename stays on one file system), with the
 * target's mode (0600 for a new file), renamed over it. The old text is kept in
 * `<target>.wtp-backup` (0600) first. Returns whether it wrote; a failed write leaves the file as
 * it was and no temporary file.
 */
export function editConfigFile(path: string, edit: (text: string | null) => string | null): boolean {
  const target = linkTarget(path);
  const st = fs.statSync(target, { throwIfNoEntry: false });
  if (st && !st.isFile()) throw new Error(`${target} is not a regular file`);
  const text = st ? fs.readFileSync(target, 'utf8') : null;
  const next = edit(text);
  if (next === null || next === text) return false;
  const dir = dirname(target);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (text !== null) writeReplacing(join(dir, `${basename(target)}.wtp-backup`), text, 0o600);
  writeReplacing(target, next, st ? st.mode & 0o7777 : 0o600);
  return true;
}

/** A temporary file beside `path`, then rename over it. */
function writeReplacing(path: string, text: string, mode: number): void {
  const tmp = join(dirname(path), `.${basename(path)}.wtp-${process.pid}-${++sequence}.tmp`);
  try {
    fs.writeFileSync(tmp, text, { mode, flag: 'wx' });
    fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, path);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
