import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { REAL_CLI_TESTS, answerDoc, newAgent, untilState } from '../support/agent-steps.js';
import { claudeBinary, claudeEnv, prepareClaudeHome } from '../support/claude-cli.js';
import { rowsOf, type MatrixRow } from '../support/dialog-matrix.js';
import { FakeAnthropic, type FakeRequest, type FakeTurn } from '../support/fake-anthropic.js';
import { eventually, REPO, TestHome } from '../support/harness.js';

/**
 * The dialog conformance matrix for Claude Code (issue 29), on the pinned CLI against a scripted
 * Messages API, in tmux: every kind of request it asks about (test/support/dialog-matrix.ts) is
 * detected and answered by `wtp deny`, `wtp approve` and `wtp approve --always` — each in its own
 * round of one agent — and what each answer must cause is checked: nothing ran after a denial,
 * the tool ran after an approval, and "always" pressed the option its dialog draws (refused first
 * when that option switches the session's mode), after which the same request asks no more.
 */
const API_KEY = 'sk-ant-test-0000000000000000000000000000wtp-e2e-key';
const MCP_SERVER = join(REPO, 'test', 'fixtures', 'mcp-probe', 'server.mjs');
/** What Claude Code tells the model when a tool use was denied. */
const REJECTED = /doesn't want to proceed|rejected|denied/i;

interface Scenario {
  row: MatrixRow;
  /** The agent's name (its prompts say "<name> round <n>"). */
  name: string;
  mode: 'default' | 'plan';
  /** Arguments for claude after `--`. */
  extra?: string[];
  /** Files of round `r` in the agent's folder, made before its prompt. */
  setup?: (dir: string, r: number) => void;
  /** The model's turn for round `r` (`ran` holds the tool results it got so far in that round). */
  turn: (dir: string, r: number, req: FakeRequest, results: string[]) => FakeTurn;
  /** Whether round `r`'s request ran (its file, or what the model was given back). */
  ran: (dir: string, r: number, results: string[]) => boolean;
  /**
   * Round 4 asks the same again after "always": `no dialog` (what the option said it holds for, it
   * does), `asks again` (observed: the option did not cover it; answered by approve), or not tried.
   */
  repeat: 'no dialog' | 'asks again' | false;
}

const tool = (name: string, input: unknown): FakeTurn => ({ toolUse: { name, input } });
const done: FakeTurn = { text: 'Done.' };
const file = (dir: string, name: string): string => join(dir, name);
const read = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '');
/** A Read, then the tool once the file's content came back. */
const afterRead = (path: string, then: FakeTurn, results: string[]): FakeTurn =>
  results.length === 0 ? tool('Read', { file_path: path }) : results.length === 1 ? then : done;
const oneTool = (then: FakeTurn, results: string[]): FakeTurn => (results.length === 0 ? then : done);
const notebook = (source: string): string =>
  JSON.stringify({
    cells: [
      { cell_type: 'code', id: 'c1', metadata: {}, source: [source], outputs: [], execution_count: null },
    ],
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  });

const [bash, writeNew, overwrite, edit, notebookEdit, fetchRow, searchRow, mcp, plan, subagent, trust] =
  rowsOf('claude');

const SCENARIOS: Scenario[] = [
  {
    row: bash as MatrixRow,
    name: 'bash',
    mode: 'default',
    turn: (_dir, r, _q, res) =>
      oneTool(tool('Bash', { command: `echo r${r} > bash-${r}.txt`, description: 'write a file' }), res),
    ran: (dir, r) => read(file(dir, `bash-${r}.txt`)) === `r${r}\n`,
    // Claude Code's option is about the folder's access: the next command still asks.
    repeat: 'asks again',
  },
  {
    row: writeNew as MatrixRow,
    name: 'writenew',
    mode: 'default',
    turn: (dir, r, _q, res) =>
      oneTool(tool('Write', { file_path: file(dir, `new-${r}.txt`), content: `new ${r}\n` }), res),
    ran: (dir, r) => read(file(dir, `new-${r}.txt`)) === `new ${r}\n`,
    repeat: 'no dialog',
  },
  {
    row: overwrite as MatrixRow,
    name: 'overwrite',
    mode: 'default',
    setup: (dir, r) => writeFileSync(file(dir, `ow-${r}.txt`), `old ${r}\n`),
    turn: (dir, r, _q, res) =>
      afterRead(
        file(dir, `ow-${r}.txt`),
        tool('Write', { file_path: file(dir, `ow-${r}.txt`), content: `again ${r}\n` }),
        res,
      ),
    ran: (dir, r) => read(file(dir, `ow-${r}.txt`)) === `again ${r}\n`,
    repeat: false,
  },
  {
    row: edit as MatrixRow,
    name: 'edit',
    mode: 'default',
    setup: (dir, r) => writeFileSync(file(dir, `e-${r}.txt`), `EDIT-ME ${r}\n`),
    turn: (dir, r, _q, res) =>
      afterRead(
        file(dir, `e-${r}.txt`),
        tool('Edit', {
          file_path: file(dir, `e-${r}.txt`),
          old_string: `EDIT-ME ${r}`,
          new_string: `EDITED ${r}`,
        }),
        res,
      ),
    ran: (dir, r) => read(file(dir, `e-${r}.txt`)) === `EDITED ${r}\n`,
    repeat: false,
  },
  {
    row: notebookEdit as MatrixRow,
    name: 'notebook',
    mode: 'default',
    setup: (dir, r) => writeFileSync(file(dir, `n-${r}.ipynb`), notebook(`print(${r})`)),
    turn: (dir, r, _q, res) =>
      afterRead(
        file(dir, `n-${r}.ipynb`),
        tool('NotebookEdit', {
          notebook_path: file(dir, `n-${r}.ipynb`),
          cell_id: 'c1',
          new_source: `print(${r * 10})`,
          edit_mode: 'replace',
        }),
        res,
      ),
    ran: (dir, r) => read(file(dir, `n-${r}.ipynb`)).includes(`print(${r * 10})`),
    repeat: false,
  },
  {
    row: fetchRow as MatrixRow,
    name: 'fetch',
    mode: 'default',
    turn: (_d, r, _q, res) =>
      oneTool(tool('WebFetch', { url: `https://example.com/page-${r}`, prompt: 'summarise' }), res),
    // Offline, the fetch itself fails: what matters is that it was let run (not rejected).
    ran: (_d, _r, res) => res.length > 0 && !REJECTED.test(res[0] ?? ''),
    repeat: 'no dialog',
  },
  {
    row: searchRow as MatrixRow,
    name: 'search',
    mode: 'default',
    turn: (_d, r, _q, res) => oneTool(tool('WebSearch', { query: `wezterm parallel ${r}` }), res),
    ran: (_d, _r, res) => res.length > 0 && !REJECTED.test(res[0] ?? ''),
    repeat: false,
  },
  {
    row: mcp as MatrixRow,
    name: 'mcp',
    mode: 'default',
    extra: ['--mcp-config'],
    turn: (_d, r, _q, res) => oneTool(tool('mcp__probe__ping', { host: `host-${r}.example` }), res),
    ran: (_d, r, res) => res.some((t) => t.includes(`pong host-${r}.example`)),
    repeat: 'no dialog',
  },
  {
    row: plan as MatrixRow,
    name: 'plan',
    mode: 'plan',
    turn: (_d, r, _q, res) =>
      oneTool(tool('ExitPlanMode', { plan: `1. step one of round ${r}\n2. check it` }), res),
    ran: (_d, _r, res) => res.length > 0 && !REJECTED.test(res[0] ?? ''),
    repeat: false,
  },
  {
    row: subagent as MatrixRow,
    name: 'sub',
    mode: 'default',
    turn: (_dir, r, req, res) =>
      isSubagent(req)
        ? oneTool(tool('Bash', { command: `echo sub${r} > sub-${r}.txt`, description: 'sub write' }), res)
        : oneTool(
            tool('Agent', {
              description: 'a helper',
              prompt: `SUBAGENT sub round ${r}`,
              subagent_type: 'general-purpose',
            }),
            res,
          ),
    ran: (dir, r) => read(file(dir, `sub-${r}.txt`)) === `sub${r}\n`,
    repeat: false,
  },
];

/** A subagent's request: its conversation starts with the prompt the lead gave it. */
function isSubagent(req: FakeRequest): boolean {
  return req.messages.some((m) => m.role === 'user' && textOf(m.content).includes('SUBAGENT '));
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((b: { type?: string; text?: unknown; content?: unknown }) =>
      typeof b.text === 'string' ? b.text : b.type === 'tool_result' ? textOf(b.content) : '',
    )
    .join('\n');
}

/** The round a request belongs to: the last "<name> round <n>" a user message says. */
function roundOf(req: FakeRequest): { name: string; r: number } | null {
  for (const m of [...req.messages].reverse()) {
    if (m.role !== 'user') continue;
    const hit = /(?:SUBAGENT )?(\w+) round (\d+)/.exec(textOf(m.content));
    if (hit) return { name: hit[1] ?? '', r: Number(hit[2]) };
  }
  return null;
}

/**
 * The tool results of the request's current round: those after its prompt (a denial's result can
 * come in the same user message as the next prompt, before it).
 */
function resultsOf(req: FakeRequest): string[] {
  const out: string[] = [];
  for (const m of [...req.messages].reverse()) {
    if (m.role !== 'user') continue;
    const blocks = Array.isArray(m.content)
      ? (m.content as { type?: string; text?: unknown; content?: unknown }[])
      : [{ type: 'text', text: m.content }];
    for (const b of [...blocks].reverse()) {
      if (b.type === 'tool_result') out.unshift(textOf(b.content));
      else if (typeof b.text === 'string' && / round \d+/.test(b.text)) return out;
    }
  }
  return out;
}

/** Scope texts in the matrix (`<folder>`, `…`) as a pattern the option's drawn text must match. */
function scopePattern(text: string): RegExp {
  const esc = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(esc.replace(/<[a-z]+>/g, '.+').replace(/…/g, '.*'));
}

// Each kind is one agent through up to four rounds (deny, approve, always, the same again), five
// agents at a time: longer than one real-CLI test, each wait still bounded at 60 s.
describe('the dialog matrix on the real Claude Code (tmux)', { timeout: 300_000 }, () => {
  let home: TestHome;
  let api: FakeAnthropic;
  const results = new Map<string, string[]>();
  const dirOf = (name: string): string => home.path('proj', name);

  function script(req: FakeRequest): FakeTurn {
    if (req.toolNames.some((t) => t.startsWith('web_search'))) return { text: 'No results.' };
    const at = roundOf(req);
    const s = SCENARIOS.find((x) => x.name === at?.name);
    if (!at || !s) return { text: 'ok' };
    const res = resultsOf(req);
    if (res.length > 0) results.set(`${s.name}/${at.r}`, res);
    return s.turn(dirOf(s.name), at.r, req, res);
  }

  beforeAll(async () => {
    api = await FakeAnthropic.start(script);
    home = new TestHome({ WTP_BACKEND: 'tmux', WTP_CLAUDE_BIN: claudeBinary() });
    prepareClaudeHome(home.path('home'), { cwd: home.path('proj'), apiKey: API_KEY });
    Object.assign(home.env, claudeEnv({ home: home.path('home'), baseUrl: api.url, apiKey: API_KEY }));
    writeFileSync(
      home.path('mcp.json'),
      JSON.stringify({ mcpServers: { probe: { command: process.execPath, args: [MCP_SERVER] } } }),
    );
    expect((await home.run(['up', '--detach'])).code).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await home?.cleanup();
    await api?.close();
  });

  /** Sends round `r`'s prompt (the first comes with `wtp new`). */
  async function ask(s: Scenario, r: number): Promise<void> {
    s.setup?.(dirOf(s.name), r);
    if (r === 1) {
      const extra = s.extra?.includes('--mcp-config') ? ['--', '--mcp-config', home.path('mcp.json')] : [];
      await newAgent(home, 'claude', s.name, dirOf(s.name), [
        '--permission-mode',
        s.mode,
        '--prompt',
        `${s.name} round 1`,
        ...extra,
      ]);
      return;
    }
    await untilState(home, s.name, 'idle', `${s.name} at its prompt before round ${r}`);
    const sent = await home.run(['send', s.name, `${s.name} round ${r}`, '--enter']);
    expect(sent.code, sent.stderr).toBe(0);
  }

  /** Waits for round `r`'s dialog and checks what the agent says it asks. */
  async function dialog(s: Scenario, r: number): Promise<AgentView> {
    await untilState(home, s.name, 'needs_permission', `${s.name}: the dialog of round ${r}`);
    // The request names the tool by its own name once its hook is in (the status record that may
    // announce the dialog first shows its display name: "Update" for Edit, "Fetch" for WebFetch).
    let seen: AgentView | undefined;
    const a = await eventually(
      `${s.name}: round ${r}'s dialog to ask for ${s.row.tool}`,
      async () => {
        seen = await home.agent(s.name);
        return seen.state === 'needs_permission' && seen.stateDetail.request?.tool === s.row.tool
          ? seen
          : undefined;
      },
      60_000,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; last seen: ${JSON.stringify(seen?.stateDetail)}`);
    });
    expect(a.stateDetail.request?.unknown, `${s.name}: a dialog its rules know`).toBeUndefined();
    return a;
  }

  const roundDone = (s: Scenario, r: number): Promise<unknown> =>
    eventually(
      `${s.name} round ${r} to end at its prompt`,
      async () => (await home.agent(s.name)).state === 'idle',
      60_000,
    );

  it.concurrent.each(SCENARIOS.map((s) => [s.row.kind, s] as const))('%s', async (_kind, s) => {
    mkdirSync(dirOf(s.name), { recursive: true });
    let r = 0;
    let open = false; // a dialog refused "always" is still there: the next action answers it
    for (const action of s.row.actions) {
      if (!open) {
        r += 1;
        await ask(s, r);
        await dialog(s, r);
      }
      open = false;
      if (action === 'deny') {
        const got = await answerDoc(home, ['deny', s.name]);
        expect(got.code, JSON.stringify(got.doc)).toBe(0);
        expect(got.answered[0]).toMatchObject({ action: 'deny', left: true });
        await roundDone(s, r);
        expect(s.ran(dirOf(s.name), r, results.get(`${s.name}/${r}`) ?? []), 'nothing ran after deny').toBe(
          false,
        );
        continue;
      }
      if (action === 'approve') {
        const got = await answerDoc(home, ['approve', s.name]);
        expect(got.code, JSON.stringify(got.doc)).toBe(0);
        expect(got.answered[0]).toMatchObject({ action: 'approve', left: true });
        await eventually(
          `${s.name} round ${r}: the approved request to run`,
          () => s.ran(dirOf(s.name), r, results.get(`${s.name}/${r}`) ?? []),
          60_000,
        );
        await roundDone(s, r);
        continue;
      }
      // always: the option the dialog draws, refused first when it switches the session's mode.
      const always = s.row.always;
      const first = await answerDoc(home, ['approve', s.name, '--always']);
      if (always === 'none') {
        expect(first.code).toBe(1);
        expect(first.doc).toMatchObject({ error: { code: 'ANSWER_NOT_SUPPORTED' } });
        expect((await home.agent(s.name)).state).toBe('needs_permission'); // nothing pressed
        open = true;
        continue;
      }
      let got = first;
      if ('modeChange' in always) {
        expect(first.code).toBe(1);
        expect(first.doc).toMatchObject({
          error: {
            code: 'ANSWER_CHANGES_MODE',
            details: { option: expect.stringMatching(scopePattern(always.modeChange)) },
          },
        });
        expect((await home.agent(s.name)).state).toBe('needs_permission'); // nothing pressed
        got = await answerDoc(home, ['approve', s.name, '--always', '--accept-mode-change']);
      }
      expect(got.code, JSON.stringify(got.doc)).toBe(0);
      const scope = 'modeChange' in always ? always.modeChange : always.scope;
      expect(got.answered[0]).toMatchObject({
        action: 'always',
        left: true,
        scope: expect.stringMatching(scopePattern(scope)),
        modeChange: 'modeChange' in always,
      });
      await eventually(
        `${s.name} round ${r}: the request approved always to run`,
        () => s.ran(dirOf(s.name), r, results.get(`${s.name}/${r}`) ?? []),
        60_000,
      );
      await roundDone(s, r);
      if (s.repeat === false) continue;
      // The same request again: what "always" said it holds for, it does — no dialog this time.
      r += 1;
      const before = (await home.events(s.name)).length;
      await ask(s, r);
      if (s.repeat === 'asks again') {
        await dialog(s, r);
        expect((await answerDoc(home, ['approve', s.name])).code).toBe(0);
      }
      await eventually(
        `${s.name} round ${r} to run`,
        () => s.ran(dirOf(s.name), r, results.get(`${s.name}/${r}`) ?? []),
        60_000,
      );
      await roundDone(s, r);
      const asked = (await home.events(s.name))
        .slice(before)
        .filter((e) => e.type === 'agent.stateChanged' && e.data.to === 'needs_permission');
      expect(asked.length, `${s.name}: dialogs after always`).toBe(s.repeat === 'asks again' ? 1 : 0);
    }
  });
});

describe(
  'the folder-trust dialog on the real Claude Code (tmux, agents.preTrust off)',
  REAL_CLI_TESTS,
  () => {
    let home: TestHome;
    let api: FakeAnthropic;

    beforeAll(async () => {
      api = await FakeAnthropic.start(() => ({ text: 'ok' }));
      home = new TestHome({ WTP_BACKEND: 'tmux', WTP_CLAUDE_BIN: claudeBinary() });
      home.writeConfig('agents:\n  preTrust: false\n');
      prepareClaudeHome(home.path('home'), { cwd: home.path('elsewhere'), apiKey: API_KEY, trusted: false });
      Object.assign(home.env, claudeEnv({ home: home.path('home'), baseUrl: api.url, apiKey: API_KEY }));
      expect((await home.run(['up', '--detach'])).code).toBe(0);
    }, 120_000);

    afterAll(async () => {
      await home?.cleanup();
      await api?.close();
    });

    it.each([
      ['approve', 'idle'],
      ['deny', 'exited'],
    ] as const)('%s: needs_permission(trust), answered by its option → %s', async (action, after) => {
      const name = `trust-${action}`;
      const dir = home.path(name);
      mkdirSync(dir);
      await newAgent(home, 'claude', name, dir, ['--permission-mode', 'default']);
      const a = await untilState(home, name, 'needs_permission', 'the trust dialog');
      expect(a.stateDetail.reason).toBe('trust');
      expect((await answerDoc(home, ['approve', name, '--always'])).doc).toMatchObject({
        error: { code: 'ANSWER_NOT_SUPPORTED' },
      });
      const got = await answerDoc(home, [action, name]);
      expect(got.code, JSON.stringify(got.doc)).toBe(0);
      expect(got.answered[0]).toMatchObject({
        action,
        left: true,
        about: action === 'approve' ? 'Yes, I trust this folder' : 'No, exit',
      });
      await untilState(home, name, after, `${name} to be ${after}`);
      void trust;
    });
  },
);
