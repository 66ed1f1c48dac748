import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO } from './support/harness.js';

// The rules of eslint.config.js that keep the rings apart, run on snippets placed (virtually) where
// they would break a rule: each case proves a rule fires, or lets through what it must.

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: REPO });
});

/** `rule: message` of every problem eslint finds in `code` as if it were the file `path`. */
async function problems(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${REPO}/${path}` });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('dynamic import() obeys the rings', () => {
  it('refuses an import() across a ring, as a static import', async () => {
    const lazy = "export const f = () => import('../../adapters/sqlite/open-database.js');\n";
    expect(await problems('src/core/agents/lazy.ts', lazy)).toEqual([
      expect.stringMatching(/^wtp\/restricted-dynamic-imports: .*core\/ is the domain/),
    ]);
    const template = 'export const f = () => import(`../ws/events-socket.js`);\n';
    expect(await problems('src/adapters/git/lazy.ts', template)).toEqual([
      expect.stringMatching(/^wtp\/restricted-dynamic-imports: .*adapters implement core ports/),
    ]);
  });

  it('refuses a computed specifier, which no pattern can check', async () => {
    const code = "const where = '../../adapters/sqlite/x.js';\nexport const f = () => import(where);\n";
    expect(await problems('src/core/agents/lazy.ts', code)).toEqual([
      expect.stringMatching(/^wtp\/restricted-dynamic-imports: .*computed specifier/),
    ]);
  });

  it('lets through an import() the ring allows', async () => {
    const code = "export const f = () => import('../../protocol/events.js');\n";
    expect(await problems('src/core/agents/lazy.ts', code)).toEqual([]);
  });
});

describe('process.env is read in src/config/env.ts only', () => {
  it.each([
    ['a property', 'export const home = process.env.HOME;\n'],
    ['a computed property', "export const env = process['env'];\n"],
    ['a destructuring', 'const { env } = process;\nexport const home = env.HOME;\n'],
    ['node:process', "import { env } from 'node:process';\nexport const home = env.HOME;\n"],
    ['globalThis', 'export const env = globalThis.process.env;\n'],
  ])('refuses %s elsewhere in src/', async (_, code) => {
    expect(await problems('src/adapters/git/reads-env.ts', code)).toEqual([
      expect.stringMatching(/src\/config\/env\.ts is the only reader of process\.env/),
    ]);
  });

  it('lets config/env.ts and tests read it', async () => {
    const code = 'export const env = process.env;\n';
    expect(await problems('src/config/env.ts', code)).toEqual([]);
    expect(await problems('src/adapters/git/git-exec.test.ts', code)).toEqual([]);
  });
});
