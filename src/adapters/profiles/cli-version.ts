import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { AppError } from '../../core/errors.js';
import { CLI_VERSION_PATTERN } from '../../protocol/constants.js';

/**
 * `<cli> --version` of agent CLIs, safely: the program file and one argument (no shell), stdin
 * closed, a time limit; cached per program file by modification time, and shared by callers that
 * ask at once (agents started together, `wtp profiles`).
 */
export class CliVersions {
  private readonly versions = new Map<string, { mtimeMs: number; version: string }>();
  private readonly asking = new Map<string, Promise<string>>();

  constructor(
    private readonly o: { env: Readonly<Record<string, string | undefined>>; timeoutMs?: number },
  ) {}

  /** The version, or null when the file is not there; AGENT_CLI_BROKEN when `--version` fails. */
  async get(command: string): Promise<string | null> {
    let mtimeMs = 0;
    try {
      mtimeMs = statSync(command).mtimeMs;
    } catch {
      return null;
    }
    const cached = this.versions.get(command);
    if (cached?.mtimeMs === mtimeMs) return cached.version;
    const key = `${command}\u0000${mtimeMs}`;
    let asking = this.asking.get(key);
    if (!asking) {
      asking = this.ask(command).finally(() => this.asking.delete(key));
      this.asking.set(key, asking);
    }
    const version = await asking;
    this.versions.set(command, { mtimeMs, version });
    return version;
  }

  /** Runs `<cli> --version`; AGENT_CLI_BROKEN when it fails, times out or prints no version. */
  private async ask(command: string): Promise<string> {
    const out = await new Promise<{ code: number | null; text: string; timedOut: boolean }>((resolve) => {
      const child = execFile(
        command,
        ['--version'],
        { timeout: this.o.timeoutMs ?? 10_000, env: { ...this.o.env } as NodeJS.ProcessEnv },
        (err, stdout, stderr) => {
          const e = err as (NodeJS.ErrnoException & { killed?: boolean; code?: unknown }) | null;
          resolve({
            code: e ? (typeof e.code === 'number' ? e.code : -1) : 0,
            text: `${stdout}${stderr}`.trim(),
            timedOut: e?.killed === true,
          });
        },
      );
      child.stdin?.end();
    });
    const m = CLI_VERSION_PATTERN.exec(out.text);
    if (out.code !== 0 || !m?.[1]) {
      throw new AppError(
        'AGENT_CLI_BROKEN',
        `\`${command} --version\` ${out.timedOut ? 'timed out' : `failed (exit ${out.code})`}: ${out.text.slice(0, 200) || 'no output'}`,
        { command, exitCode: out.code, timedOut: out.timedOut, output: out.text.slice(0, 2000) },
      );
    }
    return m[1];
  }
}
