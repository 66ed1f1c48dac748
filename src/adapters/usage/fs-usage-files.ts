import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
  type Stats,
} from 'node:fs';
import { join } from 'node:path';
import type { FileChunk, FilePosition, UsageFiles } from '../../core/ports/usage.js';
import type { UsageFileQuery } from '../../core/usage/usage-spec.js';

/** The longest line a reader takes (a transcript line with a large tool result is well under it). */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;
/**
 * How far past its start a line over the limit is followed to find its end, in line limits (a file
 * of zeros, a hole, has none): beyond, the file is not read past that line, and says so.
 */
const SKIP_LINES = 4;
/** Names listed in one folder at most (a query never walks a huge tree). */
const MAX_NAMES = 20_000;

const NL = 0x0a;

/**
 * Agents' session files on disk. Each file is opened with O_NOFOLLOW (a link put where a
 * transcript should be is refused, never read) and must be a regular file of this user. Reading
 * starts at the stored offset of the same file (device and inode); another file under the name
 * or one shorter than the offset is read from its start, and the caller is told. Only complete
 * lines are handed out; a cut last line waits for its end; a line longer than MAX_LINE_BYTES is
 * skipped whole (counted), never read as a shortened copy.
 */
export class FsUsageFiles implements UsageFiles {
  constructor(
    private readonly o: { uid: number | null; maxLineBytes?: number } = { uid: process.getuid?.() ?? null },
  ) {}

  find(query: UsageFileQuery): string[] {
    let dirs = [query.root];
    const last = query.segments.length - 1;
    const out: string[] = [];
    query.segments.forEach((seg, i) => {
      const next: string[] = [];
      for (const dir of dirs) {
        if (typeof seg === 'string') {
          if (seg.includes('/') || seg === '..' || seg === '.' || seg.includes('\0')) continue;
          next.push(join(dir, seg));
          continue;
        }
        for (const name of list(dir)) if (seg.test(name)) next.push(join(dir, name));
      }
      if (i === last) out.push(...next.filter(present));
      dirs = next;
    });
    return out.sort();
  }

  read(path: string, from: FilePosition | null, maxBytes: number): FileChunk | { refused: string } | null {
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      if (code === 'ELOOP') return { refused: `${path} is a symbolic link: not read` };
      return { refused: `${path} cannot be opened (${code ?? 'error'})` };
    }
    try {
      const st = fstatSync(fd);
      const refused = this.refusal(path, st);
      if (refused) return { refused };
      const same = from !== null && from.dev === st.dev && from.ino === st.ino;
      const change: FileChunk['change'] =
        from === null ? 'same' : !same ? 'replaced' : st.size < from.offset ? 'truncated' : 'same';
      const start = change === 'same' && from !== null ? from.offset : 0;
      return this.lines(path, fd, st, start, change, maxBytes);
    } finally {
      closeSync(fd);
    }
  }

  private refusal(path: string, st: Stats): string | null {
    if (!st.isFile()) return `${path} is not a regular file: not read`;
    if (this.o.uid !== null && st.uid !== this.o.uid)
      return `${path} belongs to another user (uid ${st.uid}): not read`;
    return null;
  }

  /** Complete lines from `start`, about `maxBytes` of them; a line over the limit is skipped whole. */
  private lines(
    path: string,
    fd: number,
    st: Stats,
    start: number,
    change: FileChunk['change'],
    maxBytes: number,
  ): FileChunk | { refused: string } {
    const maxLine = this.o.maxLineBytes ?? MAX_LINE_BYTES;
    const size = st.size;
    // Room for at least one whole line of the largest size taken.
    const want = Math.max(0, Math.min(size - start, Math.max(maxBytes, maxLine + 1)));
    const buf = Buffer.allocUnsafe(want);
    const got = want > 0 ? readSync(fd, buf, 0, want, start) : 0;
    const lines: string[] = [];
    let oversized = 0;
    let lineStart = 0;
    for (let i = buf.subarray(0, got).indexOf(NL); i >= 0; i = buf.subarray(0, got).indexOf(NL, lineStart)) {
      const len = i - lineStart;
      if (len > maxLine) oversized += 1;
      else if (len > 0) lines.push(buf.toString('utf8', lineStart, i));
      lineStart = i + 1;
    }
    let offset = start + lineStart;
    if (got - lineStart > maxLine) {
      // The line after the last newline is already over the limit: skipped to its end, once it has
      // one — looked for up to SKIP_LINES limits from the line's start, never through all of a file.
      const skip = SKIP_LINES * maxLine;
      const end = this.skipLine(fd, start + got, Math.min(size, offset + skip));
      if (end === null && size > offset + skip) {
        if (lines.length === 0 && oversized === 0)
          return { refused: `${path} has a line of over ${skip} bytes at byte ${offset}: not read past it` };
      } else if (end !== null) {
        oversized += 1;
        offset = end;
      }
    }
    return {
      lines,
      position: { offset, dev: st.dev, ino: st.ino },
      change,
      oversized,
      // Bytes beyond those read (not a cut last line among them), and this read moved on.
      more: start + got < size && offset > start,
    };
  }

  /** The offset just after the next newline from `from` to `until`, or null when there is none. */
  private skipLine(fd: number, from: number, until: number): number | null {
    const buf = Buffer.allocUnsafe(64 * 1024);
    for (let at = from; at < until;) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, until - at), at);
      if (n <= 0) return null;
      const i = buf.subarray(0, n).indexOf(NL);
      if (i >= 0) return at + i + 1;
      at += n;
    }
    return null;
  }
}

/** A file or a link (the reader refuses links, and says so) at the path. */
function present(path: string): boolean {
  try {
    const st = lstatSync(path);
    return st.isFile() || st.isSymbolicLink();
  } catch {
    return false;
  }
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir).slice(0, MAX_NAMES);
  } catch {
    return [];
  }
}
