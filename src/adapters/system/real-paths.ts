import { realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { RealPaths } from '../../core/ports/shell-syntax.js';

/**
 * Paths with their symbolic links resolved (node's realpath): for a path that does not exist yet
 * (a file about to be written), the real path of its longest existing prefix, then the rest as
 * written. A prefix that cannot be read (permissions) counts as missing.
 */
export const fsRealPaths: RealPaths = {
  async realpath(path: string): Promise<string> {
    const rest: string[] = [];
    let at = path;
    for (;;) {
      try {
        return join(await realpath(at), ...rest.reverse());
      } catch {
        const up = dirname(at);
        if (up === at) return path;
        rest.push(basename(at));
        at = up;
      }
    }
  },
};
