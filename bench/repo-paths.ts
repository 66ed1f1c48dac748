import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the benchmark finds the product: the checkout holding this bundle (dist/bench.js). */
export interface RepoPaths {
  root: string;
  /** bin/wtp.js: the launcher users run. */
  binWtp: string;
  /** dist/wtp.js: the bundle `up --detach` starts the daemon with. */
  distWtp: string;
  /** Resolved entry of node-pty, for the fresh-process baseline. */
  nodePty: string;
}

export function repoPaths(): RepoPaths {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'bin', 'wtp.js'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the wezterm-parallel checkout above the benchmark');
    dir = up;
  }
  const distWtp = join(dir, 'dist', 'wtp.js');
  if (!existsSync(distWtp)) throw new Error(`${distWtp} is missing; run \`npm run build\` first`);
  return {
    root: dir,
    binWtp: join(dir, 'bin', 'wtp.js'),
    distWtp,
    nodePty: createRequire(join(dir, 'package.json')).resolve('node-pty'),
  };
}
