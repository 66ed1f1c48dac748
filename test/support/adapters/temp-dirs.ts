import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Temporary folders (`wtp-test-…`) for one test file; `removeAll()` in `afterEach`. */
export class TempDirs {
  private readonly dirs: string[] = [];

  make(): string {
    const dir = mkdtempSync(join(tmpdir(), 'wtp-test-'));
    this.dirs.push(dir);
    return dir;
  }

  removeAll(): void {
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

/** Deterministic bytes for stream offsets [start, end): the byte at offset i is i mod 251. */
export function streamBytes(start: number, end: number): Buffer {
  const out = Buffer.alloc(end - start);
  for (let i = start; i < end; i++) out[i - start] = i % 251;
  return out;
}
