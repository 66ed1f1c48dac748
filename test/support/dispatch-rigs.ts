// Started dispatch rigs for the core's task tests, stopped after each test, and ready tasks added to them.
import { afterEach } from 'vitest';
import type { CreateTaskRequest, TaskView } from '../../src/protocol/tasks.js';
import { DispatchRig } from './dispatch-rig.js';

/** `rig(settings, repo)` starts a DispatchRig (its workspace's folder `repo`) that is stopped after each test. */
export function dispatchRigs(): (
  settings?: ConstructorParameters<typeof DispatchRig>[0],
  repo?: string | null,
) => Promise<DispatchRig> {
  const rigs: DispatchRig[] = [];
  afterEach(() => {
    for (const r of rigs.splice(0)) r.stop();
  });
  return async (settings = {}, repo = '/repo') => {
    const r = new DispatchRig(settings);
    rigs.push(r);
    return r.start(repo);
  };
}

/** Adds a ready task `title` (prompt `do <title>`) and lets the dispatcher act on it. */
export async function addReady(
  r: DispatchRig,
  title: string,
  more: Partial<CreateTaskRequest> = {},
): Promise<TaskView> {
  const t = await r.tasks.add({ title, prompt: `do ${title}`, status: 'ready', ...more }, 'cli');
  await r.settle();
  return t;
}
