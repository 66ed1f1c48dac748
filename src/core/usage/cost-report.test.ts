import { describe, expect, it } from 'vitest';
import type { LedgerRow } from '../ports/usage.js';
import { costReport, costSeries } from './cost-report.js';
import { mergePrices, priceOf, costOf } from './prices.js';
import { BUNDLED_PRICES } from './price-table.js';

const H = Date.parse('2026-11-25T10:00:00Z');
const c = (input: number, output = 0) => ({ input, output, cacheRead: 0, cacheWrite: 0 });
const rows: LedgerRow[] = [
  // One task, best of 2 with a retry: three agents.
  {
    hour: H,
    agentId: 'a1',
    agentName: 't-a1',
    workspaceId: 'w',
    taskId: 't',
    profile: 'claude',
    model: 'm',
    counts: c(1e6),
  },
  {
    hour: H,
    agentId: 'a2',
    agentName: 't-a2',
    workspaceId: 'w',
    taskId: 't',
    profile: 'codex',
    model: 'n',
    counts: c(2e6),
  },
  {
    hour: H + 3_600_000,
    agentId: 'a3',
    agentName: 't-a1-r2',
    workspaceId: 'w',
    taskId: 't',
    profile: 'claude',
    model: 'm',
    counts: c(0, 1e6),
  },
  {
    hour: H,
    agentId: 'a4',
    agentName: 'solo',
    workspaceId: 'v',
    taskId: null,
    profile: 'gemini',
    model: 'unknown-x',
    counts: c(5),
  },
];
const prices = {
  date: 'd',
  source: 's',
  models: { m: { input: 1, output: 10 }, n: { input: 2, output: 4 } },
};
const names = {
  task: (id: string) => (id === 't' ? 'the task' : undefined),
  workspace: (id: string) => id.toUpperCase(),
  vendor: (p: string) => `v-${p}`,
};

describe('cost report', () => {
  it('sums a task over every agent that ran it; unpriced models are named, never priced', () => {
    const r = costReport(rows, prices, names, {
      from: null,
      to: H + 7_200_000,
      groups: ['task', 'agent', 'workspace', 'vendor'],
    });
    expect(r.groups.task).toEqual([
      {
        key: 't',
        name: 'the task',
        tokens: { input: 3e6, output: 1e6, cacheRead: 0, cacheWrite: 0 },
        costUsd: 15,
        unpricedModels: [],
        detail: '3 agents',
      },
    ]);
    expect(r.groups.agent?.map((x) => [x.name, x.costUsd, x.detail])).toEqual([
      ['t-a1-r2', 10, 'claude'],
      ['t-a2', 4, 'codex'],
      ['t-a1', 1, 'claude'],
      ['solo', 0, 'gemini'],
    ]);
    expect(r.groups.workspace?.find((x) => x.key === 'v')).toMatchObject({
      name: 'V',
      unpricedModels: ['unknown-x'],
      costUsd: 0,
    });
    expect(r.total).toMatchObject({ costUsd: 15, unpricedModels: ['unknown-x'] });
    expect(r.groups.vendor?.map((x) => x.key).sort()).toEqual(['v-claude', 'v-codex', 'v-gemini']);
  });

  it('a window keeps the hours it overlaps; the series is per hour, workspace, vendor and model', () => {
    const r = costReport(rows, prices, names, { from: H + 3_600_000, to: H + 7_200_000, groups: ['day'] });
    expect(r.total.costUsd).toBe(10);
    const s = costSeries(rows, prices, names, null);
    expect(s.points).toHaveLength(4);
    expect(s.points[0]).toMatchObject({ at: new Date(H).toISOString(), workspace: 'W' });
  });

  it('prices: dated bundled table, config over it field by field, date and context suffixes, no guess', () => {
    expect(BUNDLED_PRICES.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const t = mergePrices(BUNDLED_PRICES, {
      'claude-sonnet-4-5': { input: 2 },
      'local-llama': { input: 0, output: 0 },
    });
    expect(priceOf(t, 'claude-sonnet-4-5-20250929')).toMatchObject({ input: 2, output: 15 });
    expect(priceOf(t, 'claude-sonnet-4-5[1m]')).toMatchObject({ input: 2 });
    expect(costOf(c(1e6, 1e6), priceOf(t, 'local-llama'))).toBe(0);
    expect(priceOf(t, 'gpt-99')).toBeNull();
    expect(priceOf(t, 'constructor')).toBeNull();
    // A kind with tokens but no price: unknown, not zero.
    expect(costOf({ input: 1, output: 0, cacheRead: 0, cacheWrite: 5 }, priceOf(t, 'gpt-5'))).toBeNull();
    expect(Object.keys(mergePrices(BUNDLED_PRICES, { x: { input: 1 } }, false).models)).toEqual(['x']);
  });

  it('prices the default model of each pinned CLI that bills by token (docs/cost.md)', () => {
    // Claude Code 2.1.330's first request names its model (docs/research/claude-code-2.1.330.md);
    // Gemini CLI's bundle sets DEFAULT_GEMINI_MODEL.
    for (const model of ['claude-opus-5-5', 'claude-opus-5-5[1m]', 'gemini-2.5-pro']) {
      expect(costOf(c(1e6, 1e6), priceOf(BUNDLED_PRICES, model)), model).toBeGreaterThan(0);
    }
    expect(priceOf(BUNDLED_PRICES, 'claude-opus-5-5')).toMatchObject({ input: 4, output: 20 });
    // Its long-prompt tier is not modelled: unknown, not low.
    expect(priceOf(BUNDLED_PRICES, 'claude-haiku-5-5')).toBeNull();
  });
});
