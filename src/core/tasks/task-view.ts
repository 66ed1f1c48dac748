import type { TaskBlocked, TaskView } from '../../protocol/tasks.js';
import type { AgentRegistry } from '../model/registry.js';
import type { TaskRecord } from '../model/task-record.js';

/** The API view of a task (times as ISO strings, run agents named while they exist). */
export function taskView(t: TaskRecord, registry: AgentRegistry, blocked: TaskBlocked | null): TaskView {
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: t.id,
    title: t.title,
    prompt: t.prompt,
    workspace: registry.workspaceName(t.workspaceId),
    workspaceId: t.workspaceId,
    status: t.status,
    ...(t.statusReason === null ? {} : { statusReason: t.statusReason }),
    priority: t.priority,
    dependsOn: [...t.dependsOn],
    ...(t.profile === null ? {} : { profile: t.profile as TaskView['profile'] }),
    ...(t.model === null ? {} : { model: t.model }),
    ...(t.permissionMode === null ? {} : { permissionMode: t.permissionMode }),
    ...(t.sandbox ? { sandbox: true as const } : {}),
    ...(t.mcp === true ? { mcp: true } : {}),
    attempts: t.attempts,
    variants: t.variants.map((v) => ({
      ...(v.profile === null ? {} : { profile: v.profile as TaskView['profile'] }),
      ...(v.model === null ? {} : { model: v.model }),
    })),
    retries: t.retries,
    reuseIdle: t.reuseIdle,
    labels: [...t.labels],
    fixChecks: t.fixChecks,
    pullRequests: t.pullRequests.map((p) => ({ ...p })),
    round: t.round,
    agents: [...new Set(t.runs.map((r) => r.agentId))],
    runs: t.runs.map((r) => ({
      ...r,
      agent: registry.get(r.agentId)?.name ?? null,
      startedAt: iso(r.startedAt) ?? '',
      endedAt: iso(r.endedAt),
    })),
    createdAt: iso(t.createdAt) ?? '',
    updatedAt: iso(t.updatedAt) ?? '',
    startedAt: iso(t.startedAt),
    endedAt: iso(t.endedAt),
    blocked,
  };
}
