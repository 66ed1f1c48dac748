import { describe, expect, it } from 'vitest';
import { fixtureVersions, readAll, usageFixture } from '../../../test/support/usage-fixtures.js';
import { codexUsage, readCodexUsageLine } from './usage.js';

interface Turn {
  input: number;
  cached?: number;
  output: number;
  reasoning?: number;
}

const total = (input: number, cached: number, output: number): string =>
  JSON.stringify({
    timestamp: '2026-11-25T10:00:00.000Z',
    type: 'event_msg',
    payload: {
      type: 'token_count',
      info: {
        total_token_usage: { input_tokens: input, cached_input_tokens: cached, output_tokens: output },
        last_token_usage: { input_tokens: 10, cached_input_tokens: 0, output_tokens: 1 },
        model_context_window: 1000,
      },
    },
  });
const model = (name: unknown): string => JSON.stringify({ type: 'turn_context', payload: { model: name } });

describe('Codex rollout usage', () => {
  for (const version of fixtureVersions('codex')) {
    it(`${version}: the recorded rollout sums to exactly what the server sent`, () => {
      const { lines, expected } = usageFixture<Turn>('codex', version);
      const { tally, sum, refused } = readAll(lines, readCodexUsageLine);
      const t = expected.turns;
      expect(refused).toEqual([]);
      expect(sum).toEqual({
        input: t.reduce((n, x) => n + x.input - (x.cached ?? 0), 0),
        cacheRead: t.reduce((n, x) => n + (x.cached ?? 0), 0),
        output: t.reduce((n, x) => n + x.output, 0),
        cacheWrite: 0,
      });
      expect(Object.keys(tally.models)).toEqual([expected.model]);
      const last = t.at(-1)!;
      expect(tally.context?.used).toBe(last.input + last.output);
      expect(tally.context?.window).toBeGreaterThan(0);
    });
  }

  it('a repeated running total (a rate-limit update) counts nothing more', () => {
    const { sum } = readAll(
      [model('gpt-5'), total(100, 40, 10), total(100, 40, 10), total(150, 60, 12)],
      readCodexUsageLine,
    );
    expect(sum).toEqual({ input: 90, cacheRead: 60, output: 12, cacheWrite: 0 });
  });

  it('a total that goes down is a new base: reported, nothing counted twice', () => {
    const { sum, refused } = readAll(
      [model('gpt-5'), total(100, 0, 10), total(50, 0, 5), total(70, 0, 6)],
      readCodexUsageLine,
    );
    expect(sum).toEqual({ input: 120, cacheRead: 0, output: 11, cacheWrite: 0 });
    expect(refused).toHaveLength(1);
  });

  it('refuses forged numbers and more cached than input', () => {
    for (const [i, c, o] of [
      [-1, 0, 1],
      [1.5, 0, 1],
      [1e13, 0, 1],
      [10, 11, 1],
    ] as const) {
      const { sum, refused } = readAll([total(i, c, o)], readCodexUsageLine);
      expect(sum.input + sum.output + sum.cacheRead).toBe(0);
      expect(refused).toHaveLength(1);
    }
    const { tally } = readAll([model('\u0007bell'), total(10, 0, 1)], readCodexUsageLine);
    expect(Object.keys(tally.models)).toEqual(['unknown']);
  });

  it('finds the rollout of the thread the hooks named only', () => {
    const ctx = { env: { CODEX_HOME: '/c' }, home: '/h', cwd: '/w', agentDir: '/a', sessionId: 'x/../y' };
    expect(codexUsage.sessionFiles(ctx)).toEqual([]);
    const id = '01a21416-4e27-7600-9d44-72b41c3299db';
    const [q] = codexUsage.sessionFiles({ ...ctx, sessionId: id });
    expect(q!.root).toBe('/c/sessions');
    const name = q!.segments[3] as RegExp;
    expect(name.test(`rollout-2026-11-25T19-02-15-${id}.jsonl`)).toBe(true);
    expect(name.test(`rollout-2026-11-25T19-02-15-${id}.jsonl.bak`)).toBe(false);
  });
});
