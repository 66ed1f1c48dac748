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

describe('the API layers', () => {
  it.each([
    [
      'http/ → ws/',
      'src/interfaces/http/x.ts',
      '../ws/send-json.js',
      /http\/ and ws\/ never import each other/,
    ],
    [
      'ws/ → http/',
      'src/interfaces/ws/x.ts',
      '../http/openapi.js',
      /ws\/ and http\/ never import each other/,
    ],
    [
      'server/ → http/',
      'src/interfaces/server/x.ts',
      '../http/metrics.js',
      /server\/ is what http\/ and ws\/ share/,
    ],
    [
      'server/ → ws/',
      'src/interfaces/server/x.ts',
      '../ws/send-json.js',
      /server\/ is what http\/ and ws\/ share/,
    ],
    ['http/ → api/', 'src/interfaces/http/x.ts', '../api/api-server.js', /only src\/daemon\/ imports it/],
    [
      'host-link/ → api/',
      'src/interfaces/host-link/x.ts',
      '../api/api-server.js',
      /only src\/daemon\/ imports it/,
    ],
    ['the CLI → server/', 'src/interfaces/cli/x.ts', '../server/auth.js', /the CLI is a client/],
  ])('refuses %s', async (_, path, from, why) => {
    expect(await problems(path, `export * from '${from}';\n`)).toEqual([
      expect.stringMatching(new RegExp(`^no-restricted-imports: .*${why.source}`)),
    ]);
    expect(await problems(path, `export const f = () => import('${from}');\n`)).toEqual([
      expect.stringMatching(new RegExp(`^wtp/restricted-dynamic-imports: .*${why.source}`)),
    ]);
  });

  it.each([
    ['the registry', '../../core/model/registry.js'],
    ['Core', '../../core/create-core.js'],
    ['a service', '../../core/agents/agent-service.js'],
    ['the face builder', '../../core/use-cases/to-use-cases.js'],
  ])('lets routes and sockets see the core through its use cases only, not %s', async (_, from) => {
    for (const path of ['src/interfaces/http/x.ts', 'src/interfaces/ws/x.ts', 'src/interfaces/server/x.ts']) {
      expect(await problems(path, `export type { X } from '${from}';\n`)).toEqual([
        expect.stringMatching(/the API sees the core through core\/use-cases\/use-cases\.ts/),
      ]);
    }
  });

  it('lets them import what they share, the use cases, errors, port types and records', async () => {
    const code = [
      "export type { UseCases } from '../../core/use-cases/use-cases.js';",
      "export { AppError } from '../../core/errors.js';",
      "export type { Clock } from '../../core/ports/daemon.js';",
      "export { isLive } from '../../core/model/agent-state.js';",
      "export { HttpApp } from '../server/http-app.js';",
      '',
    ].join('\n');
    expect(await problems('src/interfaces/http/x.ts', code)).toEqual([]);
    expect(await problems('src/interfaces/ws/x.ts', code)).toEqual([]);
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

describe('a CLI command runs on its context, as the tests run it in-process', () => {
  it('refuses the process exit status, stdin, and a program started in the process environment', async () => {
    const code = [
      "import { spawn } from 'node:child_process';",
      'export function f(): void {',
      '  process.exitCode = 1;',
      '  process.stdin.resume();',
      "  spawn('tmux', ['ls'], { stdio: 'ignore' });",
      '}',
      '',
    ].join('\n');
    expect(await problems('src/interfaces/cli/commands/x.ts', code)).toEqual([
      expect.stringMatching(/^no-restricted-properties: 'process.exitCode' .*ctx\.exitCode/),
      expect.stringMatching(/^no-restricted-properties: 'process.stdin' .*ctx\.in/),
      expect.stringMatching(/^no-restricted-syntax: .*env: ctx\.processEnv/),
    ]);
  });

  it('lets through a program started in the environment it is given', async () => {
    const code =
      "import { spawn } from 'node:child_process';\nexport const f = (env: NodeJS.ProcessEnv) => spawn('tmux', [], { env });\n";
    expect(await problems('src/interfaces/cli/commands/x.ts', code)).toEqual([]);
  });
});

describe('git runs through git-exec.ts, whose environment starts nothing a folder configures', () => {
  it('refuses a call whose program is git anywhere else, in the daemon and in the CLI', async () => {
    for (const file of ['src/adapters/x.ts', 'src/interfaces/cli/commands/x.ts']) {
      const code =
        "import { execFile } from 'node:child_process';\nexport const f = (env: NodeJS.ProcessEnv) => execFile('git', ['status'], { env });\n";
      expect(await problems(file, code)).toEqual([
        expect.stringMatching(/^no-restricted-syntax: run git through/),
      ]);
    }
  });
});

describe('product code names no issue of the tracker', () => {
  it.each([
    [
      'a comment in src/',
      'src/core/agents/x.ts',
      'export const a = 1;\n// At its prompt (issue 36).\n',
      '2:19',
    ],
    ['a description in protocol/', 'src/protocol/x.ts', "export const d = 'Spent (Issues #35)';\n", '1:26'],
    ['the dashboard', 'web/src/x.tsx', '/** A lead (issue 34). */\nexport const b = 2;\n', '1:13'],
    ['the launcher', 'bin/x.js', '// Cached (issue 32).\nexport const c = 3;\n', '1:12'],
  ])('refuses one in %s, at its line and column', async (_, path, code, at) => {
    const [result] = await eslint.lintText(code, { filePath: `${REPO}/${path}` });
    expect(
      (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'} ${m.line}:${m.column}: ${m.message}`),
    ).toEqual([
      expect.stringMatching(new RegExp(`^wtp/no-issue-numbers ${at}: "issues? #?\\d+" names an issue`, 'i')),
    ]);
  });

  it('lets tests name one, and product code speak of issues without a number', async () => {
    expect(await problems('src/core/agents/x.test.ts', '// issue 36\nexport const a = 1;\n')).toEqual([]);
    expect(
      await problems('src/core/agents/x.ts', '// An issue of the tracker, issue-36.\nexport const a = 1;\n'),
    ).toEqual([]);
  });
});

describe('a comment block in product code is at most 9 lines', () => {
  const jsdoc = (lines: number): string =>
    ['/**', ...Array.from({ length: lines - 2 }, (_, i) => ` * Why, line ${i + 1}.`), ' */'].join('\n');
  const slashes = (lines: number): string =>
    Array.from({ length: lines }, (_, i) => `// Why, line ${i + 1}.`).join('\n');
  const TOO_LONG = /^wtp\/max-comment-lines: comment block of 10 lines: say why in at most 9$/;

  it('lets through a 9-line JSDoc', async () => {
    expect(await problems('src/core/agents/x.ts', `${jsdoc(9)}\nexport const a = 1;\n`)).toEqual([]);
  });

  it('refuses a 10-line JSDoc', async () => {
    expect(await problems('src/core/agents/x.ts', `${jsdoc(10)}\nexport const a = 1;\n`)).toEqual([
      expect.stringMatching(TOO_LONG),
    ]);
  });

  it('refuses 10 // comments on adjacent lines, in the dashboard and the scripts too', async () => {
    for (const path of ['src/core/agents/x.ts', 'web/src/x.tsx', 'scripts/x.mjs', 'bench/x.ts']) {
      expect(await problems(path, `${slashes(10)}\nexport const a = 1;\n`)).toEqual([
        expect.stringMatching(TOO_LONG),
      ]);
    }
  });

  it('lets through two runs of 5 // comments with code between them', async () => {
    const code = `${slashes(5)}\nexport const a = 1;\n${slashes(5)}\nexport const b = 2;\n`;
    expect(await problems('src/core/agents/x.ts', code)).toEqual([]);
  });

  it('ends a run of // comments at a blank line', async () => {
    const code = `${slashes(5)}\n\n${slashes(5)}\nexport const a = 1;\n`;
    expect(await problems('src/core/agents/x.ts', code)).toEqual([]);
  });

  it('reports the block at its first line, and counts a trailing code comment apart', async () => {
    const code = `export const a = 1; // Why.\n\n${slashes(10)}\nexport const b = 2;\n`;
    const [result] = await eslint.lintText(code, { filePath: `${REPO}/src/core/agents/x.ts` });
    expect((result?.messages ?? []).map((m) => `${m.line}-${m.endLine ?? 0}`)).toEqual(['3-12']);
  });

  it('takes its maximum as an option', async () => {
    const strict = new ESLint({
      cwd: REPO,
      overrideConfig: { rules: { 'wtp/max-comment-lines': ['error', { max: 3 }] } },
    });
    const [result] = await strict.lintText(`${slashes(4)}\nexport const a = 1;\n`, {
      filePath: `${REPO}/src/core/agents/x.ts`,
    });
    expect((result?.messages ?? []).map((m) => m.message)).toEqual([
      'comment block of 4 lines: say why in at most 3',
    ]);
  });

  it('lets tests explain a scenario at length', async () => {
    const code = `${slashes(12)}\nexport const a = 1;\n`;
    expect(await problems('src/core/agents/x.test.ts', code)).toEqual([]);
    expect(await problems('test/e2e/x.test.ts', code)).toEqual([]);
  });
});
