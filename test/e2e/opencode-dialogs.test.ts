import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { chatResults, chatRound, isChatSubagent } from '../support/chat-rounds.js';
import { rowsOf, type MatrixRow } from '../support/dialog-matrix.js';
import { laneCases, laneOf, provenLanes, type DialogCase } from '../support/dialog-rounds.js';
import { FakeOpenAIChat, type FakeChatRequest, type FakeChatTurn } from '../support/fake-openai-chat.js';
import { REPO, TestHome } from '../support/harness.js';
import {
  opencodeBinary,
  opencodeEnv,
  prepareOpencodeConfig,
  prepareOpencodeHome,
} from '../support/opencode-cli.js';

/**
 * The dialog conformance matrix for OpenCode (issue 29), on the pinned CLI against a scripted Chat
 * Completions API, in tmux: every kind of request it asks about (test/support/dialog-matrix.ts) is
 * detected and answered by `wtp deny`, `wtp approve` and `wtp approve --always` — each in its own
 * round — and what each answer must cause is checked (test/support/dialog-rounds.ts). The kinds
 * share three agents (LANES).
 * OpenCode's "Allow always" opens a second stage that says what it holds for: that text is the scope.
 */
const MCP_SERVER = join(REPO, 'test', 'fixtures', 'mcp-probe', 'server.mjs');

/** A kind of request, and the model's turn that asks for it. */
interface Scenario extends DialogCase {
  /**
   * The model's turn for round `r` (`req`: the request, a lead's or its subagent's; `results`: the
   * tool results it got so far in that round).
   */
  turn: (dir: string, r: number, req: FakeChatRequest, results: string[]) => FakeChatTurn;
}

const call = (name: string, args: Record<string, unknown>): FakeChatTurn => ({
  toolCall: { name, arguments: args },
});
const done: FakeChatTurn = { text: 'Done.' };
const oneTool = (then: FakeChatTurn, results: string[]): FakeChatTurn => (results.length === 0 ? then : done);
/** OpenCode changes only a file read in the session: a read, then the tool. */
const afterRead = (path: string, then: FakeChatTurn, results: string[]): FakeChatTurn =>
  results.length === 0 ? call('read', { filePath: path }) : results.length === 1 ? then : done;
const read = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '');
/** A folder outside every agent's own (`proj/<name>`): OpenCode asks before it reaches into it. */
const outside = (dir: string): string => join(dir, '..', '..', 'outside');
/** What OpenCode tells the model when the user rejected a tool call. */
const REJECTED = /rejected|denied|did not allow/i;

const [bash, writeNew, overwrite, edit, fetchRow, mcp, task, sub, external, env, doom] = rowsOf(
  'opencode',
) as MatrixRow[];

const SCENARIOS: Scenario[] = [
  {
    row: bash as MatrixRow,
    name: 'bash',
    turn: (_d, r, _q, res) =>
      oneTool(call('bash', { command: `touch sh-${r}.txt`, description: 'touch' }), res),
    ran: (dir, r) => existsSync(join(dir, `sh-${r}.txt`)),
    // "The following patterns … - touch *": the next `touch` runs unasked.
    repeat: 'no dialog',
  },
  {
    row: writeNew as MatrixRow,
    name: 'writenew',
    turn: (dir, r, _q, res) =>
      oneTool(call('write', { filePath: join(dir, `new-${r}.txt`), content: `new ${r}\n` }), res),
    ran: (dir, r) => read(join(dir, `new-${r}.txt`)) === `new ${r}\n`,
    // Every edit until OpenCode restarts (accepted as a mode change): the next write runs unasked.
    repeat: 'no dialog',
  },
  {
    row: overwrite as MatrixRow,
    name: 'overwrite',
    setup: (dir, r) => writeFileSync(join(dir, `ow-${r}.txt`), `old ${r}\n`),
    turn: (dir, r, _q, res) =>
      afterRead(
        join(dir, `ow-${r}.txt`),
        call('write', { filePath: join(dir, `ow-${r}.txt`), content: `again ${r}\n` }),
        res,
      ),
    ran: (dir, r) => read(join(dir, `ow-${r}.txt`)) === `again ${r}\n`,
    repeat: false,
  },
  {
    row: edit as MatrixRow,
    name: 'edit',
    setup: (dir, r) => writeFileSync(join(dir, `e-${r}.txt`), `EDIT-ME ${r}\n`),
    turn: (dir, r, _q, res) =>
      afterRead(
        join(dir, `e-${r}.txt`),
        call('edit', {
          filePath: join(dir, `e-${r}.txt`),
          oldString: `EDIT-ME ${r}`,
          newString: `EDITED ${r}`,
        }),
        res,
      ),
    ran: (dir, r) => read(join(dir, `e-${r}.txt`)) === `EDITED ${r}\n`,
    repeat: false,
  },
  {
    row: fetchRow as MatrixRow,
    name: 'fetch',
    turn: (_d, r, _q, res) =>
      oneTool(call('webfetch', { url: `https://example.com/page-${r}`, format: 'text' }), res),
    // Offline the fetch itself fails: what matters is that it was let run.
    ran: (_d, _r, res) => res.length > 0 && !REJECTED.test(res[0] ?? ''),
    repeat: 'no dialog',
  },
  {
    row: mcp as MatrixRow,
    name: 'mcp',
    turn: (_d, r, _q, res) => oneTool(call('probe_ping', { host: `host-${r}.example` }), res),
    ran: (_d, r, res) => res.some((t) => t.includes(`pong host-${r}.example`)),
    repeat: 'no dialog',
  },
  {
    row: task as MatrixRow,
    name: 'task',
    turn: (_d, r, req, res) =>
      isChatSubagent(req)
        ? done // the subagent only answers
        : oneTool(
            call('task', {
              description: 'a helper',
              prompt: `SUBAGENT task round ${r}: say hi`,
              subagent_type: 'general',
            }),
            res,
          ),
    ran: (_d, _r, res) => res.length > 0 && !REJECTED.test(res[0] ?? ''),
    repeat: 'no dialog',
  },
  {
    row: sub as MatrixRow,
    name: 'sub',
    // `helper` (config.agent) starts without asking (`permission.task.helper: allow`); its command asks.
    turn: (_d, r, req, res) =>
      isChatSubagent(req)
        ? oneTool(call('bash', { command: `touch sub-${r}.txt`, description: 'touch' }), res)
        : oneTool(
            call('task', {
              description: 'a helper',
              prompt: `SUBAGENT sub round ${r}`,
              subagent_type: 'helper',
            }),
            res,
          ),
    ran: (dir, r) => existsSync(join(dir, `sub-${r}.txt`)),
    repeat: false,
  },
  {
    row: external as MatrixRow,
    name: 'outside',
    setup: (dir, r) => {
      mkdirSync(outside(dir), { recursive: true });
      writeFileSync(join(outside(dir), `x-${r}.txt`), `outside ${r}\n`);
    },
    turn: (dir, r, _q, res) => oneTool(call('read', { filePath: join(outside(dir), `x-${r}.txt`) }), res),
    ran: (_d, r, res) => res.some((t) => t.includes(`outside ${r}`)),
    repeat: 'no dialog',
  },
  {
    row: env as MatrixRow,
    name: 'env',
    setup: (dir, r) => writeFileSync(join(dir, `r${r}.env`), `SECRET=${r}\n`),
    turn: (dir, r, _q, res) => oneTool(call('read', { filePath: join(dir, `r${r}.env`) }), res),
    ran: (_d, r, res) => res.some((t) => t.includes(`SECRET=${r}`)),
    repeat: 'no dialog',
  },
  {
    row: doom as MatrixRow,
    name: 'doom',
    setup: (dir, r) => writeFileSync(join(dir, `d-${r}.txt`), `doom ${r}\n`),
    // The same call three times in one response: the third asks.
    turn: (dir, r, _q, res) => {
      const same = call('read', { filePath: join(dir, `d-${r}.txt`) });
      return res.length === 0 && same.toolCall
        ? { ...same, moreCalls: [same.toolCall, same.toolCall] }
        : done;
    },
    ran: (_d, r, res) => res.filter((t) => t.includes(`doom ${r}`)).length === 3,
    repeat: 'no dialog',
  },
];

/**
 * The agents and the kinds each proves (provenLanes): an OpenCode start and its first prompt in a
 * folder cost ~10 s of CPU and ~30 s each. "Always" for a file write allows every edit until
 * OpenCode restarts, so each agent holds one kind that writes, last; "always" for a .env file
 * allows every read, so it comes after the repeated read's on its agent.
 */
const LANES: Record<string, string[]> = {
  'lane-a': ['bash', 'sub', 'fetch', 'writenew'],
  'lane-b': ['mcp', 'task', 'outside', 'overwrite'],
  'lane-c': ['doom', 'env', 'edit'],
};
const LANE_OF = laneOf(LANES);

// Each lane is one agent through all its kinds' rounds, two lanes at a time (each OpenCode holds
// ~800 MB and a core as it starts): longer than one real-CLI test, each wait still bounded at 60 s
// but an OpenCode TUI's start and its first prompt (up to 4 min each on a loaded machine).
describe('the dialog matrix on the real OpenCode (tmux)', { timeout: 1_800_000 }, () => {
  let home: TestHome;
  let api: FakeOpenAIChat;
  const results = new Map<string, string[]>();
  const dirOf = (name: string): string => home.path('proj', LANE_OF.get(name) ?? name);
  let lanes: Map<string, Promise<void>> | undefined;

  function script(req: FakeChatRequest): FakeChatTurn {
    const at = chatRound(req);
    const s = SCENARIOS.find((x) => x.name === at?.name);
    if (!at || !s) return { text: 'ok' };
    const res = chatResults(req);
    if (res.length > 0) results.set(`${s.name}/${at.r}`, res);
    return s.turn(dirOf(s.name), at.r, req, res);
  }

  beforeAll(async () => {
    api = await FakeOpenAIChat.start(script);
    home = new TestHome({ WTP_BACKEND: 'tmux', WTP_OPENCODE_BIN: opencodeBinary() });
    home.writeConfig('notifications:\n  enabled: false\n');
    const file = prepareOpencodeConfig(home.path('oc'), { baseUrl: api.url });
    const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    // Every kind asks (a fetch, an MCP tool and a subagent are allowed by default; an outside
    // folder, a .env file and a repeated call ask by default). `helper` starts unasked.
    config.permission = {
      bash: 'ask',
      edit: 'ask',
      webfetch: 'ask',
      task: { '*': 'ask', helper: 'allow' },
      probe_ping: 'ask',
      question: 'allow',
    };
    config.agent = { helper: { mode: 'subagent', description: 'Runs the command it is given.' } };
    config.mcp = { probe: { type: 'local', command: [process.execPath, MCP_SERVER] } };
    writeFileSync(file, JSON.stringify(config, null, 2));
    const env = opencodeEnv({ home: home.path('home'), config: file });
    Object.assign(home.env, env);
    prepareOpencodeHome(env, home.path());
    await home.up();
  }, 180_000);

  afterAll(async () => {
    await home?.cleanup();
    await api?.close();
  });

  it.concurrent.each(SCENARIOS.map((s) => [s.row.kind, s] as const))('%s', async (_kind, s) => {
    lanes ??= provenLanes(
      {
        home,
        profile: 'opencode',
        dirOf,
        results: (name: string, r: number) => results.get(`${name}/${r}`) ?? [],
        firstPromptMs: 240_000,
        idleOnScreen: true,
      },
      laneCases(LANES, SCENARIOS),
    );
    const mine = lanes.get(s.name);
    if (mine === undefined) throw new Error(`${s.name} is in no lane`);
    await mine;
  });
});
