import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { REAL_CLI_TESTS } from '../support/agent-steps.js';
import { chatResults, chatRound, isChatSubagent } from '../support/chat-rounds.js';
import { rowsOf, type MatrixRow } from '../support/dialog-matrix.js';
import { laneCases, laneOf, provenLanes, trustRound, type DialogCase } from '../support/dialog-rounds.js';
import { FakeOpenAIChat, type FakeChatRequest, type FakeChatTurn } from '../support/fake-openai-chat.js';
import { REPO, TestHome } from '../support/harness.js';
import { prepareQwenHome, qwenBinary, qwenEnv } from '../support/qwen-cli.js';

/**
 * The dialog conformance matrix for Qwen Code (issue 29), on the pinned CLI against a scripted Chat
 * Completions API, in tmux: every kind of request it asks about (test/support/dialog-matrix.ts) is
 * detected and answered by `wtp deny`, `wtp approve` and `wtp approve --always` — each in its own
 * round, kinds sharing agents (LANES) — and what each answer must cause is checked
 * (test/support/dialog-rounds.ts).
 */
const MCP_SERVER = join(REPO, 'test', 'fixtures', 'mcp-probe', 'server.mjs');

/** A kind of request, and the model's turn that asks for it. */
interface Scenario extends DialogCase {
  /** The model's turn for round `r` (`results`: the tool results it got so far in that round). */
  turn: (dir: string, r: number, results: string[]) => FakeChatTurn;
}

const call = (name: string, args: Record<string, unknown>): FakeChatTurn => ({
  toolCall: { name, arguments: args },
});
const done: FakeChatTurn = { text: 'Done.' };
const oneTool = (then: FakeChatTurn, results: string[]): FakeChatTurn => (results.length === 0 ? then : done);
/** Qwen Code edits only a file read in the session: a read, then the tool. */
const afterRead = (path: string, then: FakeChatTurn, results: string[]): FakeChatTurn =>
  results.length === 0 ? call('read_file', { file_path: path }) : results.length === 1 ? then : done;
const read = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '');
/** What Qwen Code tells the model when the user declined a tool call. */
const DECLINED = /did not allow|declined|cancel|rejected/i;
const notebook = (source: string): string =>
  JSON.stringify({
    cells: [
      { cell_type: 'code', id: 'c1', metadata: {}, source: [source], outputs: [], execution_count: null },
    ],
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  });

const [shell, writeNew, overwrite, edit, notebookEdit, fetchRow, mcp, agent, plan, trust] = rowsOf(
  'qwen',
) as MatrixRow[];
const DEFAULT_MODE = (): string[] => ['--permission-mode', 'default'];

const SCENARIOS: Scenario[] = [
  {
    row: shell as MatrixRow,
    name: 'shell',
    turn: (_d, r, res) =>
      oneTool(call('run_shell_command', { command: `touch sh-${r}.txt`, description: 'touch' }), res),
    ran: (dir, r) => existsSync(join(dir, `sh-${r}.txt`)),
    // "Always allow run 'touch *' commands in this project": the next `touch` runs unasked.
    repeat: 'no dialog',
  },
  {
    row: writeNew as MatrixRow,
    name: 'writenew',
    turn: (dir, r, res) =>
      oneTool(call('write_file', { file_path: join(dir, `new-${r}.txt`), content: `new ${r}\n` }), res),
    ran: (dir, r) => read(join(dir, `new-${r}.txt`)) === `new ${r}\n`,
    // Accepted, the session is in auto-edit: the next write runs unasked.
    repeat: 'no dialog',
  },
  {
    row: overwrite as MatrixRow,
    name: 'overwrite',
    setup: (dir, r) => writeFileSync(join(dir, `ow-${r}.txt`), `old ${r}\n`),
    turn: (dir, r, res) =>
      afterRead(
        join(dir, `ow-${r}.txt`),
        call('write_file', { file_path: join(dir, `ow-${r}.txt`), content: `again ${r}\n` }),
        res,
      ),
    ran: (dir, r) => read(join(dir, `ow-${r}.txt`)) === `again ${r}\n`,
    repeat: false,
  },
  {
    row: edit as MatrixRow,
    name: 'edit',
    setup: (dir, r) => writeFileSync(join(dir, `e-${r}.txt`), `EDIT-ME ${r}\n`),
    turn: (dir, r, res) =>
      afterRead(
        join(dir, `e-${r}.txt`),
        call('edit', {
          file_path: join(dir, `e-${r}.txt`),
          old_string: `EDIT-ME ${r}`,
          new_string: `EDITED ${r}`,
        }),
        res,
      ),
    ran: (dir, r) => read(join(dir, `e-${r}.txt`)) === `EDITED ${r}\n`,
    repeat: false,
  },
  {
    row: notebookEdit as MatrixRow,
    name: 'notebook',
    setup: (dir, r) => writeFileSync(join(dir, `n-${r}.ipynb`), notebook(`print(${r})`)),
    turn: (dir, r, res) =>
      afterRead(
        join(dir, `n-${r}.ipynb`),
        call('notebook_edit', {
          notebook_path: join(dir, `n-${r}.ipynb`),
          cell_id: 'c1',
          new_source: `print(${r * 10})`,
          edit_mode: 'replace',
        }),
        res,
      ),
    ran: (dir, r) => read(join(dir, `n-${r}.ipynb`)).includes(`print(${r * 10})`),
    repeat: false,
  },
  {
    row: fetchRow as MatrixRow,
    name: 'fetch',
    turn: (_d, r, res) =>
      oneTool(call('web_fetch', { url: `https://example.com/page-${r}`, prompt: 'summarise' }), res),
    // Offline the fetch itself fails: what matters is that it was let run.
    ran: (_d, _r, res) => res.length > 0 && !DECLINED.test(res[0] ?? ''),
    // "Always allow fetch from example.com in this project": the next page of that host runs unasked.
    repeat: 'no dialog',
  },
  {
    row: mcp as MatrixRow,
    name: 'mcp',
    turn: (_d, r, res) => oneTool(call('mcp__probe__ping', { host: `host-${r}.example` }), res),
    ran: (_d, r, res) => res.some((t) => t.includes(`pong host-${r}.example`)),
    repeat: 'no dialog',
  },
  {
    row: agent as MatrixRow,
    name: 'sub',
    turn: (_d, r, res) =>
      oneTool(
        call('agent', {
          description: 'a helper',
          prompt: `SUBAGENT sub round ${r}: say hi`,
          subagent_type: 'general-purpose',
        }),
        res,
      ),
    // It runs in the background: "Background agent launched successfully. …"
    ran: (_d, _r, res) => res.some((t) => t.includes('agent launched successfully')),
    repeat: 'no dialog',
    background: true,
  },
  {
    row: plan as MatrixRow,
    name: 'plan',
    args: () => ['--permission-mode', 'plan'],
    turn: (_d, r, res) =>
      oneTool(call('exit_plan_mode', { plan: `1. step one of round ${r}\n2. check it` }), res),
    ran: (_d, _r, res) => res.length > 0 && !/keep planning|declined|cancel/i.test(res[0] ?? ''),
    repeat: false,
  },
];

/**
 * The agents and the kinds each proves (provenLanes): a Qwen Code start costs ~5 s of CPU.
 * "Always" for a write switches the session to auto-edit, which also lets a subagent start
 * unasked: each agent holds one kind that writes, last. Leaving plan mode needs an agent started
 * in plan mode, and a background subagent ends after its lead's turn: each has its own.
 */
const LANES: Record<string, string[]> = {
  'lane-a': ['shell', 'writenew'],
  'lane-b': ['fetch', 'overwrite'],
  'lane-c': ['mcp', 'edit'],
  'lane-d': ['notebook'],
  'lane-e': ['plan'],
  'lane-f': ['sub'],
};
const LANE_OF = laneOf(LANES);

// Each lane is one agent through all its kinds' rounds, two lanes at a time: longer than one
// real-CLI test, each wait still bounded at 60 s.
describe('the dialog matrix on the real Qwen Code (tmux)', { timeout: 1_800_000 }, () => {
  let home: TestHome;
  let api: FakeOpenAIChat;
  const results = new Map<string, string[]>();
  const dirOf = (name: string): string => home.path('proj', LANE_OF.get(name) ?? name);
  let lanes: Map<string, Promise<void>> | undefined;

  function script(req: FakeChatRequest): FakeChatTurn {
    const at = chatRound(req);
    const s = SCENARIOS.find((x) => x.name === at?.name);
    if (!at || !s) return { text: 'ok' };
    if (isChatSubagent(req)) return { text: 'hi' }; // a subagent's own conversation: it only answers
    const res = chatResults(req);
    if (res.length > 0) results.set(`${s.name}/${at.r}`, res);
    return s.turn(dirOf(s.name), at.r, res);
  }

  beforeAll(async () => {
    api = await FakeOpenAIChat.start(script);
    home = new TestHome({ WTP_BACKEND: 'tmux', WTP_QWEN_BIN: qwenBinary() });
    home.writeConfig('notifications:\n  enabled: false\n');
    const qwenHome = home.path('home', '.qwen');
    prepareQwenHome(qwenHome, {
      extra: { mcpServers: { probe: { command: process.execPath, args: [MCP_SERVER] } } },
    });
    Object.assign(home.env, qwenEnv({ home: home.path('home'), qwenHome, baseUrl: api.url }));
    await home.up();
  }, 120_000);

  afterAll(async () => {
    await home?.cleanup();
    await api?.close();
  });

  it.concurrent.each(SCENARIOS.map((s) => [s.row.kind, s] as const))('%s', async (_kind, s) => {
    lanes ??= provenLanes(
      { home, profile: 'qwen', dirOf, results: (name, r) => results.get(`${name}/${r}`) ?? [] },
      laneCases(
        LANES,
        SCENARIOS.map((s) => ({ ...s, args: s.args ?? DEFAULT_MODE })),
      ),
    );
    const mine = lanes.get(s.name);
    if (mine === undefined) throw new Error(`${s.name} is in no lane`);
    await mine;
  });
});

describe(
  'the folder-trust dialog on the real Qwen Code (tmux, security.folderTrust on)',
  REAL_CLI_TESTS,
  () => {
    let home: TestHome;
    let api: FakeOpenAIChat;

    beforeAll(async () => {
      api = await FakeOpenAIChat.start(() => ({ text: 'ok' }));
      home = new TestHome({ WTP_BACKEND: 'tmux', WTP_QWEN_BIN: qwenBinary() });
      home.writeConfig('agents:\n  preTrust: false\nnotifications:\n  enabled: false\n');
      const qwenHome = home.path('home', '.qwen');
      prepareQwenHome(qwenHome, {
        extra: { security: { auth: { selectedType: 'openai' }, folderTrust: { enabled: true } } },
      });
      Object.assign(home.env, qwenEnv({ home: home.path('home'), qwenHome, baseUrl: api.url }));
      await home.up();
    }, 120_000);

    afterAll(async () => {
      await home?.cleanup();
      await api?.close();
    });

    /** What each answer of the trust row chooses, and what the agent is then. */
    const ANSWERS = {
      approve: ['idle', /^Trust folder \(trust-approve\)$/],
      deny: ['idle', /^Don't trust \(esc\)$/],
    } as const;
    const actions = (trust as MatrixRow).actions.filter((a) => a !== 'always');
    it.each(actions.map((a) => [a, ...ANSWERS[a]] as const))(
      '%s: needs_permission(trust), answered by its option → %s',
      async (action, after, label) => {
        const name = `trust-${action}`;
        await trustRound(home, 'qwen', {
          name,
          dir: home.path(name),
          args: DEFAULT_MODE(),
          action,
          label,
          after,
          alwaysRefused: true,
        });
      },
    );
  },
);
