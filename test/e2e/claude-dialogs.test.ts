import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { REAL_CLI_TESTS } from '../support/agent-steps.js';
import { claudeBinary, claudeEnv, prepareClaudeHome } from '../support/claude-cli.js';
import { rowsOf, type MatrixRow } from '../support/dialog-matrix.js';
import { provenRounds, roundIn, trustRound, type DialogCase } from '../support/dialog-rounds.js';
import { FakeAnthropic, type FakeRequest, type FakeTurn } from '../support/fake-anthropic.js';
import { REPO, TestHome } from '../support/harness.js';

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
/** The MCP config the mcp case's agent is started with (written in beforeAll). */
let mcpConfig = '';

/** A kind of request, and the model's turn that asks for it. */
interface Scenario extends DialogCase {
  /** The model's turn for round `r` (`results` holds the tool results it got so far in that round). */
  turn: (dir: string, r: number, req: FakeRequest, results: string[]) => FakeTurn;
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
    args: () => ['--permission-mode', 'default'],
    turn: (_dir, r, _q, res) =>
      oneTool(tool('Bash', { command: `echo r${r} > bash-${r}.txt`, description: 'write a file' }), res),
    ran: (dir, r) => read(file(dir, `bash-${r}.txt`)) === `r${r}\n`,
    // Claude Code's option is about the folder's access: the next command still asks.
    repeat: 'asks again',
  },
  {
    row: writeNew as MatrixRow,
    name: 'writenew',
    args: () => ['--permission-mode', 'default'],
    turn: (dir, r, _q, res) =>
      oneTool(tool('Write', { file_path: file(dir, `new-${r}.txt`), content: `new ${r}\n` }), res),
    ran: (dir, r) => read(file(dir, `new-${r}.txt`)) === `new ${r}\n`,
    repeat: 'no dialog',
  },
  {
    row: overwrite as MatrixRow,
    name: 'overwrite',
    args: () => ['--permission-mode', 'default'],
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
    args: () => ['--permission-mode', 'default'],
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
    args: () => ['--permission-mode', 'default'],
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
    args: () => ['--permission-mode', 'default'],
    turn: (_d, r, _q, res) =>
      oneTool(tool('WebFetch', { url: `https://example.com/page-${r}`, prompt: 'summarise' }), res),
    // Offline, the fetch itself fails: what matters is that it was let run (not rejected).
    ran: (_d, _r, res) => res.length > 0 && !REJECTED.test(res[0] ?? ''),
    repeat: 'no dialog',
  },
  {
    row: searchRow as MatrixRow,
    name: 'search',
    args: () => ['--permission-mode', 'default'],
    turn: (_d, r, _q, res) => oneTool(tool('WebSearch', { query: `wezterm parallel ${r}` }), res),
    ran: (_d, _r, res) => res.length > 0 && !REJECTED.test(res[0] ?? ''),
    repeat: false,
  },
  {
    row: mcp as MatrixRow,
    name: 'mcp',
    args: () => ['--permission-mode', 'default', '--', '--mcp-config', mcpConfig],
    turn: (_d, r, _q, res) => oneTool(tool('mcp__probe__ping', { host: `host-${r}.example` }), res),
    ran: (_d, r, res) => res.some((t) => t.includes(`pong host-${r}.example`)),
    repeat: 'no dialog',
  },
  {
    row: plan as MatrixRow,
    name: 'plan',
    args: () => ['--permission-mode', 'plan'],
    turn: (_d, r, _q, res) =>
      oneTool(tool('ExitPlanMode', { plan: `1. step one of round ${r}\n2. check it` }), res),
    ran: (_d, _r, res) => res.length > 0 && !REJECTED.test(res[0] ?? ''),
    repeat: false,
  },
  {
    row: subagent as MatrixRow,
    name: 'sub',
    args: () => ['--permission-mode', 'default'],
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
    const hit = roundIn(textOf(m.content));
    if (hit) return hit;
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

// Each kind is one agent through up to four rounds (deny, approve, always, the same again), in
// turn (provenRounds): longer than one real-CLI test, each wait still bounded at 60 s.
describe('the dialog matrix on the real Claude Code (tmux)', { timeout: 1_800_000 }, () => {
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
    mcpConfig = home.path('mcp.json');
    writeFileSync(
      mcpConfig,
      JSON.stringify({ mcpServers: { probe: { command: process.execPath, args: [MCP_SERVER] } } }),
    );
    await home.up();
  }, 120_000);

  afterAll(async () => {
    await home?.cleanup();
    await api?.close();
  });

  it.concurrent.each(SCENARIOS.map((s) => [s.row.kind, s] as const))('%s', async (_kind, s) => {
    await provenRounds(
      {
        home,
        profile: 'claude',
        dirOf,
        results: (name, r) => results.get(`${name}/${r}`) ?? [],
      },
      s,
    );
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
      await home.up();
    }, 120_000);

    afterAll(async () => {
      await home?.cleanup();
      await api?.close();
    });

    /** What each answer of the trust row chooses, and what the agent is then. */
    const ANSWERS = {
      approve: ['idle', /^Yes, I trust this folder$/],
      deny: ['exited', /^No, exit$/],
    } as const;
    const actions = (trust as MatrixRow).actions.filter((a) => a !== 'always');
    it.each(actions.map((a) => [a, ...ANSWERS[a]] as const))(
      '%s: needs_permission(trust), answered by its option → %s',
      async (action, after, label) => {
        const name = `trust-${action}`;
        const args = ['--permission-mode', 'default'];
        await trustRound(home, 'claude', {
          name,
          dir: home.path(name),
          args,
          action,
          label,
          after,
          alwaysRefused: true,
        });
      },
    );
  },
);
