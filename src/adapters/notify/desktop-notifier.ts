import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type { AgentNotification, NotificationChannel } from '../../core/reports/notifier.js';
import { runCommand } from '../run-command.js';

export interface DesktopNotifierOptions {
  /** PATH to look for notify-send in (the daemon passes the one it gives agents). */
  pathVar: string | undefined;
  /** Environment of notify-send (it needs DBUS_SESSION_BUS_ADDRESS); inherited when absent. */
  env?: Record<string, string>;
  /** Kill notify-send after this long (a hung notification daemon must not pile up processes). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5_000;

/** The first executable `name` in the PATH's absolute directories, as execvp would run it. */
function findOnPath(name: string, pathVar: string | undefined): string | null {
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (!isAbsolute(dir)) continue; // relative entries depend on the daemon's cwd: skip them
    const file = join(dir, name);
    try {
      if (!statSync(file).isFile()) continue;
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      continue;
    }
  }
  return null;
}

/** Desktop notifications through `notify-send` (libnotify), when it is installed. */
export class DesktopNotifier implements NotificationChannel {
  readonly name = 'desktop' as const;
  private path: string | null | undefined; // undefined: not looked for yet

  constructor(private readonly o: DesktopNotifierOptions) {}

  /** Whether notify-send was found on the PATH (looked up once). */
  available(): boolean {
    return this.binary() !== null;
  }

  async send(n: AgentNotification): Promise<void> {
    const file = this.binary();
    if (file === null) return;
    const timeoutMs = this.o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const r = await runCommand(
      file,
      ['--app-name=wezterm-parallel', `--urgency=${n.urgency}`, '--', n.title, n.message],
      { timeoutMs, ...(this.o.env ? { env: this.o.env } : {}) },
    );
    if (r.spawnError) throw new Error(`notify-send could not start: ${r.spawnError}`);
    if (r.timedOut) throw new Error(`notify-send timed out after ${timeoutMs} ms`);
    if (r.exitCode !== 0) {
      const why = r.stderr.trim().split('\n')[0] || `signal ${r.signal ?? 'unknown'}`;
      throw new Error(`notify-send exited with ${r.exitCode ?? 'no code'}: ${why}`);
    }
  }

  private binary(): string | null {
    if (this.path === undefined) this.path = findOnPath('notify-send', this.o.pathVar);
    return this.path;
  }
}
