import type { RunStatus, TaskRecord, TaskRun } from '../model/task-record.js';

/**
 * Best of N and retries, pure. A task has `attempts` attempts; each attempt gets a run (an agent)
 * and, when that run fails, up to `retries` more runs on fresh agents.
 */

/** Run statuses that count as a result worth reviewing. */
const SUCCEEDED: readonly RunStatus[] = ['review', 'merged'];

/** The latest run of each attempt that has one. */
export function latestRuns(task: TaskRecord): Map<number, TaskRun> {
  const latest = new Map<number, TaskRun>();
  for (const r of task.runs) {
    if (r.round !== task.round) continue;
    const seen = latest.get(r.attempt);
    if (!seen || r.try > seen.try) latest.set(r.attempt, r);
  }
  return latest;
}

/**
 * Attempts that need a new run now, with the try it would be: attempts never started, and failed
 * attempts with retries left. Only tasks that are ready or running have any.
 */
export function pendingAttempts(task: TaskRecord, retries: number): { attempt: number; try: number }[] {
  if (task.status !== 'ready' && task.status !== 'running') return [];
  const latest = latestRuns(task);
  const out: { attempt: number; try: number }[] = [];
  for (let attempt = 1; attempt <= task.attempts; attempt++) {
    const run = latest.get(attempt);
    if (!run) out.push({ attempt, try: 1 });
    else if (run.status === 'failed' && run.try <= retries) out.push({ attempt, try: run.try + 1 });
  }
  return out;
}

/** Runs whose agent still works on the task. */
export function liveRuns(task: TaskRecord): TaskRun[] {
  return task.runs.filter((r) => r.status === 'running' && r.round === task.round);
}

/**
 * The status a running task settles in once a run ended: still running while a run is live or an
 * attempt may (re)start, else review when an attempt succeeded, else failed.
 */
export function settledStatus(task: TaskRecord, retries: number): 'running' | 'review' | 'failed' {
  if (liveRuns(task).length > 0 || pendingAttempts(task, retries).length > 0) return 'running';
  const latest = [...latestRuns(task).values()];
  return latest.some((r) => SUCCEEDED.includes(r.status)) ? 'review' : 'failed';
}

/** Profile and model of an attempt: its variant's, else the task's, else the default profile. */
export function attemptSpec(
  task: TaskRecord,
  attempt: number,
  defaultProfile: string,
): { profile: string; model: string | null } {
  const variant = task.variants.length > 0 ? task.variants[(attempt - 1) % task.variants.length] : undefined;
  return {
    profile: variant?.profile ?? task.profile ?? defaultProfile,
    model: variant?.model ?? task.model,
  };
}

/** Retries a task gets: its own, else the configured default. */
export function retriesOf(task: TaskRecord, fallback: number): number {
  return task.retries ?? fallback;
}
