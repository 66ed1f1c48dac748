import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SpawnSpec } from '../src/protocol/host.js';
import type { Env } from './proc.js';
import { PTY_SIZE, PtyTerminal } from './pty-terminal.js';
import type { RepoPaths } from './repo-paths.js';
import { disposeHome, makeHome, sandboxEnv } from './sandbox.js';
import { StandInDaemon } from './standin-daemon.js';

const HELLO_TIMEOUT_MS = 20_000;
/** Variables that would tell the host it runs inside tmux or WezTerm (the benchmark's own terminal). */
const OUTER_TERMINAL_VARS = ['TMUX', 'TMUX_PANE', 'WEZTERM_PANE', 'WEZTERM_UNIX_SOCKET', 'COLUMNS', 'LINES'];

/** The environment of hosts, agents and bare baselines: the sandbox's, minus any outer terminal. */
export function paneEnv(home: string): Env {
  const env = sandboxEnv(home);
  for (const k of OUTER_TERMINAL_VARS) delete env[k];
  env.TERM = 'xterm-256color';
  return env;
}

/**
 * The real host (`node dist/wtp.js host … --pane`) as the program of a pane whose terminal
 * is a PTY the benchmark owns, linked to a stand-in daemon on its own socket.
 */
export interface PaneHost {
  home: string;
  env: Env;
  term: PtyTerminal;
  daemon: StandInDaemon;
  /** A spawn message running `argv` with the complete environment, in the pane's size. */
  spec(argv: readonly string[]): SpawnSpec;
  close(): Promise<void>;
}

export async function startPaneHost(paths: RepoPaths, label: string): Promise<PaneHost> {
  const home = makeHome(label);
  const env = paneEnv(home);
  const socket = join(home, 'host.sock');
  const logDir = join(home, 'agent');
  const daemon = await StandInDaemon.listen(socket);
  const argv = [paths.distWtp, 'host', '--agent', `bench-${label}`, '--socket', socket, '--log-dir', logDir];
  const term = new PtyTerminal(process.execPath, [...argv, '--pane'], { cwd: home, env });
  const close = async (): Promise<void> => {
    await term.close();
    await daemon.close();
    disposeHome(home, paths.binWtp);
  };
  try {
    await daemon.hello(HELLO_TIMEOUT_MS);
    const diag = readFileSync(join(logDir, 'host.log'), 'utf8');
    if (!diag.includes('in a pane')) throw new Error(`the host did not start in pane mode:\n${diag}`);
  } catch (err) {
    await close();
    throw err;
  }
  return {
    home,
    env,
    term,
    daemon,
    spec: ([command = 'sh', ...args]) => ({ command, args, cwd: home, env, ...PTY_SIZE }),
    close,
  };
}
