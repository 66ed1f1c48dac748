import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { REAL_CLI_TESTS } from '../support/agent-steps.js';
import { codexBinary, codexEnv, prepareCodexHome } from '../support/codex-cli.js';
import { rowsOf, type MatrixRow } from '../support/dialog-matrix.js';
import { provenRounds, roundIn, trustRound, type DialogCase } from '../support/dialog-rounds.js';
import { FakeOpenAI, type FakeOpenAIRequest, type FakeOpenAITurn } from '../support/fake-openai.js';
import { REPO, TestHome } from '../support/harness.js';

/**
 * The dialog conformance matrix for Codex (issue 29), on the pinned CLI against a scripted
 * Responses API, in tmux: every kind of request it asks about (test/support/dialog-matrix.ts) is
 * detected and answered by `wtp deny`, `wtp approve` and `wtp approve --always` — each in its own
 * round of one agent — and what each answer must cause is checked (test/support/dialog-rounds.ts).
 */
const MCP_SERVER = join(REPO, 'test', 'fixtures', 'mcp-probe', 'server.mjs');

/** A kind of request, and the model's turn that asks for it. */
interface Scenario extends DialogCase {
  /** The model's turn for round `r` (`results`: the tool outputs it got so far in that round). */
  turn: (r: number, req: FakeOpenAIRequest, results: string[]) => FakeOpenAITurn;
}

const call = (name: string, args: unknown, namespace?: string): FakeOpenAITurn => ({
  toolCall: { name, arguments: args, ...(namespace === undefined ? {} : { namespace }) },
});
/** A command Codex runs only once approved: it asks to leave the sandbox (`require_escalated`). */
const escalated = (cmd: string): FakeOpenAITurn =>
  call('exec_command', { cmd, sandbox_permissions: 'require_escalated', justification: 'the matrix asks' });
const done: FakeOpenAITurn = { text: 'Done.' };
const oneTool = (then: FakeOpenAITurn, results: string[]): FakeOpenAITurn =>
  results.length === 0 ? then : done;
const read = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '');
/** A patch that changes p.txt's "before" into `after <r>`, run as `apply_patch` (Codex intercepts it). */
const patch = (r: number): string =>
  `apply_patch <<'PATCH'\n*** Begin Patch\n*** Update File: p.txt\n@@\n-before\n+after ${r}\n*** End Patch\nPATCH`;

const [shell, edits, mcp, subagent, trust] = rowsOf('codex') as MatrixRow[];
const ON_REQUEST = ['--permission-mode', 'on-request'];

const SCENARIOS: Scenario[] = [
  {
    row: shell as MatrixRow,
    name: 'shell',
    // The same command every round: "always" is for "commands that start with" it.
    turn: (_r, _q, res) => oneTool(escalated('touch sh.txt'), res),
    ran: (_d, _r, res) => res.some((t) => t.includes('Process exited with code 0')),
    repeat: 'no dialog',
  },
  {
    row: edits as MatrixRow,
    name: 'patch',
    // Read-only: the patch asks (in workspace-write, a patch inside the folder is applied unasked).
    args: () => [...ON_REQUEST, '--', '-s', 'read-only'],
    setup: (dir) => writeFileSync(join(dir, 'p.txt'), 'before\n'),
    turn: (r, _q, res) => oneTool(call('exec_command', { cmd: patch(r) }), res),
    ran: (dir, r) => read(join(dir, 'p.txt')) === `after ${r}\n`,
    // "… don't ask again for these files": the next patch of p.txt is applied unasked.
    repeat: 'no dialog',
  },
  {
    row: mcp as MatrixRow,
    name: 'mcp',
    turn: (r, _q, res) => oneTool(call('ping', { host: `host-${r}.example` }, 'mcp__probe'), res),
    ran: (_d, r, res) => res.some((t) => t.includes(`pong host-${r}.example`)),
    repeat: 'no dialog',
  },
  {
    row: subagent as MatrixRow,
    name: 'sub',
    turn: (r, req, res) =>
      isSubagent(req)
        ? oneTool(escalated(`touch sub-${r}.txt`), res)
        : oneTool(call('spawn_agent', { message: `SUBAGENT sub round ${r}` }, 'multi_agent_v1'), res),
    ran: (dir, r) => existsSync(join(dir, `sub-${r}.txt`)),
    repeat: false,
  },
];

type Part = { text?: unknown };
const textOf = (item: Record<string, unknown>): string =>
  Array.isArray(item.content)
    ? (item.content as Part[]).map((p) => (typeof p.text === 'string' ? p.text : '')).join('\n')
    : '';
const userTexts = (req: FakeOpenAIRequest): string[] =>
  req.input.filter((i) => i.type === 'message' && i.role === 'user').map(textOf);

/** A subagent's request: its conversation starts with the message its lead gave it. */
const isSubagent = (req: FakeOpenAIRequest): boolean => userTexts(req).some((t) => t.startsWith('SUBAGENT '));

/** The round a request belongs to: the last "<name> round <n>" a user message says. */
function roundOf(req: FakeOpenAIRequest): { name: string; r: number } | null {
  for (const t of userTexts(req).reverse()) {
    const hit = roundIn(t);
    if (hit) return hit;
  }
  return null;
}

/** The tool outputs of the request's current round: those after its prompt. */
function resultsOf(req: FakeOpenAIRequest): string[] {
  const out: string[] = [];
  for (const i of [...req.input].reverse()) {
    if (i.type === 'message' && i.role === 'user' && / round \d+/.test(textOf(i))) break;
    if (i.type === 'function_call_output')
      out.unshift(typeof i.output === 'string' ? i.output : JSON.stringify(i.output));
  }
  return out;
}

// Each kind is one agent through up to four rounds (deny, approve, always, the same again), in
// turn (provenRounds): longer than one real-CLI test, each wait still bounded at 60 s.
describe('the dialog matrix on the real Codex (tmux)', { timeout: 1_800_000 }, () => {
  let home: TestHome;
  let api: FakeOpenAI;
  const results = new Map<string, string[]>();
  const dirOf = (name: string): string => home.path('proj', name);

  function script(req: FakeOpenAIRequest): FakeOpenAITurn {
    const at = roundOf(req);
    const s = SCENARIOS.find((x) => x.name === at?.name);
    if (!at || !s) return { text: 'ok' };
    const res = resultsOf(req);
    if (res.length > 0) results.set(`${s.name}/${at.r}`, res);
    return s.turn(at.r, req, res);
  }

  beforeAll(async () => {
    api = await FakeOpenAI.start(script);
    home = new TestHome({ WTP_BACKEND: 'tmux', WTP_CODEX_BIN: codexBinary() });
    home.writeConfig('notifications:\n  enabled: false\n');
    const codexHome = home.path('home', '.codex');
    const config = prepareCodexHome(codexHome, { baseUrl: api.url });
    appendFileSync(
      config,
      `\n[mcp_servers.probe]\ncommand = ${JSON.stringify(process.execPath)}\nargs = [${JSON.stringify(MCP_SERVER)}]\n`,
    );
    Object.assign(home.env, codexEnv({ home: home.path('home'), codexHome }));
    await home.up();
  }, 120_000);

  afterAll(async () => {
    await home?.cleanup();
    await api?.close();
  });

  it.concurrent.each(SCENARIOS.map((s) => [s.row.kind, s] as const))('%s', async (_kind, s) => {
    await provenRounds(
      { home, profile: 'codex', dirOf, results: (name, r) => results.get(`${name}/${r}`) ?? [] },
      { ...s, args: s.args ?? (() => ON_REQUEST) },
    );
  });
});

describe('the folder-trust dialog on the real Codex (tmux, agents.preTrust off)', REAL_CLI_TESTS, () => {
  let home: TestHome;
  let api: FakeOpenAI;

  beforeAll(async () => {
    api = await FakeOpenAI.start(() => ({ text: 'ok' }));
    home = new TestHome({ WTP_BACKEND: 'tmux', WTP_CODEX_BIN: codexBinary() });
    home.writeConfig('agents:\n  preTrust: false\nnotifications:\n  enabled: false\n');
    const codexHome = home.path('home', '.codex');
    prepareCodexHome(codexHome, { baseUrl: api.url });
    Object.assign(home.env, codexEnv({ home: home.path('home'), codexHome }));
    await home.up();
  }, 120_000);

  afterAll(async () => {
    await home?.cleanup();
    await api?.close();
  });

  /**
   * What each answer of the trust row chooses, and what the agent is then: at its prompt, or (deny)
   * at its Agent Command Center, the folder untrusted.
   */
  const ANSWERS = {
    approve: ['idle', /^Trust and continue$/],
    deny: ['idle', /^Back to Agent Command Center$/],
  } as const;
  const actions = (trust as MatrixRow).actions.filter((a) => a !== 'always');
  it.each(actions.map((a) => [a, ...ANSWERS[a]] as const))(
    '%s: needs_permission(trust), answered by its option → %s',
    async (action, after, label) => {
      const name = `trust-${action}`;
      // Codex asks to trust a folder only in a git repository.
      execFileSync('git', ['init', '-q', home.path(name)]);
      await trustRound(home, 'codex', {
        name,
        dir: home.path(name),
        args: ON_REQUEST,
        action,
        label,
        after,
        alwaysRefused: true,
      });
    },
  );
});
