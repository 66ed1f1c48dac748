import { AppError } from '../errors.js';
import type { TaskStatus } from '../../protocol/tasks.js';

/**
 * The task graph, pure: cycles, plan validation, which tasks are ready, and which status
 * changes a user may make. An edge `a → b` reads "a waits for b" (b is in a's `after`/`dependsOn`).
 */

export interface GraphNode {
  key: string;
  deps: readonly string[];
}

/**
 * A cycle as the keys in order, first key repeated at the end (`['a','b','c','a']`: a waits for
 * b, b for c, c for a), or null. A self-dependency is a cycle of one (`['a','a']`). Deps naming
 * no node are ignored; a key given twice has the deps of both. Deterministic: depth-first in
 * input order, deps in their order; the cycle starts at its member that comes first in the input.
 */
export function findCycle(nodes: readonly GraphNode[]): string[] | null {
  const index = new Map<string, number>();
  for (const n of nodes) if (!index.has(n.key)) index.set(n.key, index.size);
  const deps: string[][] = [...index.keys()].map(() => []);
  for (const n of nodes) deps[index.get(n.key) as number]?.push(...n.deps.filter((d) => index.has(d)));
  const keys = [...index.keys()];
  // 0 unvisited, 1 on the current path, 2 finished (no cycle through it).
  const color = new Array<number>(keys.length).fill(0);
  for (let root = 0; root < keys.length; root++) {
    if (color[root] !== 0) continue;
    const path: number[] = [root];
    const next: number[] = [0];
    color[root] = 1;
    while (path.length > 0) {
      const top = path.length - 1;
      const v = path[top] as number;
      const k = next[top] as number;
      const out = deps[v] ?? [];
      if (k >= out.length) {
        color[v] = 2;
        path.pop();
        next.pop();
        continue;
      }
      next[top] = k + 1;
      const w = index.get(out[k] as string) as number;
      if (color[w] === 1) return rotate(path.slice(path.indexOf(w)).map((i) => keys[i] as string));
      if (color[w] === 0) {
        color[w] = 1;
        path.push(w);
        next.push(0);
      }
    }
  }
  return null;

  /** The cycle (without the repeated key) started at its earliest key, then closed. */
  function rotate(cycle: string[]): string[] {
    let start = 0;
    cycle.forEach((key, i) => {
      if ((index.get(key) as number) < (index.get(cycle[start] as string) as number)) start = i;
    });
    const ring = [...cycle.slice(start), ...cycle.slice(0, start)];
    return [...ring, ring[0] as string];
  }
}

export interface PlanProblem {
  /** Dotted path into the plan, e.g. `tasks.2.after.0`. */
  path: string;
  message: string;
}

/** What validatePlan needs of a plan's tasks (a parsed `Plan['tasks']` fits). */
export type PlanTasks = readonly { name: string; after?: readonly string[] | undefined }[];

export type PlanCheck = { ok: true; order: string[] } | { ok: false; problems: PlanProblem[] };

/**
 * Checks a plan's graph (`tasks` is `plan.tasks`; problem paths start with `tasks.`): duplicate
 * names, self-dependencies, `after` names not in the plan, and cycles (one problem per knot of
 * tasks that wait for each other, named `cycle: a → b → a` and placed at the `after` entry that
 * closes it). Reports every problem, sorted by path. When there is none,
 * `order` is a topological order (dependencies first) that keeps plan order where it can: at
 * each step the earliest task in the plan whose dependencies are all placed.
 */
export function validatePlan(tasks: PlanTasks): PlanCheck {
  const problems: PlanProblem[] = [];
  const first = new Map<string, number>();
  tasks.forEach((t, i) => {
    const seen = first.get(t.name);
    if (seen === undefined) first.set(t.name, i);
    else
      problems.push({
        path: `tasks.${i}.name`,
        message: `the name "${t.name}" is used twice (first by tasks.${seen})`,
      });
  });
  // The graph: first task of each name, edges to known names other than itself, no repeats.
  const deps = new Map<string, string[]>([...first.keys()].map((name) => [name, []]));
  tasks.forEach((t, i) => {
    (t.after ?? []).forEach((dep, j) => {
      const path = `tasks.${i}.after.${j}`;
      if (dep === t.name) problems.push({ path, message: `"${t.name}" cannot wait for itself` });
      else if (!first.has(dep))
        problems.push({ path, message: `unknown task "${dep}": no task in this plan has that name` });
      else if (first.get(t.name) === i && !deps.get(t.name)?.includes(dep)) deps.get(t.name)?.push(dep);
    });
  });

  for (const cycle of cycles(deps)) {
    const last = cycle[cycle.length - 2] as string;
    const i = first.get(last) as number;
    const j = (tasks[i]?.after ?? []).indexOf(cycle[0] as string);
    problems.push({ path: `tasks.${i}.after.${j}`, message: `cycle: ${cycle.join(' → ')}` });
  }
  if (problems.length > 0) return { ok: false, problems: problems.sort(byPath) };

  const order: string[] = [];
  const placed = new Set<string>();
  const left = [...deps.keys()];
  while (left.length > 0) {
    const at = left.findIndex((n) => (deps.get(n) ?? []).every((d) => placed.has(d)));
    const name = left.splice(at, 1)[0] as string;
    order.push(name);
    placed.add(name);
  }
  return { ok: true, order };
}

/** One cycle per strongly connected component with more than one node, in input order. */
function cycles(deps: ReadonlyMap<string, readonly string[]>): string[][] {
  const keys = [...deps.keys()];
  const reach = (from: string, edges: (k: string) => readonly string[]): Set<string> => {
    const seen = new Set([from]);
    const stack = [from];
    while (stack.length > 0) {
      for (const d of edges(stack.pop() as string)) {
        if (!seen.has(d)) {
          seen.add(d);
          stack.push(d);
        }
      }
    }
    return seen;
  };
  const reverse = new Map<string, string[]>(keys.map((k) => [k, []]));
  for (const [k, ds] of deps) for (const d of ds) reverse.get(d)?.push(k);
  const done = new Set<string>();
  const found: string[][] = [];
  for (const k of keys) {
    if (done.has(k)) continue;
    const down = reach(k, (x) => deps.get(x) ?? []);
    const up = reach(k, (x) => reverse.get(x) ?? []);
    const component = keys.filter((x) => down.has(x) && up.has(x));
    for (const x of component) done.add(x);
    if (component.length < 2) continue;
    const inside = new Set(component);
    const cycle = findCycle(
      component.map((x) => ({ key: x, deps: (deps.get(x) ?? []).filter((d) => inside.has(d)) })),
    );
    if (cycle) found.push(cycle);
  }
  return found;
}

/** Orders `tasks.2.after.10` after `tasks.2.after.9` (numeric parts compare as numbers). */
function byPath(a: PlanProblem, b: PlanProblem): number {
  const pa = a.path.split('.');
  const pb = b.path.split('.');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const [x, y] = [pa[i] as string, pb[i] as string];
    if (x === y) continue;
    const [nx, ny] = [Number(x), Number(y)];
    if (Number.isInteger(nx) && Number.isInteger(ny)) return nx - ny;
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

/** What the readiness rules need of a task. */
export interface GraphTask {
  id: string;
  status: TaskStatus;
  priority: number;
  dependsOn: readonly string[];
  /** ISO-8601 UTC timestamps in one format, so they compare as strings. */
  createdAt: string;
}

/**
 * The dependencies of `task` that are not done, in `dependsOn` order without repeats. A
 * dependency missing from `all` counts as not done (it blocks until the caller removes the edge).
 */
export function blockedBy(
  task: Pick<GraphTask, 'dependsOn'>,
  all: readonly Pick<GraphTask, 'id' | 'status'>[],
): string[] {
  const status = new Map(all.map((t) => [t.id, t.status]));
  return [...new Set(task.dependsOn)].filter((d) => status.get(d) !== 'done');
}

/**
 * Ids of the tasks to dispatch: status `ready` and every dependency `done`; highest priority
 * first, then the oldest (createdAt), then by id. The reference definition: the dispatcher keeps
 * the same order incrementally (TaskIndex), and its tests check it against this.
 */
export function readyTasks(tasks: readonly GraphTask[]): string[] {
  const status = new Map(tasks.map((t) => [t.id, t.status]));
  return tasks
    .filter((t) => t.status === 'ready' && t.dependsOn.every((d) => status.get(d) === 'done'))
    .sort((a, b) => b.priority - a.priority || compare(a.createdAt, b.createdAt) || compare(a.id, b.id))
    .map((t) => t.id);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The move table lives in protocol/ so the dashboard can show where a task may go. */
export { TASK_MOVES as ALLOWED_MOVES, canMove } from '../../protocol/task-moves.js';

/**
 * A plan's tasks in an order to create them (dependencies first), or INVALID_INPUT listing every
 * problem (`validatePlan`): nothing of a plan with a problem is imported.
 */
export function planOrder(plan: { tasks: PlanTasks }): string[] {
  const checked = validatePlan(plan.tasks);
  if (checked.ok) return checked.order;
  throw new AppError(
    'INVALID_INPUT',
    `The plan was not imported: ${checked.problems[0]?.message ?? 'invalid'}.`,
    {
      issues: checked.problems,
    },
  );
}
