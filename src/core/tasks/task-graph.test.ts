import { describe, expect, it } from 'vitest';
import { TASK_STATUSES, type TaskStatus } from '../../protocol/tasks.js';
import {
  ALLOWED_MOVES,
  blockedBy,
  canMove,
  findCycle,
  readyTasks,
  validatePlan,
  type GraphTask,
} from './task-graph.js';

const node = (key: string, ...deps: string[]) => ({ key, deps });
const plan = (...tasks: [string, ...string[]][]) =>
  tasks.map(([name, ...after]) => (after.length > 0 ? { name, after } : { name }));

describe('findCycle', () => {
  it('finds a cycle of one (a self-dependency)', () => {
    expect(findCycle([node('a', 'a')])).toEqual(['a', 'a']);
  });

  it('finds a cycle of two', () => {
    expect(findCycle([node('a', 'b'), node('b', 'a')])).toEqual(['a', 'b', 'a']);
  });

  it('finds a cycle of three, started at the member first in the input', () => {
    const cycle = ['a', 'b', 'c', 'a'];
    expect(findCycle([node('a', 'b'), node('b', 'c'), node('c', 'a')])).toEqual(cycle);
    // Entered at c through x, still reported from a.
    expect(findCycle([node('x', 'c'), node('a', 'b'), node('b', 'c'), node('c', 'a')])).toEqual(cycle);
    expect(findCycle([node('c', 'a'), node('a', 'b'), node('b', 'c')])).toEqual(['c', 'a', 'b', 'c']);
  });

  it('reports only the cycle, not the path that led to it', () => {
    expect(findCycle([node('s', 't'), node('t', 'u'), node('u', 'v'), node('v', 'u')])).toEqual([
      'u',
      'v',
      'u',
    ]);
  });

  it('is deterministic: the same input gives the same cycle', () => {
    const nodes = [node('a', 'b', 'c'), node('b', 'a'), node('c', 'a')];
    expect(findCycle(nodes)).toEqual(['a', 'b', 'a']);
    expect(findCycle(nodes)).toEqual(findCycle(nodes.map((n) => ({ ...n }))));
  });

  it('does not take a diamond for a cycle', () => {
    // d waits for b and c, which both wait for a.
    expect(findCycle([node('d', 'b', 'c'), node('b', 'a'), node('c', 'a'), node('a')])).toBeNull();
  });

  it('returns null for no nodes, a chain, and deps on unknown keys', () => {
    expect(findCycle([])).toBeNull();
    expect(findCycle([node('a', 'b'), node('b', 'c'), node('c')])).toBeNull();
    expect(findCycle([node('a', 'zzz'), node('b', 'a')])).toBeNull();
  });

  it('merges the deps of a key given twice', () => {
    expect(findCycle([node('a'), node('b', 'a'), node('a', 'b')])).toEqual(['a', 'b', 'a']);
  });

  it('handles long chains without recursion', () => {
    const n = 20_000;
    const chain = Array.from({ length: n }, (_, i) => node(`t${i}`, ...(i + 1 < n ? [`t${i + 1}`] : [])));
    expect(findCycle(chain)).toBeNull();
    chain[n - 1] = node(`t${n - 1}`, 't0');
    expect(findCycle(chain)?.length).toBe(n + 1);
  });
});

describe('validatePlan', () => {
  it('orders a valid plan: dependencies first, otherwise plan order', () => {
    expect(validatePlan(plan(['a'], ['b'], ['c']))).toEqual({ ok: true, order: ['a', 'b', 'c'] });
    expect(validatePlan(plan(['api', 'db'], ['ui', 'api'], ['db'], ['docs']))).toEqual({
      ok: true,
      order: ['db', 'api', 'ui', 'docs'],
    });
  });

  it('accepts a diamond', () => {
    expect(validatePlan(plan(['d', 'b', 'c'], ['b', 'a'], ['c', 'a'], ['a']))).toEqual({
      ok: true,
      order: ['a', 'b', 'c', 'd'],
    });
  });

  it('accepts the same dependency listed twice', () => {
    expect(validatePlan(plan(['a'], ['b', 'a', 'a']))).toEqual({ ok: true, order: ['a', 'b'] });
  });

  it('reports an unknown dependency at its path, naming it', () => {
    expect(validatePlan(plan(['a'], ['b', 'a', 'nope']))).toEqual({
      ok: false,
      problems: [
        { path: 'tasks.1.after.1', message: 'unknown task "nope": no task in this plan has that name' },
      ],
    });
  });

  it('reports duplicate names at the later task', () => {
    expect(validatePlan(plan(['a'], ['b'], ['a']))).toEqual({
      ok: false,
      problems: [{ path: 'tasks.2.name', message: 'the name "a" is used twice (first by tasks.0)' }],
    });
  });

  it('reports a self-dependency once, not also as a cycle', () => {
    expect(validatePlan(plan(['a', 'a']))).toEqual({
      ok: false,
      problems: [{ path: 'tasks.0.after.0', message: '"a" cannot wait for itself' }],
    });
  });

  it('reports a cycle at the `after` entry that closes it', () => {
    expect(validatePlan(plan(['a', 'b'], ['b', 'c'], ['c', 'a']))).toEqual({
      ok: false,
      problems: [{ path: 'tasks.2.after.0', message: 'cycle: a → b → c → a' }],
    });
    expect(validatePlan(plan(['x'], ['a', 'x', 'b'], ['b', 'a']))).toEqual({
      ok: false,
      problems: [{ path: 'tasks.2.after.0', message: 'cycle: a → b → a' }],
    });
  });

  it('reports every problem, not just the first', () => {
    const result = validatePlan(
      plan(
        ['a', 'b'],
        ['b', 'a'], // cycle a ↔ b
        ['c', 'ghost'], // unknown
        ['d', 'd'], // self
        ['a'], // duplicate
        ['e', 'f'],
        ['f', 'g'],
        ['g', 'e', 'phantom'], // second cycle, and unknown
      ),
    );
    expect(result).toEqual({
      ok: false,
      problems: [
        { path: 'tasks.1.after.0', message: 'cycle: a → b → a' },
        { path: 'tasks.2.after.0', message: 'unknown task "ghost": no task in this plan has that name' },
        { path: 'tasks.3.after.0', message: '"d" cannot wait for itself' },
        { path: 'tasks.4.name', message: 'the name "a" is used twice (first by tasks.0)' },
        { path: 'tasks.7.after.0', message: 'cycle: e → f → g → e' },
        { path: 'tasks.7.after.1', message: 'unknown task "phantom": no task in this plan has that name' },
      ],
    });
  });

  it('reports one cycle per knot of tasks waiting for each other', () => {
    const result = validatePlan(plan(['a', 'b', 'c'], ['b', 'a'], ['c', 'a']));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([{ path: 'tasks.1.after.0', message: 'cycle: a → b → a' }]);
  });

  it('sorts paths numerically', () => {
    const after = Array.from({ length: 11 }, (_, j) => `u${j}`);
    const result = validatePlan([{ name: 'a', after }]);
    expect(result.ok ? [] : result.problems.map((p) => p.path)).toEqual(
      after.map((_, j) => `tasks.0.after.${j}`),
    );
  });
});

const task = (id: string, status: TaskStatus, over: Partial<GraphTask> = {}): GraphTask => ({
  id,
  status,
  priority: 0,
  dependsOn: [],
  createdAt: '2025-01-01T00:00:00.000Z',
  ...over,
});

describe('readyTasks', () => {
  it('orders by priority, then age, then id', () => {
    const tasks = [
      task('tk-c', 'ready', { createdAt: '2025-01-01T00:00:02.000Z' }),
      task('tk-b', 'ready', { createdAt: '2025-01-01T00:00:01.000Z' }),
      task('tk-a', 'ready', { createdAt: '2025-01-01T00:00:02.000Z' }),
      task('tk-z', 'ready', { priority: 5, createdAt: '2025-01-02T00:00:00.000Z' }),
      task('tk-low', 'ready', { priority: -1 }),
    ];
    expect(readyTasks(tasks)).toEqual(['tk-z', 'tk-b', 'tk-a', 'tk-c', 'tk-low']);
  });

  it('takes only ready tasks', () => {
    const tasks = TASK_STATUSES.map((s) => task(`tk-${s}`, s));
    expect(readyTasks(tasks)).toEqual(['tk-ready']);
  });

  it('waits until every dependency is done', () => {
    const deps = [task('d1', 'done'), task('d2', 'running')];
    const t = task('t', 'ready', { dependsOn: ['d1', 'd2'] });
    expect(readyTasks([...deps, t])).toEqual([]);
    expect(readyTasks([task('d1', 'done'), task('d2', 'done'), t])).toEqual(['t']);
  });

  it('never counts failed, cancelled or review dependencies as done', () => {
    for (const s of ['backlog', 'ready', 'running', 'review', 'failed', 'cancelled'] as const) {
      expect(readyTasks([task('d', s), task('t', 'ready', { dependsOn: ['d'] })])).not.toContain('t');
    }
  });

  it('blocks on a dependency it does not know', () => {
    expect(readyTasks([task('t', 'ready', { dependsOn: ['gone'] })])).toEqual([]);
  });
});

describe('blockedBy', () => {
  it('lists the dependencies not yet done, in order, without repeats', () => {
    const all = [task('a', 'done'), task('b', 'running'), task('c', 'failed')];
    expect(blockedBy({ dependsOn: ['c', 'a', 'b', 'c', 'gone'] }, all)).toEqual(['c', 'b', 'gone']);
    expect(blockedBy({ dependsOn: ['a'] }, all)).toEqual([]);
    expect(blockedBy({ dependsOn: [] }, all)).toEqual([]);
  });
});

/** The move table spelled out pair by pair: a change to the table must change this test. */
const T = true;
const F = false;
/** Columns: backlog, ready, running, review, done, failed, cancelled. */
const TABLE: Record<TaskStatus, boolean[]> = {
  backlog: [F, T, F, F, F, F, T],
  ready: [T, F, F, F, F, F, T],
  running: [F, T, F, F, F, F, T],
  review: [F, T, F, F, T, F, T],
  done: [F, F, F, F, F, F, F],
  failed: [T, T, F, F, F, F, T],
  cancelled: [T, T, F, F, F, F, F],
};
const EXPECTED = Object.fromEntries(
  TASK_STATUSES.map((from) => [
    from,
    Object.fromEntries(TASK_STATUSES.map((to, i) => [to, TABLE[from][i] === true])),
  ]),
) as Record<TaskStatus, Record<TaskStatus, boolean>>;

describe('canMove', () => {
  for (const from of TASK_STATUSES) {
    for (const to of TASK_STATUSES) {
      const allowed = EXPECTED[from][to];
      it(`${from} → ${to} is ${allowed ? 'allowed' : 'refused'}`, () => {
        expect(canMove(from, to)).toBe(allowed);
      });
    }
  }

  it('done is final', () => {
    expect(TASK_STATUSES.filter((to) => canMove('done', to))).toEqual([]);
  });

  it('only review reaches done; running, review and failed are the dispatcher’s to enter', () => {
    expect(TASK_STATUSES.filter((from) => canMove(from, 'done'))).toEqual(['review']);
    for (const to of ['running', 'review', 'failed'] as const) {
      expect(TASK_STATUSES.filter((from) => canMove(from, to))).toEqual([]);
    }
  });

  it('everything but done and cancelled itself can be cancelled', () => {
    expect(TASK_STATUSES.filter((from) => canMove(from, 'cancelled'))).toEqual([
      'backlog',
      'ready',
      'running',
      'review',
      'failed',
    ]);
  });

  it('exports the same table it checks', () => {
    for (const from of TASK_STATUSES) {
      expect([...ALLOWED_MOVES[from]].sort()).toEqual(
        TASK_STATUSES.filter((to) => EXPECTED[from][to]).sort(),
      );
    }
  });
});
