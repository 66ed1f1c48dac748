import type { Backend } from '../../protocol/constants.js';

/** Which side of the target pane a new pane goes to. */
export type SplitDirection = 'right' | 'left' | 'top' | 'bottom';

/** Size of the new pane: a share of the target pane, or a number of cells (columns or rows). */
export type PaneSize = { percent: number } | { cells: number };

/** What runs in a pane. */
export interface PaneSpec {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  title?: string;
  /** Marks the pane as the agent's (tmux: the `@wtp_agent` pane option), for rediscovery. */
  agentId?: string;
  /** Headless only: where the process's stderr goes (in a real pane it is the pane). */
  stderrFile?: string;
  /** The host's own arguments (the end of argv): a backend that groups hosts hands them to a running one. */
  hostArgs?: string[];
}

/** A pane just created: its id, and its process when the backend reports it at once. */
export interface SpawnedPane {
  id: string;
  pid: number | null;
}

export interface PaneInfo {
  id: string;
  workspace: string;
  title: string;
  /** The agent the pane belongs to, when the backend can tell (tmux pane option, headless env). */
  agentId: string | null;
  /** The pane's process, when the backend reports it. */
  pid: number | null;
  active: boolean;
  /**
   * Known to be made by wezterm-parallel (tmux: the `@wtp_owned` pane option; headless: its mark),
   * as opposed to a pane the user opened (tmux: a window made in our server's session). False
   * where the backend cannot tell (WezTerm).
   */
  ours: boolean;
}

/**
 * Where panes live: layout only (DESIGN §3) — all agent I/O goes through the host in
 * the pane. Implemented for WezTerm (`wezterm cli`), tmux (a dedicated server) and
 * headless (detached processes).
 */
export interface PaneMux {
  readonly backend: Backend;
  /** A new workspace (WezTerm: a window in a new workspace; tmux: a session) with its first pane. */
  openWorkspace(workspace: string, spec: PaneSpec): Promise<SpawnedPane>;
  /** A new tab (tmux: window) in the workspace, which is opened if it does not exist yet. */
  spawnPane(workspace: string, spec: PaneSpec): Promise<SpawnedPane>;
  splitPane(target: string, spec: PaneSpec, direction: SplitDirection, size?: PaneSize): Promise<SpawnedPane>;
  focus(paneId: string): Promise<void>;
  setTitle(paneId: string, title: string): Promise<void>;
  list(): Promise<PaneInfo[]>;
  kill(paneId: string): Promise<void>;
  /** Closes every pane of the workspace; a workspace that is not open is fine. */
  closeWorkspace(workspace: string): Promise<void>;
  /**
   * Whether the host group that served `paneId` let `agentId` go because the pane was closed by
   * hand, as it records for a daemon that was away (tmux with host groups only).
   */
  closedByHand?(paneId: string, agentId: string): Promise<ClosedByHand>;
}

/** A host group's word on a pane closed by hand; `refused` says why a record of it was not believed. */
export interface ClosedByHand {
  closed: boolean;
  refused?: string;
}

/** Where a new host pane goes. */
export type Placement =
  | { kind: 'tab' }
  | { kind: 'new-workspace' }
  | { kind: 'split'; target: string; direction: SplitDirection; size?: PaneSize }
  /**
   * In the place of the agent's own old pane, which still shows its last screen (a restart after
   * its process ended): a split of it (a new tab if it cannot be split), and the old pane, with
   * the host still in it, is closed.
   */
  | { kind: 'replace'; target: string };

/** The muxes the daemon can use; `get` throws BACKEND_UNAVAILABLE for one that cannot run here. */
export interface MuxRegistry {
  get(backend: Backend): PaneMux;
  available(backend: Backend): boolean;
}
