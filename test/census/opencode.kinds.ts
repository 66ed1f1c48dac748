import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { isChatSubagent } from '../support/chat-rounds.js';
import { FakeOpenAIChat, type FakeChatRequest, type FakeChatTurn } from '../support/fake-openai-chat.js';
import { REPO, TestHome } from '../support/harness.js';
import {
  opencodeBinary,
  opencodeEnv,
  OPENCODE_VERSION,
  prepareOpencodeConfig,
  prepareOpencodeHome,
} from '../support/opencode-cli.js';
import type { CensusKind, CensusPass, CensusRig } from './census.js';

/**
 * What OpenCode's census asks for (opencode.census.ts records the screens; its conformance,
 * test/e2e/opencode-census-answers.test.ts, answers them): the kinds, the passes, and the rig — the
 * scripted Chat Completions API and a daemon whose agents run the pinned CLI against it.
 *
 * OpenCode has no mode switch (`wtp new --permission-mode` does not apply to it): what it asks
 * about is its config's `permission`. The modes here are the ones src/vendors/opencode/modes.ts
 * reads from it (OPENCODE_MODES), each set through the OPENCODE_PERMISSION layer over a config that
 * makes the tools it allows by default ask (webfetch, task, the MCP tool), and `--auto`.
 */
const MCP_SERVER = join(REPO, 'test', 'fixtures', 'mcp-probe', 'server.mjs');

/** A tool call of the scripted model. */
type Call = { name: string; input: unknown };

/** A kind, and what OpenCode needs around its call. */
interface OpencodeKind extends CensusKind {
  /** Calls the model makes first, one response each (OpenCode changes only a file it has read). */
  before?: (dir: string) => Call[];
  /** The call is made this many times in one response (OpenCode's repeated-call check). */
  times?: number;
  /** The subagent's call, for a kind that starts one (none: it only answers). */
  subagent?: (dir: string) => Call;
}

/** Each mode: OPENCODE_PERMISSION's value (its `bash` and `edit`, as modes.ts reads them). */
const MODES: Record<string, Record<string, string>> = {
  ask: { bash: 'ask', edit: 'ask' },
  edits: { bash: 'ask', edit: 'allow' },
  'read-only': { bash: 'ask', edit: 'deny' },
  allow: { bash: 'allow', edit: 'allow' },
};

const QUESTION = {
  questions: [
    {
      question: 'Which colour should the button be?',
      header: 'Colour',
      options: [
        { label: 'Red', description: 'A red button' },
        { label: 'Blue', description: 'A blue button' },
      ],
    },
  ],
};

const bash = (command: string) => (): Call => ({ name: 'bash', input: { command, description: 'census' } });
const read = (path: string): Call => ({ name: 'read', input: { filePath: path } });
/** The folder outside every agent's own: under its HOME. */
export const outside = (dir: string): string =>
  join(dir.slice(0, dir.lastIndexOf(`${sep}proj${sep}`)), 'home', 'outside');
/**
 * Asks where `bash` asks (ask, edits, read-only, the plan agent); `allow` and `--auto` run it
 * unasked. It has no read-only class of commands: `ls -la` asks as `npm test` does (seen).
 */
const aCommand = { default: 'needs_permission', allow: 'none', 'auto-approve': 'none' } as const;
/**
 * Asks where `edit` asks (ask; the plan agent, whose own `edit: deny` the config's `edit: ask`
 * overrides); edits, allow and `--auto` write unasked; read-only does not offer write and edit at
 * all (seen: "Model tried to call unavailable tool 'write'").
 */
const anEdit = {
  default: 'needs_permission',
  edits: 'none',
  'read-only': 'none',
  allow: 'none',
  'auto-approve': 'none',
} as const;
/** Asked by its own permission in every mode; `--auto` approves it. */
const always = { default: 'needs_permission', 'auto-approve': 'none' } as const;

export const KINDS: OpencodeKind[] = [
  {
    name: 'bash-readonly',
    what: 'a shell command that only reads',
    tool: bash('ls -la'),
    expect: aCommand,
    about: () => 'ls -la',
  },
  {
    name: 'bash-write',
    what: 'a shell command that writes a file',
    tool: bash('echo census > bash-out.txt'),
    expect: aCommand,
    about: () => 'echo census > bash-out.txt',
  },
  {
    name: 'bash-npm-test',
    what: 'a shell command that needs approval (npm test)',
    tool: bash('npm test'),
    expect: aCommand,
    about: () => 'npm test',
  },
  {
    name: 'bash-compound',
    what: 'a compound shell command',
    tool: bash('mkdir -p sub && cd sub && npm test'),
    expect: aCommand,
    about: () => 'mkdir -p sub && cd sub && npm test',
  },
  {
    name: 'bash-pipe',
    what: 'a piped shell command',
    tool: bash('cat README.md | tee copy.md | wc -l'),
    expect: aCommand,
    about: () => 'cat README.md | tee copy.md | wc -l',
  },
  {
    name: 'bash-network',
    what: 'a shell command that reaches the network',
    tool: bash('curl -s --max-time 5 https://example.com/census'),
    expect: aCommand,
    about: () => 'curl -s --max-time 5 https://example.com/census',
  },
  {
    name: 'write-new',
    what: 'a new file',
    // A file not there yet (an earlier approval wrote it): a write over it is another request.
    setup: (dir) => rmSync(join(dir, 'new.txt'), { force: true }),
    tool: (dir) => ({ name: 'write', input: { filePath: join(dir, 'new.txt'), content: 'new\n' } }),
    expect: anEdit,
    about: () => 'new.txt',
  },
  {
    name: 'overwrite',
    what: 'a file overwritten',
    setup: (dir) => writeFileSync(join(dir, 'old.txt'), 'old\n'),
    before: (dir) => [read(join(dir, 'old.txt'))],
    tool: (dir) => ({ name: 'write', input: { filePath: join(dir, 'old.txt'), content: 'again\n' } }),
    expect: anEdit,
    about: () => 'old.txt',
  },
  {
    name: 'edit',
    what: 'a file edited',
    setup: (dir) => writeFileSync(join(dir, 'e.txt'), 'EDIT-ME\n'),
    before: (dir) => [read(join(dir, 'e.txt'))],
    tool: (dir) => ({
      name: 'edit',
      input: { filePath: join(dir, 'e.txt'), oldString: 'EDIT-ME', newString: 'EDITED' },
    }),
    expect: anEdit,
    about: () => 'e.txt',
  },
  {
    name: 'outside',
    what: 'a file outside the working folder (external_directory)',
    // The folder shared by every agent, without the file an earlier approval wrote: a new file.
    setup: (dir) => {
      mkdirSync(outside(dir), { recursive: true });
      rmSync(join(outside(dir), 'x.txt'), { force: true });
    },
    tool: (dir) => ({ name: 'write', input: { filePath: join(outside(dir), 'x.txt'), content: 'x\n' } }),
    // It asks about the folder before the tool's own permission; read-only offers no write (seen).
    expect: { ...always, 'read-only': 'none' },
    // It names a folder under HOME from `~` (seen).
    about: () => '~/outside',
  },
  {
    name: 'env',
    what: 'a .env file read',
    setup: (dir) => writeFileSync(join(dir, '.env'), 'SECRET=census\n'),
    tool: (dir) => read(join(dir, '.env')),
    expect: always,
    about: () => '.env',
  },
  {
    name: 'fetch',
    what: 'a web page fetched',
    tool: () => ({ name: 'webfetch', input: { url: 'https://example.com/census', format: 'text' } }),
    expect: always,
    about: () => 'https://example.com/census',
  },
  // No web search: websearch is offered only to the opencode provider's models or with
  // OPENCODE_ENABLE_EXA / OPENCODE_ENABLE_PARALLEL, and searches through a hosted service (not
  // reachable offline; test/support/dialog-matrix.ts).
  {
    name: 'mcp',
    what: "an MCP server's tool",
    tool: () => ({ name: 'probe_ping', input: { host: 'census.example' } }),
    expect: always,
  },
  {
    name: 'task',
    what: 'a subagent started (task)',
    tool: () => ({
      name: 'task',
      input: { description: 'a helper', prompt: 'SUBAGENT say hi', subagent_type: 'general' },
    }),
    expect: always,
  },
  {
    name: 'subagent',
    what: "a subagent's shell command",
    // `helper` starts unasked (`permission.task.helper: allow`); its command asks in the lead's screen.
    tool: () => ({
      name: 'task',
      input: { description: 'a helper', prompt: 'SUBAGENT run it', subagent_type: 'helper' },
    }),
    subagent: bash('touch sub.txt'),
    expect: aCommand,
    about: () => 'touch sub.txt',
  },
  {
    name: 'doom-loop',
    what: 'the same call repeated three times (doom_loop)',
    setup: (dir) => writeFileSync(join(dir, 'd.txt'), 'doom\n'),
    tool: (dir) => read(join(dir, 'd.txt')),
    times: 3,
    expect: always,
  },
  {
    name: 'question',
    what: 'a question with options',
    tool: () => ({ name: 'question', input: QUESTION }),
    // Not a permission: `--auto` asks it too (seen).
    expect: { default: 'needs_input' },
    reply: { text: 'Blue', heard: 'Blue' },
  },
  {
    name: 'plan-exit',
    what: 'a plan to approve (plan_exit)',
    // Offered only to the plan agent with OPENCODE_EXPERIMENTAL_PLAN_MODE; it asks with its question tool.
    tool: () => ({ name: 'plan_exit', input: {} }),
    expect: { default: 'none', plan: 'needs_input' },
  },
];

/**
 * No pass starts on a screen to act on (seen): 1.18.33 has no folder-trust prompt, `--auto` starts
 * without a warning, and the HOME is one OpenCode has run in (prepareOpencodeHome).
 */
export const PASSES: (CensusPass & { kinds?: string[] })[] = [
  { mode: 'ask', cols: 80 },
  { mode: 'ask', cols: 120 },
  { mode: 'ask', cols: 200 },
  { mode: 'ask', cols: 200, changed: true },
  // Its side panel (from about 160 columns) shows the folder; a deep one reaches the dialog's rows.
  { mode: 'ask', cols: 160, deep: true },
  { mode: 'edits', cols: 120 },
  { mode: 'read-only', cols: 120 },
  { mode: 'allow', cols: 120 },
  { mode: 'auto-approve', cols: 120 },
  // The plan agent (`--agent plan`), its experimental plan_exit on: leaving it asks a question.
  { mode: 'plan', cols: 120, kinds: ['plan-exit', 'question', 'write-new', 'bash-npm-test'] },
];

/**
 * Its tool result when the user refused the call (recorded on 1.18.33 after `wtp deny`). For its
 * own call OpenCode ends the turn without asking the model again (the result reaches it with the
 * next prompt); a subagent's refused call fails the subagent, and the lead's task gets that.
 */
export const OPENCODE_REFUSED =
  /^(?:Subagent failed \(task_id: [^)]*\): )?The user rejected permission to use this specific tool call\./;

const done: FakeChatTurn = { text: 'Done.' };
const turn = (calls: Call[]): FakeChatTurn => {
  const [first, ...more] = calls.map((c) => ({ name: c.name, arguments: c.input }));
  return first === undefined ? done : { toolCall: first, moreCalls: more };
};
/** The tool results since the request's last user message (the prompt being answered). */
function toolResults(req: FakeChatRequest): number {
  let n = 0;
  for (const m of [...req.messages].reverse()) {
    if (m.role === 'user') break;
    if (m.role === 'tool') n++;
  }
  return n;
}
const prompted = (req: FakeChatRequest, kind: CensusKind): boolean =>
  new RegExp(`\\bcensus ${kind.name}(?![\\w-])`).test(req.lastUserText);

/**
 * The daemon as the census's walk sees it: an agent whose CLI has drawn nothing the rules read yet
 * (`running`: its process is up) is still starting. OpenCode draws its first frame seconds after
 * its process starts, and census.ts waits only for `starting` to end (seen: a blank start screen).
 */
function drawnOnly(home: TestHome): TestHome {
  return new Proxy(home, {
    get(target, prop) {
      if (prop === 'agent') {
        return async (name: string) => {
          const a = await target.agent(name);
          return a.state === 'running' ? { ...a, state: 'starting' } : a;
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Starts the scripted API and the daemon: the rig, and how to close both. */
export async function opencodeRig(): Promise<{ rig: CensusRig; close: () => Promise<void> }> {
  const rig = { asking: { kind: null, dir: '' }, results: [] } as unknown as CensusRig;
  /** The kind whose prompt the model answers now (the census clears `asking` once it is asked for). */
  let current: { kind: OpencodeKind; dir: string } | null = null;

  function script(req: FakeChatRequest): FakeChatTurn {
    // Every tool result, a subagent's too (its command's output is the kind's effect).
    if (req.hasToolOutput) rig.results.push(req.toolOutputText);
    if (isChatSubagent(req)) {
      const call = current?.kind.subagent?.(current.dir);
      return call !== undefined && toolResults(req) === 0 ? turn([call]) : done;
    }
    const asked = rig.asking.kind as OpencodeKind | null;
    if (asked !== null && prompted(req, asked)) current = { kind: asked, dir: rig.asking.dir };
    if (current === null || !prompted(req, current.kind)) return done;
    const { kind, dir } = current;
    const steps = [
      ...(kind.before?.(dir) ?? []).map((c) => [c]),
      Array.from({ length: kind.times ?? 1 }, () => kind.tool(dir)),
    ];
    // Tool results so far, each call one: the step they lead to.
    let at = 0;
    for (let n = toolResults(req); at < steps.length && n >= (steps[at]?.length ?? 0); at++) {
      n -= steps[at]?.length ?? 0;
    }
    const step = steps[at];
    if (step === undefined) return done;
    // Asked for once the kind's own call is made (what comes before it is not the request).
    if (at === steps.length - 1) rig.asking.kind = null;
    return turn(step);
  }

  const api = await FakeOpenAIChat.start(script);
  const home = new TestHome({ WTP_BACKEND: 'tmux', WTP_OPENCODE_BIN: opencodeBinary() });
  const file = prepareOpencodeConfig(home.path('oc'), { baseUrl: api.url });
  const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  // What it allows by default asks here (a fetch, a subagent, the MCP tool); `helper` starts unasked.
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
  Object.assign(rig, {
    home: drawnOnly(home),
    vendor: 'opencode',
    version: OPENCODE_VERSION,
    modeArgs: (mode: string) =>
      mode === 'auto-approve'
        ? ['--', '--auto']
        : mode === 'plan'
          ? ['-e', 'OPENCODE_EXPERIMENTAL_PLAN_MODE=1', '--', '--agent', 'plan']
          : ['-e', `OPENCODE_PERMISSION=${JSON.stringify(MODES[mode])}`],
    approveKeys: ['enter'],
    // Esc rejects (a question: dismisses); a subagent's request then asks what to do differently,
    // and Enter confirms that (at an empty prompt it sends nothing).
    leaveKeys: ['esc', 'enter'],
    cols: 0,
    quietMs: 500,
  });
  return {
    rig,
    close: async () => {
      await home.cleanup();
      await api.close();
    },
  };
}
