import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import type { WtpEnv } from './env.js';

/** Every file and folder wezterm-parallel uses. */
export interface WtpPaths {
  configDir: string;
  stateDir: string;
  configFile: string;
  /** Sockets, the pid file and the daemon lock (mode 0700). */
  runDir: string;
  apiSocket: string;
  hostSocket: string;
  lockFile: string;
  /** JSON describing the running daemon: pid, addresses, version. */
  daemonFile: string;
  tokenFile: string;
  database: string;
  logDir: string;
  logFile: string;
  /** Per-agent folders: output logs and host diagnostics. */
  agentsDir: string;
}

/** The dedicated tmux server of a state dir (`tmux -L wtp-<8 hex>`): never the user's own server. */
export function tmuxSocketName(stateDir: string): string {
  return `wtp-${createHash('sha256').update(stateDir).digest('hex').slice(0, 8)}`;
}

/**
 * Where tmux puts the socket of `-L <name>`: `$TMUX_TMPDIR/tmux-<uid>/<name>` (default /tmp).
 * tmux 3.3 leaves it behind when its server exits, so whoever kills a server removes it.
 */
export function tmuxSocketPath(name: string, tmuxTmpdir: string | undefined, uid: number): string {
  return join(tmuxTmpdir || '/tmp', `tmux-${uid}`, name);
}

export function resolvePaths(env: WtpEnv): WtpPaths {
  const configDir = env.home
    ? resolve(env.home)
    : join(env.xdgConfigHome ?? join(env.userHome, '.config'), 'wezterm-parallel');
  const stateDir = env.home
    ? resolve(env.home)
    : join(env.xdgStateHome ?? join(env.userHome, '.local', 'state'), 'wezterm-parallel');
  const runDir = join(stateDir, 'run');
  const logDir = join(stateDir, 'logs');
  return {
    configDir,
    stateDir,
    configFile: env.configFile ? resolve(env.configFile) : join(configDir, 'config.yaml'),
    runDir,
    apiSocket: join(runDir, 'api.sock'),
    hostSocket: join(runDir, 'host.sock'),
    lockFile: join(runDir, 'daemon.lock'),
    daemonFile: join(runDir, 'daemon.json'),
    tokenFile: join(stateDir, 'token'),
    database: join(stateDir, 'wtp.db'),
    logDir,
    logFile: join(logDir, 'daemon.log'),
    agentsDir: join(stateDir, 'agents'),
  };
}

/**
 * The built web dashboard the daemon serves: WTP_WEB_DIR, else `web/` beside the bundled
 * entry (`dist/wtp.js` → `dist/web`, where `npm run build` puts it).
 */
export function dashboardWebDir(env: WtpEnv, entry: string): string {
  return env.webDir ? resolve(env.webDir) : join(dirname(entry), 'web');
}

/** Linux sun_path holds 108 bytes including the terminating NUL. */
export const MAX_SOCKET_PATH_BYTES = 107;
