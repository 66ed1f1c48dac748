import type { RealPaths, ShellSyntax } from '../ports/shell-syntax.js';

/** A core made without a shell parser (tests): every command is left to the user; deny rules see none. */
export const NO_SHELL: ShellSyntax = {
  parse: () => Promise.resolve({ commands: [], redirects: [], unresolved: ['no shell parser'] }),
};

/** A core made without the file system: paths are taken as written (no links followed). */
export const PATHS_AS_WRITTEN: RealPaths = { realpath: (path) => Promise.resolve(path) };
