import { describe, expect, it } from 'vitest';
import type { TaskView } from '../../protocol/tasks.js';
import { taskStatusWord } from '../../protocol/task-status-word.js';
import { taskWhy } from './task-text.js';

type Shown = Pick<TaskView, 'status' | 'statusReason' | 'blocked'>;
const deps = [
  { id: 'tk-1', title: 'schema', status: 'review' as const, waiting: false },
  { id: 'tk-2', title: 'db', status: 'ready' as const, waiting: false },
  { id: 'tk-3', title: 'api', status: 'ready' as const, waiting: true },
];

describe('the task status and WHY column of `wtp task ls`', () => {
  it('calls a ready task waiting for its dependencies "waiting", listing them with their statuses', () => {
    const t: Shown = { status: 'ready', blocked: { reason: 'dependencies', message: 'm', waitingOn: deps } };
    expect([taskStatusWord(t), taskWhy(t)]).toEqual([
      'waiting',
      'after schema (review), db (ready), api (waiting)',
    ]);
  });

  it('names the other reasons, with the dependencies too', () => {
    const why = (blocked: NonNullable<Shown['blocked']>) => taskWhy({ status: 'ready', blocked });
    expect(why({ reason: 'no_folder', message: 'm', waitingOn: [] })).toBe('workspace has no folder');
    expect(why({ reason: 'no_folder', message: 'm', waitingOn: deps.slice(0, 1) })).toBe(
      'workspace has no folder; after schema (review)',
    );
    expect(why({ reason: 'usage_limit', message: 'm', waitingOn: [], vendor: 'anthropic' })).toBe(
      'usage limit (anthropic)',
    );
    expect(why({ reason: 'max_agents', message: 'm', waitingOn: [] })).toBe('workspace at max agents');
    expect(
      taskStatusWord({ status: 'ready', blocked: { reason: 'max_agents', message: 'm', waitingOn: [] } }),
    ).toBe('ready');
  });

  it('shows why a task failed, and nothing for the rest', () => {
    expect(
      taskWhy({ status: 'failed', statusReason: 'every attempt failed; the last: exit 4', blocked: null }),
    ).toBe('every attempt failed; the last: exit 4');
    expect(taskWhy({ status: 'running', statusReason: 'attempt 1 on agent ag-1', blocked: null })).toBe('-');
    expect(taskStatusWord({ status: 'running', blocked: null })).toBe('running');
  });

  it('says who refuses a fleet task (fleet.acceptTasks), and a task whose row is gone from the fleet', () => {
    const fleet = {
      repo: 'https://h/app',
      machine: null,
      leaseUntil: null,
      createdBy: 'm2',
      runs: [],
      refusals: [
        { machine: 'm1', code: 'profile' as const, reason: 'profile shell …', at: '2026-01-01T00:00:00Z' },
      ],
      gone: false,
    };
    expect(taskWhy({ status: 'ready', statusReason: 'created', blocked: null, fleet })).toBe(
      'refused by m1 (profile)',
    );
    expect(
      taskWhy({ status: 'cancelled', statusReason: 'x', blocked: null, fleet: { ...fleet, gone: true } }),
    ).toBe('gone from the fleet database');
  });
});
