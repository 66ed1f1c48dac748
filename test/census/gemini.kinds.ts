import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { screenShows } from '../support/agent-steps.js';
import { FakeGemini, type FakeGeminiRequest, type FakeGeminiTurn } from '../support/fake-gemini.js';
import {
  GEMINI_MODEL,
  GEMINI_VERSION,
  geminiBinary,
  geminiEnv,
  prepareGeminiHome,
} from '../support/gemini-cli.js';
import { REPO, sleep, TestHome, type RunResult } from '../support/harness.js';
import type { CensusKind, CensusPass, CensusRig } from './census.js';

/**
 * What Gemini CLI's census asks for (gemini.census.ts records the screens; its conformance,
 * test/e2e/gemini-census-answers.test.ts, answers them): the kinds, the passes, and the rig — the
 * scripted Gemini API and a daemon whose agents run the pinned CLI against it.
 *
 * Its modes are its approval modes (`wtp new --permission-mode default|auto_edit|plan|yolo`). Not
 * in the census: a sandbox escalation (it runs without a sandbox here, its footer says "no
 * sandbox", and no tool of its asks to leave one), notebooks and multi-edits (no such tools in
 * 0.61.0). The folder-trust prompt is its first-run screen: the last pass starts with
 * agents.preTrust off and its folder trust on.
 */
const MCP_SERVER = join(REPO, 'test', 'fixtures', 'mcp-probe', 'server.mjs');
const QUESTION = {
  question: 'Which colour do you want?',
  header: 'Colour',
  type: 'choice',
  options: [
    { label: 'Red', description: 'red' },
    { label: 'Blue', description: 'blue' },
  ],
};
const SUB_CMD = 'touch sub.txt';
/** The plans folder (its `general.plan.directory`), in the agent's folder: the census writes the plan. */
const PLANS = 'plans';

const call = (name: string, args: Record<string, unknown>) => () => ({ name, input: args });
const shell = (command: string) => call('run_shell_command', { command });
/** Asked, but taken unasked in YOLO and refused unasked in plan mode (policies/plan.toml). */
const asks = { default: 'needs_permission', yolo: 'none', plan: 'none' } as const;
/** An edit: auto_edit takes it unasked too. */
const anEdit = { ...asks, auto_edit: 'none' } as const;
/** Asked in plan mode too (policies/plan.toml asks for web_fetch, activate_skill and ask_user). */
const asksInPlan = { default: 'needs_permission', yolo: 'none' } as const;

export const KINDS: CensusKind[] = [
  {
    name: 'shell-readonly',
    what: 'a shell command it classes read-only',
    tool: shell('ls -la'),
    // Run unasked (seen): its policy allows the shell commands it classes read-only.
    expect: { default: 'none' },
  },
  {
    name: 'shell-write',
    what: 'a shell command that writes a file',
    tool: shell('echo census > shell-out.txt'),
    expect: asks,
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
    expect: asks,
    about: () => 'mkdir -p sub && cd sub && npm test',
  },
  {
    name: 'shell-pipe',
    what: 'a piped shell command',
    tool: shell('cat README.md | tee copy.md | wc -l'),
    expect: asks,
    about: () => 'cat README.md | tee copy.md | wc -l',
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
    tool: (dir) => call('write_file', { file_path: join(dir, 'new.txt'), content: 'new\n' })(),
    expect: anEdit,
    about: () => 'new.txt',
  },
  {
    name: 'overwrite',
    what: 'a file overwritten',
    setup: (dir) => writeFileSync(join(dir, 'old.txt'), 'old\n'),
    tool: (dir) => call('write_file', { file_path: join(dir, 'old.txt'), content: 'again\n' })(),
    expect: anEdit,
    about: () => 'old.txt',
  },
  {
    name: 'edit',
    what: 'a file edited',
    setup: (dir) => writeFileSync(join(dir, 'e.txt'), 'EDIT-ME\n'),
    tool: (dir) =>
      call('replace', {
        file_path: join(dir, 'e.txt'),
        old_string: 'EDIT-ME',
        new_string: 'EDITED',
        instruction: 'mark it edited',
      })(),
    expect: anEdit,
    about: () => 'e.txt',
  },
  {
    name: 'outside',
    what: 'a file outside the working folder',
    setup: (dir) => mkdirSync(join(dir, '..', 'outside'), { recursive: true }),
    tool: (dir) => call('write_file', { file_path: join(dir, '..', 'outside', 'x.txt'), content: 'x\n' })(),
    // Refused before any dialog (seen): the path is outside its workspace.
    expect: { default: 'none' },
  },
  {
    name: 'fetch',
    what: 'a web page fetched',
    tool: call('web_fetch', { prompt: 'Summarise https://example.com/census' }),
    // auto_edit lets it run too (seen; policies/write.toml allows web_fetch in autoEdit).
    expect: { ...asksInPlan, auto_edit: 'none' },
    about: () => 'https://example.com/census',
  },
  {
    name: 'search',
    what: 'a web search',
    tool: call('google_web_search', { query: 'wezterm parallel census' }),
    // Its default policy (policies/read-only.toml) allows it.
    expect: { default: 'none' },
  },
  {
    name: 'mcp',
    what: "an MCP server's tool",
    tool: call('mcp_probe_ping', { host: 'census.example' }),
    expect: asks,
  },
  {
    name: 'skill',
    what: "a skill of the user's activated",
    tool: call('activate_skill', { name: 'probe' }),
    expect: asksInPlan,
  },
  {
    name: 'subagent',
    what: "a subagent's shell command",
    tool: call('invoke_agent', { agent_name: 'generalist', prompt: 'SUBAGENT census' }),
    expect: asks,
    about: () => SUB_CMD,
  },
  {
    name: 'question',
    what: 'a question with options (ask_user)',
    tool: call('ask_user', { questions: [QUESTION] }),
    expect: { default: 'needs_input' },
    reply: { text: 'Blue', heard: 'Blue' },
  },
  {
    name: 'plan-enter',
    what: 'entering plan mode',
    tool: call('enter_plan_mode', { reason: 'census plan' }),
    // YOLO refuses it (policies/yolo.toml); in plan mode "You are already in Plan Mode".
    expect: asks,
  },
  {
    name: 'plan-exit',
    what: 'a plan to approve (leaving plan mode)',
    setup: (dir) => {
      mkdirSync(join(dir, PLANS), { recursive: true });
      writeFileSync(join(dir, PLANS, 'census.md'), '# Census plan\n\n1. census step\n2. check it\n');
    },
    tool: call('exit_plan_mode', { plan_filename: 'census.md' }),
    // Outside plan mode its policy refuses it ("You are not currently in Plan Mode"), as YOLO does.
    // In plan mode its dialog is its question form (AskUserDialog, "Ready to start implementation?"):
    // a choice of how to go on ("Yes, automatically accept edits" / "… manually …") or feedback.
    expect: { default: 'none', plan: 'needs_input' },
  },
];

/** A pass: `trust` starts its agent with agents.preTrust off, to keep the folder-trust prompt (last: it stops there). */
export type GeminiPass = CensusPass & { kinds?: string[]; trust?: boolean };

export const PASSES: GeminiPass[] = [
  { mode: 'default', cols: 80 },
  { mode: 'default', cols: 120 },
  { mode: 'default', cols: 200 },
  { mode: 'default', cols: 200, changed: true },
  { mode: 'auto_edit', cols: 120 },
  // Not a subagent: plan mode refuses invoke_agent of the generalist (policies/plan.toml allows
  // only codebase_investigator and cli_help), so none runs to ask (seen: no request of its came).
  { mode: 'plan', cols: 120, kinds: KINDS.map((k) => k.name).filter((n) => n !== 'subagent') },
  { mode: 'yolo', cols: 120 },
  // Its own width: the agent's folder is new (a folder the census walked is already trusted).
  { mode: 'default', cols: 100, trust: true },
];

/**
 * Its tool result when the user refused the call (recorded after `wtp deny`; the functionResponse
 * as JSON, its keys in no fixed order): a subagent's call gets `{"name":"run_shell_command",
 * "id":"…","response":{"error":"User rejected this operation. Please acknowledge this, …"}}`. The
 * lead's own call gets none: its turn ends ("Request cancelled.").
 */
export const GEMINI_REFUSED = /"response":\{"error":"User rejected this operation\./;

/**
 * The daemon's home, where a prompt is typed as keys and its Enter apart, as typeThenEnter
 * (agent-steps.ts) does and for its reason: an Enter after a paste can still become a newline.
 */
class GeminiHome extends TestHome {
  /** agents.preTrust, written into each config walk() writes. */
  preTrust = true;

  override writeConfig(yaml: string): void {
    super.writeConfig(this.preTrust ? yaml : yaml.replace(/^agents:\n/m, 'agents:\n  preTrust: false\n'));
  }

  override async run(args: string[], opts: Parameters<TestHome['run']>[1] = {}): Promise<RunResult> {
    const [verb, name = '', text] = args;
    if (verb === 'new') {
      const made = await super.run(args, opts);
      await this.started(args[args.indexOf('--name') + 1] ?? '');
      return made;
    }
    if (verb !== 'send' || args.length !== 4 || args[3] !== '--enter' || text === undefined)
      return super.run(args, opts);
    const typed = await super.run(['send', name, text, '--raw'], opts);
    if (typed.code !== 0) return typed;
    await screenShows(this, name, text);
    await sleep(100);
    return super.run(['send', name, '--key', 'enter'], opts);
  }

  /**
   * Waits (at most a minute, without failing) until a new agent has drawn its first screen to act
   * on: at its prompt with its SessionStart hook done ("Executing Hook: …" gone), or a dialog.
   * Under load that takes longer than walk()'s 1.5 s, whose start screen would be a half-drawn one.
   */
  private async started(name: string): Promise<void> {
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      const state = await this.agent(name).then(
        (a) => a.state,
        () => 'starting',
      );
      const screen = await this.screen(name).catch(() => '');
      if (state.startsWith('needs_') || (state === 'idle' && !/Executing Hook|^\s*$/.test(screen))) return;
      await sleep(500);
    }
  }
}

/**
 * The rig's next agents start with agents.preTrust off and its folder trust on (the daemon
 * restarts for its config): a trust pass's.
 */
export function startUntrusted(rig: CensusRig): void {
  if (!(rig.home instanceof GeminiHome)) throw new Error('not a gemini rig');
  rig.home.preTrust = false;
  rig.cols = 0;
  const file = rig.home.path('home', '.gemini', 'settings.json');
  const settings = JSON.parse(readFileSync(file, 'utf8')) as { security: Record<string, unknown> };
  settings.security.folderTrust = { enabled: true };
  writeFileSync(file, JSON.stringify(settings, null, 2));
}

type Part = { text?: unknown };
const textOf = (c: { parts?: unknown }): string =>
  (Array.isArray(c.parts) ? (c.parts as Part[]) : [])
    .map((p) => (typeof p.text === 'string' ? p.text : ''))
    .join('\n');
/** A subagent's request: its conversation starts with the prompt the lead gave it. */
const isSubagent = (req: FakeGeminiRequest): boolean =>
  textOf(req.contents.find((c) => c.role === 'user') ?? {}).includes('SUBAGENT ');

/**
 * A call the model makes first, run unasked, before the kind's own (asked for once its result is
 * in): what the kind's dialog depends on in the session. shell-pipe's `cat README.md` draws
 * "CRITICAL SECURITY WARNING: Untrusted Command Flags Detected · README.md" and offers no "Allow
 * for this session" once a tool's output named README.md (0.61.0 findUntrustedFlags, over every
 * `<untrusted_context>` output of the session); the census recorded it after shell-readonly's
 * `ls -la`, so the kind lists the folder itself: its dialog is the same whatever ran before it.
 */
const FIRST: Partial<Record<string, { name: string; args: Record<string, unknown> }>> = {
  'shell-pipe': { name: 'run_shell_command', args: { command: 'ls -la' } },
};

/** The lead's result of invoke_agent: "Subagent 'generalist' finished. Termination Reason: …". */
const isSubagentReport = (req: FakeGeminiRequest): boolean =>
  !isSubagent(req) && (JSON.parse(req.toolOutputText) as { name?: unknown }).name === 'invoke_agent';

/** Starts the scripted API and the daemon: the rig, and how to close both. */
export async function geminiRig(): Promise<{ rig: CensusRig; close: () => Promise<void> }> {
  const rig = { asking: { kind: null, dir: '' }, results: [] } as unknown as CensusRig;
  /** The kind whose FIRST call was made, its own still to come. */
  let preluded: string | null = null;
  function script(req: FakeGeminiRequest): FakeGeminiTurn {
    // What the model got back for the call asked about. Not the lead's invoke_agent result: it
    // reports how its subagent ended, after the subagent's own call (the one asked about) whose
    // result, a refusal or its output, came in the subagent's request.
    if (req.hasToolOutput && !isSubagentReport(req)) rig.results.push(req.toolOutputText);
    const kind = rig.asking.kind;
    if (kind !== null && req.hasToolOutput && preluded === kind.name && !isSubagent(req)) {
      // The first call's result is in: now the kind's own.
      preluded = null;
      rig.asking.kind = null;
      const t = kind.tool(rig.asking.dir);
      return { toolCall: { name: t.name, args: t.input as Record<string, unknown> } };
    }
    if (kind === null || req.hasToolOutput) return { text: 'Done.' };
    if (isSubagent(req)) {
      if (kind.name !== 'subagent') return { text: 'Done.' };
      rig.asking.kind = null;
      return { toolCall: { name: 'run_shell_command', args: { command: SUB_CMD } } };
    }
    if (!new RegExp(`census ${kind.name}(?![\\w-])`).test(req.lastUserText)) return { text: 'Done.' };
    const first = FIRST[kind.name];
    if (first !== undefined) {
      preluded = kind.name;
      return { toolCall: first };
    }
    // The lead starts it; the census waits for the subagent's request.
    if (kind.name !== 'subagent') rig.asking.kind = null;
    const t = kind.tool(rig.asking.dir);
    return { toolCall: { name: t.name, args: t.input as Record<string, unknown> } };
  }
  const api = await FakeGemini.start(script);
  const home = new GeminiHome({ WTP_BACKEND: 'tmux', WTP_GEMINI_BIN: geminiBinary() });
  const file = prepareGeminiHome(home.path('home'));
  const settings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  settings.mcpServers = { probe: { command: process.execPath, args: [MCP_SERVER] } };
  (settings.general as Record<string, unknown>).plan = { directory: PLANS };
  writeFileSync(file, JSON.stringify(settings, null, 2));
  // A skill of the user's own (built-in skills are activated without asking).
  const skill = home.path('home', '.gemini', 'skills', 'probe');
  mkdirSync(skill, { recursive: true });
  writeFileSync(
    join(skill, 'SKILL.md'),
    '---\nname: probe\ndescription: Probes the census.\n---\nSay probe.\n',
  );
  Object.assign(home.env, geminiEnv({ home: home.path('home'), baseUrl: api.url }));
  Object.assign(rig, {
    home,
    vendor: 'gemini',
    version: GEMINI_VERSION,
    modeArgs: (mode: string) => ['--permission-mode', mode, '--model', GEMINI_MODEL],
    // "1. Allow once" is chosen.
    approveKeys: ['enter'],
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
