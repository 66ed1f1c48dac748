import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPinned } from '../../src/adapters/sqlite/pinned-database.js';
import type { AgentView } from '../../src/protocol/agent.js';
import type { TaskView } from '../../src/protocol/tasks.js';
import type { BudgetList, CostReport, TokenCountsView } from '../../src/protocol/usage.js';
import { fakeNotifySend, jsonLines, newAgent, typeThenEnter } from '../support/agent-steps.js';
import { claudeBinary, claudeEnv, prepareClaudeHome } from '../support/claude-cli.js';
import { codexBinary, codexEnv, prepareCodexHome } from '../support/codex-cli.js';
import { FakeAnthropic } from '../support/fake-anthropic.js';
import { FakeGemini } from '../support/fake-gemini.js';
import { FakeOpenAI } from '../support/fake-openai.js';
import { GEMINI_MODEL, geminiBinary, geminiEnv, prepareGeminiHome } from '../support/gemini-cli.js';
import { signedInPage } from '../support/browser.js';
import { eventually, TestHome } from '../support/harness.js';
import { gitRepo, taskSteps } from '../support/task-steps.js';

/**
 * Issue 35 end to end: the real Claude Code, Codex and Gemini CLIs (pinned) against scripted
 * servers that answer every main turn with usage numbers of its own. The daemon reads them from
 * each CLI's own session file; the sums per agent and per task must be exactly what the servers
 * sent, priced with a test price table (the bundled one off). A workspace budget reached by one
 * task holds the next and notifies (a stand-in notify-send); a daemon restart counts nothing twice.
 */
const API_KEY = 'sk-ant-test-0000000000000000000000000000wtp-cost-key';
const CLAUDE_MODEL = 'claude-sonnet-4-5';
/** Test prices, US dollars per million tokens. */
const PRICES = {
  [CLAUDE_MODEL]: { input: 2, output: 10, cacheRead: 1, cacheWrite: 4 },
  'gpt-fake': { input: 3, output: 12, cacheRead: 0.5 },
  [GEMINI_MODEL]: { input: 1, output: 5, cacheRead: 0.25 },
};

/** Who a request is for: the `<name>:` its conversation's prompts start with. */
const WHO = /\b(cl|cx|gm|ta|tb): /;
const zero = (): TokenCountsView => ({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0 });
/** What each agent (by its prompt's name) was sent, in our token kinds, and in how many answers. */
const sent = new Map<string, TokenCountsView>();
const answers = new Map<string, number>();
let turn = 0;
function served(who: string, c: TokenCountsView): void {
  answers.set(who, (answers.get(who) ?? 0) + 1);
  const s = sent.get(who) ?? zero();
  sent.set(who, {
    input: s.input + c.input,
    output: s.output + c.output,
    cacheRead: s.cacheRead + c.cacheRead,
    cacheWrite: s.cacheWrite + c.cacheWrite,
  });
}
const whoOf = (text: string): string => WHO.exec(text)?.[1] ?? 'other';

const cost = (model: keyof typeof PRICES, t: TokenCountsView): number => {
  const p = PRICES[model] as { input: number; output: number; cacheRead: number; cacheWrite?: number };
  return (
    (t.input * p.input +
      t.output * p.output +
      t.cacheRead * p.cacheRead +
      t.cacheWrite * (p.cacheWrite ?? 0)) /
    1e6
  );
};

describe('what agents cost (real Claude Code, Codex and Gemini CLI, headless)', { timeout: 240_000 }, () => {
  let home: TestHome;
  let anthropic: FakeAnthropic;
  let openai: FakeOpenAI;
  let gemini: FakeGemini;
  let proj: string;
  const usageOf = async (name: string): Promise<AgentView['usage']> => (await home.agent(name)).usage;
  /** Waits until the agent's counted tokens are exactly what its server sent (and returns the usage). */
  const untilCounted = (name: string, who: string): Promise<NonNullable<AgentView['usage']>> => {
    let last: unknown;
    return eventually(
      `${name}'s usage to be counted exactly`,
      async () => {
        const a = await home.agent(name);
        last = { sent: sent.get(who), usage: a.usage, state: a.state, session: a.sessionId };
        return a.usage && JSON.stringify(a.usage.tokens) === JSON.stringify(sent.get(who))
          ? a.usage
          : undefined;
      },
      90_000,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; last: ${JSON.stringify(last)}`);
    });
  };
  const idleAfterWork = (name: string): Promise<AgentView> =>
    eventually(
      `${name} to finish its turn`,
      async () => {
        const a = await home.agent(name);
        return a.state === 'idle' ? a : undefined;
      },
      90_000,
    );

  /** For a failure's message: the agents' sessions and the usage files the database has. */
  const diagnosis = async (): Promise<string> => {
    const views = (await home.agents()).map((a) => [
      a.name,
      a.state,
      a.sessionId,
      a.usage?.files,
      a.usage?.tokens.input,
    ]);
    const db = openPinned(home.path('wtp.db'), { readonly: true });
    try {
      const files = db.prepare('SELECT agent_id, path, offset FROM usage_files').all();
      return JSON.stringify({ views, files, sent: [...sent], answers: [...answers] });
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    anthropic = await FakeAnthropic.start((req) => {
      const k = ++turn;
      const usage = {
        input_tokens: 1000 + 7 * k,
        output_tokens: 20 + k,
        cache_read_input_tokens: 300 * k,
        cache_creation_input_tokens: 50 + k,
      };
      served(whoOf(JSON.stringify(req.messages)), {
        input: usage.input_tokens,
        output: usage.output_tokens,
        cacheRead: usage.cache_read_input_tokens,
        cacheWrite: usage.cache_creation_input_tokens,
      });
      return { text: `Turn ${k} done.`, usage };
    });
    openai = await FakeOpenAI.start((req) => {
      const k = ++turn;
      const usage = { input: 2000 + 11 * k, cached: 128 * k, output: 30 + k, reasoning: k };
      served(whoOf(JSON.stringify(req.input)), {
        input: usage.input - usage.cached,
        output: usage.output,
        cacheRead: usage.cached,
        cacheWrite: 0,
      });
      return { text: `Turn ${k} done.`, usage };
    });
    gemini = await FakeGemini.start((req) => {
      const k = ++turn;
      const usage = { prompt: 3000 + 13 * k, candidates: 40 + k, cached: 64 * k, thoughts: 2 * k };
      served(whoOf(JSON.stringify(req.contents)), {
        input: usage.prompt - usage.cached,
        output: usage.candidates + usage.thoughts,
        cacheRead: usage.cached,
        cacheWrite: 0,
      });
      return { text: `Turn ${k} done.`, usage };
    });
    home = new TestHome({
      WTP_BACKEND: 'headless',
      WTP_CLAUDE_BIN: claudeBinary(),
      WTP_CODEX_BIN: codexBinary(),
      WTP_GEMINI_BIN: geminiBinary(),
    });
    fakeNotifySend(home.path('bin'), home.path('notify-send.log'));
    home.env.PATH = `${home.path('bin')}:${home.env.PATH ?? ''}`;
    const prices = Object.entries(PRICES).flatMap(([model, p]) => [
      `    ${model}:`,
      ...Object.entries(p).map(([k, v]) => `      ${k}: ${v}`),
    ]);
    home.writeConfig(
      [
        'cost:',
        '  readEveryMs: 300',
        '  bundledPrices: false',
        '  prices:',
        ...prices,
        'tasks:',
        '  defaultProfile: claude',
        '  retries: 0',
        'notifications:',
        '  toast: false',
        '  bell: false',
        '',
      ].join('\n'),
    );
    proj = home.path('proj');
    mkdirSync(proj);
    const { repo } = gitRepo(home, 'shop');
    prepareClaudeHome(home.path('home'), { cwd: proj, apiKey: API_KEY, trusted: false });
    const codexHome = home.path('home', '.codex');
    prepareCodexHome(codexHome, { baseUrl: openai.url });
    prepareGeminiHome(home.path('home'));
    Object.assign(
      home.env,
      claudeEnv({ home: home.path('home'), baseUrl: anthropic.url, apiKey: API_KEY }),
      codexEnv({ home: home.path('home'), codexHome }),
      geminiEnv({ home: home.path('home'), baseUrl: gemini.url }),
    );
    await home.up();
    const ws = await home.run(['workspace', 'new', 'shop', '--repo', repo, '--backend', 'headless']);
    expect(ws.code, ws.stderr).toBe(0);
    await Promise.all([
      newAgent(home, 'claude', 'cl', proj, ['--model', CLAUDE_MODEL, '--prompt', 'cl: first turn']),
      newAgent(home, 'codex', 'cx', proj, ['--prompt', 'cx: first turn']),
      newAgent(home, 'gemini', 'gm', proj, ['--model', GEMINI_MODEL, '--prompt', 'gm: first turn']),
    ]);
  });

  afterAll(async () => {
    await home?.cleanup();
    await Promise.all([anthropic?.close(), openai?.close(), gemini?.close()]);
  });

  it('counts exactly the tokens each CLI was sent, turn after turn, priced with the test table', async () => {
    for (const [name] of [['cl'], ['cx'], ['gm']]) await untilCounted(name!, name!);
    // A second turn each.
    for (const name of ['cl', 'cx', 'gm']) {
      await idleAfterWork(name);
      // Text, then Enter on its own (as the other real-CLI tests: Gemini CLI takes keys that come
      // with a paste as part of it).
      await typeThenEnter(home, name, `${name}: second turn`);
    }
    // Each second turn answered (typed is not yet asked), then counted.
    await eventually(
      'the second turns to be answered',
      () => ['cl', 'cx', 'gm'].every((n) => (answers.get(n) ?? 0) >= 2) || undefined,
      150_000,
    ).catch(async (err: unknown) => {
      throw new Error(`${String(err)}; ${await diagnosis()}`);
    });
    const cl = await untilCounted('cl', 'cl');
    const cx = await untilCounted('cx', 'cx');
    const gm = await untilCounted('gm', 'gm');
    expect(cl.models.map((m) => m.model)).toEqual([CLAUDE_MODEL]);
    expect(cl.costUsd).toBeCloseTo(cost(CLAUDE_MODEL, sent.get('cl')!), 12);
    expect(cx.costUsd).toBeCloseTo(cost('gpt-fake', sent.get('cx')!), 12);
    expect(gm.costUsd).toBeCloseTo(cost(GEMINI_MODEL, sent.get('gm')!), 12);
    expect(cl.exactness).toBe('exact');
    expect(cx.context?.window).toBeGreaterThan(0);
    expect(cl.context?.percent).toBeNull(); // the test table gives no context window
    // The same numbers in `wtp ls` and `wtp why`.
    const ls = await home.run(['ls']);
    expect(ls.stdout).toMatch(/COST\s+TOKENS/);
    const why = await home.run(['why', 'cl']);
    expect(why.stdout).toContain(`tokens: ${cl.tokens.input} in, ${cl.tokens.output} out`);
    // The dashboard: each agent's cost on its row, and the Spend chart's sum over the window.
    const { browser, page } = await signedInPage(home);
    try {
      const badge = page.locator('[data-testid="agent"][data-agent="cl"] [data-testid="agent-cost"]');
      await badge.waitFor({ timeout: 30_000 });
      expect(Number(await badge.getAttribute('data-cost'))).toBeCloseTo(cl.costUsd!, 12);
      await page.locator('[data-testid="tab-metrics"]').click();
      const chart = page.locator('[data-testid="cost-chart"]');
      await chart.waitFor({ timeout: 30_000 });
      const total = cl.costUsd! + cx.costUsd! + gm.costUsd!;
      expect(Number(await chart.getAttribute('data-total'))).toBeCloseTo(total, 5);
    } finally {
      await browser.close();
    }
  });

  it('a workspace budget reached by one task holds the next one and notifies, in money', async () => {
    const set = await home.json<BudgetList>(['budget', 'set', 'workspace', 'shop', '0.002']);
    expect(set.code, JSON.stringify(set.doc)).toBe(0);
    const first = await home.json<{ task: TaskView }>([
      'task',
      'add',
      'ta',
      '--prompt',
      'ta: first task',
      '--workspace',
      'shop',
      '--model',
      CLAUDE_MODEL,
    ]);
    expect(first.code, JSON.stringify(first.doc)).toBe(0);
    const steps = taskSteps(home);
    await steps.untilTask('ta', 'its run to end in review', (t) => t.status === 'review');
    // Counted and priced: the budget of shop is reached.
    let budgets: unknown;
    await eventually('the shop budget to be reached', async () => {
      const b = await home.json<BudgetList>(['budget']);
      budgets = b.doc;
      return b.doc.budgets?.find(
        (x) => x.scope === 'workspace' && x.name === 'shop' && x.state === 'reached',
      );
    }).catch((err: unknown) => {
      throw new Error(`${String(err)}; budgets: ${JSON.stringify(budgets)}`);
    });
    const second = await home.json<{ task: TaskView }>([
      'task',
      'add',
      'tb',
      '--prompt',
      'tb: second task',
      '--workspace',
      'shop',
      '--model',
      CLAUDE_MODEL,
    ]);
    expect(second.code, JSON.stringify(second.doc)).toBe(0);
    const held = await steps.untilTask(
      'tb',
      'it to wait for the budget',
      (t) => t.blocked?.reason === 'budget',
    );
    expect(held.runs).toEqual([]);
    expect(held.blocked?.message).toContain("a budget in money, not a vendor's usage limit");
    const notes = await eventually('the budget notification', () => {
      const sentNotes = jsonLines(home.path('notify-send.log')) as string[][];
      return sentNotes.find((argv) => argv.some((a) => a.startsWith('Budget reached: workspace shop')));
    });
    expect(notes.join(' ')).toContain('not a vendor quota');
    // The task's tokens in the report: exactly what its agent was sent.
    const report = await home.json<CostReport>(['report', '--cost', '--by', 'task,workspace']);
    const ta = report.doc.groups?.task?.find((r) => r.name === 'ta');
    expect(ta?.tokens).toEqual(sent.get('ta'));
    expect(ta?.costUsd).toBeCloseTo(cost(CLAUDE_MODEL, sent.get('ta')!), 6);
    expect(ta?.detail).toBe('1 agent');
    // Raising the budget lets it start.
    await home.json(['budget', 'set', 'workspace', 'shop', '100']);
    await steps.untilTask('tb', 'it to start once the budget is raised', (t) => t.runs.length === 1);
  });

  it('a daemon restart counts nothing twice, and the next turn once', async () => {
    const before = new Map<string, TokenCountsView>();
    for (const name of ['cl', 'cx', 'gm']) before.set(name, (await untilCounted(name, name)).tokens);
    const down = await home.run(['down']);
    expect(down.code, down.stderr).toBe(0);
    await home.up();
    // What was counted is there at once (from the database, nothing read again)…
    for (const name of ['cl', 'cx', 'gm'])
      expect((await usageOf(name))?.tokens, `${name}; ${await diagnosis()}`).toEqual(before.get(name));
    // …and the restarted meter reads on from the stored positions: after one more turn the sum is
    // exact (a file read again from its start would have added its turns a second time).
    await idleAfterWork('cl');
    await typeThenEnter(home, 'cl', 'cl: third turn');
    await eventually(
      'the third turn to be answered',
      () => (answers.get('cl') ?? 0) >= 3 || undefined,
      90_000,
    );
    await untilCounted('cl', 'cl');
    const report = await home.json<CostReport>(['report', '--cost', '--by', 'agent']);
    for (const name of ['cl', 'cx', 'gm'])
      expect(report.doc.groups?.agent?.find((x) => x.name === name)?.tokens, name).toEqual(sent.get(name));
  });
});
