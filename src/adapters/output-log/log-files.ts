import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * An agent's output log is a few files named by the byte offset ("seq") of their first
 * byte: `out-0000000000000000.log`, `out-0000000008388608.log`, … so any offset maps to
 * a file position without an index. Bytes the host could not write (disk full) leave a gap
 * between two files: the file after it is named by the offset where the log goes on, so
 * offsets stay exact; `gaps.jsonl` says why each gap is there.
 */
export interface LogFile {
  start: number;
  size: number;
  path: string;
}

/** Why bytes [from, to) are missing: one line of `gaps.jsonl`, written when writing worked again. */
export interface GapNote {
  from: number;
  to: number;
  /** ENOSPC, EIO, … */
  code: string;
  at: string;
}

const PATTERN = /^out-(\d{16})\.log$/;

/** The sidecar listing the output log's gaps, one JSON object per line. */
export const GAPS_FILE = 'gaps.jsonl';

export function logFileName(start: number): string {
  return `out-${String(start).padStart(16, '0')}.log`;
}

/** The agent's log files, oldest first (files that vanish while listing are skipped). */
export function listLogFiles(dir: string): LogFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const files: LogFile[] = [];
  for (const name of names) {
    const m = PATTERN.exec(name);
    if (!m) continue;
    const path = join(dir, name);
    try {
      files.push({ start: Number(m[1]), size: statSync(path).size, path });
    } catch {
      // rotated away meanwhile
    }
  }
  return files.sort((a, b) => a.start - b.start);
}

/** The notes of `gaps.jsonl` (none when it is missing; unreadable lines are skipped). */
export function readGapNotes(dir: string): GapNote[] {
  let text: string;
  try {
    text = readFileSync(join(dir, GAPS_FILE), 'utf8');
  } catch {
    return [];
  }
  const notes: GapNote[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const n = JSON.parse(line) as Partial<GapNote>;
      if (typeof n.from === 'number' && typeof n.to === 'number' && typeof n.code === 'string')
        notes.push({ from: n.from, to: n.to, code: n.code, at: typeof n.at === 'string' ? n.at : '' });
    } catch {
      // a line torn by a full disk
    }
  }
  return notes;
}

/** Output logs of agent `id` live in `<agentsDir>/<id>/`. */
export function agentDir(agentsDir: string, agentId: string): string {
  return join(agentsDir, agentId);
}
