import { isFastCall, runFastCall } from './interfaces/cli/fast-path.js';
import { VERSION } from './version.js';

/**
 * The launcher's fast path (bin/wtp.js): `wtp ls`, `wtp diff`, `wtp approve|deny|answer` in their
 * common forms (interfaces/cli/fast-path.ts) without the CLI's program.
 * True when it ran the call; false when the whole CLI (dist/wtp.js) must run it, because the call
 * is another one or failed in a way the CLI can safely ask again (it then reports the error).
 */
export async function runFast(argv: readonly string[]): Promise<boolean> {
  if (!isFastCall(argv)) return false;
  // `wtp ls | head` closes our stdout early: that is not an error (as in src/bin.ts).
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  const code = await runFastCall(argv, VERSION);
  if (code === null) return false;
  if (code !== 0) process.exitCode = code;
  return true;
}
