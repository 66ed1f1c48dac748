import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClosedByHand, PaneSpec, SpawnedPane } from '../core/ports/panes.js';
import type { ClosedPanesRead } from '../protocol/host-group.js';
import { runCommand } from './run-command.js';

export interface HostGroups {
  /** Where groups keep their sockets and panes' FIFOs; null when groups cannot be used. */
  readonly groupDir: string | null;
  /** Adds the agent of `spec.hostArgs` to the workspace's group, or starts one with it. */
  spawnPane(workspace: string, spec: PaneSpec): Promise<SpawnedPane>;
  /** The panes the group `pid` let go of because they were closed by hand (it may be gone since). */
  closedPanes(pid: number): Promise<ClosedPanesRead>;
  /** The panes the live groups serve now, as each group says (`N/<group pid>` or `%N/<group pid>`). */
  servedPanes(): Promise<ServedPane[]>;
}

/** A pane a live group serves: its id as the daemon names it, the agent, the group's pid. */
export interface ServedPane {
  pane: string;
  agent: string;
  pid: number;
  workspace: string;
}

/** A pane whose program is a holder: the FIFO it reads, and its spec with the holder as program. */
export interface Held {
  fifo: string;
  spec: PaneSpec;
}

/** What tmux prints of a new pane; the session name last, as it may hold spaces. */
export const PANE_FORMAT = '#{pane_id} #{pane_pid} #{pane_tty} #{default-terminal} #{session_name}';

export interface DescribedPane {
  id: string;
  pid: number | null;
  tty: string;
  term: string;
  session: string;
}

/** `%12 4711 /dev/pts/3 tmux-256color work` (PANE_FORMAT) → the pane; missing fields are empty. */
export function describePane(out: string): DescribedPane {
  const line = out.replace(/\n$/, '');
  const [id = '', pid = '', tty = '', term = ''] = line.split(' ', 4);
  return { id, pid: pid ? Number(pid) : null, tty, term, session: line.split(' ').slice(4).join(' ') };
}

/**
 * The holder of an agent's pane served by a host group: `cat FIFO` keeps the pane open, reads
 * nothing from the terminal and ends when the group closes the FIFO (or dies). Null without a
 * group folder, for a pane that is not an agent's, or when no FIFO can be made.
 */
export async function holdPane(
  dir: string | null,
  spec: PaneSpec,
  env: Record<string, string>,
): Promise<Held | null> {
  if (!dir || !spec.hostArgs || !spec.agentId) return null;
  const fifo = join(dir, `p-${randomBytes(6).toString('hex')}.fifo`);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch {
    return null;
  }
  const made = await runCommand('mkfifo', ['-m', '600', fifo], { env, timeoutMs: 10_000 });
  if (made.exitCode !== 0) return null;
  return { fifo, spec: { ...spec, argv: ['cat', fifo] } };
}

/**
 * Adds the agent of a held pane to its workspace's group (`pane.session`); the group's pid.
 * `tmuxSocket` is given in tmux, whose pane borders the group keeps current.
 */
export async function joinGroup(
  groups: HostGroups,
  pane: DescribedPane,
  spec: PaneSpec,
  held: Held,
  tmuxSocket?: string,
): Promise<number> {
  if (!spec.hostArgs || !pane.tty || !pane.term || !pane.session)
    throw new Error(`the terminal did not describe pane ${pane.id}`);
  const hostArgs = [
    ...spec.hostArgs,
    ...['--pane-id', pane.id, '--pane-tty', pane.tty, '--pane-fifo', held.fifo],
    ...['--pane-term', pane.term, ...(tmuxSocket === undefined ? [] : ['--tmux-socket', tmuxSocket])],
  ];
  const prefix = spec.argv.slice(0, spec.argv.length - spec.hostArgs.length);
  const host = await groups.spawnPane(pane.session, { ...spec, argv: [...prefix, ...hostArgs], hostArgs });
  if (host.pid === null) throw new Error('the host group has no pid');
  return host.pid;
}

/** Whether the group serving `paneId` (`%N/<pid>` in tmux, `N/<pid>` in WezTerm) let `agentId` go because the pane was closed by hand. */
export async function closedByHand(
  groups: HostGroups | undefined,
  paneId: string,
  agentId: string,
): Promise<ClosedByHand> {
  const pid = /^%?\d+\/(\d+)$/.exec(paneId)?.[1];
  if (!groups || pid === undefined) return { closed: false };
  const word = await groups.closedPanes(Number(pid));
  if ('refused' in word) return { closed: false, refused: word.refused };
  return { closed: word.panes.some((p) => p.agent === agentId && p.pane === paneId) };
}
