import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmdirSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Why a small tmpfs cannot be mounted here (to fill it), or null when it can. */
export function cannotMountTmpfs(): string | null {
  if (process.platform !== 'linux') return `not Linux (${process.platform}): no tmpfs to fill`;
  if (process.getuid?.() !== 0) return 'not root: mounting a small tmpfs needs CAP_SYS_ADMIN';
  const probe = mkdtempSync(join(tmpdir(), 'wtp-tmpfs-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return null;
  } catch (err) {
    return `mount -t tmpfs failed (${String(err).split('\n')[0]}): no permission in this container`;
  } finally {
    rmdirSync(probe);
  }
}

/**
 * Fills the filesystem holding `file` until a write fails with ENOSPC (big writes, then ever
 * smaller ones, down to a byte) and returns how many bytes it wrote.
 */
export function fillDisk(file: string): number {
  const fd = openSync(file, 'a');
  let total = 0;
  try {
    for (const size of [1024 * 1024, 64 * 1024, 4096, 512, 1]) {
      const chunk = Buffer.alloc(size, 0x78);
      for (;;) {
        try {
          total += writeSync(fd, chunk);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return total;
}
