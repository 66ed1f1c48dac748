import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WtpClient } from '../../src/client/wtp-client.js';
import type { AgentView } from '../../src/protocol/agent.js';
import type { EventRecord, WtpEvent } from '../../src/protocol/events.js';
import { claudeBinary, claudeEnv, prepareClaudeHome } from '../support/claude-cli.js';
import { codexBinary, codexEnv, prepareCodexHome } from '../support/codex-cli.js';
import { FakeAnthropic, type FakeRequest, type FakeTurn } from '../support/fake-anthropic.js';
import { FakeOpenAI, type FakeOpenAIRequest, type FakeOpenAITurn } from '../support/fake-openai.js';
import { FakeOpenAIChat, type FakeChatRequest, type FakeChatTurn } from '../support/fake-openai-chat.js';
import { eventually, TestHome } from '../support/harness.js';
import { API_PROMPT, DOCS_PROMPT, McpLead } from '../support/mcp-lead.js';
import { prepareQwenHome, qwenBinary, qwenEnv } from '../support/qwen-cli.js';
import { gitRepo } from '../support/task-steps.js';

const API_KEY = 'sk-ant-test-0000000000000000000000000000wtp-e2e-key';
const PATCH =
  "apply_patch <<'PATCH'\n*** Begin Patch\n*** Add File: api.txt\n+GET /health\n*** End Patch\nPATCH";

/** The Codex worker: one patch that adds api.txt (it asks first), then done. */
function codexScript(req: FakeOpenAIRequest): FakeOpenAITurn {
  if (req.hasToolOutput) return { text: 'Added api.txt.' };
  if (req.lastUserText.includes(API_PROMPT))
    return { toolCall: { name: 'exec_command', arguments: { cmd: PATCH } } };
  return { text: 'ok' };
}

/** The Qwen Code worker: write_file docs.md in its folder (it asks first), then done. */
function qwenScript(req: FakeChatRequest): FakeChatTurn {
  if (req.hasToolOutput) return { text: 'Wrote docs.md.' };
  if (!req.lastUserText.includes(DOCS_PROMPT)) return { text: 'ok' };
  const cwd = /working in the directory: ([^\s"\\]+)/.exec(JSON.stringify(req.messages))?.[1];
  if (cwd === undefined) return { text: 'I do not know where I am.' };
  return {
    toolCall: { name: 'write_file', arguments: { file_path: `${cwd}/docs.md`, content: '# Docs\n' } },
  };
}

/**
 * Issue 34 end to end: a real Claude Code (pinned) started with `wtp new --mcp` is the lead. Its
 * scripted model (test/support/mcp-lead.ts) calls wezterm-parallel's MCP tools through the server
 * the daemon registered for it alone: it starts a real Codex CLI and a real Qwen Code as workers
 * (each against its own scripted server) in worktrees of its repository, waits for both (approving
 * each worker's file write through the verified answer path), reads their diff stats, merges the
 * Codex worker's branch, and reports. The test checks the workers and their worktrees, the merge
 * on main, and that every step is audited as done by the lead.
 */
describe('a Claude Code lead runs a Codex and a Qwen Code worker over MCP', { timeout: 180_000 }, () => {
  let home: TestHome;
  let claude: FakeAnthropic;
  let codex: FakeOpenAI;
  let qwen: FakeOpenAIChat;
  let repo: string;
  const lead = new McpLead();
  /** Per main request of the lead: the tools offered to the model, and whether it names ours at all. */
  const offered: { tools: string[]; named: boolean }[] = [];

  function leadScript(req: FakeRequest): FakeTurn {
    offered.push({ tools: req.toolNames, named: JSON.stringify(req.body).includes('mcp__wtp__start_agent') });
    const step = lead.next(req.hasToolResult ? req.toolResultText : null);
    return 'text' in step
      ? { text: step.text }
      : { toolUse: { name: `mcp__wtp__${step.tool}`, input: step.args } };
  }

  beforeAll(async () => {
    [claude, codex, qwen] = await Promise.all([
      FakeAnthropic.start(leadScript),
      FakeOpenAI.start(codexScript),
      FakeOpenAIChat.start(qwenScript),
    ]);
    home = new TestHome({
      WTP_CLAUDE_BIN: claudeBinary(),
      WTP_CODEX_BIN: codexBinary(),
      WTP_QWEN_BIN: qwenBinary(),
    });
    home.writeConfig('notifications:\n  enabled: false\n');
    ({ repo } = gitRepo(home, 'shop'));
    const userHome = home.path('home');
    prepareClaudeHome(userHome, { cwd: repo, apiKey: API_KEY, trusted: false });
    // The user lets the lead use wezterm-parallel's tools without asking each time (Claude Code's
    // own permission rule for an MCP server: every tool of `wtp`).
    mkdirSync(home.path('home', '.claude'), { recursive: true });
    writeFileSync(
      home.path('home', '.claude', 'settings.json'),
      JSON.stringify({ permissions: { allow: ['mcp__wtp'] } }),
    );
    const codexHome = home.path('home', '.codex');
    prepareCodexHome(codexHome, { baseUrl: codex.url });
    const qwenHome = home.path('home', '.qwen');
    prepareQwenHome(qwenHome);
    Object.assign(
      home.env,
      codexEnv({ home: userHome, codexHome }),
      qwenEnv({ home: userHome, qwenHome, baseUrl: qwen.url }),
      claudeEnv({ home: userHome, baseUrl: claude.url, apiKey: API_KEY }),
    );
    await home.up();
  });
  afterAll(async () => {
    // WTP_MCP_TRANSCRIPT=<file>: the lead's exchanges (for docs/mcp.md's transcript of a real run).
    const out = process.env.WTP_MCP_TRANSCRIPT;
    if (out)
      writeFileSync(out, `${JSON.stringify({ exchanges: lead.exchanges, report: lead.report }, null, 2)}\n`);
    await home?.run(['down', '--stop-agents']);
    await home?.cleanup();
    await Promise.all([claude?.close(), codex?.close(), qwen?.close()]);
  });

  it('starts two workers, waits, reads their diffs, merges one and reports; every step audited as the lead’s', async () => {
    const created = await home.json<{ agent: AgentView }>([
      'new',
      'claude',
      '--mcp',
      '--name',
      'lead',
      '--repo',
      repo,
      '--prompt',
      'Run the team: a codex worker for the api, a qwen worker for the docs; merge the api.',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const leadId = created.doc.agent.id;
    expect(created.doc.agent).toMatchObject({ mcp: true, startedBy: null });

    await eventually('the lead to report', () => lead.report !== null, 130_000).catch((err: Error) => {
      // What the lead did and got so far: enough to tell from a CI log where it stopped.
      const steps = lead.exchanges.map((e) => [e.tool, e.args, e.result.slice(0, 400)]);
      throw new Error(`${err.message}; its exchanges: ${JSON.stringify(steps)}`);
    });
    // Claude Code told its model of the tools of the server registered for this agent (2.1.330
    // defers MCP tools: named in a request once the server is connected, not offered as tools).
    expect(
      offered.some((o) => o.named),
      JSON.stringify(offered.map((o) => o.tools)),
    ).toBe(true);
    const tools = lead.exchanges.map((e) => e.tool);
    expect(tools.slice(0, 2)).toEqual(['start_agent', 'start_agent']);
    expect(tools.slice(-3)).toEqual(['get_diff', 'get_diff', 'merge']);
    for (const e of lead.exchanges)
      expect(e.result, `${e.tool} ${JSON.stringify(e.args)}`).not.toMatch(/"error"/);

    // The workers existed, each in a worktree of the lead's repository, started by the lead.
    const agents = await home.agents();
    const worker = (name: string): AgentView => {
      const a = agents.find((x) => x.name === name);
      if (!a) throw new Error(`no worker ${name}`);
      return a;
    };
    for (const [name, profile] of [
      ['api', 'codex'],
      ['docs', 'qwen'],
    ] as const) {
      expect(worker(name)).toMatchObject({
        profile,
        startedBy: leadId,
        worktree: { repo, branch: `wtp/${name}` },
      });
    }
    const stats = lead.exchanges
      .filter((e) => e.tool === 'get_diff')
      .map((e) =>
        (JSON.parse(e.result) as { diff: { files: { path: string }[] } }).diff.files.map((f) => f.path),
      );
    expect(stats).toEqual([['api.txt'], ['docs.md']]);

    // The merge landed on main.
    const git = (...args: string[]): string =>
      execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
    expect(git('show', 'main:api.txt')).toBe('GET /health');
    expect(git('log', '--format=%s', 'main')).toContain('api: from the codex worker');

    // Every tool call is audited as the lead's, and so is what it caused.
    const api = new WtpClient({ socketPath: home.path('run', 'api.sock'), source: 'api' });
    const { events } = await api.call('listEvents', { query: { limit: 10_000 } });
    const calls = events.filter(
      (e): e is EventRecord<'mcp.toolCalled'> & WtpEvent => e.type === 'mcp.toolCalled',
    );
    expect(calls.map((e) => e.data.tool)).toEqual(tools);
    for (const e of calls) expect(e).toMatchObject({ source: 'agent', agentId: leadId, data: { ok: true } });
    const by = (type: string, agent: string): WtpEvent | undefined =>
      events.find((e) => e.type === type && e.agentId === worker(agent).id);
    expect(by('agent.created', 'api')?.source).toBe('agent');
    expect(by('agent.created', 'docs')?.source).toBe('agent');
    expect(by('agent.merged', 'api')?.source).toBe('agent');
    for (const e of lead.exchanges.filter((x) => x.tool === 'answer_dialog')) {
      expect(by('agent.approved', String(e.args.agent))?.source).toBe('agent');
    }
    // Its report is the lead's last word, and the lead is idle again.
    await eventually(
      'the lead idle after its report',
      async () => (await home.agent('lead')).state === 'idle',
    );
  });
});
