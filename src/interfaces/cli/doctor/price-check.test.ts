import { describe, expect, it } from 'vitest';
import type { AgentView } from '../../../protocol/agent.js';
import { priceCheck } from './price-check.js';

const agent = (name: string, state: string, unpricedModels: string[] | null): AgentView =>
  ({
    name,
    state,
    usage: unpricedModels === null ? null : { unpricedModels },
  }) as unknown as AgentView;

describe('the prices check', () => {
  it('warns for each running agent whose model has no price, with the config to add', () => {
    const c = priceCheck([
      agent('api', 'idle', ['claude-haiku-5-5']),
      agent('web', 'working', []),
      agent('old', 'exited', ['gone-model']),
    ]);
    expect(c).toMatchObject({ id: 'prices', status: 'warn' });
    expect(c?.summary).toBe(
      'no price for claude-haiku-5-5 (api): their cost is unknown, and no budget over them can hold',
    );
    expect(c?.fix).toContain('cost.prices: { claude-haiku-5-5: { input: …, output: … } }');
  });

  it('is ok when every running model is priced, and absent while nothing is metered', () => {
    expect(priceCheck([agent('web', 'idle', [])])).toMatchObject({ status: 'ok' });
    expect(priceCheck([agent('sh', 'idle', null), agent('old', 'exited', ['x'])])).toBeNull();
  });
});
