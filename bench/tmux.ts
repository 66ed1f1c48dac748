import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmuxSocketPath } from '../src/config/paths.js';
import { nowMs, runTimed, sleep, type Env } from './proc.js';
import { liveKillers } from './sandbox.js';

const TIMEOUT_MS = 10_000;
const GONE_POLL_MS = 20;

/** A tmux server on its own `-L` socket, killed by `kill()` or by the benchmark's cleanup. */
export class TmuxServer {
  /** kill-server, then the socket file, in case the server died without removing it. */
  private readonly killer = (): void => {
    spawnSync('tmux', ['-L', this.socketName, 'kill-server'], {
      env: this.env,
      stdio: 'ignore',
      timeout: 5_000,
    });
    rmSync(tmuxSocketPath(this.socketName, this.env.TMUX_TMPDIR, process.getuid?.() ?? 0), { force: true });
  };

  constructor(
    readonly socketName: string,
    private readonly env: Env,
    private readonly cwd: string,
  ) {
    liveKillers.add(this.killer);
  }

  /** Runs one tmux command against this server; throws unless it exits 0. Returns stdout. */
  async run(args: readonly string[]): Promise<string> {
    const r = await runTimed('tmux', ['-L', this.socketName, ...args], {
      env: this.env,
      cwd: this.cwd,
      timeoutMs: TIMEOUT_MS,
    });
    if (r.code !== 0) throw new Error(`tmux ${args.join(' ')} exited with ${r.code}: ${r.stderr}`);
    return r.stdout;
  }

  async hasSession(name: string): Promise<boolean> {
    const r = await runTimed('tmux', ['-L', this.socketName, 'has-session', '-t', `=${name}`], {
      env: this.env,
      cwd: this.cwd,
      timeoutMs: TIMEOUT_MS,
    });
    return r.code === 0;
  }

  /** Polls until the session is gone (with the last session, the server exits too). */
  async waitSessionGone(name: string, timeoutMs: number): Promise<void> {
    const deadline = nowMs() + timeoutMs;
    while (await this.hasSession(name)) {
      if (nowMs() > deadline) throw new Error(`tmux session ${name} still exists after ${timeoutMs} ms`);
      await sleep(GONE_POLL_MS);
    }
  }

  kill(): void {
    this.killer();
    liveKillers.delete(this.killer);
  }
}
