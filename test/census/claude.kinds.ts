import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  claudeBinary,
  claudeEnv,
  CLAUDE_CODE_VERSION,
  CLAUDE_QUESTION,
  prepareClaudeHome,
} from '../support/claude-cli.js';
import { FakeAnthropic, type FakeRequest, type FakeTurn } from '../support/fake-anthropic.js';
import { REPO, TestHome } from '../support/harness.js';
import type { CensusKind, CensusPass, CensusRig } from './census.js';

/**
 * What Claude Code's census asks for (claude.census.ts records the screens; its conformance,
 * test/e2e/claude-census-answers.test.ts, answers them): the kinds, the passes, and the rig — the
 * scripted Anthropic API and a daemon whose agents run the pinned CLI against it.
 */
const API_KEY = 'sk-ant-test-0000000000000000000000000000wtp-census-key';
const MCP_SERVER = join(REPO, 'test', 'fixtures', 'mcp-probe', 'server.mjs');
const notebook = JSON.stringify({
  cells: [
    { cell_type: 'code', id: 'c1', metadata: {}, source: ['print(1)'], outputs: [], execution_count: null },
  ],
  metadata: {},
  nbformat: 4,
  nbformat_minor: 5,
});
const bash = (command: string) => () => ({ name: 'Bash', input: { command, description: 'census' } });
const asks = { default: 'needs_permission' } as const;
/** Asks in the modes that ask for edits; accept edits takes those in its folder. */
const anEdit = { default: 'needs_permission', acceptEdits: 'none' } as const;

export const KINDS: CensusKind[] = [
  {
    name: 'bash-write',
    what: 'a shell command that writes a file',
    tool: bash('echo census > bash-out.txt'),
    // Accept edits takes a command that only writes a file in its folder (seen).
    expect: { default: 'needs_permission', acceptEdits: 'none' },
    about: () => 'echo census > bash-out.txt',
  },
  {
    name: 'bash-npm-test',
    what: 'a shell command that needs approval (npm test)',
    tool: bash('npm test'),
    expect: asks,
    about: () => 'npm test',
  },
  {
    name: 'bash-compound',
    what: 'a compound shell command',
    tool: bash('mkdir -p sub && cd sub && npm test'),
    expect: asks,
    about: () => 'mkdir -p sub && cd sub && npm test',
  },
  {
    name: 'bash-pipe',
    what: 'a piped shell command',
    tool: bash('cat README.md | tee copy.md | wc -l'),
    expect: asks,
    about: () => 'cat README.md | tee copy.md | wc -l',
  },
  {
    name: 'bash-readonly',
    what: 'a shell command it classes read-only',
    tool: bash('ls -la'),
    expect: { default: 'none' },
  },
  {
    name: 'bash-network',
    what: 'a shell command that reaches the network',
    tool: bash('curl -s https://example.com/census'),
    expect: asks,
    about: () => 'curl -s https://example.com/census',
  },
  {
    name: 'write-new',
    what: 'a new file',
    tool: (dir) => ({ name: 'Write', input: { file_path: join(dir, 'new.txt'), content: 'new\n' } }),
    expect: anEdit,
    about: () => 'new.txt',
  },
  {
    name: 'overwrite',
    what: 'a file overwritten',
    setup: (dir) => writeFileSync(join(dir, 'old.txt'), 'old\n'),
    tool: (dir) => ({ name: 'Write', input: { file_path: join(dir, 'old.txt'), content: 'again\n' } }),
    expect: anEdit,
    about: () => 'old.txt',
  },
  {
    name: 'edit',
    what: 'a file edited',
    setup: (dir) => writeFileSync(join(dir, 'e.txt'), 'EDIT-ME\n'),
    tool: (dir) => ({
      name: 'Edit',
      input: { file_path: join(dir, 'e.txt'), old_string: 'EDIT-ME', new_string: 'EDITED' },
    }),
    expect: anEdit,
    about: () => 'e.txt',
  },
  {
    name: 'outside',
    what: 'a file outside the working folder',
    // A file not there yet (an earlier agent's approval wrote it): Claude Code asks to create it.
    setup: (dir) => {
      mkdirSync(join(dir, '..', 'outside'), { recursive: true });
      rmSync(join(dir, '..', 'outside', 'x.txt'), { force: true });
    },
    tool: (dir) => ({
      name: 'Write',
      input: { file_path: join(dir, '..', 'outside', 'x.txt'), content: 'x\n' },
    }),
    expect: asks,
    about: () => '../outside/x.txt',
  },
  {
    name: 'notebook',
    what: 'a notebook cell edited',
    setup: (dir) => writeFileSync(join(dir, 'n.ipynb'), notebook),
    tool: (dir) => ({
      name: 'NotebookEdit',
      input: {
        notebook_path: join(dir, 'n.ipynb'),
        cell_id: 'c1',
        new_source: 'print(2)',
        edit_mode: 'replace',
      },
    }),
    // It edits only a notebook it has read: asked cold, it refuses before any dialog (seen).
    expect: { default: 'none' },
  },
  {
    name: 'fetch',
    what: 'a web page fetched',
    tool: () => ({ name: 'WebFetch', input: { url: 'https://example.com/census', prompt: 'summarise' } }),
    expect: asks,
    about: () => 'https://example.com/census',
  },
  {
    name: 'search',
    what: 'a web search',
    tool: () => ({ name: 'WebSearch', input: { query: 'wezterm parallel census' } }),
    expect: asks,
    about: () => 'wezterm parallel census',
  },
  {
    name: 'mcp',
    what: "an MCP server's tool",
    tool: () => ({ name: 'mcp__probe__ping', input: { host: 'census.example' } }),
    expect: asks,
  },
  {
    name: 'question',
    what: 'a question with options',
    tool: () => ({ name: 'AskUserQuestion', input: CLAUDE_QUESTION }),
    expect: { default: 'needs_input' },
    reply: { text: 'Blue', heard: 'Blue' },
  },
  {
    name: 'plan-exit',
    what: 'a plan to approve',
    tool: () => ({ name: 'ExitPlanMode', input: { plan: '1. census step\n2. check it' } }),
    // Outside plan mode it is an error the model reads, not a dialog (seen).
    expect: { default: 'none', plan: 'needs_permission' },
  },
];

export const PASSES: (CensusPass & { kinds?: string[] })[] = [
  { mode: 'default', cols: 80 },
  { mode: 'default', cols: 120 },
  { mode: 'default', cols: 200 },
  { mode: 'default', cols: 200, changed: true },
  { mode: 'acceptEdits', cols: 120 },
  { mode: 'plan', cols: 120, kinds: ['plan-exit', 'question'] },
  { mode: 'bypassPermissions', cols: 120 },
];

/** Its tool result when the user refused the call (recorded: deny's "No" in the dialog). */
export const CLAUDE_REFUSED = /^The user doesn't want to proceed with this tool use\b/;

/** Starts the scripted API and the daemon: the rig, and how to close both. */
export async function claudeRig(): Promise<{ rig: CensusRig; close: () => Promise<void> }> {
  const rig = { asking: { kind: null, dir: '' }, results: [] } as unknown as CensusRig;
  function script(req: FakeRequest): FakeTurn {
    if (req.hasToolResult) rig.results.push(req.toolResultText);
    // A side request (a title, a summary) offers no tools: it never takes the kind asked for.
    if (!req.toolsOffered) return { text: 'ok' };
    // The prompt that asks for the kind (a denied call's result can come in the same message).
    const kind = rig.asking.kind;
    if (kind === null || !req.lastUserText.includes(`census ${kind.name}`)) return { text: 'Done.' };
    rig.asking.kind = null;
    return { toolUse: kind.tool(rig.asking.dir) };
  }
  const api = await FakeAnthropic.start(script);
  const home = new TestHome({ WTP_BACKEND: 'tmux', WTP_CLAUDE_BIN: claudeBinary() });
  prepareClaudeHome(home.path('home'), { cwd: home.path('proj'), apiKey: API_KEY });
  Object.assign(home.env, claudeEnv({ home: home.path('home'), baseUrl: api.url, apiKey: API_KEY }));
  const mcp = home.path('mcp.json');
  writeFileSync(
    mcp,
    JSON.stringify({ mcpServers: { probe: { command: process.execPath, args: [MCP_SERVER] } } }),
  );
  Object.assign(rig, {
    home,
    vendor: 'claude',
    version: CLAUDE_CODE_VERSION,
    // As root (a CI machine), Claude Code refuses bypassPermissions outside a sandbox it is told of.
    modeArgs: (mode: string) => [
      '--permission-mode',
      mode,
      ...(mode === 'bypassPermissions' ? ['-e', 'IS_SANDBOX=1'] : []),
      '--',
      '--mcp-config',
      mcp,
    ],
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
