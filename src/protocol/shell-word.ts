/** `path` quoted for a POSIX shell when it needs it: it goes into a command the user copies. */
export const shellWord = (path: string): string =>
  /^[A-Za-z0-9_./:@%+=,-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
