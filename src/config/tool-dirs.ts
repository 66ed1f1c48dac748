import { delimiter, dirname, join } from 'node:path';
import type { WtpEnv } from './env.js';

/** The programs the daemon runs for panes, which a Mac often has off PATH. */
export type PaneTool = 'wezterm' | 'tmux';

/**
 * Where a pane tool is looked for once PATH has not got it, in order. WezTerm sets
 * `WEZTERM_EXECUTABLE_DIR` in its panes (the folder of its GUI, where `wezterm` sits too); on macOS
 * the app bundle keeps `wezterm` in `Contents/MacOS`, which the installer does not put on PATH.
 * tmux: Homebrew (Apple silicon, then Intel), MacPorts, Homebrew on Linux — a daemon started by
 * launchd or from the Dock has only `/usr/bin:/bin:/usr/sbin:/sbin`.
 */
export function fallbackDirs(
  tool: PaneTool,
  env: Pick<WtpEnv, 'userHome' | 'weztermExecutableDir'>,
): string[] {
  if (tool === 'wezterm') {
    const app = join('WezTerm.app', 'Contents', 'MacOS');
    return [
      ...(env.weztermExecutableDir === undefined ? [] : [env.weztermExecutableDir]),
      join('/Applications', app),
      join(env.userHome, 'Applications', app),
    ];
  }
  return ['/opt/homebrew/bin', '/usr/local/bin', '/opt/local/bin', '/home/linuxbrew/.linuxbrew/bin'];
}

/** PATH, then the tool's fallback folders that PATH does not already list. */
export function toolSearchPath(
  tool: PaneTool,
  pathVar: string | undefined,
  env: Pick<WtpEnv, 'userHome' | 'weztermExecutableDir'>,
): string {
  const listed = (pathVar ?? '').split(delimiter).filter((d) => d !== '');
  const extra = fallbackDirs(tool, env).filter((d) => !listed.includes(d));
  return [...listed, ...extra].join(delimiter);
}

/**
 * The PATH for what the daemon starts, given where it found tmux: a tmux found only in a fallback
 * folder has that folder added (at the end), so the tmux server, the hosts in its panes (which call
 * `tmux` by name) and `wtp workspace attach` find the same tmux. Unchanged otherwise.
 */
export function pathWithTool(pathVar: string | undefined, toolPath: string | null): string | undefined {
  if (toolPath === null) return pathVar;
  const dir = dirname(toolPath);
  const listed = (pathVar ?? '').split(delimiter).filter((d) => d !== '');
  return listed.includes(dir) ? pathVar : [...listed, dir].join(delimiter);
}
