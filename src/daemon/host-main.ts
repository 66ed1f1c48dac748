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
import { tmuxPaneOptions, tmuxServerAnswers, tmuxSocketOf } from './tmux-pane.js';

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
  if (args.paneTty) fail('--pane-tty is for a host group (--group)');
  const env = readEnv();
  const inPane = args.pane && process.stdin.isTTY && process.stdout.isTTY;
  const pane = inPane
    ? new PaneTerminal(
        process.stdin,
        process.stdout,
        env.tmux !== undefined,
        tmuxPaneOptions(tmuxSocketOf(env.tmux), env.tmuxPane),
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
    void tmuxServerAnswers(tmuxSocketOf(env.tmux)).then((alive) =>
      host.paneClosed(alive ? 'pane_closed' : 'mux_gone'),
    );
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => host.terminate());
  keepServing(diag);
  diag('info', `host started for agent ${args.agent}${pane ? ' in a pane' : ' (headless)'}`);
  host.start();
}

function fail(message: string): never {
  process.stderr.write(`wtp host: ${message}\n`);
  process.exit(2);
}
