import { useMemo } from 'react';
import type { TaskView } from '../../../src/protocol/tasks.js';
import { client } from '../api.js';
import { useLiveCollection, type LiveSource } from '../live-collection.js';

const TASKS: LiveSource<TaskView> = {
  loadAll: () => client.call('listTasks').then((r) => r.tasks),
  loadOne: (id) => client.call('getTask', { params: { task: id } }).then((r) => r.task),
  touched: (e) => {
    if (e.type === 'task.created') return e.data.task.id;
    if (e.type === 'task.attemptStarted' || e.type === 'task.attemptEnded') return e.data.task;
    if (e.type === 'task.statusChanged') return e.data.task ?? null;
    return null;
  },
  removed: () => null,
};

/** Every task, kept live: each task event fetches its task again. */
export function useTasks(): {
  tasks: TaskView[];
  byId: Map<string, TaskView>;
  loaded: boolean;
  error: Error | null;
} {
  const { items, loaded, error } = useLiveCollection(TASKS);
  const tasks = useMemo(() => [...items.values()], [items]);
  return { tasks, byId: items, loaded, error };
}
