import { appError } from '../../protocol/error-messages.js';
import type { TaskRecord } from '../model/task-record.js';

/**
 * A task by id, or by exact title (unique in the workspace when one is given); several with that
 * title is TASK_AMBIGUOUS, naming each, none TASK_NOT_FOUND.
 */
export function resolveTask(
  tasks: ReadonlyMap<string, TaskRecord>,
  ref: string,
  workspaceId: string | undefined,
  workspaceName: (id: string) => string,
): TaskRecord {
  const byId = tasks.get(ref);
  if (byId) return byId;
  const hits = [...tasks.values()].filter(
    (t) => t.title === ref && (workspaceId === undefined || t.workspaceId === workspaceId),
  );
  if (hits.length === 1 && hits[0]) return hits[0];
  if (hits.length > 1) {
    const found = hits
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((t) => ({ id: t.id, workspace: workspaceName(t.workspaceId), status: t.status }));
    throw appError('TASK_AMBIGUOUS', { task: ref, candidates: found.map((t) => t.id), tasks: found });
  }
  throw appError('TASK_NOT_FOUND', { task: ref });
}
