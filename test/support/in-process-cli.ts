import { Readable, Writable } from 'node:stream';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * `wtp` calls run inside the test's own process, through the built bundle's CLI (dist/cli.js, the
 * code bin/wtp.js runs): a Node process per call cost ~0.14 CPU-s, and the suite makes thousands
 * of them on 2 cores. It is on with WTP_TEST_CLI=in-process, not by default: answering as soon as a
 * state shows (no process start between) finds product races in turn ends that are not fixed yet
 * (Copilot CLI's session file read before it has the turn; a late Codex notify). Calls that need a
 * process still start one.
 */

interface CliModule {
  runWtp(
    argv: string[],
    io: {
      entry: string;
      env: NodeJS.ProcessEnv;
      stdin: NodeJS.ReadStream;
      stdout: NodeJS.WriteStream;
      stderr: NodeJS.WriteStream;
    },
  ): Promise<number>;
}

let cli: Promise<CliModule> | undefined;

/**
 * Whether `wtp <args>` needs a process: a foreground daemon, the agent host, the hook fast path
 * (bin/wtp.js's own), the interactive commands and the MCP server, or `wtp` alone.
 */
export function needsProcess(args: readonly string[]): boolean {
  if (process.env.WTP_TEST_CLI !== 'in-process') return true;
  const [command] = args;
  if (command === undefined) return true;
  if (command === 'up') return !args.includes('--detach') && !args.includes('-d');
  return ['host', 'hook', 'attach', 'tui', 'mcp'].includes(command);
}

/** A stream that keeps what is written, as a piped stdout does (no TTY). */
class Capture extends Writable {
  private readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    done();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `wtp <args>` here with `env` and `input` on stdin. A call still running after `timeoutMs`
 * is reported as the harness reports a killed process (it cannot be killed: it runs on here).
 */
export async function runInProcess(
  repo: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: { input?: string | undefined; timeoutMs: number },
): Promise<InProcessResult> {
  // Node's own loader, not the test runner's (vitest.config.ts externalizes dist/): the bundle as
  // `node bin/wtp.js` loads it.
  cli ??= import(/* @vite-ignore */ pathToFileURL(join(repo, 'dist', 'cli.js')).href) as Promise<CliModule>;
  const { runWtp } = await cli;
  const stdout = new Capture();
  const stderr = new Capture();
  const stdin = Readable.from(opts.input === undefined ? [] : [Buffer.from(opts.input)]);
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<number>((resolve) => {
    timer = setTimeout(() => resolve(-1), opts.timeoutMs);
  });
  const ran = runWtp(args, {
    entry: join(repo, 'dist', 'wtp.js'),
    env,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
  }).catch((err: unknown) => {
    // What Node prints for an uncaught error, and its exit status.
    stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  });
  const code = await Promise.race([ran, hung]);
  clearTimeout(timer);
  if (code === -1) {
    const note = `[harness] \`wtp ${args.join(' ')}\` still running after ${opts.timeoutMs} ms (in-process)\n`;
    return { code: 1, stdout: stdout.text(), stderr: stderr.text() + note };
  }
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
