import type { TaskRecord } from '../model/task-record.js';

/** What a new task says: `wtp task add`, a plan's task, a task of the fleet. */
export interface NewTaskSpec {
  title: string;
  prompt: string;
  dependsOn: string[];
  priority?: number | undefined;
  profile?: string | undefined;
  model?: string | undefined;
  permissionMode?: string | undefined;
  /** Its agents run sandboxed. */
  sandbox?: true | undefined;
  mcp?: boolean | undefined;
  attempts?: number | undefined;
  variants?: { profile?: string | undefined; model?: string | undefined }[] | undefined;
  retries?: number | undefined;
  reuseIdle?: boolean | undefined;
  labels?: string[] | undefined;
  fixChecks?: number | undefined;
  status?: 'backlog' | 'ready' | undefined;
}

/** A task as it starts: ready (or in the backlog), round 1, no runs. */
export function newTaskRecord(
  id: string,
  workspaceId: string,
  spec: NewTaskSpec,
  createdAt: number,
): TaskRecord {
  return {
    id,
    workspaceId,
    title: spec.title,
    prompt: spec.prompt,
    status: spec.status ?? 'ready',
    statusReason: 'created',
    priority: spec.priority ?? 0,
    dependsOn: spec.dependsOn,
    profile: spec.profile ?? null,
    model: spec.model ?? null,
    permissionMode: spec.permissionMode ?? null,
    ...(spec.sandbox === true ? { sandbox: true as const } : {}),
    ...(spec.mcp === true ? { mcp: true } : {}),
    attempts: spec.attempts ?? Math.max(1, spec.variants?.length ?? 1),
    variants: (spec.variants ?? []).map((v) => ({ profile: v.profile ?? null, model: v.model ?? null })),
    retries: spec.retries ?? null,
    reuseIdle: spec.reuseIdle ?? false,
    labels: spec.labels ?? [],
    fixChecks: spec.fixChecks ?? null,
    pullRequests: [],
    round: 1,
    runs: [],
    createdAt,
    updatedAt: createdAt,
    startedAt: null,
    endedAt: null,
  };
}
