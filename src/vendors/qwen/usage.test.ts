import { describe, expect, it } from 'vitest';
import { fixtureVersions, readAll, usageFixture } from '../../../test/support/usage-fixtures.js';
import { qwenUsage, readQwenUsageLine } from './usage.js';

interface Turn {
  input: number;
  cached?: number;
  output: number;
  reasoning?: number;
}

const rec = (uuid: string, usageMetadata: Record<string, unknown>): string =>
  JSON.stringify({
    uuid,
    type: 'assistant',
    timestamp: '2026-11-25T10:00:00Z',
    model: 'qwen3',
    usageMetadata,
    contextWindowSize: 1000,
  });

describe('Qwen Code chat recording usage', () => {
  for (const version of fixtureVersions('qwen')) {
    it(`${version}: the recorded chat sums to exactly what the server sent`, () => {
      const { lines, expected } = usageFixture<Turn>('qwen', version);
      const { tally, sum, refused } = readAll(lines, readQwenUsageLine);
      const t = expected.turns;
      expect(refused).toEqual([]);
      expect(sum).toEqual({
        input: t.reduce((n, x) => n + x.input - (x.cached ?? 0), 0),
        cacheRead: t.reduce((n, x) => n + (x.cached ?? 0), 0),
        output: t.reduce((n, x) => n + x.output, 0),
        cacheWrite: 0,
      });
      expect(Object.keys(tally.models)).toEqual([expected.model]);
    });
  }

  it('a record repeated counts once; forged numbers are refused; the window is the record’s', () => {
    const u = {
      promptTokenCount: 100,
      candidatesTokenCount: 5,
      cachedContentTokenCount: 60,
      thoughtsTokenCount: 2,
    };
    const { sum, tally } = readAll([rec('a', u), rec('a', u), rec('b', u)], readQwenUsageLine);
    expect(sum).toEqual({ input: 80, cacheRead: 120, output: 14, cacheWrite: 0 });
    expect(tally.context).toEqual({ used: 107, window: 1000, model: 'qwen3' });
    for (const bad of [-1, 0.5, 1e12, '7']) {
      const r = readAll([rec('x', { ...u, promptTokenCount: bad })], readQwenUsageLine);
      expect(r.refused).toHaveLength(1);
    }
    expect(
      readAll([rec('y', { ...u, cachedContentTokenCount: 101 })], readQwenUsageLine).refused,
    ).toHaveLength(1);
  });

  it('finds the session the hooks named, under QWEN_HOME', () => {
    const ctx = { env: { QWEN_HOME: '/q' }, home: '/h', cwd: '/w', agentDir: '/a', sessionId: '../x' };
    expect(qwenUsage.sessionFiles(ctx)).toEqual([]);
    const id = 'c7145fa0-4664-4fdb-bb0f-c9c5fab2d4e2';
    expect(qwenUsage.sessionFiles({ ...ctx, sessionId: id })).toEqual([
      { root: '/q/projects', segments: [/^[^.]/, 'chats', `${id}.jsonl`] },
    ]);
  });
});
