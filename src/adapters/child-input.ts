import type { Writable } from 'node:stream';

/**
 * Ends a child's stdin, with `input` first if given. A child may exit, or close its input, before
 * it read all of it: the write then fails (EPIPE), which must not become an uncaught error of this
 * process. The child's exit status and output say what happened.
 */
export function endInput(stdin: Writable | null | undefined, input?: string | Uint8Array): void {
  if (!stdin) return;
  stdin.on('error', () => undefined);
  if (input === undefined) stdin.end();
  else stdin.end(input);
}
