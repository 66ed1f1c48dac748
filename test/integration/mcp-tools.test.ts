import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { WtpClient } from '../../src/client/wtp-client.js';
import { environmentForChildren, readEnv } from '../../src/config/env.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon/main.js';
import { mcpToken } from '../../src/interfaces/server/auth.js';
import type { AgentView } from '../../src/protocol/agent.js';
import type { EventRecord } from '../../src/protocol/events.js';
import { MCP_TOOLS, MCP_TOOL_NAMES } from '../../src/protocol/mcp-tools.js';
import { ENTRY, eventually, REPO, TestHome } from '../support/harness.js';
import { gitRepo } from '../support/task-steps.js';

type ToolResult = { isError?: boolean; content: { type: string; text: string }[] };

/** A tool's answer as JSON (the tools answer JSON text), with whether it was an error. */
function parsed(r: unknown): { isError: boolean; doc: Record<string, unknown> } {
  const res = r as ToolResult;
  const text = res.content[0]?.text ?? '';
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch {
    doc = { text };
  }
  return { isError: res.isError === true, doc };
}

const codeOf = (r: unknown): string | undefined =>
  (parsed(r).doc.error as { code?: string } | undefined)?.code;

/**
 * Issue 34: the MCP server against a real daemon (in-process, real git, shell and command agents
 * on the headless backend), through the official SDK's client: over streamable HTTP with each
 * agent's token, and over stdio through `wtp mcp --token-file` (the way agent CLIs launch it).
 * The scope's hostile cases come first; then every tool is called once as the lead would.
 */
describe('the MCP server (SDK client, real daemon)', () => {
  let home: TestHome;
  let daemon: RunningDaemon;
  let api: WtpClient;
  let apiToken: string;
  let repo: string;
  let lead: AgentView;
  let outsider: AgentView;
  let plain: AgentView;
  const clients: Client[] = [];
  const url = (): URL => new URL(`http://127.0.0.1:${daemon.tcpPort ?? 0}/mcp`);

  /** An SDK client over streamable HTTP presenting `token`. */
  async function connect(token: string): Promise<Client> {
    const transport = new StreamableHTTPClientTransport(url(), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    });
    const client = new Client({ name: 'wtp-test', version: '1' });
    await client.connect(transport);
    clients.push(client);
    return client;
  }
  const call = (c: Client, name: string, args: Record<string, unknown>) =>
    c.callTool({ name, arguments: args }, undefined, { timeout: 60_000 });
  const post = (body: string, headers: Record<string, string>) =>
    fetch(url(), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...headers,
      },
      body,
    });

  beforeAll(async () => {
    home = new TestHome({ SHELL: '/bin/sh' });
    ({ repo } = gitRepo(home, 'shop'));
    // Workers the lead starts as `shell` (granted: mcp.workerProfiles) get the server too (config
    // mcp.profiles), so they have tokens of their own to try the hostile cases with.
    home.writeConfig('mcp:\n  profiles: [shell]\n  workerProfiles: [shell]\n');
    daemon = await startDaemon({
      entry: ENTRY,
      env: readEnv(home.env),
      childEnv: environmentForChildren(home.env),
    });
    api = new WtpClient({ socketPath: daemon.paths.apiSocket, source: 'api' });
    apiToken = readFileSync(daemon.paths.tokenFile, 'utf8').trim();
    ({ agent: lead } = await api.call('createAgent', {
      body: { profile: 'cmd', name: 'lead', cwd: repo, repo, argv: ['sleep', '600'], mcp: true },
    }));
    ({ agent: plain } = await api.call('createAgent', {
      body: { profile: 'cmd', name: 'plain', cwd: repo, argv: ['sleep', '600'] },
    }));
    await api.call('createWorkspace', { body: { name: 'other', repo: home.dir, backend: 'headless' } });
    ({ agent: outsider } = await api.call('createAgent', {
      body: {
        profile: 'cmd',
        name: 'outsider',
        workspace: 'other',
        cwd: home.dir,
        argv: ['sleep', '600'],
        mcp: true,
      },
    }));
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await daemon?.stop({ stopAgents: true });
    await home?.cleanup();
  });

  it('writes the token to a 0600 file of the agent’s folder, the one `wtp mcp --token-file` reads', () => {
    const file = join(daemon.paths.stateDir, 'agents', lead.id, 'mcp-token');
    expect(readFileSync(file, 'utf8').trim()).toBe(mcpToken(apiToken, lead.id));
    expect(lead).toMatchObject({ mcp: true, startedBy: null });
    expect(plain.mcp).toBe(false);
  });

  it('refuses a token that is no agent’s: forged, cut, another id’s mac, an agent without --mcp, none over TCP', async () => {
    const init = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
    });
    const real = mcpToken(apiToken, lead.id);
    const mac = real.slice(real.indexOf('.') + 1);
    const refused = [
      `${lead.id}.${'A'.repeat(43)}`, // forged mac
      real.slice(0, -1), // cut
      `${outsider.id}.${mac}`, // another agent's id with this one's mac
      mcpToken(apiToken, plain.id), // a real derivation, but for an agent never given --mcp
      mcpToken('0'.repeat(64), lead.id), // another daemon's
      `${real}.${lead.id}`, // a longer one with the real token in it
      'x'.repeat(10_000),
    ];
    for (const token of refused) {
      const res = await post(init, { authorization: `Bearer ${token}` });
      expect(res.status, token.slice(0, 40)).toBe(401);
      expect(((await res.json()) as { code: string }).code).toBe('MCP_TOKEN_INVALID');
    }
    const none = await post(init, {});
    expect(none.status).toBe(401);
    expect(((await none.json()) as { code: string }).code).toBe('UNAUTHORIZED');
    // A page of another origin cannot use it, with any token.
    const page = await post(init, { authorization: `Bearer ${real}`, origin: 'http://127.0.0.1:9' });
    expect(page.status).toBe(403);
  });

  it('runs nothing from a GET (nor a DELETE), and reads no body larger than its limit', async () => {
    const token = mcpToken(apiToken, lead.id);
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(url(), { method, headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
    }
    const huge = JSON.stringify({
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'send_prompt', arguments: { agent: 'x', text: 'y'.repeat(600 * 1024) } },
    });
    const res = await post(huge, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('INVALID_INPUT');
  });

  it('lists every tool with the input schema of the protocol (no second copy)', async () => {
    const c = await connect(mcpToken(apiToken, lead.id));
    const { tools } = await c.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...MCP_TOOL_NAMES].sort());
    for (const t of tools) {
      const def = MCP_TOOLS[t.name as keyof typeof MCP_TOOLS];
      const want = z.toJSONSchema(def.input, { io: 'input' }) as Record<string, unknown>;
      expect(t.inputSchema.properties, t.name).toEqual(want.properties ?? {});
      expect(t.description).toBe(def.description);
    }
  });

  it('hostile: a worker cannot stop its lead, answer its own dialog or its lead’s, reach a sibling, or start agents elsewhere', async () => {
    const c = await connect(mcpToken(apiToken, lead.id));
    const started = parsed(await call(c, 'start_agent', { profile: 'shell', name: 'w1' }));
    expect(started.isError, JSON.stringify(started.doc)).toBe(false);
    const w1 = (started.doc.agent as { id: string; startedBy: string }).id;
    expect(started.doc.agent).toMatchObject({ startedBy: lead.id, yourTeam: true, branch: 'wtp/w1' });
    const sibling = parsed(await call(c, 'start_agent', { profile: 'shell', name: 'w2' }));
    expect(sibling.isError).toBe(false);
    // The worker got the server too (mcp.profiles): its own token.
    const workerToken = readFileSync(join(daemon.paths.stateDir, 'agents', w1, 'mcp-token'), 'utf8').trim();
    const w = await connect(workerToken);
    const rule = (r: unknown): string | undefined =>
      ((parsed(r).doc.error as { details?: { rule?: string } } | undefined)?.details ?? {}).rule;

    const stopLead = await call(w, 'stop_agent', { agent: 'lead' });
    expect(codeOf(stopLead)).toBe('MCP_OUT_OF_SCOPE');
    expect(rule(stopLead)).toBe('not_its_lead');
    const answerLead = await call(w, 'answer_dialog', { agent: lead.id, action: 'approve' });
    expect(rule(answerLead)).toBe('not_its_lead');
    const answerOwn = await call(w, 'answer_dialog', { agent: 'w1', action: 'approve' });
    expect(rule(answerOwn)).toBe('not_itself');
    const typeOwn = await call(w, 'send_prompt', { agent: 'w1', text: 'rm -rf .' });
    expect(rule(typeOwn)).toBe('not_itself');
    const stopSibling = await call(w, 'stop_agent', { agent: 'w2' });
    expect(rule(stopSibling)).toBe('team_only');
    const mergeOther = await call(w, 'merge', { agent: 'plain' });
    expect(rule(mergeOther)).toBe('team_only');
    const elsewhere = await call(w, 'start_agent', { profile: 'shell', workspace: 'other' });
    expect(rule(elsewhere)).toBe('own_workspace');
    const otherRepo = await call(w, 'start_agent', { profile: 'shell', repo: home.dir });
    expect(rule(otherRepo)).toBe('own_repository');
    const outside = await call(w, 'read_screen', { agent: outsider.id });
    expect(rule(outside)).toBe('own_workspace');
    const outsideByName = await call(w, 'read_screen', { agent: 'other/outsider' });
    expect(rule(outsideByName)).toBe('own_workspace');
    // The lead cannot act on itself either, nor on an agent its user started.
    expect(rule(await call(c, 'stop_agent', { agent: 'lead' }))).toBe('not_itself');
    expect(rule(await call(c, 'send_prompt', { agent: 'plain', text: 'hi' }))).toBe('team_only');
    // Its list is its workspace only.
    const names = (parsed(await call(w, 'list_agents', {})).doc.agents as { name: string }[]).map(
      (a) => a.name,
    );
    expect(names.sort()).toEqual(['lead', 'plain', 'w1', 'w2']);
    // Forged and oversized arguments never reach the daemon's API: the schema refuses them.
    const forged = await call(c, 'start_agent', { profile: 'shell', env: { PATH: '/tmp' } });
    expect((forged as ToolResult).isError).toBe(true);
    expect((forged as ToolResult).content[0]?.text).toMatch(/Input validation error/);
    const oversized = await call(c, 'send_prompt', { agent: 'w1', text: 'x'.repeat(100_001) });
    expect((oversized as ToolResult).content[0]?.text).toMatch(/Input validation error/);
    const wider = await call(c, 'add_task', { title: 't', prompt: 'p', workspace: 'other' });
    expect((wider as ToolResult).isError).toBe(true);
    // A profile that runs its prompt with no dialog (aider, cmd), the user did not grant: not started, not queued.
    const marker = join(home.dir, 'lead-ran');
    const run = `touch ${marker}`;
    expect(rule(await call(c, 'start_agent', { profile: 'aider', prompt: run }))).toBe('profile_not_granted');
    // cmd, which runs only the command it is given (a worker is given none), is not offered at all.
    const cmd = (await call(c, 'start_agent', { profile: 'cmd', prompt: run })) as ToolResult;
    expect(cmd.content[0]?.text).toMatch(/Input validation error/);
    // A lead may ask for a sandbox, never turn one off.
    const unboxed = (await call(c, 'start_agent', { profile: 'claude', sandbox: false })) as ToolResult;
    expect(unboxed.content[0]?.text).toMatch(/Input validation error/);
    expect(rule(await call(c, 'add_task', { title: 't', profile: 'cmd', prompt: run }))).toBe(
      'profile_not_granted',
    );
    expect(
      rule(
        await call(c, 'add_task', {
          title: 't',
          prompt: run,
          attempts: 2,
          variants: [{ profile: 'cmd' }, { profile: 'claude' }],
        }),
      ),
    ).toBe('profile_not_granted');
    expect(existsSync(marker)).toBe(false);
    // Nothing refused left an agent, a task or input behind.
    const all = (await api.call('listAgents', {})).agents.map((a) => a.name).sort();
    expect(all).toEqual(['lead', 'outsider', 'plain', 'w1', 'w2']);
    expect((await api.call('listTasks', {})).tasks).toEqual([]);
    await call(c, 'stop_agent', { agent: 'w2' });
    // A worker asked for in a sandbox runs in one.
    expect(
      (await call(c, 'start_agent', { profile: 'shell', name: 'boxed', sandbox: true })).isError,
    ).not.toBe(true);
    const boxed = (await api.call('listAgents', {})).agents.find((a) => a.name === 'boxed');
    expect(boxed?.sandbox?.write).toContain(boxed?.worktree?.path);
    await api.call('removeAgent', { params: { agent: 'boxed' }, query: { force: 'true' } });
  });

  it('calls every tool as the lead, over stdio through `wtp mcp`, each audited as done by the lead', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [
        join(REPO, 'bin/wtp.js'),
        'mcp',
        '--token-file',
        join(daemon.paths.stateDir, 'agents', lead.id, 'mcp-token'),
      ],
      env: home.env as Record<string, string>,
      stderr: 'pipe',
    });
    const c = new Client({ name: 'wtp-test-stdio', version: '1' });
    await c.connect(transport);
    clients.push(c);
    const since = (await api.call('listEvents', { query: { since: 0, limit: 10_000 } })).latestSeq;
    const ok = async (name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> => {
      const r = parsed(await call(c, name, args));
      expect(r.isError, `${name}: ${JSON.stringify(r.doc)}`).toBe(false);
      return r.doc;
    };
    const listed = await ok('list_agents', {});
    expect((listed.agents as { name: string }[]).some((a) => a.name === 'w1')).toBe(true);
    const started = await ok('start_agent', {
      profile: 'shell',
      name: 'w3',
      prompt: 'echo made > made.txt',
    });
    expect(started.agent).toMatchObject({ name: 'w3', startedBy: lead.id });
    await ok('wait_for_state', { agent: 'w3', states: ['running'], timeoutMs: 20_000 });
    const worktree = (started.agent as { worktree: string }).worktree;
    await eventually('the prompt to make its file', () => {
      try {
        return readFileSync(join(worktree, 'made.txt'), 'utf8') === 'made\n';
      } catch {
        return false;
      }
    });
    await ok('send_prompt', { agent: 'w3', text: 'echo second' });
    const screen = await ok('read_screen', { agent: 'w3' });
    expect(typeof screen.screen).toBe('string');
    const log = await eventually('its output in the log', async () => {
      const l = await ok('read_log', { agent: 'w3', tailBytes: 4000 });
      return String(l.text).includes('second') && l;
    });
    expect(String(log.text)).not.toMatch(/\u001b/);
    const diff = await ok('get_diff', { agent: 'w3', stat: true });
    expect((diff.diff as { files: { path: string }[] }).files.map((f) => f.path)).toEqual(['made.txt']);
    const radar = await ok('conflicts', {});
    expect((radar.branches as { agent: string }[]).map((b) => b.agent)).not.toContain('outsider');
    // A shell has no dialog to answer: past the scope, the answerer itself says so.
    expect(codeOf(await call(c, 'answer_dialog', { agent: 'w3', action: 'approve' }))).toBe(
      'ANSWER_NOT_SUPPORTED',
    );
    expect(await ok('commit', { agent: 'w3', message: 'made' })).toMatchObject({
      commit: expect.any(String),
    });
    const merged = await ok('merge', { agent: 'w3', strategy: 'merge' });
    expect(merged).toMatchObject({ ok: true, target: 'main' });
    expect(readFileSync(join(repo, 'made.txt'), 'utf8')).toBe('made\n');
    const stopped = await ok('stop_agent', { agent: 'w3', graceMs: 1000 });
    expect((stopped.agent as { state: string }).state).toMatch(/exited|crashed/);
    const task = await ok('add_task', { title: 'later', prompt: 'do it later', status: 'backlog' });
    const id = (task.task as { id: string }).id;
    const tasks = await ok('list_tasks', { status: 'backlog' });
    expect((tasks.tasks as { id: string }[]).map((t) => t.id)).toEqual([id]);
    expect(await ok('move_task', { task: id, status: 'cancelled' })).toMatchObject({
      task: { status: 'cancelled' },
    });

    // Every call is in the audit as the lead's, and the events they caused carry source agent.
    const { events } = await api.call('listEvents', { query: { since, limit: 10_000 } });
    const calls = events.filter((e) => e.type === 'mcp.toolCalled') as EventRecord<'mcp.toolCalled'>[];
    for (const e of calls) expect(e).toMatchObject({ source: 'agent', agentId: lead.id });
    expect(new Set(calls.map((e) => e.data.tool))).toEqual(new Set(MCP_TOOL_NAMES));
    const w3 = (started.agent as { id: string }).id;
    // A removed worker's token opens nothing any more (its id is gone).
    const w3Token = mcpToken(apiToken, w3);
    await api.call('removeAgent', { params: { agent: w3 }, query: { force: 'true' } });
    const gone = await post(JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }), {
      authorization: `Bearer ${w3Token}`,
    });
    expect(gone.status).toBe(401);
    for (const type of ['agent.created', 'agent.inputSent', 'agent.committed', 'agent.merged']) {
      const e = events.find((x) => x.type === type && x.agentId === w3);
      expect(e?.source, type).toBe('agent');
    }
  });

  it('shows the team: wtp ls puts the workers under their lead, wtp why names who started whom', async () => {
    const ls = await home.run(['ls']);
    expect(ls.code, ls.stderr).toBe(0);
    const names = ls.stdout
      .split('\n')
      .slice(1)
      .map((l) => l.split(/\s{2,}/)[0]?.trim())
      .filter((n) => n !== undefined && n !== '');
    // Two workspaces: names with their workspace.
    const at = names.indexOf('default/lead');
    // w3 was removed by the test before.
    expect(names.slice(at, at + 3)).toEqual(['default/lead', '├─ default/w1', '└─ default/w2']);
    const why = await home.run(['why', 'w1']);
    expect(why.stdout).toMatch(new RegExp(`lead: +started by lead \\(${lead.id}\\) through its MCP tools`));
    const whyLead = await home.run(['why', 'lead']);
    expect(whyLead.stdout).toMatch(/team: +started w1, w2 through its MCP tools/);
    const json = await home.json<{ team?: { lead: { id: string } | null } }>(['why', 'w1']);
    expect(json.doc.team?.lead?.id).toBe(lead.id);
  });
});
