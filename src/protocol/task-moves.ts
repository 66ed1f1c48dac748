import type { TaskStatus } from './constants.js';

/**
 * Status changes `wtp task move` may make; the dispatcher makes the others (ready → running, running
 * → review / failed / ready on a retry). Moving a task to its own status is not a move. Only review →
 * done reaches done (the merge), and done is final.
 */
const MOVES: Record<TaskStatus, readonly TaskStatus[]> = {
  backlog: ['ready', 'cancelled'],
  ready: ['backlog', 'cancelled'],
  running: ['ready', 'cancelled'],
  review: ['ready', 'done', 'cancelled'],
  done: [],
  failed: ['ready', 'backlog', 'cancelled'],
  cancelled: ['ready', 'backlog'],
};

/** The move table, for the docs, the dashboard's drop targets and the table test. */
export const TASK_MOVES: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = MOVES;

export function canMove(from: TaskStatus, to: TaskStatus): boolean {
  return MOVES[from].includes(to);
}
