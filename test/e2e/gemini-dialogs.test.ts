import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { REAL_CLI_TESTS, typeThenEnter } from '../support/agent-steps.js';
import { rowsOf, type MatrixRow } from '../support/dialog-matrix.js';
import {
  laneCases,
  laneOf,
  provenLanes,
  roundIn,
  trustRound,
  type DialogCase,
} from '../support/dialog-rounds.js';
import { FakeGemini, type FakeGeminiRequest, type FakeGeminiTurn } from '../support/fake-gemini.js';
import { GEMINI_MODEL, geminiBinary, geminiEnv, prepareGeminiHome } from '../support/gemini-cli.js';
import { REPO, TestHome } from '../support/harness.js';

/**
 * The dialog conformance matrix for Gemini CLI (issue 29), on the pinned CLI against a scripted
 * Gemini API, in tmux: every kind of request it asks about (test/support/dialog-matrix.ts) is
 * detected and answered by `wtp deny`, `wtp approve` and `wtp approve --always` — each in its own
 * round, kinds sharing agents (LANES) — and what each answer must cause is checked
 * (test/support/dialog-rounds.ts).
 */
const MCP_SERVER = join(REPO, 'test', 'fixtures', 'mcp-probe', 'server.mjs');

/** A kind of request, and the model's turn that asks for it. */
interface Scenario extends DialogCase {
  /** The model's turn for round `r` (`results`: the tool results it got so far in that round). */
  turn: (dir: string, r: number, req: FakeGeminiRequest, results: Result[]) => FakeGeminiTurn;
}

/** A tool result as the model gets it back: the tool's name and its response as JSON text. */
interface Result {
  name: string;
  text: string;
}

const call = (name: string, args: Record<string, unknown>): FakeGeminiTurn => ({ toolCall: { name, args } });
const done: FakeGeminiTurn = { text: 'Done.' };
const oneTool = (then: FakeGeminiTurn, results: Result[]): FakeGeminiTurn =>
  results.length === 0 ? then : done;
const read = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '');
/** A result of `name` that is the tool's own (not Gemini's "cancelled" or "denied" one). */
const gotResult = (results: readonly string[], name: string): boolean =>
  results.some((t) => t.startsWith(`${name}:`) && !/cancel|did not allow|denied/i.test(t));

const [shell, writeNew, overwrite, edit, fetchRow, mcp, enterPlan, skill, subagent, trust] = rowsOf(
  'gemini',
) as MatrixRow[];

const SCENARIOS: Scenario[] = [
  {
    row: shell as MatrixRow,
    name: 'shell',
    turn: (_d, r, _q, res) => oneTool(call('run_shell_command', { command: `touch sh-${r}.txt` }), res),
    ran: (dir, r) => existsSync(join(dir, `sh-${r}.txt`)),
    // "Allow for this session" adds a rule for the command's root (`touch`): the next one runs.
    repeat: 'no dialog',
  },
  {
    row: writeNew as MatrixRow,
    name: 'writenew',
    turn: (dir, r, _q, res) =>
      oneTool(call('write_file', { file_path: join(dir, `new-${r}.txt`), content: `new ${r}\n` }), res),
    ran: (dir, r) => read(join(dir, `new-${r}.txt`)) === `new ${r}\n`,
    // Accepted, the session is in auto-edit: the next write runs unasked.
    repeat: 'no dialog',
  },
  {
    row: overwrite as MatrixRow,
    name: 'overwrite',
    setup: (dir, r) => writeFileSync(join(dir, `ow-${r}.txt`), `old ${r}\n`),
    turn: (dir, r, _q, res) =>
      oneTool(call('write_file', { file_path: join(dir, `ow-${r}.txt`), content: `again ${r}\n` }), res),
    ran: (dir, r) => read(join(dir, `ow-${r}.txt`)) === `again ${r}\n`,
    repeat: false,
  },
  {
    row: edit as MatrixRow,
    name: 'edit',
    setup: (dir, r) => writeFileSync(join(dir, `e-${r}.txt`), `EDIT-ME ${r}\n`),
    turn: (dir, r, _q, res) =>
      oneTool(
        call('replace', {
          file_path: join(dir, `e-${r}.txt`),
          old_string: `EDIT-ME ${r}`,
          new_string: `EDITED ${r}`,
          instruction: 'mark it edited',
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
      oneTool(call('web_fetch', { prompt: `Summarise https://example.com/page-${r}` }), res),
    // Offline the fetch itself fails: what matters is that it was let run.
    ran: (_d, _r, res) => gotResult(res, 'web_fetch'),
    repeat: 'no dialog',
  },
  {
    row: mcp as MatrixRow,
    name: 'mcp',
    turn: (_d, r, _q, res) => oneTool(call('mcp_probe_ping', { host: `host-${r}.example` }), res),
    ran: (_d, r, res) => res.some((t) => t.includes(`pong host-${r}.example`)),
    repeat: 'no dialog',
  },
  {
    row: enterPlan as MatrixRow,
    name: 'plan',
    turn: (_d, r, _q, res) => oneTool(call('enter_plan_mode', { reason: `plan round ${r}` }), res),
    ran: (_d, _r, res) => gotResult(res, 'enter_plan_mode'),
    repeat: false,
  },
  {
    row: skill as MatrixRow,
    name: 'skill',
    turn: (_d, _r, _q, res) => oneTool(call('activate_skill', { name: 'probe' }), res),
    ran: (_d, _r, res) => res.some((t) => t.includes('<activated_skill name=\\"probe\\"')),
    repeat: 'no dialog',
  },
  {
    row: subagent as MatrixRow,
    name: 'sub',
    turn: (_d, r, req, res) =>
      isSubagent(req)
        ? oneTool(call('run_shell_command', { command: `touch sub-${r}.txt` }), res)
        : oneTool(call('invoke_agent', { agent_name: 'generalist', prompt: `SUBAGENT sub round ${r}` }), res),
    ran: (dir, r) => existsSync(join(dir, `sub-${r}.txt`)),
    repeat: false,
  },
];

type Part = { text?: unknown; functionResponse?: { name?: unknown; response?: unknown } };
const partsOf = (c: { parts?: unknown }): Part[] => (Array.isArray(c.parts) ? (c.parts as Part[]) : []);
const textOf = (c: { parts?: unknown }): string =>
  partsOf(c)
    .map((p) => (typeof p.text === 'string' ? p.text : ''))
    .join('\n');

/** A subagent's request: its conversation starts with the prompt the lead gave it. */
const isSubagent = (req: FakeGeminiRequest): boolean =>
  textOf(req.contents.find((c) => c.role === 'user') ?? {}).includes('SUBAGENT ');

/** The round a request belongs to: the last "<name> round <n>" a user text says. */
function roundOf(req: FakeGeminiRequest): { name: string; r: number } | null {
  for (const c of [...req.contents].reverse()) {
    const hit = c.role === 'user' ? roundIn(textOf(c)) : null;
    if (hit) return hit;
  }
  return null;
}

/** The tool results of the request's current round: the function responses after its prompt. */
function resultsOf(req: FakeGeminiRequest): Result[] {
  const out: Result[] = [];
  for (const c of [...req.contents].reverse()) {
    if (c.role === 'user' && / round \d+/.test(textOf(c))) break;
    for (const p of partsOf(c).reverse()) {
      const f = p.functionResponse;
      if (f) out.unshift({ name: String(f.name), text: JSON.stringify(f.response) });
    }
  }
  return out;
}

/**
 * The agents and the kinds each proves (provenLanes): a Gemini CLI start costs ~4 s of CPU.
 * "Always" for a write switches the session to auto-edit, so each agent holds one kind that
 * writes, last; an approved plan mode holds the session for the rest of it, so plan mode comes last on
 * an agent whose other kinds press no "always".
 */
const LANES: Record<string, string[]> = {
  'lane-a': ['shell', 'fetch', 'writenew'],
  'lane-b': ['mcp', 'skill', 'overwrite'],
  'lane-c': ['edit'],
  'lane-d': ['sub', 'plan'],
};
const LANE_OF = laneOf(LANES);

// Each lane is one agent through all its kinds' rounds, two lanes at a time: longer than one
// real-CLI test, each wait still bounded at 60 s.
describe('the dialog matrix on the real Gemini CLI (tmux)', { timeout: 1_800_000 }, () => {
  let home: TestHome;
  let api: FakeGemini;
  const results = new Map<string, string[]>();
  const dirOf = (name: string): string => home.path('proj', LANE_OF.get(name) ?? name);
  let lanes: Map<string, Promise<void>> | undefined;

  function script(req: FakeGeminiRequest): FakeGeminiTurn {
    const at = roundOf(req);
    const s = SCENARIOS.find((x) => x.name === at?.name);
    if (!at || !s) return { text: 'ok' };
    const res = resultsOf(req);
    if (res.length > 0)
      results.set(
        `${s.name}/${at.r}`,
        res.map((x) => `${x.name}: ${x.text}`),
      );
    return s.turn(dirOf(s.name), at.r, req, res);
  }

  beforeAll(async () => {
    api = await FakeGemini.start(script);
    home = new TestHome({ WTP_BACKEND: 'tmux', WTP_GEMINI_BIN: geminiBinary() });
    home.writeConfig('notifications:\n  enabled: false\n');
    const file = prepareGeminiHome(home.path('home'));
    const settings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    settings.mcpServers = { probe: { command: process.execPath, args: [MCP_SERVER] } };
    writeFileSync(file, JSON.stringify(settings, null, 2));
    // A skill of the user's own (built-in skills are activated without asking).
    const skillDir = home.path('home', '.gemini', 'skills', 'probe');
    mkdirSync(skillDir, { recursive: true });
    writeFileSync(
      join(skillDir, 'SKILL.md'),
      '---\nname: probe\ndescription: Probes the matrix.\n---\nSay probe.\n',
    );
    Object.assign(home.env, geminiEnv({ home: home.path('home'), baseUrl: api.url }));
    await home.up();
  }, 120_000);

  afterAll(async () => {
    await home?.cleanup();
    await api?.close();
  });

  it.concurrent.each(SCENARIOS.map((s) => [s.row.kind, s] as const))('%s', async (_kind, s) => {
    lanes ??= provenLanes(
      {
        home,
        profile: 'gemini',
        dirOf,
        results: (name, r) => results.get(`${name}/${r}`) ?? [],
        // Its hooks say the turn ended while its screen still runs them: type once it is at its prompt.
        idleOnScreen: true,
        // Text and Enter in one write read as a paste to Gemini (Enter becomes a newline).
        send: (name, text) => typeThenEnter(home, name, text),
      },
      laneCases(
        LANES,
        SCENARIOS.map((x) => ({ ...x, args: () => ['--model', GEMINI_MODEL] })),
      ),
    );
    const mine = lanes.get(s.name);
    if (mine === undefined) throw new Error(`${s.name} is in no lane`);
    await mine;
  });
});

describe('the folder-trust dialog on the real Gemini CLI (tmux, agents.preTrust off)', REAL_CLI_TESTS, () => {
  let home: TestHome;
  let api: FakeGemini;

  beforeAll(async () => {
    api = await FakeGemini.start(() => ({ text: 'ok' }));
    home = new TestHome({ WTP_BACKEND: 'tmux', WTP_GEMINI_BIN: geminiBinary() });
    home.writeConfig('agents:\n  preTrust: false\nnotifications:\n  enabled: false\n');
    const file = prepareGeminiHome(home.path('home'));
    const settings = JSON.parse(readFileSync(file, 'utf8')) as { security: Record<string, unknown> };
    settings.security.folderTrust = { enabled: true };
    writeFileSync(file, JSON.stringify(settings, null, 2));
    Object.assign(home.env, geminiEnv({ home: home.path('home'), baseUrl: api.url }));
    await home.up();
  }, 120_000);

  afterAll(async () => {
    await home?.cleanup();
    await api?.close();
  });

  /** What each answer of the trust row chooses, and what the agent is then. */
  const ANSWERS = {
    approve: ['idle', /^Trust folder \(trust-approve\)$/],
    deny: ['idle', /^Don't trust$/],
  } as const;
  const actions = (trust as MatrixRow).actions.filter((a) => a !== 'always');
  it.each(actions.map((a) => [a, ...ANSWERS[a]] as const))(
    '%s: needs_permission(trust), answered by its option → %s',
    async (action, after, label) => {
      const name = `trust-${action}`;
      const args = ['--model', GEMINI_MODEL];
      await trustRound(home, 'gemini', {
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
});
