import { describe, expect, it } from 'vitest';
import { fixtureVersions, readAll, usageFixture } from '../../../test/support/usage-fixtures.js';
import { geminiUsage, readGeminiUsageLine } from './usage.js';

interface Turn {
  prompt: number;
  candidates: number;
  cached?: number;
  thoughts?: number;
}

const msg = (id: string, tokens: Record<string, unknown>): string =>
  JSON.stringify({
    id,
    timestamp: '2026-11-25T10:00:00.000Z',
    type: 'gemini',
    content: '',
    tokens,
    model: 'gemini-2.5-pro',
  });

describe('Gemini CLI chat recording usage', () => {
  for (const version of fixtureVersions('gemini')) {
    it(`${version}: the recorded chat sums to exactly what the server sent, resumed history not again`, () => {
      const { lines, expected } = usageFixture<Turn>('gemini', version);
      const { tally, sum, refused } = readAll(lines, readGeminiUsageLine);
      const t = expected.turns;
      expect(refused).toEqual([]);
      expect(sum).toEqual({
        input: t.reduce((n, x) => n + x.prompt - (x.cached ?? 0), 0),
        cacheRead: t.reduce((n, x) => n + (x.cached ?? 0), 0),
        output: t.reduce((n, x) => n + x.candidates + (x.thoughts ?? 0), 0),
        cacheWrite: 0,
      });
      expect(Object.keys(tally.models)).toEqual([expected.model]);
    });
  }

  it('a message written again with its tool calls counts once', () => {
    const tokens = { input: 100, output: 10, cached: 40, thoughts: 5, tool: 0, total: 115 };
    const { sum } = readAll([msg('a', tokens), msg('a', tokens), msg('b', tokens)], readGeminiUsageLine);
    expect(sum).toEqual({ input: 120, cacheRead: 80, output: 30, cacheWrite: 0 });
  });

  it('refuses forged numbers', () => {
    for (const bad of [-5, 2.5, 1e16, 'x']) {
      const { sum, refused } = readAll([msg('a', { input: bad, output: 1 })], readGeminiUsageLine);
      expect(sum.input + sum.output).toBe(0);
      expect(refused).toHaveLength(1);
    }
  });

  it("looks in the agent's own Gemini home for its session's file", () => {
    const ctx = {
      env: { GEMINI_CLI_HOME: '/a/gemini-home' },
      home: '/h',
      cwd: '/w',
      agentDir: '/a',
      sessionId: null,
    };
    expect(geminiUsage.sessionFiles(ctx)).toEqual([]);
    const [q] = geminiUsage.sessionFiles({ ...ctx, sessionId: 'de0274ee-c79d-4786-bb2e-f54f0ac552f3' });
    expect(q!.root).toBe('/a/gemini-home/.gemini/tmp');
    expect((q!.segments[2] as RegExp).test('session-2026-11-25T19-02-de0274ee.jsonl')).toBe(true);
  });
});
