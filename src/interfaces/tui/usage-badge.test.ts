import { describe, expect, it } from 'vitest';
import type { AgentView } from '../../protocol/agent.js';
import type { AgentUsageView } from '../../protocol/usage.js';
import { contextBar, costWords, usageLines } from '../../protocol/usage-words.js';
import { usageBadge, usageTitle } from './agent-line.js';

const usage = (over: Partial<AgentUsageView> = {}): AgentUsageView => ({
  tokens: { input: 1200, output: 80, cacheRead: 3000, cacheWrite: 50 },
  models: [
    {
      model: 'claude-sonnet-4-5',
      tokens: { input: 1200, output: 80, cacheRead: 3000, cacheWrite: 50 },
      costUsd: 0.0186,
    },
  ],
  costUsd: 0.0186,
  unpricedModels: [],
  context: { used: 62_000, window: 200_000, percent: 31, model: 'claude-sonnet-4-5' },
  exactness: 'exact',
  source: 'Claude Code session transcript',
  files: 1,
  refused: 0,
  problem: null,
  updatedAt: null,
  ...over,
});
const agent = (u?: AgentUsageView): AgentView => ({ ...(u ? { usage: u } : {}) }) as AgentView;

describe('usage in the TUI and the shared words', () => {
  it('shows cost and fill, the bar in the preview title, nothing before any usage', () => {
    expect(usageBadge(agent(usage()))).toBe('$0.0186 31%');
    expect(usageTitle(agent(usage()))).toBe('cost $0.0186 · context [███░░░░░░░] 31%');
    expect(usageBadge(agent())).toBe('');
    expect(usageTitle(agent())).toBe('');
  });

  it('an unknown price is "unknown", never a number; an unknown window shows tokens', () => {
    const u = usage({
      costUsd: null,
      unpricedModels: ['mystery'],
      context: { used: 84_000, window: null, percent: null, model: 'mystery' },
    });
    expect(costWords(u)).toBe('unknown');
    expect(usageBadge(agent(u))).toBe('unknown');
    expect(contextBar(u.context)).toBe('84k tokens (window unknown)');
    expect(usageLines(u)[0]).toBe('cost: unknown (no price for mystery; tokens counted)');
  });

  it('a full window is a full bar, never more', () => {
    expect(contextBar({ used: 250_000, window: 200_000, percent: 125, model: null })).toBe(
      '[██████████] 125%',
    );
  });
});
