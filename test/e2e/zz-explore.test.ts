import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newAgent, untilState } from '../support/agent-steps.js';
import { claudeBinary, claudeEnv, prepareClaudeHome } from '../support/claude-cli.js';
import { FakeAnthropic, type FakeRequest, type FakeTurn } from '../support/fake-anthropic.js';
import { TestHome, sleep } from '../support/harness.js';

const API_KEY = 'sk-ant-test-0000000000000000000000000000wtp-e2e-key';
let proj = '';
const OUT = '/tmp/cl/screens';
const tools = new Set<string>();
function script(req: FakeRequest): FakeTurn {
  req.toolNames.forEach((t) => tools.add(t));
  const said = req.lastUserText;
  const sys = JSON.stringify(req.body.system ?? '');
  if (req.hasToolResult) {
    if (req.toolResultText.includes('READ-EDIT'))
      return {
        toolUse: {
          name: 'Edit',
          input: { file_path: `${proj}/e.txt`, old_string: 'READ-EDIT', new_string: 'EDITED' },
        },
      };
    if (req.toolResultText.includes('READ-NB') || req.toolResultText.includes('nbcell'))
      return {
        toolUse: {
          name: 'NotebookEdit',
          input: {
            notebook_path: `${proj}/n.ipynb`,
            cell_id: 'c1',
            new_source: 'print(2)',
            edit_mode: 'replace',
          },
        },
      };
    return { text: 'Done.' };
  }
  if (said.includes('KIND-bash'))
    return { toolUse: { name: 'Bash', input: { command: 'echo hi > out.txt', description: 'write out' } } };
  if (said.includes('KIND-writenew'))
    return { toolUse: { name: 'Write', input: { file_path: `${proj}/new.txt`, content: 'new\n' } } };
  if (said.includes('KIND-overwrite'))
    return { toolUse: { name: 'Write', input: { file_path: `${proj}/ow.txt`, content: 'again\n' } } };
  if (said.includes('KIND-edit')) return { toolUse: { name: 'Read', input: { file_path: `${proj}/e.txt` } } };
  if (said.includes('KIND-nb')) return { toolUse: { name: 'Read', input: { file_path: `${proj}/n.ipynb` } } };
  if (said.includes('KIND-fetch'))
    return { toolUse: { name: 'WebFetch', input: { url: 'https://example.com/page', prompt: 'summarise' } } };
  if (said.includes('KIND-search'))
    return { toolUse: { name: 'WebSearch', input: { query: 'wezterm parallel' } } };
  if (said.includes('KIND-mcp'))
    return { toolUse: { name: 'mcp__probe__ping', input: { host: 'example.com' } } };
  if (said.includes('KIND-plan'))
    return { toolUse: { name: 'ExitPlanMode', input: { plan: '1. do the thing\n2. check it' } } };
  if (said.includes('SUB-INNER'))
    return { toolUse: { name: 'Bash', input: { command: 'echo sub > sub.txt', description: 'sub write' } } };
  if (said.includes('KIND-sub'))
    return {
      toolUse: {
        name: 'Task',
        input: { description: 'a helper', prompt: 'SUB-INNER please', subagent_type: 'general-purpose' },
      },
    };
  void sys;
  return { text: 'ok' };
}

describe('explore claude dialogs', { timeout: 600_000 }, () => {
  let home: TestHome;
  let api: FakeAnthropic;
  beforeAll(async () => {
    api = await FakeAnthropic.start(script);
    home = new TestHome({ WTP_BACKEND: 'tmux', WTP_CLAUDE_BIN: claudeBinary() });
    proj = home.path('proj');
    mkdirSync(proj);
    mkdirSync(OUT, { recursive: true });
    writeFileSync(`${proj}/ow.txt`, 'first\n');
    writeFileSync(`${proj}/e.txt`, 'READ-EDIT\n');
    writeFileSync(
      `${proj}/n.ipynb`,
      JSON.stringify({
        cells: [
          {
            cell_type: 'code',
            id: 'c1',
            metadata: {},
            source: ['print(1) # READ-NB nbcell'],
            outputs: [],
            execution_count: null,
          },
        ],
        metadata: {},
        nbformat: 4,
        nbformat_minor: 5,
      }),
    );
    writeFileSync(
      '/tmp/cl/mcp.json',
      JSON.stringify({
        mcpServers: { probe: { command: process.execPath, args: ['/tmp/cl/mcp-server.mjs'] } },
      }),
    );
    prepareClaudeHome(home.path('home'), { cwd: proj, apiKey: API_KEY, trusted: true });
    Object.assign(home.env, claudeEnv({ home: home.path('home'), baseUrl: api.url, apiKey: API_KEY }));
    expect((await home.run(['up', '--detach'])).code).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await home?.cleanup();
    await api?.close();
  });
  const kinds = (process.env.KINDS ?? 'bash,writenew,overwrite,edit,nb,fetch,search,mcp,plan,sub').split(',');
  it('records', async () => {
    for (const k of kinds) {
      const mode = k === 'plan' ? 'plan' : 'default';
      const extra = k === 'mcp' ? ['--', '--mcp-config', '/tmp/cl/mcp.json'] : [];
      await newAgent(home, 'claude', k, proj, [
        '--permission-mode',
        mode,
        '--prompt',
        `KIND-${k} now`,
        ...extra,
      ]);
    }
    for (const k of kinds) {
      const r = await untilState(home, k, 'needs_permission', k).catch((e) => String(e));
      await sleep(1500);
      const rec = await home.run(['record-screen', k, '--out', `${OUT}/${k}.screen`]);
      const why = await home.run(['why', k]);
      console.log(`==== ${k}\n${typeof r === 'string' ? r : ''}\n${rec.stdout}${rec.stderr}\n${why.stdout}`);
    }
    console.log('TOOLS', [...tools].join(','));
  });
});
