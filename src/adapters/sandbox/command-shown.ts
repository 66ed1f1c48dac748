import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { appError } from '../../protocol/error-messages.js';
import type { SandboxPolicy } from '../../protocol/sandbox.js';
import { shownInside } from './bwrap-args.js';
import { resolvePath } from './sandboxed-spawner.js';

/**
 * The agent's program, and the interpreter its `#!` line names, must be there inside: a CLI
 * installed under /tmp or in a hidden folder would else start and exit 127 at once.
 */
export function checkCommandShown(command: string, pathVar: string | undefined, policy: SandboxPolicy): void {
  for (const file of [command, ...interpreterOf(command, pathVar)]) {
    if (shownInside(file, policy, resolvePath)) continue;
    throw appError('SANDBOX_COMMAND_HIDDEN', { command, file });
  }
}

/** The program a script's `#!` line runs (through `env`, looked up on PATH); none for a binary. */
function interpreterOf(command: string, pathVar: string | undefined): string[] {
  let head: string;
  try {
    const fd = openSync(command, 'r');
    try {
      const buf = Buffer.alloc(256);
      head = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString('latin1');
    } finally {
      closeSync(fd);
    }
  } catch {
    return [];
  }
  if (!head.startsWith('#!')) return [];
  const words = head.slice(2).split('\n', 1)[0]?.trim().split(/\s+/) ?? [];
  const [first, ...rest] = words;
  if (first === undefined || !isAbsolute(first)) return [];
  if (first.split('/').pop() !== 'env') return [first];
  const name = rest.find((w) => !w.startsWith('-'));
  if (name === undefined) return [first];
  if (isAbsolute(name)) return [first, name];
  const found = (pathVar ?? '')
    .split(':')
    .filter((d) => isAbsolute(d))
    .map((d) => join(d, name))
    .find((f) => isFile(f));
  return found === undefined ? [first] : [first, found];
}

const isFile = (p: string): boolean => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};
