import { readFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { pssBytes } from '../src/adapters/process/procfs-inspector.js';
import { spawnTracked, stopChild, type Env } from './proc.js';

export interface MemorySample {
  pid: number;
  pssBytes: number;
  rssBytes: number;
  /** Private_Clean + Private_Dirty: memory only this process holds (independent of sharing). */
  ussBytes: number;
}

function rollupKiB(text: string, field: string): number | null {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return m ? Number(m[1]) : null;
}

/** PSS and RSS of one process; throws if it is gone (a figure must not silently drop a process). */
export function sampleMemory(pid: number): MemorySample {
  const pss = pssBytes(pid);
  let text = '';
  try {
    text = readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1');
  } catch {
    // reported below
  }
  // RSS and USS come from the same smaps_rollup that pssBytes() reads.
  const rss = rollupKiB(text, 'Rss');
  const clean = rollupKiB(text, 'Private_Clean');
  const dirty = rollupKiB(text, 'Private_Dirty');
  if (pss === null || rss === null || clean === null || dirty === null) {
    throw new Error(`cannot read /proc/${pid}/smaps_rollup`);
  }
  return { pid, pssBytes: pss, rssBytes: rss * 1024, ussBytes: (clean + dirty) * 1024 };
}

/** Bare idle Node processes (`node -e "setInterval(()=>{},1000)"`), the memory baseline. */
export class IdleNodes {
  private readonly children: ChildProcess[];

  constructor(count: number, env: Env, cwd: string) {
    this.children = Array.from({ length: count }, () =>
      spawnTracked(process.execPath, ['-e', 'setInterval(()=>{},1000)'], { env, cwd, stdio: 'ignore' }),
    );
  }

  sample(): MemorySample[] {
    return this.children.map((c) => {
      if (c.pid === undefined) throw new Error('idle node baseline has no pid');
      return sampleMemory(c.pid);
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.children.map((c) => stopChild(c, 5_000, 'idle node baseline')));
  }
}
