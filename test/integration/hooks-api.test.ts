import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WtpClient } from '../../src/client/wtp-client.js';
import { environmentForChildren, readEnv } from '../../src/config/env.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon/main.js';
import { hookToken } from '../../src/interfaces/server/auth.js';
import type { AgentView } from '../../src/protocol/agent.js';
import { agentEvent } from '../../src/core/model/agent-event.js';
import type { CliOutput } from '../../src/protocol/cli-output.js';
import { ENTRY, eventually, sleep, TestHome } from '../support/harness.js';

const FAKE_CLAUDE = resolve('test/fixtures/fake-claude/claude');

/** Hook intake over TCP as Claude Code's http hooks call it, `why` and `profiles`. */
describe('hooks, why and profiles (in-process daemon, stand-in claude)', () => {
  let home: TestHome;
  let daemon: RunningDaemon;
  let client: WtpClient;
  let token: string;
  let agent: AgentView;
  let other: AgentView;
  const url = (path: string): string => `http://127.0.0.1:${daemon.tcpPort ?? 0}${path}`;
  const post = (id: string, body: unknown, bearer?: string) =>
    fetch(url(`/api/v1/hooks/${id}`), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }),
      },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    home = new TestHome({ WTP_CLAUDE_BIN: FAKE_CLAUDE });
    daemon = await startDaemon({
      entry: ENTRY,
      env: readEnv(home.env),
      childEnv: environmentForChildren(home.env),
    });
    client = new WtpClient({ socketPath: daemon.paths.apiSocket, source: 'api' });
    token = readFileSync(daemon.paths.tokenFile, 'utf8').trim();
    ({ agent } = await client.call('createAgent', {
      body: { profile: 'claude', name: 'api', cwd: home.dir, permissionMode: 'plan' },
    }));
    ({ agent: other } = await client.call('createAgent', {
      body: { profile: 'claude', name: 'web', cwd: home.dir },
    }));
  });
  afterAll(async () => {
    await daemon.stop({ stopAgents: true });
    await home.cleanup();
  });

  it('prepares the agent: version, per-agent settings with http hooks, trust in its HOME', () => {
    expect(agent).toMatchObject({ state: 'running', version: '2.1.330', sessionId: null });
    const settingsFile = join(daemon.paths.stateDir, 'agents', agent.id, 'claude-settings.json');
    expect(agent.args).toEqual(['--permission-mode', 'plan']);
    const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as {
      hooks: Record<string, { hooks: { url: string }[] }[]>;
    };
    expect(settings.hooks.Stop?.[0]?.hooks[0]?.url).toBe(url(`/api/v1/hooks/${agent.id}`));
    const state = JSON.parse(readFileSync(home.path('home', '.claude.json'), 'utf8')) as {
      projects: Record<string, unknown>;
    };
    expect(state.projects[home.dir]).toEqual({ hasTrustDialogAccepted: true });
  });

  it('takes a hook call with the per-agent token (or the API token), never another agent’s', async () => {
    const body = { hook_event_name: 'UserPromptSubmit', session_id: 'sess-a', prompt: 'hi' };
    expect((await post(agent.id, body)).status).toBe(401);
    expect((await post(agent.id, body, hookToken(token, other.id))).status).toBe(401);
    const ok = await post(agent.id, body, hookToken(token, agent.id));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({});
    const a = await eventually('the hook to set working', async () => {
      const { agent: got } = await client.call('getAgent', { params: { agent: agent.id } });
      return got.state === 'working' && got;
    });
    expect(a).toMatchObject({
      sessionId: 'sess-a',
      stateDetail: { source: 'hook', evidence: 'hook UserPromptSubmit' },
    });
    expect((await post(agent.id, { hook_event_name: 'Stop' }, token)).status).toBe(200);
  });

  it('a hook call ends its connection: a client that reuses it (Claude Code ignores the Keep-Alive hint) never writes as the server closes it', async () => {
    // Node closes an idle keep-alive socket after 5 s; Claude Code reuses pooled connections past
    // that and got `read ECONNRESET` about one hook in twelve. Each hook answer now says
    // `Connection: close` and the server ends the socket, so no hook is sent on a closing one.
    const body = JSON.stringify({ hook_event_name: 'UserPromptSubmit', session_id: 'sess-a', prompt: 'hi' });
    const socket = connect(daemon.tcpPort ?? 0, '127.0.0.1');
    const request =
      `POST /api/v1/hooks/${agent.id} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n` +
      `Authorization: Bearer ${hookToken(token, agent.id)}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    socket.write(request);
    let raw = '';
    socket.on('data', (chunk: Buffer) => (raw += chunk.toString('latin1')));
    // The server ends the connection by itself once it answered: 'end' comes without the client closing.
    await new Promise<void>((resolveEnd, reject) => {
      socket.once('end', resolveEnd);
      socket.once('error', reject);
    });
    socket.destroy();
    expect(raw).toMatch(/^HTTP\/1\.1 200 /);
    expect(raw.toLowerCase()).toContain('\r\nconnection: close\r\n');
  });

  it('`wtp hook --agent ID` (the command-hook fallback) forwards stdin over the unix socket', async () => {
    const payload = JSON.stringify({
      hook_event_name: 'SessionStart',
      session_id: 'sess-cmd',
      source: 'resume', // a resumed session: one to resume again (a fresh one is kept from its first prompt)
    });
    const r = await home.run(['hook', '--agent', other.id], { input: payload });
    expect(r.code, r.stderr).toBe(0);
    expect((await client.call('getAgent', { params: { agent: other.id } })).agent.sessionId).toBe('sess-cmd');
    const junk = await home.run(['hook', '--agent', other.id], { input: 'not json' });
    expect(junk.code).toBe(0); // a hook must never fail the agent's tool call
    expect(junk.stderr).toContain('not JSON');
  });

  it('rejects bodies that are not hook payloads, and agents that take no hooks', async () => {
    const bad = await post(agent.id, { nope: 1 }, hookToken(token, agent.id));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'INVALID_INPUT' });
    const ghost = await post('ag-ghost', { hook_event_name: 'Stop' }, hookToken(token, 'ag-ghost'));
    expect(ghost.status).toBe(403);
    expect(await ghost.json()).toMatchObject({ code: 'HOOK_REJECTED' });
  });

  it('explains the state with `why`, and lists the profiles', async () => {
    // Held for the user's answer while the agent waits (Claude Code draws its dialog meanwhile).
    const held = post(agent.id, { hook_event_name: 'PermissionRequest', tool_name: 'Bash' }, token);
    const why = await eventually('needs_permission', async () => {
      const got = await client.call('agentWhy', { params: { agent: 'api' } });
      return got.agent.state === 'needs_permission' && got;
    });
    expect(why.signals.map((s) => s.evidence)).toEqual(
      expect.arrayContaining(['hook UserPromptSubmit', 'hook Stop', 'hook PermissionRequest Bash']),
    );
    expect(why.rules.length).toBeGreaterThan(3);
    // Plain words first; the signal behind them with --verbose.
    const text = await home.run(['why', 'api']);
    expect(text.stdout).toMatch(/^api is needs_permission since .*\n {2}why: {7}asks to run Bash\b/);
    expect(text.stdout).not.toContain('evidence:');
    const verbose = await home.run(['why', 'api', '--verbose']);
    expect(verbose.stdout).toMatch(/evidence: {2}hook PermissionRequest Bash/);
    const { profiles } = await client.call('listProfiles');
    expect(profiles.find((p) => p.name === 'claude')).toMatchObject({
      signals: ['status', 'hook', 'stream', 'screen', 'process'],
      agentAware: true,
      program: FAKE_CLAUDE,
      found: FAKE_CLAUDE,
      answers: { always: true },
    });
    expect(profiles.find((p) => p.name === 'cmd')).toMatchObject({
      agentAware: false,
      program: null,
      answers: null,
    });
    expect(profiles.find((p) => p.name === 'aider')?.answers).toBeNull();
    // The agent goes on without an answer from here (its dialog was answered in its terminal): let go, empty.
    expect(await Promise.race([held.then(() => 'answered'), sleep(200).then(() => 'held')])).toBe('held');
    await post(agent.id, { hook_event_name: 'UserPromptSubmit' }, token);
    expect(await (await held).json()).toEqual({});
  });

  it('refuses to type into a working agent unless forced (AGENT_BUSY)', async () => {
    await post(agent.id, { hook_event_name: 'UserPromptSubmit' }, token);
    await eventually(
      'working',
      async () => (await client.call('getAgent', { params: { agent: 'api' } })).agent.state === 'working',
    );
    const r = await home.run(['send', 'api', 'hello', '--enter']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Agent "api" is working \(hook UserPromptSubmit\).*\[AGENT_BUSY\]/);
    const forced = await home.json(['send', 'api', 'hello', '--force']);
    expect(forced).toMatchObject({ code: 0, doc: { agent: 'api', bytes: 5 } });
    const { events } = await client.call('listEvents', {
      query: { agent: agent.id, types: 'agent.inputSent' },
    });
    expect(events.map((e) => [e.source, e.type === 'agent.inputSent' && e.data.forced])).toEqual([
      ['cli', true],
    ]);
  });

  it('what a waiting agent asks: `wtp ls` (ASKS) and --json; `wtp why` and `wtp report` show who answered', async () => {
    const write = {
      hook_event_name: 'PermissionRequest',
      session_id: 'sess-w',
      tool_name: 'Write',
      tool_input: { file_path: `${home.dir}/notes.txt`, content: 'one\ntwo\n' },
    };
    // The dialog told first without what it asks (a Notification), then with it: filled in.
    const note = {
      hook_event_name: 'Notification',
      session_id: 'sess-w',
      notification_type: 'permission_prompt',
      message: 'Claude needs your permission to use Write',
    };
    expect((await post(other.id, note, hookToken(token, other.id))).status).toBe(200);
    await eventually('web to wait', async () => (await home.agent('web')).state === 'needs_permission');
    // Held until the daemon stops (no answer is given here).
    void post(other.id, write, hookToken(token, other.id)).catch(() => undefined);
    const request = {
      kind: 'permission',
      tool: 'Write',
      about: `${home.dir}/notes.txt`,
      complete: true,
      diff: 'one\ntwo\n',
    };
    const ls = await eventually('web to ask for its Write', async () => {
      const r = await home.json<CliOutput<'ls'>>(['ls']);
      const web = r.doc.agents.find((a) => a.name === 'web');
      return web?.stateDetail.request?.tool === 'Write' && r.doc;
    });
    expect(ls.agents.find((a) => a.name === 'web')?.stateDetail.request).toEqual(request);
    const text = (await home.run(['ls'])).stdout.split('\n');
    expect(text[0]).toMatch(/\s+CWD\s+ASKS$/);
    // A file in the agent's folder is named relative to it.
    expect(text.find((l) => l.startsWith('web '))).toMatch(/\s+to use Write: notes\.txt$/);
    expect(text.find((l) => l.startsWith('api '))).toMatch(/\s+-$/);
    // On a 60-column terminal every row fits: the name, the state, a mode that acts unasked and what
    // it asks stay (that cut with "…"); the other columns give way.
    home.env.COLUMNS = '60';
    const narrow = (await home.run(['ls'])).stdout.trimEnd().split('\n');
    delete home.env.COLUMNS;
    expect(
      narrow.every((l) => l.length <= 60),
      narrow.join('\n'),
    ).toBe(true);
    expect(narrow[0]).toMatch(/^NAME\s+STATE\s+NO ASKING\s+ASKS$/);
    expect(narrow.find((l) => l.startsWith('web '))).toMatch(
      /\sneeds_permission\s+auto\s+to use Write: notes\.txt$/,
    );
    const filled = await home.run(['events', '--agent', 'web', '--type', 'agent.requestChanged']);
    expect(filled.stdout).toMatch(
      /agent\.requestChanged +web +asks to use Write: \S+\/notes\.txt +\[agent\]/,
    );

    // The answers the lead's core records (agent.approved / denied / answered), here recorded by hand.
    const web = daemon.core.registry.get(other.id);
    if (!web) throw new Error('no web agent');
    const answer = { tool: 'Write', about: `${home.dir}/notes.txt`, keys: ['enter'], waitedMs: 1200 };
    await daemon.core.registry.record([
      agentEvent(web, 'policy', 'agent.approved', {
        ...answer,
        via: 'policy',
        rule: 'Write(notes.txt)',
        always: false,
        scope: null,
      }),
      agentEvent(web, 'cli', 'agent.denied', { ...answer, via: 'cli', keys: ['esc'], message: 'not now' }),
    ]);
    const why = await home.json<CliOutput<'why'>>(['why', 'web']);
    expect(why.doc.answers).toMatchObject([
      { action: 'approved', via: 'policy', rule: 'Write(notes.txt)', tool: 'Write', detail: null },
      { action: 'denied', via: 'cli', rule: null, detail: 'not now', waitedMs: 1200 },
    ]);
    // A hook call that failed on the CLI's side (HookWatch noticed its dialog came without it).
    await daemon.core.registry.record([
      agentEvent(web, 'daemon', 'agent.hookMissed', {
        event: 'PermissionRequest',
        announcedBy: 'status',
        waitedMs: 3000,
      }),
    ]);
    const whyDoc = await home.json<CliOutput<'why'>>(['why', 'web']);
    expect(whyDoc.doc.hookMisses).toMatchObject([{ event: 'PermissionRequest', announcedBy: 'status' }]);
    const whyText = (await home.run(['why', 'web', '--verbose'])).stdout;
    expect(whyText).toMatch(
      /hook missed: \d\d:\d\d:\d\d a dialog announced by its status came without its PermissionRequest hook/,
    );
    expect(whyText).toContain('  asks:      to use Write: ');
    expect(whyText).toContain('  change:    2 line(s) (--json has it)\n');
    expect(whyText).toMatch(/recent answers \(oldest first\):\nTIME +ANSWER +VIA +RULE +ABOUT\n/);
    expect(whyText).toMatch(/\d\d:\d\d:\d\d +approved +policy +Write\(notes\.txt\) +Write: \S*notes\.txt\n/);
    expect(whyText).toMatch(/\d\d:\d\d:\d\d +denied not now +cli +- +Write: /);
    // The wait is still open: counted up to now, ended by the last answer given while it was open.
    const report = await home.json<CliOutput<'report'>>(['report', '--since', '1h']);
    expect(report.doc.agents.find((a) => a.name === 'web')).toMatchObject({
      waits: 1,
      answeredBy: { cli: 1 },
    });
    expect((await home.run(['report', '--since', '1h'])).stdout).toMatch(/^web .* 1 \(cli 1\) /m);
  });

  it('a PermissionRequest no rule decides is held over HTTP until `wtp approve`, which answers through it', async () => {
    await post(agent.id, { hook_event_name: 'UserPromptSubmit' }, token);
    const held = post(
      agent.id,
      { hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: { command: 'npm test' } },
      token,
    );
    await eventually('needs_permission', async () => (await home.agent('api')).state === 'needs_permission');
    const approving = home.json<CliOutput<'answers'>>(['approve', 'api']);
    const res = await held;
    expect(await res.json()).toEqual({
      hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'allow' } },
    });
    await post(agent.id, { hook_event_name: 'PostToolUse', tool_name: 'Bash' }, token);
    const approved = await approving;
    expect(approved.doc.answered[0]).toMatchObject({
      about: 'npm test',
      keys: [],
      channel: 'hook',
      left: true,
    });
  });
});
