import { describe, expect, it } from 'vitest';
import type { CostReport } from '../../protocol/usage.js';
import { budgetText, costReportText } from './cost-text.js';

const tokens = { input: 1200, output: 80, cacheRead: 3000, cacheWrite: 50 };
const report: CostReport = {
  from: null,
  to: '2026-11-25T12:00:00.000Z',
  groups: {
    agent: [
      { key: 'a1', name: 'api', tokens, costUsd: 0.0186, unpricedModels: [], detail: 'claude' },
      { key: 'a2', name: 'local', tokens, costUsd: 0, unpricedModels: ['mystery'], detail: 'codex' },
    ],
    task: [
      { key: 't1', name: 'login', tokens, costUsd: 1.5, unpricedModels: ['mystery'], detail: '3 agents' },
    ],
    day: [],
  },
  total: { key: 'total', name: 'total', tokens, costUsd: 1.5186, unpricedModels: ['mystery'], detail: null },
  prices: { date: '2025-11-24', source: 'https://example.com/pricing' },
};

describe('cost report and budgets as text', () => {
  it('a table per group; money of unpriced models is "unknown", named, never a number', () => {
    const text = costReportText(report).join('\n');
    expect(text).toMatch(/^AGENT\s+PROFILE\s+INPUT\s+OUTPUT\s+CACHE-READ\s+CACHE-WRITE\s+COST$/m);
    expect(text).toMatch(/^api\s+claude\s+1200\s+80\s+3000\s+50\s+\$0\.0186$/m);
    expect(text).toMatch(/^local\s+codex\s+.*unknown \(mystery\)$/m);
    expect(text).toMatch(/^login\s+3 agents\s+.*\$1\.50 \+ unknown \(mystery\)$/m);
    expect(text).toContain('DAY: none');
    expect(text).toContain('total: $1.52 + unknown (mystery) for 1200 input');
    expect(text).toContain('prices of 2025-11-24 (https://example.com/pricing)');
  });

  it('budgets say what is spent against each, and that they are money, not vendor quotas', () => {
    const lines = budgetText({
      budgets: [
        {
          scope: 'workspace',
          key: 'w',
          name: 'api',
          limitUsd: 30,
          spentUsd: 31.2,
          unpriced: true,
          state: 'reached',
          from: 'cli',
        },
      ],
      nearAt: 0.8,
      onExceeded: 'hold',
    });
    expect(lines[0]).toMatch(/^SCOPE\s+NAME\s+SPENT\s+BUDGET\s+STATE\s+FROM$/m);
    expect(lines[0]).toMatch(
      /workspace\s+api\s+\$31\.20 \+ unknown\s+\$30\.00\s+reached: new runs held\s+cli/,
    );
    expect(lines[1]).toContain('vendor quotas are `wtp quota`');
    // Under its limit with unpriced tokens in scope, it says it cannot hold.
    const blind = budgetText({
      budgets: [
        {
          scope: 'day',
          key: 'd',
          name: 'today',
          limitUsd: 5,
          spentUsd: 0,
          unpriced: true,
          state: 'ok',
          from: 'config',
        },
      ],
      nearAt: 0.8,
      onExceeded: 'hold',
    });
    expect(blind[0]).toMatch(
      /day\s+today\s+\$0 \+ unknown\s+\$5\.00\s+ok, cannot hold: some cost unknown\s+config/,
    );
    expect(budgetText({ budgets: [], nearAt: 0.8, onExceeded: 'hold' })[0]).toMatch(/^no budgets: set one/);
  });
});
