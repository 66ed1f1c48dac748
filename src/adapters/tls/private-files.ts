import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { AppError } from '../../core/errors.js';

/** The most a file of such a folder holds (a certificate or key is under 2 KiB). */
const MAX_FILE_BYTES = 64 * 1024;

/**
 * The error a refused file gives: `problem` says what is wrong with `path` ("is a symbolic link, …");
 * the caller picks the code and the advice.
 */
export type FileRefusal = (path: string, problem: string) => AppError;

/** How a file of such a folder is checked: whether it is a key, and the error a refusal gives. */
export interface FileRule {
  readonly secret: boolean;
  readonly refuse: FileRefusal;
}

const octal = (mode: number): string => `0${(mode & 0o777).toString(8)}`;

/** Refuses what another local user could have planted: a link, a file of theirs, a key others can read. */
function checkOwned(path: string, st: Stats, rule: FileRule, kind: 'file' | 'folder'): void {
  if (st.isSymbolicLink()) {
    throw rule.refuse(
      path,
      'is a symbolic link, which wezterm-parallel never makes (another user could plant a file through one)',
    );
  }
  if (kind === 'file' ? !st.isFile() : !st.isDirectory()) {
    throw rule.refuse(path, `is not a ${kind === 'file' ? 'regular file' : 'folder'}`);
  }
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw rule.refuse(path, `belongs to another user (uid ${st.uid}), who could have planted it`);
  }
  if (kind === 'file' && (st.mode & (rule.secret ? 0o077 : 0o022)) !== 0) {
    const what = rule.secret ? 'read or written by other users' : 'written by other users';
    const leak = rule.secret ? ', so the key may have leaked' : '';
    throw rule.refuse(path, `can be ${what} (mode ${octal(st.mode)})${leak}`);
  }
  if (st.size > MAX_FILE_BYTES) throw tooLarge(path, rule);
}

const tooLarge = (path: string, rule: FileRule): AppError =>
  rule.refuse(path, 'is over 64 KiB, larger than any file wezterm-parallel keeps there');

/** Makes `dir` (0700) or checks that it is a folder of this user's, then sets its mode to 0700. */
export function ensurePrivateDir(dir: string, refuse: FileRefusal): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  checkOwned(dir, lstatSync(dir), { secret: false, refuse }, 'folder');
  chmodSync(dir, 0o700);
}

/** The text of `path` (undefined when it does not exist), once checked by `rule`; never follows a link. */
export function readPrivateFile(path: string, rule: FileRule): string | undefined {
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (!st) return undefined;
  checkOwned(path, st, rule, 'file');
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    // The file opened is the one checked, even if it was swapped since lstat.
    checkOwned(path, fstatSync(fd), rule, 'file');
    const buf = Buffer.alloc(MAX_FILE_BYTES + 1);
    let length = 0;
    for (let got = -1; got !== 0 && length < buf.length; length += got) {
      got = readSync(fd, buf, length, buf.length - length, null);
    }
    if (length > MAX_FILE_BYTES) throw tooLarge(path, rule);
    return buf.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

/** Writes `path` atomically: a new temporary file beside it (mode set at open), synced, renamed over it. */
export function writePrivateFile(path: string, text: string, mode: number): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(tmp, 'wx', mode);
    try {
      fchmodSync(fd, mode); // the umask may have taken bits away
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
