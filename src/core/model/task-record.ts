/** How one attempt's agent run ended (or that it still runs). */
export type RunStatus = 'running' | 'review' | 'failed' | 'merged' | 'discarded';

/** One agent working on one attempt of a task; a retried attempt has a run per try. */
export interface TaskRun {
  /** 1..attempts (best of N). */
  attempt: number;
  /** 1 for the first run of the attempt, 2 for its first retry, … */
  try: number;
  /** The task's round it belongs to (a task given back to ready starts a new round). */
  round: number;
  agentId: string;
  profile: string;
  model: string | null;
  /** An idle agent that was given the task, rather than a new one. */
  reused: boolean;
  status: RunStatus;
  reason: string | null;
  startedAt: number;
  endedAt: number | null;
}

/** A profile/model pair for best-of-N attempts (attempt k uses variant (k-1) mod length). */
export interface TaskVariant {
  profile: string | null;
  model: string | null;
}

/** A pull request opened for a run's branch (`wtp pr`), with its state as last polled. */
export interface TaskPullRequest {
  agentId: string;
  number: number;
  url: string;
  state: 'open' | 'closed' | 'merged';
}

/** A task as the core keeps it (times are epoch ms); the API view is `TaskView` (protocol/tasks.ts). */
export interface TaskRecord {
  id: string;
  workspaceId: string;
  title: string;
  prompt: string;
  status: 'backlog' | 'ready' | 'running' | 'review' | 'done' | 'failed' | 'cancelled';
  statusReason: string | null;
  priority: number;
  dependsOn: string[];
  profile: string | null;
  model: string | null;
  /** `--permission-mode` of its agents, or null. */
  permissionMode: string | null;
  /** Its agents run sandboxed (docs/sandbox.md); absent: as the config says. */
  sandbox?: true;
  /** Its agents get the MCP server (`wtp new --mcp`); absent when not. */
  mcp?: boolean;
  attempts: number;
  variants: TaskVariant[];
  /** Retries of a failed attempt on a fresh agent; null: the config's `tasks.retries`. */
  retries: number | null;
  /** Give it to an idle agent of its profile in the workspace when there is one. */
  reuseIdle: boolean;
  labels: string[];
  /** Rounds of failing checks its agent gets as feedback by itself; null: config `forge.fixChecks`. */
  fixChecks: number | null;
  /** Pull requests of its runs, oldest first. */
  pullRequests: TaskPullRequest[];
  /** Starts at 1; moving the task back to ready starts a new round of attempts. */
  round: number;
  runs: TaskRun[];
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  endedAt: number | null;
  /**
   * A task of the fleet's graph this machine runs under a claim: its run there, and its
   * repository and creator when known, shown when its row is gone from the fleet.
   */
  fleet?: { runId: string; repo?: string | undefined; createdBy?: string | undefined } | undefined;
}

export function cloneTask(t: TaskRecord): TaskRecord {
  return {
    ...t,
    dependsOn: [...t.dependsOn],
    labels: [...t.labels],
    variants: t.variants.map((v) => ({ ...v })),
    runs: t.runs.map((r) => ({ ...r })),
    pullRequests: t.pullRequests.map((p) => ({ ...p })),
  };
}

/**
 * A stored task document in today's shape: documents written before best-of-N and retries had
 * `agents: string[]` and no runs, variants, retries or reuseIdle; before pull requests, no
 * fixChecks or pullRequests.
 */
export function upgradeTask(doc: TaskRecord & { agents?: string[] }): TaskRecord {
  const { agents, ...rest } = doc;
  const runs =
    doc.runs ??
    (agents ?? []).map((agentId, i): TaskRun => ({
      attempt: 1,
      try: i + 1,
      round: 1,
      agentId,
      profile: doc.profile ?? 'unknown',
      model: doc.model,
      reused: false,
      status: i < (agents?.length ?? 0) - 1 ? 'failed' : runStatusOf(doc.status),
      reason: null,
      startedAt: doc.startedAt ?? doc.createdAt,
      endedAt: doc.endedAt,
    }));
  return {
    ...rest,
    variants: doc.variants ?? [],
    permissionMode: doc.permissionMode ?? null,
    retries: doc.retries ?? null,
    reuseIdle: doc.reuseIdle ?? false,
    fixChecks: doc.fixChecks ?? null,
    pullRequests: doc.pullRequests ?? [],
    round: doc.round ?? 1,
    runs,
  };
}

function runStatusOf(status: TaskRecord['status']): RunStatus {
  if (status === 'done') return 'merged';
  if (status === 'review') return 'review';
  if (status === 'running') return 'running';
  return 'failed';
}
