import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import type { ScreenRecord } from '../../src/protocol/profiles.js';
import { isChatSubagent, messageText } from '../support/chat-rounds.js';
import { copilotBinary, copilotEnv, COPILOT_VERSION } from '../support/copilot-cli.js';
import { FakeOpenAIChat, type FakeChatRequest, type FakeChatTurn } from '../support/fake-openai-chat.js';
import { REPO, TestHome } from '../support/harness.js';
import {
  saveCensus,
  walk,
  type CensusKind,
  type CensusPass,
  type CensusRig,
  type CensusScreen,
} from './census.js';

/**
 * The census of GitHub Copilot CLI's dialogs (`npm run census -- copilot`), offline (a
 * bring-your-own provider against a scripted Chat Completions API): see census.ts.
 * WTP_CENSUS_KINDS and WTP_CENSUS_PASSES (comma-separated kind names, `mode:cols[:changed]`
 * passes) narrow it.
 */
const MCP_SERVER = join(REPO, 'test', 'fixtures', 'mcp-probe', 'server.mjs');

interface CopilotKind extends CensusKind {
  /** The file Copilot must have viewed in the session before it edits it (it refuses otherwise). */
  view?: (dir: string) => string;
  /** The lead's request that starts a subagent, whose own request is `tool` (it asks in the lead's screen). */
  lead?: { name: string; input: unknown };
  /** The tool its dialog names, by Copilot's name (the corpus header `tool:`, the rule's `tool`). */
  named?: string;
  /** The only modes it is asked in (default: all). */
  modes?: string[];
}

const bash = (command: string) => () => ({ name: 'bash', input: { command, description: 'census' } });
/**
 * Autopilot (with its Manual Approval) asks nothing: it denies what would ask ("Denied, no one to
 * approve shell command", seen) and answers its own questions ("Making best guess on autopilot").
 */
const asks = { default: 'needs_permission', autopilot: 'none' } as const;
/** Plan mode blocks what would change files, without a dialog ("… was blocked. Plan mode does not permit …", seen). */
const aChange = { ...asks, plan: 'none' } as const;

const rig = { asking: { kind: null, dir: '' } } as unknown as CensusRig;

const KINDS: CopilotKind[] = [
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
    // It asks first for the path it reads in the command ("Allow path access": `sub/test`, npm's
    // argument under `cd sub`), the cursor on "Yes, and remember this path for this session" (seen).
    name: 'bash-compound',
    what: 'a compound shell command',
    tool: bash('mkdir -p sub && cd sub && npm test'),
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
    // It asks first for the URL ("Copilot is attempting to access the following URL", seen).
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
const PASSES: (CensusPass & { kinds?: string[] })[] = [
  { mode: 'interactive', cols: 120 },
  { mode: 'plan', cols: 120 },
  { mode: 'autopilot', cols: 120 },
  { mode: 'interactive', cols: 80 },
  { mode: 'interactive', cols: 200 },
  { mode: 'interactive', cols: 200, changed: true },
];

/** The conversation has the prompt that asks for kind `name` (a late turn may come after it). */
const asked = (req: FakeChatRequest, name: string): boolean =>
  req.messages.some((m) => m.role === 'user' && new RegExp(`census ${name}(?![\\w-])`).test(messageText(m)));
const only = (v: string | undefined): string[] | null => (v ? v.split(',').map((s) => s.trim()) : null);
const kindsWanted = only(process.env.WTP_CENSUS_KINDS);
const passesWanted = only(process.env.WTP_CENSUS_PASSES);
const passName = (p: CensusPass): string => `${p.mode}:${p.cols}${p.changed ? ':changed' : ''}`;
/** The agent census.ts's walk names for a pass. */
const agentName = (p: CensusPass): string =>
  `c-${p.mode.replace(/\W/g, '').toLowerCase()}-${p.cols}${p.changed ? 'x' : ''}`;

/** The `tool:` header of a dialog whose words name the tool (census.ts writes none). */
function withTool(s: CensusScreen): CensusScreen {
  const kind = /^census: (\S+) /m.exec(s.text)?.[1];
  const named = KINDS.find((k) => k.name === kind)?.named;
  if (named === undefined || !/^state: needs_permission$/m.test(s.text)) return s;
  return { ...s, text: s.text.replace(/^reason: .*\n/m, (r) => `${r}tool: ${named}\n`) };
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

describe(`the census of GitHub Copilot CLI ${COPILOT_VERSION}'s dialogs`, () => {
  let home: TestHome;
  let api: FakeOpenAIChat;
  const call = (use: { name: string; input: unknown }): FakeChatTurn => ({
    toolCall: { name: use.name, arguments: use.input },
  });

  function script(req: FakeChatRequest): FakeChatTurn {
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
      setTimeout(() => {
        if (rig.asking.kind === kind) rig.asking.kind = null;
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

  beforeAll(async () => {
    api = await FakeOpenAIChat.start(script);
    home = new TestHome({ WTP_BACKEND: 'tmux', WTP_COPILOT_BIN: copilotBinary() });
    const copilotHome = home.path('home', '.copilot');
    Object.assign(home.env, copilotEnv({ home: home.path('home'), copilotHome, baseUrl: api.url }));
    const server = { type: 'local', command: process.execPath, args: [MCP_SERVER], tools: ['*'] };
    writeFileSync(join(copilotHome, 'mcp-config.json'), JSON.stringify({ mcpServers: { probe: server } }));
    Object.assign(rig, {
      home: readyHome(home),
      vendor: 'copilot',
      version: COPILOT_VERSION,
      modeArgs: (mode: string) => ['--permission-mode', mode],
      approveKeys: ['1'],
      leaveKeys: ['esc'],
      cols: 0,
    });
  }, 120_000);

  afterAll(async () => {
    await home?.cleanup();
    await api?.close();
  });

  it('keeps every screen a user must act on', { timeout: 3_600_000 }, async () => {
    const screens: CensusScreen[] = [];
    try {
      for (const pass of PASSES) {
        if (passesWanted && !passesWanted.includes(passName(pass))) continue;
        const kinds = KINDS.filter(
          (k) =>
            (pass.kinds ?? [k.name]).includes(k.name) &&
            (k.modes ?? [pass.mode]).includes(pass.mode) &&
            (kindsWanted === null || kindsWanted.includes(k.name)),
        );
        await walk(rig, pass, kinds, screens, (line) => console.log(`[census ${passName(pass)}] ${line}`));
        await home.run(['stop', agentName(pass)], { timeoutMs: 60_000 });
      }
    } finally {
      const kept = screens.map(withTool);
      for (const line of saveCensus('copilot', COPILOT_VERSION, kept)) console.log(`[census] ${line}`);
    }
  });
});
