import { execFile } from 'node:child_process';
import { PaneTerminal } from '../interfaces/host/pane-terminal.js';
import { readEnv } from '../config/env.js';
import { runHostGroup } from './host-group.js';
import {
  HostArgsError,
  hostShared,
  keepServing,
  parseHostArgs,
  routeConsole,
  startMember,
} from './host-member.js';

/**
 * Composition root of `wtp host --agent ID --socket PATH --log-dir DIR [--pane] …`, started
 * by the daemon: detached when headless, as the program of a WezTerm or tmux pane otherwise.
 * With `--group SOCKET --members FILE` (headless) it holds this agent and the workspace's next
 * ones, which the daemon adds over that socket.
 */
export function runHost(argv: string[]): void {
  let args;
  try {
    args = parseHostArgs(argv, { group: true });
  } catch (err) {
    if (err instanceof HostArgsError) fail(err.message);
    throw err;
  }
  if (args.group) return runHostGroup(args, args.group);
  const env = readEnv();
  const inPane = args.pane && process.stdin.isTTY && process.stdout.isTTY;
  const pane = inPane
    ? new PaneTerminal(
        process.stdin,
        process.stdout,
        env.tmux !== undefined,
        tmuxPaneOptions(env.tmux, env.tmuxPane),
      )
    : null;
  const shared = hostShared(args.processInspector, env);
  const member = startMember(args, shared, {
    pane,
    paneId: pane ? (env.weztermPane ?? env.tmuxPane ?? null) : null,
    exit: (code) => process.exit(code),
  });
  const { host, diag } = member;
  process.on('exit', member.removeRecord);
  // Nothing a library prints reaches the pane or an uncapped file: console goes to the capped log.
  routeConsole(member.diagLog);
  // SIGHUP in a pane: the pane was closed by hand, or went with its tmux server (killed, crashed).
  let hungUp = false;
  process.on('SIGHUP', () => {
    if (hungUp) return;
    hungUp = true;
    if (!pane) return host.terminate();
    void tmuxServerAnswers(env.tmux).then((alive) => host.paneClosed(alive ? 'pane_closed' : 'mux_gone'));
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => host.terminate());
  keepServing(diag);
  diag('info', `host started for agent ${args.agent}${pane ? ' in a pane' : ' (headless)'}`);
  host.start();
}

/**
 * Whether the tmux server of `$TMUX` (`socket,pid,session`) still answers. A server being killed
 * stops accepting clients before it closes its panes, and ours keeps running with no session left
 * (`exit-empty off`), so a pane closed by hand is never mistaken for a server that went away.
 * Outside tmux (WezTerm) it answers true: a pane is gone by the user's hand.
 */
function tmuxServerAnswers(tmux: string | undefined): Promise<boolean> {
  if (tmux === undefined) return Promise.resolve(true);
  const pidComma = tmux.lastIndexOf(',', tmux.lastIndexOf(',') - 1);
  const socket = pidComma > 0 ? tmux.slice(0, pidComma) : tmux;
  return new Promise((resolve) =>
    execFile('tmux', ['-S', socket, 'list-sessions', '-F', '#{session_id}'], { timeout: 3_000 }, (err) =>
      resolve(err === null),
    ),
  );
}

function fail(message: string): never {
  process.stderr.write(`wtp host: ${message}\n`);
  process.exit(2);
}

/**
 * In tmux, the agent's state is also kept in the `@wtp_state` pane option (`tmux set-option
 * -p`; tmux finds its server through $TMUX), which the pane border of wezterm-parallel's tmux
 * server shows. Calls run one after another so a late `starting` never overwrites `running`.
 */
function tmuxPaneOptions(
  tmux: string | undefined,
  paneId: string | undefined,
): ((changed: Record<string, string>) => void) | undefined {
  if (paneId === undefined || tmux === undefined) return undefined;
  let queue = Promise.resolve();
  return (changed) => {
    const state = changed.wtp_state;
    if (state === undefined) return;
    const args = ['set-option', '-p', '-t', paneId, '@wtp_state', state.replace(/_/g, ' ')];
    queue = queue.then(
      () => new Promise<void>((resolve) => execFile('tmux', args, { timeout: 5_000 }, () => resolve())),
    );
  };
}
