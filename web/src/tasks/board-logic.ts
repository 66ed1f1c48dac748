import { TASK_STATUSES, type TaskStatus } from '../../../src/protocol/constants.js';
import { canMove } from '../../../src/protocol/task-moves.js';
import { taskStatusWord, type TaskStatusWord } from '../../../src/protocol/task-status-word.js';
import type { TaskBlocked, TaskView } from '../../../src/protocol/tasks.js';

/** The card's short word for why a task waits (`TaskView.blocked`; its message says the rest). */
export const BLOCK_LABEL: Record<TaskBlocked['reason'], string> = {
  no_folder: 'no folder',
  dependencies: 'waiting',
  usage_limit: 'usage limit',
  budget: 'budget',
  max_agents: 'queued',
};

/** Colour of each task status, the same on cards, columns and chips. */
export const TASK_COLOR: Record<TaskStatus, string> = {
  backlog: 'gray',
  ready: 'blue',
  running: 'green',
  review: 'violet',
  done: 'teal',
  failed: 'red',
  cancelled: 'dark',
};

/** Tasks by status, in board order: highest priority first, then oldest. */
export function columns(tasks: readonly TaskView[]): Map<TaskStatus, TaskView[]> {
  const out = new Map<TaskStatus, TaskView[]>(TASK_STATUSES.map((s) => [s, []]));
  for (const t of tasks) out.get(t.status)?.push(t);
  for (const list of out.values()) {
    list.sort(
      (a, b) => b.priority - a.priority || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
    );
  }
  return out;
}

export interface Dependency {
  id: string;
  /** The task's title, or its id when it is not known (removed, or in no list loaded). */
  title: string;
  status: TaskStatus | null;
  /** Its status as every view says it (`waiting` for a ready task that waits for others); null: not known. */
  word: TaskStatusWord | null;
  done: boolean;
}

/** A task's dependencies with their status. */
export function dependencies(task: TaskView, byId: ReadonlyMap<string, TaskView>): Dependency[] {
  return task.dependsOn.map((id) => {
    const d = byId.get(id);
    return {
      id,
      title: d?.title ?? id,
      status: d?.status ?? null,
      word: d === undefined ? null : taskStatusWord(d),
      done: d?.status === 'done',
    };
  });
}

/** The tasks that depend on `id`. */
export function dependants(id: string, tasks: readonly TaskView[]): TaskView[] {
  return tasks.filter((t) => t.dependsOn.includes(id));
}

/** Whether a card of status `from` may be dropped on column `to` (the daemon's move table). */
export function canDrop(from: TaskStatus, to: TaskStatus): boolean {
  return from !== to && canMove(from, to);
}

/** The statuses a task may be moved to by hand, in board order. */
export function movesFrom(from: TaskStatus): TaskStatus[] {
  return TASK_STATUSES.filter((to) => canDrop(from, to));
}
