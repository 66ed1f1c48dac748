import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { REAL_CLI_TESTS, withEvidence } from '../support/agent-steps.js';
import { FakeOpenAIChat, type FakeChatRequest, type FakeChatTurn } from '../support/fake-openai-chat.js';
import { eventually, TestHome } from '../support/harness.js';
import { prepareQwenHome, qwenBinary, qwenEnv } from '../support/qwen-cli.js';
import { gitRepo } from '../support/task-steps.js';

const TOOL = 'mcp__wtp__list_agents';

/**
 * Issue 34 with a real Qwen Code (pinned) as the lead. Qwen Code does not declare MCP tools to its
 * model: it names them in a reminder and offers them through its deferred-tool bridge
 * (`tool_search` to read a schema, `tool_call` to run it), which the scripted model uses as a real
 * one would. The call asks the user first (Qwen's default mode); approved, the server's answer —
 * this daemon's agents, the lead among them — reaches the model.
 */
describe('a Qwen Code lead reaches wtp over MCP through its deferred-tool bridge', REAL_CLI_TESTS, () => {
  let home: TestHome;
  let api: FakeOpenAIChat;
  let repo: string;
  /** What the model was offered and got back, per request. */
  const seen: { named: boolean; output: string }[] = [];

  function script(req: FakeChatRequest): FakeChatTurn {
    // Qwen's side requests (without its bridge) are not the lead's turn.
    if (!req.toolNames.includes('tool_search')) return { text: 'ok' };
    seen.push({ named: JSON.stringify(req.messages).includes(TOOL), output: req.toolOutputText });
    if (!req.hasToolOutput)
      return { toolCall: { name: 'tool_search', arguments: { query: `select:${TOOL}` } } };
    if (!req.toolOutputText.includes('"agents"'))
      return { toolCall: { name: 'tool_call', arguments: { name: TOOL, arguments: {} } } };
    return { text: 'The team is listed.' };
  }

  beforeAll(async () => {
    api = await FakeOpenAIChat.start(script);
    home = new TestHome({ WTP_QWEN_BIN: qwenBinary() });
    home.writeConfig('notifications:\n  enabled: false\n');
    ({ repo } = gitRepo(home, 'shop'));
    const qwenHome = home.path('home', '.qwen');
    prepareQwenHome(qwenHome);
    Object.assign(home.env, qwenEnv({ home: home.path('home'), qwenHome, baseUrl: api.url }));
    await home.up();
  });
  afterAll(async () => {
    await home?.run(['down', '--stop-agents']);
    await home?.cleanup();
    await api?.close();
  });

  it('lists the agents through tool_search and tool_call, after the user approves the call', async () => {
    const created = await home.json<{ agent: AgentView }>([
      'new',
      'qwen',
      '--mcp',
      '--name',
      'lead',
      '--repo',
      repo,
      '--prompt',
      'Who is on the team?',
    ]);
    expect(created.code, created.stderr).toBe(0);
    // The MCP tool's call is the user's to allow, as any tool's in Qwen's default mode.
    await withEvidence(
      home,
      'lead',
      eventually(
        'the lead to ask before calling the tool',
        async () => (await home.agent('lead')).state === 'needs_permission',
        90_000,
      ),
    );
    const approved = await home.run(['approve', 'lead']);
    expect(approved.code, approved.stderr).toBe(0);
    const answer = await withEvidence(
      home,
      'lead',
      eventually(
        'the server’s answer to reach the model',
        () => seen.find((s) => s.output.includes('"agents"')),
        90_000,
      ),
    );
    // The model was told of the tool by name (the reminder), and got this daemon's agents.
    expect(seen[0]?.named).toBe(true);
    expect(seen[0]?.output).toBe('');
    expect(answer.output).toContain(created.doc.agent.id);
    await eventually(
      'the lead idle after its answer',
      async () => (await home.agent('lead')).state === 'idle',
      60_000,
    );
  }, 240_000);
});
