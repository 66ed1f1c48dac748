import { closeSync, constants, fstatSync, openSync, readSync, renameSync, writeFileSync } from 'node:fs';
import {
  CLOSED_PANES_MAX,
  CLOSED_PANES_MAX_BYTES,
  parseClosedPanes,
  type ClosedPane,
  type ClosedPanesRead,
} from '../../protocol/host-group.js';

/** Gone groups whose word is kept after their files are removed; the oldest is forgotten first. */
const GONE_GROUPS_MAX = 64;

/**
 * Beside a group's socket: the panes its agents left because they were closed by hand. The group
 * ends with its last agent, so a daemon that was away when that pane closed finds only this file
 * to tell a stop from a crash.
 */
export const closedPanesFile = (socket: string): string => `${socket.replace(/\.sock$/, '')}.closed`;

/**
 * Beside a group's socket: the panes it serves now, one per agent. WezTerm's pane list has no
 * place for a mark, so the daemon knows a pane's group by this file.
 */
export const servedPanesFile = (socket: string): string => `${socket.replace(/\.sock$/, '')}.panes`;

/** Writes a list of panes atomically, 0600. */
export function writePanes(file: string, list: ClosedPane[]): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(list), { mode: 0o600 });
  renameSync(tmp, file);
}

/** Adds `pane` to the list (one entry per agent, the newest) and writes it atomically, 0600. */
export function recordClosedPane(file: string, list: ClosedPane[], pane: ClosedPane): ClosedPane[] {
  const next = [...list.filter((p) => p.agent !== pane.agent), pane].slice(-CLOSED_PANES_MAX);
  writePanes(file, next);
  return next;
}

/**
 * The panes a group's file names (closed by hand, or served). The file is ours, written by our
 * group in the state dir, but read as anything on disk is: no link followed, a regular file of
 * this user, at most CLOSED_PANES_MAX_BYTES, strictly shaped. No file: no pane.
 */
export function readClosedPanes(file: string): ClosedPanesRead {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO put there is refused below instead of blocking the open.
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { panes: [] };
    if (code === 'ELOOP') return { refused: `${file} is a symbolic link: not read` };
    return { refused: `${file} cannot be opened (${code ?? String(err)})` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { refused: `${file} is not a regular file: not read` };
    const uid = process.getuid?.();
    if (uid !== undefined && st.uid !== uid)
      return { refused: `${file} belongs to another user (uid ${st.uid}): not read` };
    if (st.size > CLOSED_PANES_MAX_BYTES)
      return { refused: `${file} is over ${CLOSED_PANES_MAX_BYTES} bytes: not read` };
    const buf = Buffer.alloc(CLOSED_PANES_MAX_BYTES + 1);
    let n = 0;
    for (let r; n < buf.length && (r = readSync(fd, buf, n, buf.length - n, null)) > 0;) n += r;
    if (n > CLOSED_PANES_MAX_BYTES)
      return { refused: `${file} is over ${CLOSED_PANES_MAX_BYTES} bytes: not read` };
    const panes = parseClosedPanes(buf.toString('utf8', 0, n));
    return panes ? { panes } : { refused: `${file} is not a list of panes: not read` };
  } catch (err) {
    return { refused: `${file} cannot be read (${String(err)})` };
  } finally {
    closeSync(fd);
  }
}

/**
 * What gone groups said, read just before their files are removed: a daemon cleaning up after
 * one agent's group (a launch lists the groups) must not lose another agent's word.
 */
export class GoneGroupWords {
  private readonly words = new Map<number, ClosedPanesRead>();

  keep(groupPid: number, socket: string): void {
    const word = readClosedPanes(closedPanesFile(socket));
    this.words.delete(groupPid);
    if ('panes' in word && word.panes.length === 0) return;
    this.words.set(groupPid, word);
    for (const pid of this.words.keys()) {
      if (this.words.size <= GONE_GROUPS_MAX) break;
      this.words.delete(pid);
    }
  }

  of(groupPid: number): ClosedPanesRead | undefined {
    return this.words.get(groupPid);
  }
}
