import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * An agent's output log is a few files named by the byte offset ("seq") of their first
 * byte: `out-0000000000000000.log`, `out-0000000008388608.log`, … so any offset maps to
 * a file position without an index.
 */
export interface LogFile {
  start: number;
  size: number;
  path: string;
}

const PATTERN = /^out-(\d{16})\.log$/;

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

/** Output logs of agent `id` live in `<agentsDir>/<id>/`. */
export function agentDir(agentsDir: string, agentId: string): string {
  return join(agentsDir, agentId);
}
