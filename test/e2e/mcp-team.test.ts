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
import { API_PROMPT, DOCS_PROMPT, fileOf, McpLead, resultJson } from '../support/mcp-lead.js';
import { prepareQwenHome, qwenBinary, qwenEnv } from '../support/qwen-cli.js';
import { gitRepo } from '../support/task-steps.js';

const API_KEY = 'sk-ant-test-0000000000000000000000000000wtp-e2e-key';
const patch = (file: string): string =>
  `apply_patch <<'PATCH'\n*** Begin Patch\n*** Add File: ${file}\n+GET /health\n*** End Patch\nPATCH`;

const LEAD_PROMPT = 'Run the team: a codex worker for the api, a qwen worker for the docs; merge the api.';

/** The Codex worker: one patch that adds api.txt (it asks first), then done. */
function codexScript(req: FakeOpenAIRequest): FakeOpenAITurn {
  if (JSON.stringify(req.input).includes(LEAD_PROMPT)) return codexLeadTurn(req);
  if (req.hasToolOutput) return { text: 'Added the file.' };
  const file = req.lastUserText.includes(API_PROMPT) ? fileOf(req.lastUserText.trim()) : undefined;
  if (file !== undefined) return { toolCall: { name: 'exec_command', arguments: { cmd: patch(file) } } };
  return { text: 'ok' };
}

/** The second lead, a Codex CLI: its scripted model shares the Codex worker's server. */
const codexLead = new McpLead('2');
/** Per main request of the Codex lead: the tools (and namespaces) offered to its model. */
const codexOffered: string[][] = [];

/** The Codex lead's turn: the lead's next step, as a call of a tool in the `mcp__wtp` namespace. */
function codexLeadTurn(req: FakeOpenAIRequest): FakeOpenAITurn {
  codexOffered.push(req.toolNames);
  const step = codexLead.next(req.hasToolOutput ? req.toolOutputText : null);
  if ('text' in step) return { text: step.text };
  return { toolCall: { name: step.tool, arguments: step.args, namespace: 'mcp__wtp' } };
}

/** The Qwen Code worker: write_file docs.md in its folder (it asks first), then done. */
function qwenScript(req: FakeChatRequest): FakeChatTurn {
  if (req.hasToolOutput) return { text: 'Wrote the docs.' };
  const said = req.lastUserText.trim().split('\n').at(-1) ?? '';
  const file = said.includes(DOCS_PROMPT) ? fileOf(said) : undefined;
  if (file === undefined) return { text: 'ok' };
  const cwd = /working in the directory: ([^\s"\\]+)/.exec(JSON.stringify(req.messages))?.[1];
  if (cwd === undefined) return { text: 'I do not know where I am.' };
  return {
    toolCall: { name: 'write_file', arguments: { file_path: `${cwd}/${file}`, content: '# Docs\n' } },
  };
}

/**
 * Issue 34 end to end: a real Claude Code (pinned) started with `wtp new --mcp` is the lead. Its
 * scripted model (test/support/mcp-lead.ts) calls wezterm-parallel's MCP tools through the server
 * the daemon registered for it alone: it starts a real Codex CLI and a real Qwen Code as workers
 * (each against its own scripted server) in worktrees of its repository, waits for both (approving
 * each worker's file write through the verified answer path), reads their diff stats, merges the
 * Codex worker's branch, and reports. The test checks the workers and their worktrees, the merge
 * on main, and that every step is audited as done by the lead. A real Codex CLI as lead then runs
 * the same scenario with workers of its own (api2, docs2), in the same daemon and repository.
 */
describe(
  'a lead runs a Codex and a Qwen Code worker over MCP (Claude Code, then Codex CLI)',
  { timeout: 180_000 },
  () => {
    let home: TestHome;
    let claude: FakeAnthropic;
    let codex: FakeOpenAI;
    let qwen: FakeOpenAIChat;
    let repo: string;
    const lead = new McpLead();
    /** Per main request of the lead: the tools offered to the model, and whether it names ours at all. */
    const offered: { tools: string[]; named: boolean }[] = [];

    function leadScript(req: FakeRequest): FakeTurn {
      offered.push({
        tools: req.toolNames,
        named: JSON.stringify(req.body).includes('mcp__wtp__start_agent'),
      });
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
        writeFileSync(
          out,
          `${JSON.stringify({ claude: { exchanges: lead.exchanges, report: lead.report }, codex: { exchanges: codexLead.exchanges, report: codexLead.report } }, null, 2)}\n`,
        );
      await home?.run(['down', '--stop-agents']);
      await home?.cleanup();
      await Promise.all([claude?.close(), codex?.close(), qwen?.close()]);
    });

    /**
     * Starts `profile` as the lead with `--mcp` and the lead prompt, waits for its scripted model to
     * report, and checks the scenario: the workers with their worktrees, the diff stats, the merge
     * on main, every step audited as the lead's.
     */
    async function scenario(
      profile: string,
      name: string,
      lead: McpLead,
      args: string[] = [],
    ): Promise<void> {
      const created = await home.json<{ agent: AgentView }>([
        'new',
        profile,
        '--mcp',
        '--name',
        name,
        '--repo',
        repo,
        ...args,
        '--prompt',
        LEAD_PROMPT,
      ]);
      expect(created.code, created.stderr).toBe(0);
      const leadId = created.doc.agent.id;
      expect(created.doc.agent).toMatchObject({ mcp: true, startedBy: null });

      await eventually('the lead to report', () => lead.report !== null, 130_000).catch((err: Error) => {
        // What the lead did and got so far: enough to tell from a CI log where it stopped.
        const steps = lead.exchanges.map((e) => [e.tool, e.args, e.result.slice(0, 400)]);
        throw new Error(`${err.message}; its exchanges: ${JSON.stringify(steps)}`);
      });
      const tools = lead.exchanges.map((e) => e.tool);
      expect(tools.slice(0, 2)).toEqual(['start_agent', 'start_agent']);
      expect(tools.slice(-3)).toEqual(['get_diff', 'get_diff', 'merge']);
      for (const e of lead.exchanges) {
        const doc = resultJson(e.result);
        expect(
          doc !== null && doc.error === undefined,
          `${e.tool} ${JSON.stringify(e.args)}: ${e.result}`,
        ).toBe(true);
      }

      // The workers existed, each in a worktree of the lead's repository, started by the lead.
      const agents = await home.agents();
      const worker = (n: string): AgentView => {
        const a = agents.find((x) => x.name === n);
        if (!a) throw new Error(`no worker ${n}`);
        return a;
      };
      for (const [n, p] of [
        [lead.api, 'codex'],
        [lead.docs, 'qwen'],
      ] as const) {
        expect(worker(n)).toMatchObject({
          profile: p,
          startedBy: leadId,
          worktree: { repo, branch: `wtp/${n}` },
        });
      }
      const stats = lead.exchanges
        .filter((e) => e.tool === 'get_diff')
        .map((e) =>
          (resultJson(e.result) as { diff: { files: { path: string }[] } }).diff.files.map((f) => f.path),
        );
      expect(stats).toEqual([[lead.apiFile], [lead.docsFile]]);

      // The merge landed on main.
      const git = (...a: string[]): string => execFileSync('git', a, { cwd: repo, encoding: 'utf8' }).trim();
      expect(git('show', `main:${lead.apiFile}`)).toBe('GET /health');
      expect(git('log', '--format=%s', 'main')).toContain(`${lead.api}: from the codex worker`);

      // Every tool call is audited as the lead's, and so is what it caused.
      const api = new WtpClient({ socketPath: home.path('run', 'api.sock'), source: 'api' });
      const { events } = await api.call('listEvents', { query: { limit: 10_000 } });
      const calls = events.filter(
        (e): e is EventRecord<'mcp.toolCalled'> & WtpEvent =>
          e.type === 'mcp.toolCalled' && e.agentId === leadId,
      );
      expect(calls.map((e) => e.data.tool)).toEqual(tools);
      for (const e of calls)
        expect(e).toMatchObject({ source: 'agent', agentId: leadId, data: { ok: true } });
      const by = (type: string, agent: string): WtpEvent | undefined =>
        events.find((e) => e.type === type && e.agentId === worker(agent).id);
      expect(by('agent.created', lead.api)?.source).toBe('agent');
      expect(by('agent.created', lead.docs)?.source).toBe('agent');
      expect(by('agent.merged', lead.api)?.source).toBe('agent');
      for (const e of lead.exchanges.filter((x) => x.tool === 'answer_dialog')) {
        expect(by('agent.approved', String(e.args.agent))?.source).toBe('agent');
      }
      // Its report is the lead's last word, and the lead is idle again.
      await eventually(
        'the lead idle after its report',
        async () => (await home.agent(name)).state === 'idle',
      );
    }

    it('Claude Code as lead: starts two workers, waits, reads their diffs, merges one and reports; every step audited as the lead’s', async () => {
      await scenario('claude', 'lead', lead);
      // Claude Code told its model of the tools of the server registered for this agent (2.1.330
      // defers MCP tools: named in a request once the server is connected, not offered as tools).
      expect(
        offered.some((o) => o.named),
        JSON.stringify(offered.map((o) => o.tools)),
      ).toBe(true);
    });

    // The user starts this lead with approval policy never (its own choice: Codex asks before each
    // MCP tool call otherwise); its workers still ask, and it approves them through the verified
    // answer path.
    it('Codex CLI as lead: the same scenario with workers of its own', async () => {
      await scenario('codex', 'lead2', codexLead, ['--permission-mode', 'never']);
      expect(codexOffered.some((names) => names.includes('mcp__wtp'))).toBe(true);
    });
  },
);
