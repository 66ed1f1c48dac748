import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentView } from '../../src/protocol/agent.js';
import type { ScreenRecord } from '../../src/protocol/profiles.js';
import { isChatSubagent, messageText } from '../support/chat-rounds.js';
import { copilotBinary, copilotEnv, COPILOT_VERSION } from '../support/copilot-cli.js';
import { FakeOpenAIChat, type FakeChatRequest, type FakeChatTurn } from '../support/fake-openai-chat.js';
import { REPO, TestHome } from '../support/harness.js';
import type { CensusKind, CensusPass, CensusRig } from './census.js';

/**
 * What GitHub Copilot CLI's census asks for (copilot.census.ts records the screens; its
 * conformance, test/e2e/copilot-census-answers.test.ts, answers them): the kinds, the passes, and
 * the rig — a scripted Chat Completions API (a bring-your-own provider, offline) and a daemon whose
 * agents run the pinned CLI against it.
 */
const MCP_SERVER = join(REPO, 'test', 'fixtures', 'mcp-probe', 'server.mjs');

export interface CopilotKind extends CensusKind {
  /** The file Copilot must have viewed in the session before it edits it (it refuses otherwise). */
  view?: (dir: string) => string;
  /** The lead's request that starts a subagent, whose own request is `tool` (it asks in the lead's screen). */
  lead?: { name: string; input: unknown };
  /** The tool its dialog names, by Copilot's name (the corpus header `tool:`, the rule's `tool`). */
  named?: string;
  /** The only modes it is asked in (default: all). */
  modes?: string[];
}

/**
 * Commands granted at the start (`--allow-tool`), each used by one kind only. Copilot asks about a
 * path or a URL in a command first and, approved, about the command (seen): granted, the command
 * asks only the first, which the census records and conform.ts answers (one dialog per request).
 */
const PREGRANTED = ['shell(mkdir)', 'shell(make)', 'shell(curl)'];

const bash = (command: string) => () => ({ name: 'bash', input: { command, description: 'census' } });
/**
 * Autopilot (with its Manual Approval) asks nothing: it denies what would ask ("Denied, no one to
 * approve shell command", seen) and answers its own questions ("Making best guess on autopilot").
 */
const asks = { default: 'needs_permission', autopilot: 'none' } as const;
/** Plan mode blocks what would change files, without a dialog ("… was blocked. Plan mode does not permit …", seen). */
const aChange = { ...asks, plan: 'none' } as const;

const rig = { asking: { kind: null, dir: '' } } as unknown as CensusRig;

export const KINDS: CopilotKind[] = [
  {
    // Autopilot's warning comes with its first prompt ("Enable autopilot mode": "1. Enable all
    // permissions (recommended)" / "2. Use Manual Approval for this session" / "3. Cancel (Esc)",
    // seen), before any request: left by "2", so that the prompts after it go on.
    name: 'mode-warning',
    what: "autopilot's warning on its first prompt",
    modes: ['autopilot'],
    setup: () => {
      rig.leaveKeys = ['2'];
      setTimeout(() => {
        if (rig.asking.kind?.name === 'mode-warning') rig.asking.kind = null;
      }, 4_000);
    },
    tool: () => ({ name: 'none', input: {} }),
    expect: { default: 'needs_input' },
  },
  {
    name: 'bash-write',
    what: 'a shell command that writes a file',
    tool: bash('echo census > bash-out.txt'),
    expect: aChange,
    about: () => 'echo census > bash-out.txt',
    named: 'bash',
  },
  {
    name: 'bash-npm-test',
    what: 'a shell command that needs approval (npm test)',
    tool: bash('npm test'),
    expect: asks,
    about: () => 'npm test',
    named: 'bash',
  },
  {
    // It asks for the path it reads in the command ("Allow path access": `sub/test`, make's argument
    // under `cd sub`), the cursor on "Yes, and remember this path for this session" (seen); then,
    // approved, about the command (PREGRANTED: make, not the npm that bash-npm-test asks about).
    name: 'bash-compound',
    what: 'a compound shell command',
    // The path is asked for only while `sub` is not there (seen): an approval made it.
    setup: (dir) => rmSync(join(dir, 'sub'), { recursive: true, force: true }),
    tool: bash('mkdir -p sub && cd sub && make test'),
    expect: aChange,
    about: (dir) => join(dir, 'sub', 'test'),
  },
  {
    name: 'bash-pipe',
    what: 'a piped shell command',
    tool: bash('cat README.md | tee copy.md | wc -l'),
    expect: aChange,
    about: () => 'cat README.md | tee copy.md | wc -l',
    named: 'bash',
  },
  {
    name: 'bash-readonly',
    what: 'a shell command it classes read-only',
    tool: bash('ls -la'),
    expect: { default: 'none' },
  },
  {
    // It asks for the URL ("Copilot is attempting to access the following URL", seen); then,
    // approved, about the command (PREGRANTED).
    name: 'bash-network',
    what: 'a shell command that reaches the network',
    tool: bash('curl -s https://example.com/census'),
    expect: asks,
    about: () => 'https://example.com/census',
  },
  {
    name: 'write-new',
    what: 'a new file',
    // Its create refuses a path that exists (the changed pass made it first): made anew each time.
    setup: (dir) => rmSync(join(dir, 'new.txt'), { force: true }),
    tool: (dir) => ({ name: 'create', input: { path: join(dir, 'new.txt'), file_text: 'new\n' } }),
    expect: aChange,
    about: (dir) => join(dir, 'new.txt'),
    named: 'create',
  },
  {
    // Its create "cannot be used if the specified path already exists" (the tool's description).
    name: 'overwrite',
    what: 'a file overwritten',
    setup: (dir) => writeFileSync(join(dir, 'old.txt'), 'old\n'),
    tool: (dir) => ({ name: 'create', input: { path: join(dir, 'old.txt'), file_text: 'again\n' } }),
    expect: { default: 'none' },
  },
  {
    name: 'edit',
    what: 'a file edited (viewed first)',
    setup: (dir) => writeFileSync(join(dir, 'e.txt'), 'EDIT-ME\n'),
    view: (dir) => join(dir, 'e.txt'),
    tool: (dir) => ({
      name: 'edit',
      input: { path: join(dir, 'e.txt'), old_str: 'EDIT-ME', new_str: 'EDITED' },
    }),
    expect: aChange,
    about: (dir) => join(dir, 'e.txt'),
    named: 'edit',
  },
  {
    name: 'outside',
    what: 'a file outside the working folder',
    // Its create refuses a path that exists: the file is made anew in each pass.
    setup: (dir) => {
      mkdirSync(join(dir, '..', 'outside'), { recursive: true });
      rmSync(join(dir, '..', 'outside', 'x.txt'), { force: true });
    },
    tool: (dir) => ({
      name: 'create',
      input: { path: join(dir, '..', 'outside', 'x.txt'), file_text: 'x\n' },
    }),
    expect: aChange,
    about: (dir) => join(dir, '..', 'outside', 'x.txt'),
    named: 'create',
  },
  {
    name: 'read-outside',
    what: 'a file outside the working folder read',
    setup: (dir) => {
      mkdirSync(join(dir, '..', 'outside'), { recursive: true });
      writeFileSync(join(dir, '..', 'outside', 'r.txt'), 'r\n');
    },
    tool: (dir) => ({ name: 'view', input: { path: join(dir, '..', 'outside', 'r.txt') } }),
    // Read without asking (seen: "● Read r.txt 1 line read").
    expect: { default: 'none' },
  },
  // WebFetch, WebSearch: not offered offline in 1.0.102 (COPILOT_OFFLINE with a bring-your-own
  // provider): its tools are bash, view, create, edit, grep, glob, task, skill, ask_user, sql, the
  // agent tools, fetch_copilot_cli_documentation and MCP tools.
  {
    name: 'mcp',
    what: "an MCP server's tool",
    tool: () => ({ name: 'probe-ping', input: { host: 'census.example' } }),
    expect: asks,
    named: 'probe-ping',
  },
  {
    name: 'subagent',
    what: "a subagent's shell command (task runs unasked)",
    lead: {
      name: 'task',
      input: {
        description: 'a helper',
        prompt: 'SUBAGENT census',
        agent_type: 'general-purpose',
        name: 'helper',
      },
    },
    tool: bash('touch sub.txt'),
    expect: aChange,
    about: () => 'touch sub.txt',
    named: 'bash',
  },
  {
    name: 'question',
    what: 'a question with options',
    tool: () => ({
      name: 'ask_user',
      input: {
        message: 'Which colour do you want?',
        requestedSchema: {
          properties: { colour: { type: 'string', title: 'Colour', enum: ['red', 'blue'] } },
          required: ['colour'],
        },
      },
    }),
    expect: { default: 'needs_input', autopilot: 'none' },
    reply: { text: 'blue', heard: 'blue' },
  },
  {
    name: 'plan-exit',
    what: 'a plan to approve',
    tool: () => ({ name: 'exit_plan_mode', input: { summary: '1. census step\n2. check it' } }),
    // Offered only in plan mode (its changelog): elsewhere an unknown tool, no dialog.
    expect: { default: 'none', plan: 'needs_permission' },
  },
];

/** Its modes (`wtp new copilot --permission-mode`, its `--mode`). */
export const PASSES: (CensusPass & { kinds?: string[] })[] = [
  { mode: 'interactive', cols: 120 },
  { mode: 'plan', cols: 120 },
  { mode: 'autopilot', cols: 120 },
  { mode: 'interactive', cols: 80 },
  { mode: 'interactive', cols: 200 },
  { mode: 'interactive', cols: 200, changed: true },
];

/**
 * The conversation's latest prompt asks for kind `name` (a late turn of an earlier prompt does
 * not; the same kind asked again on one agent is a new prompt).
 */
function asked(req: FakeChatRequest, name: string): boolean {
  const prompt = req.messages.findLast((m) => m.role === 'user' && /census \S/.test(messageText(m)));
  return prompt !== undefined && new RegExp(`census ${name}(?![\\w-])`).test(messageText(prompt));
}

/**
 * The daemon as census.ts's walk sees it: a new agent is `starting` until its CLI has drawn a screen
 * its rules read and the daemon holds a settled state (the walk reads the start screen 1.5 s after
 * `starting`, before the CLI drew anything: seen, an empty screen). Once autopilot's warning is left
 * by "2", the prompt it held goes on: the agent is `working` until the model has had it (the walk
 * would see it idle between, and send the next prompt into that turn: seen, AGENT_BUSY).
 */
function readyHome(home: TestHome): TestHome {
  const ready = new Set<string>();
  const agent = async (name: string): Promise<AgentView> => {
    const a = await home.agent(name);
    if (held) return { ...a, state: 'working' };
    if (ready.has(name) || a.state === 'starting') return a;
    const r = await home.json<{ record?: ScreenRecord }>(['record-screen', name, '--out', '-']);
    const settled = a.state === 'idle' || a.state.startsWith('needs_');
    if (!settled || (r.doc.record?.verdict.state ?? 'none') === 'none') return { ...a, state: 'starting' };
    ready.add(name);
    return a;
  };
  const run = (args: string[], opts?: Parameters<TestHome['run']>[1]): ReturnType<TestHome['run']> => {
    if (rig.leaveKeys[0] === '2' && args.includes('--key')) held = true;
    return home.run(args, opts);
  };
  return new Proxy(home, {
    get: (target, prop) => {
      if (prop === 'agent') return agent;
      if (prop === 'run') return run;
      const v: unknown = Reflect.get(target, prop);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/**
 * The model's turn when it has nothing to ask: in autopilot (which goes on by itself until the
 * model calls task_complete) task_complete, then a text.
 */
function done(req: FakeChatRequest): FakeChatTurn {
  const last = req.messages.at(-2)?.tool_calls as { function?: { name?: string } }[] | undefined;
  const completed = req.hasToolOutput && last?.[0]?.function?.name === 'task_complete';
  return req.toolNames.includes('task_complete') && !completed
    ? { toolCall: { name: 'task_complete', arguments: { summary: 'Done.' } } }
    : { text: 'Done.' };
}

/** Autopilot's warning was left: its prompt has not reached the model yet (readyHome). */
let held = false;

/**
 * Its tool result when the user refused the call, sent with the next prompt (it ends the turn):
 * after `wtp deny` (its Esc) on a command's, a file's, an MCP tool's or a subagent's dialog, "The
 * execution …"; on a path's or a URL's, "The user rejected …" (recorded by the conformance).
 */
export const COPILOT_REFUSED =
  /^(?:The user rejected this tool call\.|The execution of this tool, or a previous tool was interrupted\.)$/;

const call = (use: { name: string; input: unknown }): FakeChatTurn => ({
  toolCall: { name: use.name, arguments: use.input },
});

/** The model: each kind's request once its prompt comes (its view first, its subagent's lead). */
function script(req: FakeChatRequest): FakeChatTurn {
  if (req.hasToolOutput) rig.results.push(req.toolOutputText);
  // The prompt that autopilot's warning held, let go by its "2": later dialogs are left by Esc.
  if (rig.leaveKeys[0] === '2' && asked(req, 'mode-warning')) {
    rig.leaveKeys = ['esc'];
    setTimeout(() => (held = false), 2_000);
  }
  const kind = rig.asking.kind as CopilotKind | null;
  const dir = rig.asking.dir;
  if (kind?.name === 'mode-warning') {
    rig.asking.kind = null;
    return done(req);
  }
  if (isChatSubagent(req)) {
    if (kind?.lead === undefined || req.hasToolOutput) return done(req);
    rig.asking.kind = null;
    return call(kind.tool(dir));
  }
  if (kind === null || !asked(req, kind.name)) return done(req);
  if (req.hasToolOutput && kind.view === undefined) return done(req);
  if (kind.lead !== undefined) {
    // Its subagent's request, or (the lead's call asked instead) a few seconds: the kind is asked.
    const asking = rig.asking;
    setTimeout(() => {
      if (asking.kind === kind) asking.kind = null;
    }, 4_000);
    return call(kind.lead);
  }
  // A kind that edits views its file first: the view, then (with its result) the kind's request.
  if (kind.view !== undefined && !req.hasToolOutput) {
    return call({ name: 'view', input: { path: kind.view(dir) } });
  }
  rig.asking.kind = null;
  return call(kind.tool(dir));
}

/** Starts the scripted API and the daemon: the rig, and how to close both. */
export async function copilotRig(): Promise<{ rig: CensusRig; close: () => Promise<void> }> {
  const api = await FakeOpenAIChat.start(script);
  const home = new TestHome({ WTP_BACKEND: 'tmux', WTP_COPILOT_BIN: copilotBinary() });
  const copilotHome = home.path('home', '.copilot');
  Object.assign(home.env, copilotEnv({ home: home.path('home'), copilotHome, baseUrl: api.url }));
  const server = { type: 'local', command: process.execPath, args: [MCP_SERVER], tools: ['*'] };
  writeFileSync(join(copilotHome, 'mcp-config.json'), JSON.stringify({ mcpServers: { probe: server } }));
  held = false;
  Object.assign(rig, {
    home: readyHome(home),
    vendor: 'copilot',
    version: COPILOT_VERSION,
    modeArgs: (mode: string) => [
      '--permission-mode',
      mode,
      '--',
      ...PREGRANTED.map((t) => `--allow-tool=${t}`),
    ],
    approveKeys: ['1'],
    leaveKeys: ['esc'],
    cols: 0,
    asking: { kind: null, dir: '' },
    results: [],
  });
  return {
    rig,
    close: async () => {
      await home.cleanup();
      await api.close();
    },
  };
}
