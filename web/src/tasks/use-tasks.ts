import { useMemo } from 'react';
import type { TaskView } from '../../../src/protocol/tasks.js';
import { client } from '../api.js';
import { useLiveCollection } from '../live-collection.js';
import { taskSource } from '../../../src/client/live-sources.js';

const TASKS = taskSource(client);

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
