import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  codexBinary,
  codexEnv,
  CODEX_QUESTION,
  CODEX_VERSION,
  prepareCodexHome,
} from '../support/codex-cli.js';
import { FakeOpenAI, type FakeOpenAIRequest, type FakeOpenAITurn } from '../support/fake-openai.js';
import { REPO } from '../support/harness.js';
import { CodexCensusHome } from './codex-home.js';
import type { CensusKind, CensusPass, CensusRig } from './census.js';

/**
 * What Codex CLI's census asks for (codex.census.ts records the screens; its conformance,
 * test/e2e/codex-census-answers.test.ts, answers them): the kinds, the passes, and the rig — the
 * scripted Responses API and a daemon whose agents run the pinned CLI against it.
 *
 * Its mode is two settings: the approval policy (`wtp new --permission-mode on-request|never`) and
 * the sandbox (`-- -s read-only|workspace-write|danger-full-access`); a pass's mode is
 * `<approval>` (its default sandbox, workspace-write) or `<approval>.<sandbox>`. `plan` is
 * on-request in its Plan collaboration mode (shift+tab), where its question tool and its plan
 * prompt live. Not in the census: web search (a hosted tool in 0.169.0, `{"type": "web_search"}`:
 * the provider runs it, Codex never asks), web fetch and notebooks (no such tools), and
 * `request_permissions` (behind its `request_permissions_tool` feature, off by default). The
 * folder-trust prompt is its first-run screen: the last pass starts with agents.preTrust off.
 */
const MCP_SERVER = join(REPO, 'test', 'fixtures', 'mcp-probe', 'server.mjs');

/** A kind as Codex's model asks for it: a function (in a namespace), or an answer's text. */
export interface CodexKind extends CensusKind {
  namespace?: string;
  /** The model answers with this text instead of a tool call. */
  text?: string;
  /** The tool its dialog is for, as the rules name it (the file's `tool:`). */
  dialogTool?: string;
}

const exec = (cmd: string) => () => ({ name: 'exec_command', input: { cmd } });
/** A command it runs only once approved: it asks to leave the sandbox (`require_escalated`). */
const escalated = (cmd: string) => () => ({
  name: 'exec_command',
  input: { cmd, sandbox_permissions: 'require_escalated', justification: 'the census asks' },
});
/** A patch, run as `apply_patch` (Codex intercepts it). */
const patch = (body: string) => (): { name: string; input: unknown } => ({
  name: 'exec_command',
  input: { cmd: `apply_patch <<'PATCH'\n*** Begin Patch\n${body}\n*** End Patch\nPATCH` },
});
const SUB_CMD = 'touch sub.txt';
const PLAN = '<proposed_plan>\n1. census step\n2. check it\n</proposed_plan>';

/** Never asked with approval `never` (refused or run unasked). */
const never = { never: 'none', 'never.danger-full-access': 'none' } as const;
/** Asked on request, unless there is no sandbox to leave (danger-full-access runs it unasked). */
const asks = { default: 'needs_permission', 'on-request.danger-full-access': 'none', ...never } as const;
/** A patch in its folder: asked in read-only, applied unasked where the sandbox may write. */
const aPatch = { default: 'none', 'on-request.read-only': 'needs_permission' } as const;

export const KINDS: CodexKind[] = [
  {
    name: 'shell-readonly',
    what: 'a shell command it classes read-only',
    tool: exec('ls -la'),
    expect: { default: 'none' },
  },
  {
    name: 'shell-write',
    what: 'a shell command that writes a file (in its sandbox)',
    tool: exec('echo census > shell-out.txt'),
    // Run in the sandbox without asking (in read-only it fails there, unasked).
    expect: { default: 'none' },
  },
  {
    name: 'shell-npm-test',
    what: 'a shell command that needs approval elsewhere (npm test, in its sandbox)',
    tool: exec('npm test'),
    expect: { default: 'none' },
  },
  {
    name: 'shell-network',
    what: 'a shell command that reaches the network (in its sandbox)',
    tool: exec('curl -s https://example.com/census'),
    expect: { default: 'none' },
  },
  {
    name: 'shell-escalated',
    what: 'a shell command that asks to leave the sandbox',
    tool: escalated('touch escalated.txt'),
    expect: asks,
    about: () => 'touch escalated.txt',
    dialogTool: 'exec_command',
  },
  {
    name: 'shell-compound',
    what: 'a compound shell command, outside the sandbox',
    tool: escalated('mkdir -p sub && cd sub && npm test'),
    expect: asks,
    about: () => 'mkdir -p sub && cd sub && npm test',
    dialogTool: 'exec_command',
  },
  {
    name: 'shell-pipe',
    what: 'a piped shell command, outside the sandbox',
    tool: escalated('cat README.md | tee copy.md | wc -l'),
    expect: asks,
    about: () => 'cat README.md | tee copy.md | wc -l',
    dialogTool: 'exec_command',
  },
  {
    name: 'write-new',
    what: 'a new file (a patch)',
    tool: patch('*** Add File: new.txt\n+new'),
    expect: aPatch,
    about: (dir) => join(dir, 'new.txt'),
    dialogTool: 'apply_patch',
  },
  {
    name: 'overwrite',
    what: 'a file overwritten (a patch adding a file that exists)',
    setup: (dir) => writeFileSync(join(dir, 'old.txt'), 'old\n'),
    tool: patch('*** Add File: old.txt\n+again'),
    expect: aPatch,
    about: (dir) => join(dir, 'old.txt'),
    dialogTool: 'apply_patch',
  },
  {
    name: 'edit',
    what: 'a file edited (a patch)',
    setup: (dir) => writeFileSync(join(dir, 'e.txt'), 'EDIT-ME\n'),
    tool: patch('*** Update File: e.txt\n@@\n-EDIT-ME\n+EDITED'),
    expect: aPatch,
    about: (dir) => join(dir, 'e.txt'),
    dialogTool: 'apply_patch',
  },
  {
    name: 'outside',
    what: 'a file outside the working folder (a patch)',
    setup: (dir) => mkdirSync(join(dir, '..', 'outside'), { recursive: true }),
    tool: patch('*** Add File: ../outside/x.txt\n+x'),
    // Applied unasked in workspace-write (seen): the census's folders are under /tmp, one of the
    // roots that sandbox may write. Asked in read-only.
    expect: aPatch,
    about: (dir) => resolve(dir, '..', 'outside', 'x.txt'),
    dialogTool: 'apply_patch',
  },
  {
    name: 'mcp',
    what: "an MCP server's tool",
    tool: () => ({ name: 'ping', input: { host: 'census.example' } }),
    namespace: 'mcp__probe',
    // Asked without a sandbox too; with approval `never` refused ("requires approval, but approval
    // policy is never").
    expect: { default: 'needs_permission', ...never },
    dialogTool: 'mcp__probe__ping',
  },
  {
    name: 'subagent',
    what: "a subagent's command, outside the sandbox",
    tool: () => ({ name: 'spawn_agent', input: { message: 'SUBAGENT census' } }),
    namespace: 'multi_agent_v1',
    expect: asks,
    about: () => SUB_CMD,
    dialogTool: 'exec_command',
  },
  {
    name: 'question',
    what: 'a question with options (request_user_input)',
    tool: () => ({ name: 'request_user_input', input: CODEX_QUESTION }),
    // Outside Plan mode the model is told "request_user_input is unavailable in Default mode".
    expect: { default: 'none', plan: 'needs_input' },
    reply: { text: 'Blue', heard: 'Blue' },
  },
  {
    name: 'plan-exit',
    what: 'a plan to implement (a proposed plan in Plan mode)',
    tool: () => ({ name: '', input: null }),
    text: PLAN,
    expect: { default: 'none', plan: 'needs_permission' },
  },
];

/** A pass: `trust` starts its agent with agents.preTrust off, to keep the folder-trust prompt (last: it stops there). */
export type CodexPass = CensusPass & { kinds?: string[]; trust?: boolean };

export const PASSES: CodexPass[] = [
  { mode: 'on-request', cols: 80 },
  { mode: 'on-request', cols: 120 },
  { mode: 'on-request', cols: 200 },
  { mode: 'on-request', cols: 200, changed: true },
  { mode: 'on-request.read-only', cols: 120 },
  { mode: 'on-request.danger-full-access', cols: 120 },
  { mode: 'never', cols: 120 },
  { mode: 'never.danger-full-access', cols: 120 },
  { mode: 'plan', cols: 120, kinds: ['question', 'plan-exit'] },
  // Its own width: the agent's folder is new (a folder the census walked is already trusted).
  { mode: 'on-request', cols: 100, trust: true },
];

/** `wtp new` arguments of a pass's mode (`plan`: on-request, its Plan mode chosen once started). */
function modeArgs(mode: string): string[] {
  const [approval = 'on-request', sandbox] = mode === 'plan' ? [] : mode.split('.');
  return ['--permission-mode', approval, ...(sandbox === undefined ? [] : ['--', '-s', sandbox])];
}

/** The next agents start with agents.preTrust off (the daemon restarts for its config). */
export function startUntrusted(rig: CensusRig): void {
  (rig.home as CodexCensusHome).preTrust = false;
  rig.cols = 0;
}

/**
 * Its tool output when the user refused the call (`wtp deny` presses Esc), as recorded: a command's
 * ("Wall time: 1.2 seconds\naborted by user", Esc ends the turn: the model has it with the next
 * prompt, after a `<turn_aborted>` note) and an MCP tool's ("Wall time: 0.4849 seconds\nOutput:" and
 * "user cancelled MCP tool call", two parts). A command that ran says "Chunk ID: …" first.
 */
export const CODEX_REFUSED =
  /^Wall time: [\d.]+ seconds\n(?:aborted by user|Output:\nuser cancelled MCP tool call)$/;

/**
 * What Codex sends the model as the user's message when its plan prompt ("Implement this plan?")
 * is approved with "1. Yes, implement this plan" (seen in 0.169.0), switching to its Default mode.
 */
export const CODEX_IMPLEMENT = 'Implement the plan.';

type Part = { text?: unknown };
/** A function call's output as text: a string, or its parts' texts on lines of their own. */
const outputText = (output: unknown): string =>
  typeof output === 'string'
    ? output
    : (Array.isArray(output) ? (output as Part[]) : []).map((p) => String(p.text ?? '')).join('\n');
const userTexts = (req: FakeOpenAIRequest): string[] =>
  req.input
    .filter((i) => i.type === 'message' && i.role === 'user')
    .map((i) =>
      (Array.isArray(i.content) ? (i.content as Part[]) : []).map((p) => String(p.text ?? '')).join('\n'),
    );
/** A subagent's request: its conversation starts with the message its lead gave it. */
const isSubagent = (req: FakeOpenAIRequest): boolean => userTexts(req).some((t) => t.startsWith('SUBAGENT '));

function escalatedTurn(cmd: string): FakeOpenAITurn {
  const t = escalated(cmd)();
  return { toolCall: { name: t.name, arguments: t.input } };
}

/** Starts the scripted API and the daemon: the rig, and how to close both. */
export async function codexRig(): Promise<{ rig: CensusRig; close: () => Promise<void> }> {
  const rig = { asking: { kind: null, dir: '' }, results: [] } as unknown as CensusRig;
  /** The call ids whose output the model has had. */
  const heard = new Set<string>();
  function script(req: FakeOpenAIRequest): FakeOpenAITurn {
    // Every tool output the model gets for the first time: the last item when the turn goes on;
    // before a note when an answer adds one; in the next prompt's request when Esc ended the turn.
    // A lead's spawn_agent output is not its subagent's result: counted, the lead's idle after it
    // would read as the subagent's command run without asking (seen under load in CI).
    const spawns = new Set(
      req.input
        .filter((i) => i.type === 'function_call' && i.name === 'spawn_agent')
        .map((i) => String(i.call_id)),
    );
    for (const item of req.input) {
      const id = String(item.call_id);
      if (item.type !== 'function_call_output' || heard.has(id)) continue;
      heard.add(id);
      if (!spawns.has(id)) rig.results.push(outputText(item.output));
    }
    // Its plan prompt approved: no tool result, a turn of its own with this message (its effect).
    if (!req.hasToolOutput && req.lastUserText === CODEX_IMPLEMENT) {
      rig.results.push(`implement: ${CODEX_IMPLEMENT}`);
      return { text: 'Done.' };
    }
    const kind = rig.asking.kind as CodexKind | null;
    if (kind === null || req.hasToolOutput) return { text: 'Done.' };
    // The subagent's own request: the command the census asks about.
    if (isSubagent(req)) {
      if (kind.name !== 'subagent') return { text: 'Done.' };
      rig.asking.kind = null;
      return escalatedTurn(SUB_CMD);
    }
    if (!new RegExp(`census ${kind.name}(?![\\w-])`).test(req.lastUserText)) return { text: 'Done.' };
    // The lead spawns it; the census waits for the subagent's request.
    if (kind.name !== 'subagent') rig.asking.kind = null;
    if (kind.text !== undefined) return { text: kind.text };
    const t = kind.tool(rig.asking.dir);
    return {
      toolCall: {
        name: t.name,
        arguments: t.input,
        ...(kind.namespace === undefined ? {} : { namespace: kind.namespace }),
      },
    };
  }
  const api = await FakeOpenAI.start(script);
  const home = new CodexCensusHome({ WTP_BACKEND: 'tmux', WTP_CODEX_BIN: codexBinary() });
  // Not under /tmp: there Codex refuses to link its sandbox helper ("Refusing to create helper
  // binaries under temporary dir"), and every sandboxed command then fails ("bwrap: execvp
  // codex-linux-sandbox: No such file or directory", seen) instead of running in its sandbox.
  const codexHome = mkdtempSync(join('/var/tmp', 'wtp-census-codex-'));
  const config = prepareCodexHome(codexHome, { baseUrl: api.url });
  appendFileSync(
    config,
    `\n[mcp_servers.probe]\ncommand = ${JSON.stringify(process.execPath)}\nargs = [${JSON.stringify(MCP_SERVER)}]\n`,
  );
  Object.assign(home.env, codexEnv({ home: home.path('home'), codexHome }));
  Object.assign(rig, {
    home,
    vendor: 'codex',
    version: CODEX_VERSION,
    modeArgs,
    // Option 1 ("Yes, proceed") is chosen; at its prompt Enter on an empty composer does nothing.
    approveKeys: ['enter'],
    leaveKeys: ['esc'],
    cols: 0,
  });
  return {
    rig,
    close: async () => {
      await home.cleanup();
      await api.close();
      rmSync(codexHome, { recursive: true, force: true });
    },
  };
}
