import { execFile } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { type Command, CommanderError } from 'commander';
import { CliContext, NO_DAEMON } from '../../src/interfaces/cli/context.js';
import { buildProgram } from '../../src/interfaces/cli/main.js';
import { VERSION } from '../../src/version.js';

/**
 * The check of a console block that cannot run here (`<!-- doc-test: skip … -->`): the command
 * line must parse in bash, and every `wtp …` in it must parse with the real `wtp` program, whose
 * actions are replaced by no-ops (nothing runs, no daemon is needed).
 */

const RECORD = '\x1e';

/** bash's verdict on `command` (null when it parses). */
function bashSyntax(command: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('bash', ['-n', '-c', command], (err, _out, stderr) => resolve(err ? stderr.trim() : null));
  });
}

/**
 * The argument lists of the `wtp` calls in `command`, as bash splits them. `wtp` is a function
 * that prints its arguments, and PATH is empty, so no other program can run.
 */
function wtpCalls(command: string): Promise<string[][]> {
  const script = `PATH=/nonexistent\nwtp() { printf '${RECORD}'; printf '%s\\0' "$@"; }\n${command}`;
  return new Promise((resolve) => {
    execFile('bash', ['-c', script], (_err, stdout) => {
      resolve(
        stdout
          .split(RECORD)
          .slice(1)
          .map((r) => r.split('\0').slice(0, -1)),
      );
    });
  });
}

/**
 * Every command of the program with exit and output overridden, and its action (where it has one:
 * a group such as `workspace` must keep refusing unknown subcommands) a no-op.
 */
function parseOnly(cmd: Command, sink: PassThrough): void {
  cmd.exitOverride().configureOutput({ writeOut: (s) => sink.write(s), writeErr: (s) => sink.write(s) });
  if ((cmd as unknown as { _actionHandler: unknown })._actionHandler) cmd.action(() => undefined);
  for (const c of cmd.commands) parseOnly(c, sink);
}

/** Why `wtp <argv>` does not parse, or null. */
async function wtpSyntax(argv: string[]): Promise<string | null> {
  const sink = new PassThrough();
  const stream = sink as unknown as NodeJS.WriteStream;
  const ctx = new CliContext({
    version: VERSION,
    entry: '',
    nodePath: process.execPath,
    daemon: NO_DAEMON,
    stdout: stream,
    stderr: stream,
  });
  const program = buildProgram(ctx);
  parseOnly(program, sink);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return null;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? null : err.message;
    throw err;
  }
}

/** Why a command line of a document does not parse, or null when it does. */
export async function checkSyntax(command: string): Promise<string | null> {
  const bash = await bashSyntax(command);
  if (bash) return `bash: ${bash}`;
  for (const argv of await wtpCalls(command)) {
    const problem = await wtpSyntax(argv);
    if (problem) return `wtp ${argv.join(' ')}: ${problem}`;
  }
  return null;
}
