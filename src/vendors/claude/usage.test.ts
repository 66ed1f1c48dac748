import { describe, expect, it } from 'vitest';
import { newTally } from '../../core/usage/usage-tally.js';
import { fixtureVersions, readAll, usageFixture } from '../../../test/support/usage-fixtures.js';
import type { AnthropicUsage } from '../../../test/support/fake-anthropic.js';
import { claudeUsage, readClaudeUsageLine } from './usage.js';

const line = (id: string, usage: Record<string, unknown>, model: unknown = 'claude-sonnet-4-5'): string =>
  JSON.stringify({
    type: 'assistant',
    timestamp: '2026-11-25T10:00:00.000Z',
    message: { id, model, role: 'assistant', content: [], usage },
  });
const u = {
  input_tokens: 10,
  output_tokens: 5,
  cache_read_input_tokens: 100,
  cache_creation_input_tokens: 20,
};

describe('Claude Code transcript usage', () => {
  for (const version of fixtureVersions('claude')) {
    it(`${version}: the recorded transcript sums to exactly what the server sent, each message once`, () => {
      const { lines, expected } = usageFixture<AnthropicUsage>('claude', version);
      const { tally, sum, refused } = readAll(lines, readClaudeUsageLine);
      const turns = expected.turns;
      expect(refused).toEqual([]);
      expect(sum).toEqual({
        input: turns.reduce((n, t) => n + t.input_tokens, 0),
        output: turns.reduce((n, t) => n + t.output_tokens, 0),
        cacheRead: turns.reduce((n, t) => n + (t.cache_read_input_tokens ?? 0), 0),
        cacheWrite: turns.reduce((n, t) => n + (t.cache_creation_input_tokens ?? 0), 0),
      });
      expect(Object.keys(tally.models)).toEqual([expected.model]);
      const last = turns.at(-1)!;
      expect(tally.context).toEqual({
        used:
          last.input_tokens +
          last.output_tokens +
          (last.cache_read_input_tokens ?? 0) +
          (last.cache_creation_input_tokens ?? 0),
        window: null,
        model: expected.model,
      });
    });
  }

  it('a message written again (one line per content block) replaces what it counted', () => {
    const first = { ...u, output_tokens: 1 };
    const { sum } = readAll([line('msg_1', first), line('msg_1', u), line('msg_2', u)], readClaudeUsageLine);
    expect(sum).toEqual({ input: 20, output: 10, cacheRead: 200, cacheWrite: 40 });
  });

  it('refuses forged numbers: negative, fractional, huge, text, missing', () => {
    for (const bad of [-1, 1.5, 1e15, '12', null, Number.NaN]) {
      const { sum, refused } = readAll([line('m', { ...u, output_tokens: bad })], readClaudeUsageLine);
      expect(sum).toEqual({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0 });
      expect(refused).toHaveLength(1);
    }
  });

  it('passes over other lines, a cut line, synthetic messages and odd model names', () => {
    const cut = line('m', u).slice(0, -10);
    const { sum, refused } = readAll(
      [
        cut,
        JSON.stringify({ type: 'user', message: { usage: u } }),
        line('s', u, '<synthetic>'),
        line('x', u, 'a\u001bmodel'),
        line('y', u, 42),
      ],
      readClaudeUsageLine,
    );
    expect(sum).toEqual({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0 });
    expect(refused).toEqual(['not a JSON object']);
  });

  it('looks for the session the hooks named, in any project folder, and its subagents; nothing else', () => {
    const ctx = { env: {}, home: '/home/me', cwd: '/w', agentDir: '/a', sessionId: null };
    expect(claudeUsage.sessionFiles(ctx)).toEqual([]);
    expect(claudeUsage.sessionFiles({ ...ctx, sessionId: '../../etc/passwd' })).toEqual([]);
    const id = '5b0f3c1e-8d2a-4c55-9e61-0c9d7a1b2c3d';
    const q = claudeUsage.sessionFiles({ ...ctx, sessionId: id, env: { CLAUDE_CONFIG_DIR: '/cfg' } });
    expect(q.map((x) => x.root)).toEqual(['/cfg/projects', '/cfg/projects']);
    expect(q[0]!.segments[1]).toBe(`${id}.jsonl`);
    expect(claudeUsage.sessionFiles({ ...ctx, sessionId: id })[0]!.root).toBe('/home/me/.claude/projects');
    expect(newTally().models).toEqual({});
  });
});
