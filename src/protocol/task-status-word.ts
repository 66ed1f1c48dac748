import type { TaskStatus } from './constants.js';
import type { TaskView } from './tasks.js';

/** The word every view shows for a task's status: its status, or `waiting` for a ready task that waits for others. */
export type TaskStatusWord = TaskStatus | 'waiting';

/**
 * One word per task state, everywhere (`wtp task ls/show/add`, the TUI, the dashboard, the reasons
 * tasks give): a task that is ready but waits for tasks not done yet reads `waiting`, never
 * `ready`, since nothing will start it until they are done.
 */
export function statusWord(status: TaskStatus, waiting: boolean): TaskStatusWord {
  return status === 'ready' && waiting ? 'waiting' : status;
}

/** {@link statusWord} of a task view: it waits when its `blocked.waitingOn` lists any task. */
export function taskStatusWord(t: Pick<TaskView, 'status' | 'blocked'>): TaskStatusWord {
  return statusWord(t.status, (t.blocked?.waitingOn.length ?? 0) > 0);
}
