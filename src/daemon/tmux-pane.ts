import { execFile } from 'node:child_process';

/** The socket path in `$TMUX` (`socket,pid,session`), or undefined outside tmux. */
export function tmuxSocketOf(tmux: string | undefined): string | undefined {
  if (tmux === undefined) return undefined;
  const pidComma = tmux.lastIndexOf(',', tmux.lastIndexOf(',') - 1);
  return pidComma > 0 ? tmux.slice(0, pidComma) : tmux;
}

/**
 * Whether the tmux server at `socket` still answers. A server being killed stops accepting clients
 * before it closes its panes, and ours keeps running with no session left (`exit-empty off`), so a
 * pane closed by hand is never mistaken for a server that went away. Outside tmux (WezTerm) it
 * answers true: a pane is gone by the user's hand.
 */
export function tmuxServerAnswers(socket: string | undefined): Promise<boolean> {
  if (socket === undefined) return Promise.resolve(true);
  return new Promise((resolve) =>
    execFile('tmux', ['-S', socket, 'list-sessions', '-F', '#{session_id}'], { timeout: 3_000 }, (err) =>
      resolve(err === null),
    ),
  );
}

/**
 * In tmux, the agent's state is also kept in the `@wtp_state` pane option, which the pane border
 * of wezterm-parallel's tmux server shows. Calls run one after another so a late `starting` never
 * overwrites `running`.
 */
export function tmuxPaneOptions(
  socket: string | undefined,
  paneId: string | undefined,
): ((changed: Record<string, string>) => void) | undefined {
  if (paneId === undefined || socket === undefined) return undefined;
  let queue = Promise.resolve();
  return (changed) => {
    const state = changed.wtp_state;
    if (state === undefined) return;
    const args = ['-S', socket, 'set-option', '-p', '-t', paneId, '@wtp_state', state.replace(/_/g, ' ')];
    queue = queue.then(
      () => new Promise<void>((resolve) => execFile('tmux', args, { timeout: 5_000 }, () => resolve())),
    );
  };
}
