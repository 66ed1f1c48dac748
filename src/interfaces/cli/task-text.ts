import { statusWord } from '../../protocol/task-status-word.js';
import type { TaskView } from '../../protocol/tasks.js';

/** What keeps a task where it is, in a few words (the WHY column of `wtp task ls`); '-' for nothing. */
export function taskWhy(t: Pick<TaskView, 'status' | 'statusReason' | 'blocked' | 'fleet'>): string {
  if (t.fleet?.gone) return 'gone from the fleet database';
  const refused = t.fleet?.refusals ?? [];
  if (refused.length > 0 && (t.status === 'ready' || t.status === 'backlog')) {
    return `refused by ${refused.map((r) => `${r.machine} (${r.code})`).join(', ')}`;
  }
  const b = t.blocked;
  if (b) {
    const after =
      b.waitingOn.length === 0
        ? ''
        : `after ${b.waitingOn.map((d) => `${d.title} (${statusWord(d.status, d.waiting)})`).join(', ')}`;
    if (b.reason === 'dependencies') return after;
    const why =
      b.reason === 'no_folder'
        ? 'workspace has no folder'
        : b.reason === 'usage_limit'
          ? `usage limit (${b.vendor ?? '?'})`
          : 'workspace at max agents';
    return after === '' ? why : `${why}; ${after}`;
  }
  return t.status === 'failed' && t.statusReason ? t.statusReason : '-';
}
