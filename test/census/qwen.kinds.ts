import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentView } from '../../src/protocol/agent.js';
import type { ScreenRecord } from '../../src/protocol/profiles.js';
import { isChatSubagent, messageText } from '../support/chat-rounds.js';
import { FakeOpenAIChat, type FakeChatRequest, type FakeChatTurn } from '../support/fake-openai-chat.js';
import { REPO, TestHome } from '../support/harness.js';
import { prepareQwenHome, qwenBinary, qwenEnv, QWEN_VERSION } from '../support/qwen-cli.js';
import type { CensusKind, CensusPass, CensusRig } from './census.js';

/**
 * What Qwen Code's census asks for (qwen.census.ts records the screens; its conformance,
 * test/e2e/qwen-census-answers.test.ts, answers them): the kinds, the passes, and the rig — the
 * scripted Chat Completions API and a daemon whose agents run the pinned CLI against it.
 */
const MCP_SERVER = join(REPO, 'test', 'fixtures', 'mcp-probe', 'server.mjs');

export interface QwenKind extends CensusKind {
  /** The file Qwen Code must have read in the session before it edits it (it refuses otherwise). */
  read?: (dir: string) => string;
  /** The lead's request that starts a subagent, whose own request is `tool`. */
  lead?: { name: string; input: unknown };
  /** The only modes it is asked in (default: all). */
  modes?: string[];
}

const notebook = JSON.stringify({
  cells: [
    { cell_type: 'code', id: 'c1', metadata: {}, source: ['print(1)'], outputs: [], execution_count: null },
  ],
  metadata: {},
  nbformat: 4,
  nbformat_minor: 5,
});
const shell = (command: string) => () => ({
  name: 'run_shell_command',
  input: { command, description: 'census' },
});
/**
 * What asks, by mode (seen): yolo runs everything unasked; auto (its classifier scripted to give no
 * verdict) asks through its fallback dialog ("Auto Mode couldn't classify this action …"), except
 * for what its fast paths take (edits in the folder, reads); plan mode blocks what is not read-only
 * without a dialog ("Plan mode blocked a non-read-only tool call").
 */
const asks = { default: 'needs_permission', yolo: 'none' } as const;
/** A shell command that changes files: plan mode blocks it. */
const aChange = { ...asks, plan: 'none' } as const;
/** An edit in the folder: auto-edit and auto take it, plan mode blocks it. */
const anEdit = { ...aChange, 'auto-edit': 'none', auto: 'none' } as const;
const launch = (what: string) => ({
  description: 'a helper',
  prompt: `SUBAGENT census: ${what}`,
  subagent_type: 'general-purpose',
});
const question = {
  question: 'Which colour should the button be?',
  header: 'Colour',
  options: [
    { label: 'Red', description: 'a red button' },
    { label: 'Blue', description: 'a blue button' },
  ],
  multiSelect: false,
};

export const KINDS: QwenKind[] = [
  {
    name: 'shell-write',
    what: 'a shell command that writes a file',
    tool: shell('echo census > shell-out.txt'),
    expect: aChange,
    about: () => 'echo census > shell-out.txt',
  },
  {
    name: 'shell-npm-test',
    what: 'a shell command that needs approval (npm test)',
    tool: shell('npm test'),
    expect: asks,
    about: () => 'npm test',
  },
  {
    name: 'shell-compound',
    what: 'a compound shell command',
    tool: shell('mkdir -p sub && cd sub && npm test'),
    expect: aChange,
    about: () => 'mkdir -p sub && cd sub && npm test',
  },
  {
    name: 'shell-pipe',
    what: 'a piped shell command',
    tool: shell('cat README.md | tee copy.md | wc -l'),
    expect: aChange,
    about: () => 'cat README.md | tee copy.md | wc -l',
  },
  {
    name: 'shell-readonly',
    what: 'a shell command it classes read-only',
    tool: shell('ls -la'),
    expect: { default: 'none' },
  },
  {
    name: 'shell-network',
    what: 'a shell command that reaches the network',
    tool: shell('curl -s https://example.com/census'),
    expect: asks,
    about: () => 'curl -s https://example.com/census',
  },
  {
    name: 'write-new',
    what: 'a new file',
    tool: (dir) => ({ name: 'write_file', input: { file_path: join(dir, 'new.txt'), content: 'new\n' } }),
    expect: anEdit,
    about: () => 'new.txt',
  },
  {
    name: 'overwrite',
    what: 'a file overwritten (read first)',
    setup: (dir) => writeFileSync(join(dir, 'old.txt'), 'old\n'),
    read: (dir) => join(dir, 'old.txt'),
    tool: (dir) => ({ name: 'write_file', input: { file_path: join(dir, 'old.txt'), content: 'again\n' } }),
    expect: anEdit,
    about: () => 'old.txt',
  },
  {
    name: 'edit',
    what: 'a file edited (read first)',
    setup: (dir) => writeFileSync(join(dir, 'e.txt'), 'EDIT-ME\n'),
    read: (dir) => join(dir, 'e.txt'),
    tool: (dir) => ({
      name: 'edit',
      input: { file_path: join(dir, 'e.txt'), old_string: 'EDIT-ME', new_string: 'EDITED' },
    }),
    expect: anEdit,
    about: () => 'e.txt',
  },
  {
    name: 'outside',
    what: 'a file outside the working folder',
    // A pass that wrote it leaves it (yolo): the next would have to read it first.
    setup: (dir) => {
      mkdirSync(join(dir, '..', 'outside'), { recursive: true });
      rmSync(join(dir, '..', 'outside', 'x.txt'), { force: true });
    },
    tool: (dir) => ({
      name: 'write_file',
      input: { file_path: join(dir, '..', 'outside', 'x.txt'), content: 'x\n' },
    }),
    expect: { ...anEdit, auto: 'needs_permission' },
    about: (dir) => join(dir, '..', 'outside', 'x.txt'),
  },
  {
    name: 'read-outside',
    what: 'a file outside the working folder read',
    setup: (dir) => {
      mkdirSync(join(dir, '..', 'outside'), { recursive: true });
      writeFileSync(join(dir, '..', 'outside', 'r.txt'), 'r\n');
    },
    tool: (dir) => ({ name: 'read_file', input: { file_path: join(dir, '..', 'outside', 'r.txt') } }),
    expect: { ...asks, 'auto-edit': 'none', auto: 'none' },
    about: (dir) => join(dir, '..', 'outside', 'r.txt'),
  },
  {
    name: 'notebook',
    what: 'a notebook cell edited (read first)',
    setup: (dir) => writeFileSync(join(dir, 'n.ipynb'), notebook),
    read: (dir) => join(dir, 'n.ipynb'),
    tool: (dir) => ({
      name: 'notebook_edit',
      input: {
        notebook_path: join(dir, 'n.ipynb'),
        cell_id: 'c1',
        new_source: 'print(2)',
        edit_mode: 'replace',
      },
    }),
    expect: { ...asks, 'auto-edit': 'none', plan: 'none' },
    about: () => 'n.ipynb',
  },
  {
    name: 'fetch',
    what: 'a web page fetched',
    tool: () => ({ name: 'web_fetch', input: { url: 'https://example.com/census', prompt: 'summarise' } }),
    expect: { ...asks, 'auto-edit': 'none' },
    about: () => 'https://example.com/census',
  },
  // WebSearch: web_search is registered only when a search backend is configured or derived from
  // the auth (0.24.4 evaluateWebSearchGate); with an OpenAI-compatible key it is not offered.
  {
    name: 'mcp',
    what: "an MCP server's tool",
    tool: () => ({ name: 'mcp__probe__ping', input: { host: 'census.example' } }),
    expect: { ...asks, plan: 'none' },
  },
  {
    name: 'skill',
    what: 'a skill activated (a bundled one)',
    tool: () => ({ name: 'skill', input: { skill: 'dataviz' } }),
    expect: { ...asks, 'auto-edit': 'none' },
  },
  {
    name: 'artifact',
    what: 'an HTML page published as an artifact',
    setup: (dir) => writeFileSync(join(dir, 'page.html'), '<p>census</p>\n'),
    tool: (dir) => ({ name: 'artifact', input: { file_path: join(dir, 'page.html'), title: 'census' } }),
    expect: { ...asks, 'auto-edit': 'none' },
    about: () => 'page.html',
  },
  {
    // "a dialog that no permission rule or approval mode skips" (its tool description).
    name: 'goal',
    what: 'a session goal proposed',
    tool: () => ({ name: 'propose_goal', input: { objective: 'census: every dialog recorded' } }),
    expect: { default: 'needs_permission', plan: 'none' },
  },
  {
    name: 'question',
    what: 'a question with options',
    tool: () => ({ name: 'ask_user_question', input: { questions: [question] } }),
    expect: { default: 'needs_input' },
    reply: { text: 'Blue', heard: 'Blue' },
  },
  {
    name: 'plan-exit',
    what: 'a plan to approve',
    tool: () => ({ name: 'exit_plan_mode', input: { plan: '1. census step\n2. check it' } }),
    expect: { default: 'none', plan: 'needs_permission' },
  },
  {
    name: 'subagent',
    what: 'a subagent launched',
    tool: () => ({ name: 'agent', input: launch('say hi') }),
    // Auto-edit also starts a subagent unasked (seen in test/e2e/qwen-dialogs.test.ts).
    expect: { ...asks, 'auto-edit': 'none' },
  },
  {
    // A subagent's own request, where its launch does not ask (auto-edit): it runs in the
    // background and its command ran unasked, `touch` and `npm test` alike (seen: "✔ a helper
    // (Shell npm test (census))" in the footer's tasks). Where the launch asks, that is the dialog.
    name: 'subagent-shell',
    what: "a subagent's shell command",
    lead: { name: 'agent', input: launch('run a command') },
    tool: shell('npm test'),
    modes: ['auto-edit'],
    expect: { default: 'none' },
  },
  // Entering plan mode runs without a dialog (enter_plan_mode's default permission is allow) and
  // leaves the session in plan mode: the last kind of a pass.
  {
    name: 'plan-enter',
    what: 'entering plan mode',
    tool: () => ({ name: 'enter_plan_mode', input: {} }),
    expect: { default: 'none' },
  },
];

/** Qwen Code's approval modes (`wtp new qwen --permission-mode`, its `--approval-mode`). */
export const PASSES: (CensusPass & { kinds?: string[] })[] = [
  { mode: 'default', cols: 120 },
  { mode: 'auto-edit', cols: 120 },
  { mode: 'auto', cols: 120 },
  { mode: 'yolo', cols: 120 },
  { mode: 'plan', cols: 120 },
  { mode: 'default', cols: 80 },
  { mode: 'default', cols: 200 },
  { mode: 'default', cols: 200, changed: true },
];

/** The conversation has the prompt that asks for kind `name` (a late turn may come after it). */
const asked = (req: FakeChatRequest, name: string): boolean =>
  req.messages.some((m) => m.role === 'user' && new RegExp(`census ${name}(?![\\w-])`).test(messageText(m)));
/**
 * The daemon as census.ts's walk sees it: a new agent is `starting` until its CLI has drawn a screen
 * its rules read and the daemon holds a settled state (the walk reads the start screen 1.5 s after
 * `starting`, before the CLI drew anything: seen, an empty screen).
 */
function readyHome(home: TestHome): TestHome {
  const ready = new Set<string>();
  const agent = async (name: string): Promise<AgentView> => {
    const a = await home.agent(name);
    if (ready.has(name) || a.state === 'starting') return a;
    const r = await home.json<{ record?: ScreenRecord }>(['record-screen', name, '--out', '-']);
    const settled = a.state === 'idle' || a.state.startsWith('needs_');
    if (!settled || (r.doc.record?.verdict.state ?? 'none') === 'none') return { ...a, state: 'starting' };
    ready.add(name);
    return a;
  };
  return new Proxy(home, {
    get: (target, prop) => {
      if (prop === 'agent') return agent;
      const v: unknown = Reflect.get(target, prop);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/**
 * Its tool result when the user refused the call: what 0.24.4 keeps for a call denied in its dialog
 * (Esc, "No, suggest changes") and sends with the next prompt — the turn ends on the denial, so the
 * model gets nothing back then (recorded: "[Operation Cancelled] Reason: User did not allow tool call").
 */
export const QWEN_REFUSED = /^\[Operation Cancelled\] Reason: User did not allow tool call\b/;

/** Starts the scripted API and the daemon: the rig, and how to close both. */
export async function qwenRig(): Promise<{ rig: CensusRig; close: () => Promise<void> }> {
  const rig = { asking: { kind: null, dir: '' }, results: [] } as unknown as CensusRig;
  const call = (use: { name: string; input: unknown }): FakeChatTurn => ({
    toolCall: { name: use.name, arguments: use.input },
  });

  /** The subagent's request, or (its launch asked instead) a few seconds: the kind is asked. */
  function launched(kind: QwenKind): void {
    const asking = rig.asking;
    setTimeout(() => {
      if (asking.kind === kind) asking.kind = null;
    }, 4_000);
  }

  function script(req: FakeChatRequest): FakeChatTurn {
    // Auto mode's classifier (a side query offering only respond_in_schema): it gets no verdict, so
    // what it would classify asks through its fallback dialog ("Auto Mode couldn't classify …").
    if (req.toolNames.includes('respond_in_schema')) return { text: 'ok' };
    if (req.hasToolOutput) rig.results.push(req.toolOutputText);
    const kind = rig.asking.kind as QwenKind | null;
    const dir = rig.asking.dir;
    if (isChatSubagent(req)) {
      if (kind?.lead === undefined || req.hasToolOutput) return { text: 'hi' };
      rig.asking.kind = null;
      return call(kind.tool(dir));
    }
    if (kind === null || !asked(req, kind.name)) return { text: 'Done.' };
    if (req.hasToolOutput && kind.read === undefined) return { text: 'Done.' };
    if (kind.lead !== undefined) {
      launched(kind);
      return call(kind.lead);
    }
    // A kind that edits reads its file first: the read, then (with its result) the kind's request.
    if (kind.read !== undefined && !req.hasToolOutput) {
      return call({ name: 'read_file', input: { file_path: kind.read(dir) } });
    }
    rig.asking.kind = null;
    return call(kind.tool(dir));
  }

  const api = await FakeOpenAIChat.start(script);
  const home = new TestHome({ WTP_BACKEND: 'tmux', WTP_QWEN_BIN: qwenBinary() });
  const qwenHome = home.path('home', '.qwen');
  prepareQwenHome(qwenHome, {
    extra: { mcpServers: { probe: { command: process.execPath, args: [MCP_SERVER] } } },
  });
  Object.assign(home.env, qwenEnv({ home: home.path('home'), qwenHome, baseUrl: api.url }));
  Object.assign(rig, {
    home: readyHome(home),
    vendor: 'qwen',
    version: QWEN_VERSION,
    modeArgs: (mode: string) => ['--permission-mode', mode],
    approveKeys: ['1'],
    leaveKeys: ['esc'],
    cols: 0,
  });
  return {
    rig,
    close: async () => {
      await home.cleanup();
      await api.close();
    },
  };
}
