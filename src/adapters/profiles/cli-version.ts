import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { CLI_VERSION_PATTERN } from '../../protocol/constants.js';
import { appError } from '../../protocol/error-messages.js';

/** How long `--version` may take: Gemini CLI took 12 s on a loaded 2-core machine. */
export const VERSION_TIMEOUT_MS = 30_000;

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

  /**
   * Runs `<cli> --version`; AGENT_CLI_BROKEN when it fails, times out or prints no version. It runs
   * in a process group of its own, killed whole (SIGKILL) at the time limit: a CLI that relaunches
   * itself (Gemini CLI's wrapper ignores SIGTERM and waits for its child) leaves nothing behind,
   * and a timeout is reported as one (not as the wrapper's later exit 0 with its output cut off).
   */
  private async ask(command: string): Promise<string> {
    const timeoutMs = this.o.timeoutMs ?? VERSION_TIMEOUT_MS;
    const out = await new Promise<{ code: number | null; text: string; timedOut: boolean }>((resolve) => {
      let text = '';
      let timedOut = false;
      const child = spawn(command, ['--version'], {
        env: { ...this.o.env } as NodeJS.ProcessEnv,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
      });
      const timer = setTimeout(() => {
        timedOut = true;
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }, timeoutMs);
      const take = (b: Buffer): void => {
        if (text.length < 4000) text += b.toString('utf8');
      };
      child.stdout.on('data', take);
      child.stderr.on('data', take);
      child.on('error', (err) => {
        clearTimeout(timer);
        resolve({ code: -1, text: err.message, timedOut: false });
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: timedOut ? null : (code ?? -1), text: text.trim(), timedOut });
      });
      child.stdin.end();
    });
    const m = CLI_VERSION_PATTERN.exec(out.text);
    if (out.code !== 0 || !m?.[1]) {
      throw appError('AGENT_CLI_BROKEN', {
        command,
        exitCode: out.code,
        timedOut: out.timedOut,
        output: out.text.slice(0, 2000),
        seconds: out.timedOut ? timeoutMs / 1000 : null,
        said: out.text.slice(0, 200) || 'no output',
      });
    }
    return m[1];
  }
}
