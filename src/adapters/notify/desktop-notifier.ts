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
  /** `darwin` uses terminal-notifier when installed, else osascript; anything else notify-send. */
  platform?: NodeJS.Platform;
}

/** A program that shows a notification, and its arguments for one (never a shell, never a script built from text). */
interface Program {
  file: string;
  name: string;
  args(n: AgentNotification): string[];
}

/** terminal-notifier reads `-name value` pairs: a value that starts with `-` would read as an option. */
const notAnOption = (text: string): string => (text.startsWith('-') ? `\u200b${text}` : text);

/**
 * The notifier of this platform: notify-send (libnotify) on Linux; on macOS terminal-notifier when it
 * is installed (Homebrew), else osascript, which every Mac has — its script is fixed and the title
 * and message come as arguments (`on run argv`), so no text is ever parsed as AppleScript.
 */
function findProgram(platform: NodeJS.Platform, pathVar: string | undefined): Program | null {
  const on = (name: string): string | null => findOnPath(name, pathVar);
  if (platform === 'darwin') {
    const tn = on('terminal-notifier');
    if (tn)
      return {
        file: tn,
        name: 'terminal-notifier',
        args: (n) => [
          '-title',
          notAnOption(n.title),
          '-message',
          notAnOption(n.message),
          '-group',
          `wezterm-parallel-${n.agentId}`,
          ...(n.urgency === 'critical' ? ['-sound', 'default'] : []),
        ],
      };
    const osa = on('osascript') ?? findOnPath('osascript', '/usr/bin');
    if (osa)
      return {
        file: osa,
        name: 'osascript',
        args: (n) => [
          '-e',
          'on run argv',
          '-e',
          'display notification (item 2 of argv) with title (item 1 of argv)',
          '-e',
          'end run',
          // osascript reads options with getopt: a title starting with `-` would read as one.
          '--',
          n.title,
          n.message,
        ],
      };
    return null;
  }
  const ns = on('notify-send');
  return ns
    ? {
        file: ns,
        name: 'notify-send',
        args: (n) => ['--app-name=wezterm-parallel', `--urgency=${n.urgency}`, '--', n.title, n.message],
      }
    : null;
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

/** Desktop notifications through `notify-send` (Linux) or terminal-notifier/osascript (macOS). */
export class DesktopNotifier implements NotificationChannel {
  readonly name = 'desktop' as const;
  private program: Program | null | undefined; // undefined: not looked for yet

  constructor(private readonly o: DesktopNotifierOptions) {}

  /** Whether notify-send was found on the PATH (looked up once). */
  available(): boolean {
    return this.binary() !== null;
  }

  async send(n: AgentNotification): Promise<void> {
    const p = this.binary();
    if (p === null) return;
    const timeoutMs = this.o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const r = await runCommand(p.file, p.args(n), {
      timeoutMs,
      ...(this.o.env ? { env: this.o.env } : {}),
    });
    if (r.spawnError) throw new Error(`${p.name} could not start: ${r.spawnError}`);
    if (r.timedOut) throw new Error(`${p.name} timed out after ${timeoutMs} ms`);
    if (r.exitCode !== 0) {
      const why = r.stderr.trim().split('\n')[0] || `signal ${r.signal ?? 'unknown'}`;
      throw new Error(`${p.name} exited with ${r.exitCode ?? 'no code'}: ${why}`);
    }
  }

  private binary(): Program | null {
    if (this.program === undefined)
      this.program = findProgram(this.o.platform ?? process.platform, this.o.pathVar);
    return this.program;
  }
}
