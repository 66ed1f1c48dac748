import { statusWord } from '../../protocol/task-status-word.js';
import type { TaskBlocked, TaskStatus } from '../../protocol/tasks.js';
import type { TaskRecord } from '../model/task-record.js';
import { attemptSpec, pendingAttempts } from './task-runs.js';
import type { BudgetHold } from '../usage/budget-limits.js';

/** What decides whether a task's waiting attempts can start now (the dispatcher's rules). */
export interface BlockFacts {
  /** The task's workspace (undefined when it is gone). */
  workspace: { name: string; repoPath: string | null } | undefined;
  /** Another task, by id. */
  task: (
    id: string,
  ) => { id: string; title: string; status: TaskStatus; dependsOn: readonly string[] } | undefined;
  retries: number;
  defaultProfile: string;
  /** The usage-limit hold that keeps tasks of `profile` from starting, if any. */
  heldFor: (profile: string) => { vendor: string; resumeAt: string | null } | undefined;
  /** A budget in money of the task, its workspace or the day that is reached, if any. */
  budget?: (task: TaskRecord) => BudgetHold | undefined;
  /** Task runs live in the workspace now, and how many it may have. */
  live: number;
  maxAgents: number;
}

const quoted = (t: { title: string; status: TaskStatus; waiting: boolean }): string =>
  `"${t.title}" (${statusWord(t.status, t.waiting)})`;
/** Statuses a dependency leaves only when someone acts. */
const STUCK: readonly TaskStatus[] = ['failed', 'cancelled', 'backlog'];

/**
 * Why the task is not dispatched now, or null: a task with no attempt to start (backlog, review,
 * done…) or one the dispatcher may start. The most pressing reason wins: a workspace without a
 * folder, then dependencies not done, then a usage-limit hold on every profile it would start,
 * then a budget in money reached, then a workspace at its maximum of task agents. Dependencies not done are listed whatever wins.
 */
export function taskBlocked(task: TaskRecord, f: BlockFacts): TaskBlocked | null {
  const pending = pendingAttempts(task, f.retries);
  if (pending.length === 0) return null;
  const waitingOn = [...new Set(task.dependsOn)].flatMap((id) => {
    const d = f.task(id);
    if (!d || d.status === 'done') return [];
    const waiting = d.dependsOn.some((dep) => f.task(dep)?.status !== 'done');
    return [{ id: d.id, title: d.title, status: d.status, waiting }];
  });
  const ws = f.workspace?.name ?? task.workspaceId;
  if (!f.workspace?.repoPath) {
    return {
      reason: 'no_folder',
      message:
        `Workspace "${ws}" has no folder to run agents in: cancel this task (\`wtp task cancel ${task.id}\`) and add it ` +
        'to a workspace that has one (`wtp workspace new NAME --repo DIR`, then `wtp task add … --workspace NAME`).',
      waitingOn,
    };
  }
  if (waitingOn.length > 0) {
    const stuck = waitingOn.filter((d) => STUCK.includes(d.status));
    return {
      reason: 'dependencies',
      message:
        `Waiting for ${waitingOn.map(quoted).join(', ')}: it starts once ${waitingOn.length > 1 ? 'they are' : 'it is'} done (merged).` +
        (stuck.length === 0
          ? ''
          : ` ${stuck.map(quoted).join(', ')} will not get there by itself: move it to ready (\`wtp task move ID ready\`) or cancel this task.`),
      waitingOn,
    };
  }
  const holds = pending.map((p) => f.heldFor(attemptSpec(task, p.attempt, f.defaultProfile).profile));
  const hold = holds[0];
  if (hold && holds.every((h) => h !== undefined)) {
    const until = hold.resumeAt === null ? 'until it is resumed' : `until ${hold.resumeAt}`;
    return {
      reason: 'usage_limit',
      message: `${hold.vendor} is on a usage-limit hold ${until}; \`wtp resume ${hold.vendor}\` lifts it now.`,
      waitingOn,
      vendor: hold.vendor,
      resumeAt: hold.resumeAt,
    };
  }
  const budget = f.budget?.(task);
  if (budget) {
    const { message, ...held } = budget;
    return { reason: 'budget', message, waitingOn, budget: held };
  }
  if (f.live >= f.maxAgents) {
    return {
      reason: 'max_agents',
      message:
        `Workspace "${ws}" already runs ${f.live} task agent(s), its maximum (config tasks.maxAgentsPerWorkspace, ` +
        '`wtp up --max-agents`): it starts when one of them finishes.',
      waitingOn,
    };
  }
  return null;
}
