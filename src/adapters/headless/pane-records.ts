import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PaneInfo } from '../../core/ports/panes.js';
import { parseGroupMembers } from '../../protocol/host-group.js';

/** A members file larger than this is not a group's. */
const MEMBERS_MAX_BYTES = 256 * 1024;

/** What the daemon knows of a pane it started. */
export interface Known {
  start: string;
  workspace: string;
  agentId: string | null;
  /** A host group: its control socket and members file. */
  group?: { socket: string; members: string };
}

export interface PaneRecord extends Known {
  pid: number;
}

export function paneOf(id: string, workspace: string, agentId: string | null, pid: number): PaneInfo {
  return { id, workspace, title: '', agentId, pid, active: false, ours: true };
}

/** The agents a group says it holds; null when its file is not there yet (or not a group's). */
export function groupMembers(file: string): string[] | null {
  try {
    if (statSync(file).size > MEMBERS_MAX_BYTES) return null;
    return parseGroupMembers(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** A dead group's socket, members and closed-panes files, log and stderr. */
export function removeGroupFiles(socket: string): void {
  const base = socket.replace(/\.sock$/, '');
  for (const ext of [
    '.sock',
    '.members',
    '.members.tmp',
    '.closed',
    '.closed.tmp',
    '.panes',
    '.panes.tmp',
    '.log',
    '.log.1',
    '.stderr',
  ])
    rmSync(`${base}${ext}`, { force: true });
}

/** `headless/<pid>.json` (0600): how a restarted daemon finds this pane again, without reading its environment. */
export function writeRecord(dir: string, r: PaneRecord): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, `${r.pid}.json`), JSON.stringify(r), { mode: 0o600 });
}

export function readRecords(dir: string): PaneRecord[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /^\d+\.json$/.test(n));
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    try {
      const r = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Partial<PaneRecord>;
      if (typeof r.pid !== 'number' || typeof r.start !== 'string' || typeof r.workspace !== 'string')
        return [];
      const g = r.group;
      // A group's files are ours only inside this folder (the record names them).
      const group =
        g &&
        typeof g.socket === 'string' &&
        typeof g.members === 'string' &&
        dirname(g.socket) === dir &&
        dirname(g.members) === dir
          ? { group: { socket: g.socket, members: g.members } }
          : {};
      return [{ pid: r.pid, start: r.start, workspace: r.workspace, agentId: r.agentId ?? null, ...group }];
    } catch {
      return []; // half-written or foreign: not a pane
    }
  });
}
