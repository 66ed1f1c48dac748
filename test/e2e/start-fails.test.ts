import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { REAL_CLI_TESTS, untilState } from '../support/agent-steps.js';
import { claudeBinary, claudeEnv, prepareClaudeHome } from '../support/claude-cli.js';
import { FakeAnthropic } from '../support/fake-anthropic.js';
import { TestHome } from '../support/harness.js';

/**
 * A start that fails is told by `wtp new` itself, with the CLI's own words, not only in `wtp logs`
 * (a first day: "started", exit 0, then exited(1) 400 ms later). On the real Claude Code (pinned).
 */
const API_KEY = 'sk-ant-test-0000000000000000000000000000wtp-e2e-key';
const ROOT_REFUSAL = /cannot be used with root\/sudo privileges/;

describe('a start that fails, told where it was asked for (real Claude Code, tmux)', REAL_CLI_TESTS, () => {
  let home: TestHome;
  let api: FakeAnthropic;
  let proj = '';

  beforeAll(async () => {
    api = await FakeAnthropic.start(() => ({ text: 'ok' }));
    home = new TestHome({ WTP_BACKEND: 'tmux' });
    // The CLI through a wrapper in the test's home, under /tmp: inside a sandbox that folder is empty.
    const wrapper = home.path('bin', 'claude');
    mkdirSync(home.path('bin'), { recursive: true });
    writeFileSync(wrapper, `#!/bin/sh\nexec ${claudeBinary()} "$@"\n`, { mode: 0o755 });
    home.env.WTP_CLAUDE_BIN = wrapper;
    proj = home.path('proj');
    mkdirSync(proj);
    prepareClaudeHome(home.path('home'), { cwd: proj, apiKey: API_KEY, trusted: true });
    Object.assign(home.env, claudeEnv({ home: home.path('home'), baseUrl: api.url, apiKey: API_KEY }));
    // As on a first day as root: nothing tells Claude Code it runs in a sandbox.
    delete home.env.IS_SANDBOX;
    await home.up();
  }, 60_000);

  afterAll(async () => {
    await home?.cleanup();
    await api?.close();
  });

  it.runIf(process.getuid?.() === 0)(
    'as root, bypassPermissions: wtp new exits 1 with Claude Code’s refusal; ls, why and --json keep it',
    async () => {
      const r = await home.run(
        ['new', 'claude', '--name', 'bold', '--cwd', proj, '--permission-mode', 'bypassPermissions'],
        { timeoutMs: 60_000 },
      );
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stdout).toMatch(/^bold \(ag-\w+\) exited at its start: exited\(1\)$/m);
      expect(r.stdout).toMatch(new RegExp(`^  it said: .*${ROOT_REFUSAL.source}`, 'm'));
      expect(r.stdout).toContain('`wtp logs bold`');

      const ls = await home.run(['ls']);
      const [head, row] = ls.stdout.trimEnd().split('\n');
      expect(head).toMatch(/\s+SAID$/);
      expect(row).toMatch(ROOT_REFUSAL);
      const why = await home.run(['why', 'bold']);
      expect(why.stdout).toMatch(new RegExp(`^  said: +.*${ROOT_REFUSAL.source}`, 'm'));
      const listed = await home.json<{ agents: AgentView[] }>(['ls']);
      expect(listed.doc.agents[0]?.stateDetail.lastWords).toMatch(ROOT_REFUSAL);
      await home.run(['rm', 'bold']);
    },
  );

  it('a healthy start is told as started (the watch ends when its CLI is read, or after 2 s)', async () => {
    const r = await home.json<{ agent: AgentView }>(['new', 'claude', '--name', 'fine', '--cwd', proj]);
    expect(r.code, r.stderr).toBe(0);
    expect(['running', 'idle', 'needs_input', 'working']).toContain(r.doc.agent.state);
    await untilState(home, 'fine', 'idle', 'its prompt', 'tmux');
    // A refused action leaves its reason in the daemon's log as well as on the command line.
    const refused = await home.run(['approve', 'fine']);
    expect(refused.stderr).toContain('[AGENT_NOT_WAITING]');
    const log = readFileSync(home.path('logs', 'daemon.log'), 'utf8').split('\n');
    expect(log.find((l) => l.includes('"request refused"'))).toMatch(
      /"code":"AGENT_NOT_WAITING".*"url":"\/api\/v1\/agents\/fine\/answer"/,
    );
    await home.run(['rm', '--force', 'fine']);
  });

  it('--sandbox with the CLI under /tmp (private inside): refused before anything starts', async () => {
    const r = await home.json(['new', 'claude', '--name', 'boxed', '--cwd', proj, '--sandbox']);
    expect(r.code).not.toBe(0);
    expect(r.doc).toMatchObject({
      error: { code: 'SANDBOX_COMMAND_HIDDEN', details: { file: home.path('bin', 'claude') } },
    });
    const ls = await home.json<{ agents: AgentView[] }>(['ls']);
    expect(ls.doc.agents.map((a) => a.name)).not.toContain('boxed');
  });
});
