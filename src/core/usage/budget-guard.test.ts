import { describe, expect, it } from 'vitest';
import type { NewEvent, WtpEvent } from '../../protocol/events.js';
import type { AgentRecord } from '../model/agent-record.js';
import type { TaskRecord } from '../model/task-record.js';
import type { LedgerRow, StoredBudget } from '../ports/usage.js';
import { FakeClock } from '../../../test/support/fake-clock.js';
import { MemoryLogger } from '../../../test/support/fake-ports.js';
import { BudgetGuard } from './budget-guard.js';
import { NO_BUDGETS, type BudgetSettings } from './budget-limits.js';
import { taskBlocked } from '../tasks/task-blocked.js';

const NOW = Date.parse('2026-11-25T12:30:00');
const PRICES = {
  date: 't',
  source: 't',
  models: { m: { input: 1, output: 10 }, free: { input: 0, output: 0 } },
};
const row = (over: Partial<LedgerRow>): LedgerRow => ({
  hour: NOW - (NOW % 3_600_000),
  agentId: 'ag-1',
  agentName: 'a1',
  workspaceId: 'ws-1',
  taskId: 'tk-1',
  profile: 'claude',
  model: 'm',
  counts: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
  ...over,
});
const task = (id: string, ws = 'ws-1'): TaskRecord =>
  ({
    id,
    workspaceId: ws,
    title: `task ${id}`,
    status: 'ready',
    runs: [],
    round: 1,
    variants: [],
    profile: null,
    attempts: 1,
    dependsOn: [],
  }) as unknown as TaskRecord;

function rig(settings: Partial<BudgetSettings> = {}, events: WtpEvent[] = []) {
  const ledger: LedgerRow[] = [];
  const stored: StoredBudget[] = [];
  const recorded: NewEvent[] = [];
  const interrupted: string[] = [];
  const agents = [
    { id: 'ag-1', workspaceId: 'ws-1', state: 'working' },
    { id: 'ag-2', workspaceId: 'ws-2', state: 'working' },
    { id: 'ag-3', workspaceId: 'ws-1', state: 'idle' },
  ] as AgentRecord[];
  const guard = new BudgetGuard({
    ledger: () => ledger,
    prices: () => PRICES,
    store: {
      budgets: () => stored,
      setBudget: (scope, key, limitUsd) => {
        const i = stored.findIndex((b) => b.scope === scope && b.key === key);
        if (i >= 0) stored.splice(i, 1);
        if (limitUsd !== null) stored.push({ scope, key, limitUsd });
      },
    },
    settings: { ...NO_BUDGETS, ...settings },
    agents: { all: () => agents },
    workspaceIds: () => ['ws-1', 'ws-2'],
    workspaceName: (id) => (id === 'ws-1' ? 'api' : 'web'),
    task: (id) => task(id),
    taskOf: (agentId) => (agentId === 'ag-1' ? 'tk-1' : null),
    events: { since: () => Promise.resolve(events) },
    record: (e) => {
      recorded.push(...e);
      return Promise.resolve();
    },
    interrupt: (id) => {
      interrupted.push(id);
      return Promise.resolve(true);
    },
    clock: new FakeClock(NOW),
    log: new MemoryLogger(),
  });
  return { guard, ledger, recorded, interrupted, stored };
}
const spend = (usd: number, over: Partial<LedgerRow> = {}): LedgerRow =>
  row({ counts: { input: usd * 1_000_000, output: 0, cacheRead: 0, cacheWrite: 0 }, ...over });

describe('budgets in money', () => {
  it('announces nearing once, then reached once, and then holds the task, its workspace’s tasks and none else', async () => {
    const r = rig({ taskUsd: 1, nearAt: 0.8 });
    await r.guard.start();
    r.ledger.push(spend(0.5));
    await r.guard.check(null, r.ledger);
    expect(r.recorded).toEqual([]);
    r.ledger.push(spend(0.35));
    await r.guard.check(null, r.ledger);
    await r.guard.check(null, r.ledger);
    expect(r.recorded.map((e) => e.type)).toEqual(['budget.nearing']);
    expect(r.guard.heldFor(task('tk-1'))).toBeUndefined();
    r.ledger.push(spend(0.2));
    await r.guard.check(null, r.ledger);
    expect(r.recorded.map((e) => e.type)).toEqual(['budget.nearing', 'budget.reached']);
    const hold = r.guard.heldFor(task('tk-1'));
    expect(hold).toMatchObject({ scope: 'task', key: 'tk-1', limitUsd: 1, spentUsd: 1.05 });
    expect(hold?.message).toContain("a budget in money, not a vendor's usage limit");
    expect(hold?.message).toContain('wtp budget set task tk-1');
    expect(r.guard.heldFor(task('tk-2'))).toBeUndefined();
    // The task waits with the reason budget, ahead of the workspace's agent limit.
    const blocked = taskBlocked({ ...task('tk-1'), runs: [] } as TaskRecord, {
      workspace: { name: 'api', repoPath: '/r' },
      task: () => undefined,
      retries: 0,
      defaultProfile: 'claude',
      heldFor: () => undefined,
      budget: (t) => r.guard.heldFor(t),
      live: 9,
      maxAgents: 1,
    });
    expect(blocked).toMatchObject({ reason: 'budget', budget: { scope: 'task', key: 'tk-1' } });
  });

  it('a restart replays what was announced: nothing is announced twice', async () => {
    const at = new Date(NOW).toISOString();
    const before = {
      seq: 1,
      ts: at,
      type: 'budget.reached',
      source: 'policy',
      agentId: null,
      workspaceId: null,
      data: {
        scope: 'day',
        key: '2026-11-25',
        name: '2026-11-25',
        limitUsd: 2,
        spentUsd: 2.5,
        onExceeded: 'hold',
        interrupted: [],
      },
    } as unknown as WtpEvent;
    const r = rig({ dayUsd: 2 }, [before]);
    await r.guard.start();
    r.ledger.push(spend(3, { taskId: null }));
    await r.guard.check(null, r.ledger);
    expect(r.recorded).toEqual([]);
    expect(r.guard.heldFor(task('tk-9', 'ws-2'))).toMatchObject({ scope: 'day' });
  });

  it('a CLI budget overrides the config, and raising it lifts the hold (announced again at the new limit)', async () => {
    const r = rig({ workspaceUsd: 1, workspaces: { web: 5 } });
    await r.guard.start();
    r.ledger.push(spend(2));
    await r.guard.check(null, r.ledger);
    expect(r.guard.heldFor(task('tk-1'))).toMatchObject({ scope: 'workspace', key: 'ws-1', limitUsd: 1 });
    await r.guard.set('workspace', 'ws-1', 10);
    expect(r.guard.heldFor(task('tk-1'))).toBeUndefined();
    expect(r.guard.list().find((b) => b.key === 'ws-1')).toMatchObject({
      limitUsd: 10,
      from: 'cli',
      state: 'ok',
    });
    expect(r.guard.list().find((b) => b.key === 'ws-2')).toMatchObject({ limitUsd: 5, from: 'config' });
    expect(r.recorded.map((e) => e.type)).toEqual(['budget.reached', 'budget.changed']);
  });

  it('onExceeded interrupt: the working agents of the scope are interrupted, others not', async () => {
    const r = rig({ workspaceUsd: 1, onExceeded: 'interrupt' });
    await r.guard.start();
    r.ledger.push(spend(1.5));
    await r.guard.check(null, r.ledger);
    expect(r.interrupted).toEqual(['ag-1']);
    const reached = r.recorded.find((e) => e.type === 'budget.reached');
    expect(reached?.data).toMatchObject({ onExceeded: 'interrupt', interrupted: ['ag-1'] });
  });

  it('a model without a price is not money: never counted toward a budget, said as unpriced', async () => {
    const r = rig({ taskUsd: 1 });
    await r.guard.start();
    r.ledger.push(row({ model: 'mystery', counts: { input: 1e9, output: 0, cacheRead: 0, cacheWrite: 0 } }));
    expect(r.guard.heldFor(task('tk-1'))).toBeUndefined();
    expect(r.guard.list().find((b) => b.scope === 'task')).toMatchObject({ spentUsd: 0, unpriced: true });
  });
});
