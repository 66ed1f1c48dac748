import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpencodeUsageDb } from '../../adapters/usage/opencode-db.js';
import { openPinned } from '../../adapters/sqlite/pinned-database.js';
import { newTally } from '../../core/usage/usage-tally.js';
import { fixtureVersions, readAll, USAGE_FIXTURES } from '../../../test/support/usage-fixtures.js';
import { opencodeUsage, readOpencodeUsageLine } from './usage.js';

interface Turn {
  input: number;
  cached?: number;
  output: number;
  reasoning?: number;
}

/** The lines the adapter hands out for the recorded session (a copy of the recorded database). */
function recordedLines(version: string): {
  lines: string[];
  expected: { model: string; session: string; turns: Turn[] };
} {
  const src = join(USAGE_FIXTURES, 'opencode', version);
  const expected = JSON.parse(readFileSync(join(src, 'expected.json'), 'utf8')) as {
    model: string;
    session: string;
    turns: Turn[];
  };
  const dir = mkdtempSync(join(tmpdir(), 'wtp-opencode-usage-'));
  try {
    copyFileSync(join(src, 'opencode.db'), join(dir, 'opencode.db'));
    const db = new OpencodeUsageDb({
      uid: process.getuid?.() ?? null,
      open: (p) => openPinned(p, { readonly: true, fileMustExist: true, timeout: 0 }),
    });
    const got = db.read(`${join(dir, 'opencode.db')}#${expected.session}`, null, 1 << 20);
    if (got === null || 'refused' in got) throw new Error(`not read: ${JSON.stringify(got)}`);
    return { lines: got.lines, expected };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const line = (id: string, time: number, tokens: unknown, model: unknown = 'claude-sonnet-4-5'): string =>
  JSON.stringify({
    id,
    time,
    part: JSON.stringify({ type: 'step-finish', reason: 'stop', cost: 0.01, tokens }),
    message: JSON.stringify({ role: 'assistant', modelID: model, providerID: 'anthropic' }),
  });
const tokens = { total: 0, input: 100, output: 20, reasoning: 5, cache: { read: 300, write: 40 } };

describe('OpenCode database usage', () => {
  for (const version of fixtureVersions('opencode')) {
    it(`${version}: the recorded session sums to exactly what the server sent`, () => {
      const { lines, expected } = recordedLines(version);
      const { tally, sum, refused } = readAll(lines, readOpencodeUsageLine);
      const t = expected.turns;
      expect(refused).toEqual([]);
      expect(sum).toEqual({
        input: t.reduce((n, x) => n + x.input - (x.cached ?? 0), 0),
        cacheRead: t.reduce((n, x) => n + (x.cached ?? 0), 0),
        // completion_tokens, reasoning included (OpenCode stores them apart).
        output: t.reduce((n, x) => n + x.output, 0),
        cacheWrite: 0,
      });
      expect(Object.keys(tally.models)).toEqual([expected.model]);
      const last = t[t.length - 1]!;
      expect(tally.context).toEqual({ used: last.input + last.output, window: null, model: expected.model });
    });
  }

  it('a part counts once; reasoning is output; cache writes are their own kind', () => {
    const { sum, tally } = readAll(
      [line('prt_a', 1000, tokens), line('prt_a', 1000, tokens), line('prt_b', 2000, tokens)],
      readOpencodeUsageLine,
    );
    expect(sum).toEqual({ input: 200, output: 50, cacheRead: 600, cacheWrite: 80 });
    expect(Object.keys(tally.models)).toEqual(['claude-sonnet-4-5']);
  });

  it('a part older than the newest counted is passed over (read again after rows were renumbered)', () => {
    const tally = newTally();
    readAll([line('prt_a', 1000, tokens), line('prt_b', 2000, tokens)], readOpencodeUsageLine, tally);
    expect(readAll([line('prt_a', 1000, tokens)], readOpencodeUsageLine, tally).sum.input).toBe(0);
  });

  it('refuses forged numbers and rows that are not JSON; passes over other parts', () => {
    for (const bad of [-1, 0.5, 1e12, '7', null]) {
      expect(readAll([line('x', 1, { ...tokens, input: bad })], readOpencodeUsageLine).refused).toHaveLength(
        1,
      );
      expect(
        readAll([line('x', 1, { ...tokens, cache: { read: bad } })], readOpencodeUsageLine).refused,
      ).toHaveLength(1);
    }
    expect(readAll([line('x', 1, { ...tokens, cache: 'lots' })], readOpencodeUsageLine).refused).toHaveLength(
      1,
    );
    expect(readAll(['{"id":"x","part":"{not json"}'], readOpencodeUsageLine).refused).toEqual([
      'a part that is not a JSON object',
    ]);
    expect(readAll(['not json'], readOpencodeUsageLine).refused).toEqual(['not a JSON object']);
    const text = JSON.stringify({ id: 'p', time: 1, part: JSON.stringify({ type: 'text', text: 'hi' }) });
    expect(readAll([text], readOpencodeUsageLine)).toMatchObject({ refused: [], sum: { input: 0 } });
    // A model name with control characters is not taken: the tokens count as "unknown".
    const { tally } = readAll([line('y', 1, tokens, 'evil\u001b[2J')], readOpencodeUsageLine);
    expect(Object.keys(tally.models)).toEqual(['unknown']);
  });

  it('finds its database from XDG_DATA_HOME, HOME or OPENCODE_DB; only for an OpenCode session id', () => {
    const base = { env: {}, home: '/h', cwd: '/w', agentDir: '/a', sessionId: 'ses_abc' };
    const q = (root: string, name: string) => [
      { root, segments: [name], database: { schema: 'opencode', session: 'ses_abc' } },
    ];
    expect(opencodeUsage.sessionFiles(base)).toEqual(q('/h/.local/share/opencode', 'opencode.db'));
    expect(opencodeUsage.sessionFiles({ ...base, env: { XDG_DATA_HOME: '/x/' } })).toEqual(
      q('/x/opencode', 'opencode.db'),
    );
    expect(opencodeUsage.sessionFiles({ ...base, env: { OPENCODE_DB: '/d/my.db' } })).toEqual(
      q('/d', 'my.db'),
    );
    expect(opencodeUsage.sessionFiles({ ...base, env: { OPENCODE_DB: 'other.db' } })).toEqual(
      q('/h/.local/share/opencode', 'other.db'),
    );
    expect(opencodeUsage.sessionFiles({ ...base, env: { OPENCODE_DB: ':memory:' } })).toEqual([]);
    expect(opencodeUsage.sessionFiles({ ...base, sessionId: '../x' })).toEqual([]);
    expect(opencodeUsage.sessionFiles({ ...base, sessionId: null })).toEqual([]);
  });
});
