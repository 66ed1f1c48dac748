import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import type { LaunchPreflight } from '../../core/ports/daemon.js';

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Checks against the real filesystem: PATH lookup like execvp, and directory access. */
export const fsPreflight: LaunchPreflight = {
  resolveCommand(command, { cwd, pathVar }) {
    if (command.includes('/')) {
      const path = isAbsolute(command) ? command : resolve(cwd, command);
      return isExecutableFile(path) ? { ok: true, path } : { ok: false, searched: [path] };
    }
    const dirs = (pathVar ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter).filter((d) => d !== '');
    const searched: string[] = [];
    for (const dir of dirs) {
      const path = join(resolve(cwd, dir), command);
      searched.push(path);
      if (isExecutableFile(path)) return { ok: true, path };
    }
    return { ok: false, searched };
  },

  inRepository(path) {
    for (let d = resolve(path); ; d = dirname(d)) {
      if (existsSync(join(d, '.git'))) return true;
      if (dirname(d) === d) return false;
    }
  },

  checkDirectory(path) {
    try {
      if (!statSync(path).isDirectory()) return 'not_directory';
    } catch {
      return 'missing';
    }
    try {
      accessSync(path, constants.R_OK | constants.X_OK);
      return 'ok';
    } catch {
      return 'no_access';
    }
  },
};
