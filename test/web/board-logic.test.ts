import { describe, expect, it } from 'vitest';
import { TASK_STATUSES } from '../../src/protocol/constants.js';
import { TASK_MOVES } from '../../src/protocol/task-moves.js';
import type { TaskView } from '../../src/protocol/tasks.js';
import { canDrop, columns, dependants, dependencies, movesFrom } from '../../web/src/tasks/board-logic.js';

const task = (id: string, o: Partial<TaskView> = {}): TaskView =>
  ({
    id,
    title: id.toUpperCase(),
    status: 'ready',
    priority: 0,
    dependsOn: [],
    createdAt: '2026-11-22T10:00:00.000Z',
    ...o,
  }) as TaskView;

/** The task board's pure parts (web/src/tasks/board-logic.ts). */
describe('the task board', () => {
  it('puts every status in a column, highest priority first, then oldest', () => {
    const c = columns([
      task('a', { createdAt: '2026-11-22T10:00:02.000Z' }),
      task('b', { priority: 5, createdAt: '2026-11-22T10:00:03.000Z' }),
      task('c', { createdAt: '2026-11-22T10:00:01.000Z' }),
      task('d', { status: 'done' }),
    ]);
    expect([...c.keys()]).toEqual([...TASK_STATUSES]);
    expect(c.get('ready')?.map((t) => t.id)).toEqual(['b', 'c', 'a']);
    expect(c.get('done')?.map((t) => t.id)).toEqual(['d']);
    expect(c.get('review')).toEqual([]);
  });

  it('shows each dependency with its status', () => {
    const all = [
      task('schema', { status: 'done' }),
      task('auth', { status: 'running' }),
      task('api', { dependsOn: ['schema', 'auth', 'gone'] }),
      task('docs', { dependsOn: ['schema'] }),
      task('web', {
        status: 'ready',
        blocked: {
          reason: 'dependencies',
          message: 'm',
          waitingOn: [{ id: 'auth', title: 'AUTH', status: 'running', waiting: false }],
        },
      }),
      task('site', { dependsOn: ['web'] }),
    ];
    const byId = new Map(all.map((t) => [t.id, t]));
    expect(dependencies(byId.get('api') as TaskView, byId)).toEqual([
      { id: 'schema', title: 'SCHEMA', status: 'done', word: 'done', done: true },
      { id: 'auth', title: 'AUTH', status: 'running', word: 'running', done: false },
      { id: 'gone', title: 'gone', status: null, word: null, done: false },
    ]);
    // A ready dependency that waits for its own is "waiting", as everywhere else.
    expect(dependencies(byId.get('site') as TaskView, byId)).toEqual([
      { id: 'web', title: 'WEB', status: 'ready', word: 'waiting', done: false },
    ]);
    expect(dependants('schema', all).map((t) => t.id)).toEqual(['api', 'docs']);
  });

  it('accepts a drop exactly where the daemon’s move table allows one', () => {
    for (const from of TASK_STATUSES) {
      for (const to of TASK_STATUSES) expect(canDrop(from, to)).toBe(TASK_MOVES[from].includes(to));
      expect(movesFrom(from)).toEqual(TASK_STATUSES.filter((to) => TASK_MOVES[from].includes(to)));
    }
    expect(movesFrom('done')).toEqual([]);
    expect(canDrop('backlog', 'running')).toBe(false);
  });
});
