import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REAL_CLI_TESTS } from '../support/agent-steps.js';
import { chatResults, chatRound, isChatSubagent } from '../support/chat-rounds.js';
import { copilotBinary, copilotEnv } from '../support/copilot-cli.js';
import { rowsOf, type MatrixRow } from '../support/dialog-matrix.js';
import { laneCases, laneOf, provenLanes, trustRound, type DialogCase } from '../support/dialog-rounds.js';
import { FakeOpenAIChat, type FakeChatRequest, type FakeChatTurn } from '../support/fake-openai-chat.js';
import { REPO, TestHome } from '../support/harness.js';

/**
 * The dialog conformance matrix for GitHub Copilot CLI (issue 29), on the pinned CLI offline (a
 * bring-your-own provider) against a scripted Chat Completions API, in tmux: every kind of request
 * it asks about (test/support/dialog-matrix.ts) is detected and answered by `wtp deny`, `wtp
 * approve` and `wtp approve --always` — each in its own round, kinds sharing agents (LANES) — and
 * what each answer must cause is checked (test/support/dialog-rounds.ts).
 */
const MCP_SERVER = join(REPO, 'test', 'fixtures', 'mcp-probe', 'server.mjs');

/** A kind of request, and the model's turn that asks for it. */
interface Scenario extends DialogCase {
  /** The model's turn for round `r` (`results`: the tool results it got so far in that round). */
  turn: (dir: string, r: number, req: FakeChatRequest, results: string[]) => FakeChatTurn;
}

const call = (name: string, args: Record<string, unknown>): FakeChatTurn => ({
  toolCall: { name, arguments: args },
});
const done: FakeChatTurn = { text: 'Done.' };
const oneTool = (then: FakeChatTurn, results: string[]): FakeChatTurn => (results.length === 0 ? then : done);
/** Copilot CLI edits only a file viewed in the session: a view, then the edit. */
const afterView = (path: string, then: FakeChatTurn, results: string[]): FakeChatTurn =>
  results.length === 0 ? call('view', { path }) : results.length === 1 ? then : done;
const read = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '');

const [bash, create, edit, mcp, subagent, trust] = rowsOf('copilot') as MatrixRow[];

const SCENARIOS: Scenario[] = [
  {
    row: bash as MatrixRow,
    name: 'bash',
    turn: (_d, r, _q, res) =>
      oneTool(call('bash', { command: `touch sh-${r}.txt`, description: 'Touch a file' }), res),
    ran: (dir, r) => existsSync(join(dir, `sh-${r}.txt`)),
    // "… don't ask again for `touch` …": the next `touch` runs unasked.
    repeat: 'no dialog',
  },
  {
    row: create as MatrixRow,
    name: 'create',
    turn: (dir, r, _q, res) =>
      oneTool(call('create', { path: join(dir, `new-${r}.txt`), file_text: `new ${r}\n` }), res),
    ran: (dir, r) => read(join(dir, `new-${r}.txt`)) === `new ${r}\n`,
    repeat: 'no dialog',
  },
  {
    row: edit as MatrixRow,
    name: 'edit',
    setup: (dir, r) => writeFileSync(join(dir, `e-${r}.txt`), `EDIT-ME ${r}\n`),
    turn: (dir, r, _q, res) =>
      afterView(
        join(dir, `e-${r}.txt`),
        call('edit', { path: join(dir, `e-${r}.txt`), old_str: `EDIT-ME ${r}`, new_str: `EDITED ${r}` }),
        res,
      ),
    ran: (dir, r) => read(join(dir, `e-${r}.txt`)) === `EDITED ${r}\n`,
    repeat: false,
  },
  {
    row: mcp as MatrixRow,
    name: 'mcp',
    turn: (_d, r, _q, res) => oneTool(call('probe-ping', { host: `host-${r}.example` }), res),
    ran: (_d, r, res) => res.some((t) => t.includes(`pong host-${r}.example`)),
    repeat: 'no dialog',
  },
  {
    row: subagent as MatrixRow,
    name: 'sub',
    turn: (_d, r, req, res) =>
      isChatSubagent(req)
        ? oneTool(call('bash', { command: `touch sub-${r}.txt`, description: 'Touch a file' }), res)
        : oneTool(
            call('task', {
              description: 'a helper',
              prompt: `SUBAGENT sub round ${r}`,
              agent_type: 'general-purpose',
              name: `helper${r}`,
            }),
            res,
          ),
    ran: (dir, r) => existsSync(join(dir, `sub-${r}.txt`)),
    repeat: false,
    // Seen: the lead idle, then its `task` tool's PostToolUse hook after the helper's command.
    background: true,
  },
];

/**
 * The agents and the kinds each proves (provenLanes): a Copilot CLI start costs ~3 s of CPU.
 * "Always" for a file operation allows every one in the folder, so each agent holds one kind that
 * writes, last; the subagent ends after its lead's turn: its own agent.
 */
const LANES: Record<string, string[]> = {
  'lane-a': ['bash', 'create'],
  'lane-b': ['mcp', 'edit'],
  'lane-c': ['sub'],
};
const LANE_OF = laneOf(LANES);

// Each lane is one agent through all its kinds' rounds, two lanes at a time: longer than one
// real-CLI test, each wait still bounded at 60 s.
describe('the dialog matrix on the real GitHub Copilot CLI (tmux)', { timeout: 1_800_000 }, () => {
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
    home = new TestHome({ WTP_BACKEND: 'tmux', WTP_COPILOT_BIN: copilotBinary() });
    home.writeConfig('notifications:\n  enabled: false\n');
    const copilotHome = home.path('home', '.copilot');
    Object.assign(home.env, copilotEnv({ home: home.path('home'), copilotHome, baseUrl: api.url }));
    const server = { type: 'local', command: process.execPath, args: [MCP_SERVER], tools: ['*'] };
    writeFileSync(join(copilotHome, 'mcp-config.json'), JSON.stringify({ mcpServers: { probe: server } }));
    await home.up();
  }, 120_000);

  afterAll(async () => {
    await home?.cleanup();
    await api?.close();
  });

  it.concurrent.each(SCENARIOS.map((s) => [s.row.kind, s] as const))('%s', async (_kind, s) => {
    lanes ??= provenLanes(
      { home, profile: 'copilot', dirOf, results: (name, r) => results.get(`${name}/${r}`) ?? [] },
      laneCases(LANES, SCENARIOS),
    );
    const mine = lanes.get(s.name);
    if (mine === undefined) throw new Error(`${s.name} is in no lane`);
    await mine;
  });
});

describe(
  'the folder-trust dialog on the real GitHub Copilot CLI (tmux, agents.preTrust off)',
  REAL_CLI_TESTS,
  () => {
    let home: TestHome;
    let api: FakeOpenAIChat;

    beforeAll(async () => {
      api = await FakeOpenAIChat.start(() => ({ text: 'ok' }));
      home = new TestHome({ WTP_BACKEND: 'tmux', WTP_COPILOT_BIN: copilotBinary() });
      home.writeConfig('agents:\n  preTrust: false\nnotifications:\n  enabled: false\n');
      const copilotHome = home.path('home', '.copilot');
      Object.assign(home.env, copilotEnv({ home: home.path('home'), copilotHome, baseUrl: api.url }));
      await home.up();
    }, 120_000);

    afterAll(async () => {
      await home?.cleanup();
      await api?.close();
    });

    /** What each answer of the trust row chooses, and what the agent is then. */
    const ANSWERS = {
      approve: ['idle', /^Yes$/],
      always: ['idle', /^Yes, and remember this folder for future sessions$/],
      deny: ['exited', /^No \(Esc\)$/],
    } as const;
    it.each((trust as MatrixRow).actions.map((a) => [a, ...ANSWERS[a]] as const))(
      '%s: needs_permission(trust), answered by its option → %s',
      async (action, after, label) => {
        const name = `trust-${action}`;
        await trustRound(home, 'copilot', {
          name,
          dir: home.path(name),
          action,
          label,
          after,
          alwaysRefused: false,
        });
        if (action === 'always') {
          const config = readFileSync(home.path('home', '.copilot', 'config.json'), 'utf8');
          expect(config).toContain(home.path(name)); // remembered
        }
      },
    );
  },
);
