import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import type { DoctorReport } from '../../src/protocol/doctor.js';
import {
  REAL_CLI_TESTS,
  newAgent,
  untilState as waitForState,
  withEvidence,
} from '../support/agent-steps.js';
import { claudeBinary, claudeEnv, prepareClaudeHome } from '../support/claude-cli.js';
import { FakeAnthropic, type FakeRequest, type FakeTurn } from '../support/fake-anthropic.js';
import { eventually, TestHome } from '../support/harness.js';

/**
 * Issue 29: the real Claude Code 2.1.330, offline, started without `--permission-mode` runs in its
 * auto mode and runs `echo hi > out.txt` without asking: the daemon reports it `auto` and `wtp
 * doctor` warns about it. One started with `--permission-mode default` is `default`, asks, and is
 * not warned about; shift+tab during a session changes the mode, and the daemon follows.
 */
const API_KEY = 'sk-ant-test-0000000000000000000000000000wtp-e2e-key';

function script(req: FakeRequest): FakeTurn {
  if (req.hasToolResult) return { text: 'Done.' };
  if (req.lastUserText.includes('write the file')) {
    return {
      toolUse: { name: 'Bash', input: { command: 'echo hi > out.txt', description: 'write a file' } },
    };
  }
  return { text: 'ok' };
}

describe('real Claude Code: the effective permission mode', REAL_CLI_TESTS, () => {
  let home: TestHome;
  let api: FakeAnthropic;
  const dir = (name: string): string => home.path('proj', name);
  const untilState = (name: string, state: string, what: string): Promise<AgentView> =>
    waitForState(home, name, state, what);
  /** Waits until the agent's permission is `mode`, told by one of `sources`. */
  const untilMode = (name: string, mode: string, sources: string[]): Promise<AgentView> => {
    let seen = 'nothing read';
    return withEvidence(
      home,
      name,
      eventually(
        `${name} to be reported ${mode} by ${sources.join(' or ')}`,
        async () => {
          const a = await home.agent(name);
          seen = JSON.stringify(a.permission);
          return a.permission?.mode === mode && sources.includes(a.permission.source) ? a : undefined;
        },
        60_000,
      ).catch((err: unknown) => {
        if (err instanceof Error) err.message += `; last seen: ${seen}`;
        throw err;
      }),
    );
  };
  const doctor = async (): Promise<{ report: DoctorReport; text: string }> => {
    const r = await home.json(['doctor']);
    return { report: cliOutputSchemas.doctor.parse(r.doc), text: (await home.run(['doctor'])).stdout };
  };

  beforeAll(async () => {
    api = await FakeAnthropic.start(script);
    home = new TestHome({ WTP_BACKEND: 'headless', WTP_CLAUDE_BIN: claudeBinary() });
    for (const name of ['auto', 'asks', 'cycle']) mkdirSync(home.path('proj', name), { recursive: true });
    prepareClaudeHome(home.path('home'), { cwd: dir('auto'), apiKey: API_KEY, trusted: false });
    Object.assign(home.env, claudeEnv({ home: home.path('home'), baseUrl: api.url, apiKey: API_KEY }));
    await home.up();
    await Promise.all([
      newAgent(home, 'claude', 'auto', dir('auto'), ['--prompt', 'write the file']),
      newAgent(home, 'claude', 'asks', dir('asks'), [
        '--permission-mode',
        'default',
        '--prompt',
        'write the file',
      ]),
      newAgent(home, 'claude', 'cycle', dir('cycle'), ['--permission-mode', 'default']),
    ]);
  }, 120_000);

  afterAll(async () => {
    await home?.cleanup();
    await api?.close();
  });

  it('started without --permission-mode: auto (its default), it writes without asking, and doctor warns', async () => {
    // Its turn's end (not the prompt it showed before the prompt was typed).
    await withEvidence(
      home,
      'auto',
      eventually(
        'auto to finish its turn',
        async () => {
          const a = await home.agent('auto');
          return a.state === 'idle' && a.stateDetail.reason === 'turn_done' ? a : undefined;
        },
        60_000,
      ),
    );
    // It ran the command without a dialog: the file is there, and it never waited.
    expect(readFileSync(`${dir('auto')}/out.txt`, 'utf8')).toBe('hi\n');
    const events = await home.events('auto');
    const states = events.flatMap((e) => (e.type === 'agent.stateChanged' ? [e.data.to] : []));
    expect(states).not.toContain('needs_permission');
    // The defect of issue 29: doctor said "no running agent acts without asking".
    const first = (await doctor()).report.checks.find((c) => c.id === 'permissions');
    expect(first?.summary).not.toContain('no running agent acts without asking');
    expect(first?.status).toBe('warn');
    const a = await untilMode('auto', 'auto', ['hook', 'screen']);
    expect(a.permission).toMatchObject({
      mode: 'auto',
      native: 'auto',
      withoutAsking: 'commands',
      origin: 'vendor_default',
      originDetail: "Claude Code 2.1.330's default",
    });
    const ls = (await home.run(['ls'])).stdout.split('\n');
    expect(ls[0]).toMatch(/\bSTATE\s+NO ASKING\s+PID\b/);
    expect(ls.find((l) => l.startsWith('auto '))).toMatch(/\bidle\s+auto\s+\d+/);
    expect(ls.find((l) => l.startsWith('cycle '))).toMatch(/\bidle\s+-\s+\d+/);
    const why = (await home.run(['why', 'auto'])).stdout;
    expect(why).toMatch(
      /^ {2}mode: {6}auto — runs the commands it judges safe without asking \(Claude Code 2\.1\.330's default; from its (hook|screen)\)$/m,
    );
    const { report, text } = await doctor();
    expect(report.broadPermissions.modes).toEqual([
      expect.objectContaining({
        agent: 'auto',
        profile: 'claude',
        permission: expect.objectContaining({ mode: 'auto', origin: 'vendor_default' }),
        askWith: 'wtp new claude --permission-mode default',
      }),
    ]);
    expect(report.broadPermissions.agents).toEqual([]);
    expect(text).toMatch(
      /^warn {2}permissions +agents that act without asking: auto \(claude auto: runs the commands it judges safe without asking; Claude Code 2\.1\.330's default\)$/m,
    );
    expect(text).toContain('wtp new claude --permission-mode default');
  });

  it('started with --permission-mode default: default, it asks, and doctor leaves it out', async () => {
    const a = await untilState('asks', 'needs_permission', 'asks to show its dialog');
    expect(existsSync(`${dir('asks')}/out.txt`)).toBe(false);
    const told = await untilMode('asks', 'default', ['hook', 'screen']);
    expect(told.permission).toMatchObject({
      mode: 'default',
      withoutAsking: 'nothing',
      origin: 'args',
      originDetail: '--permission-mode default',
    });
    expect(a.permission?.mode).toBe('default');
    const { report } = await doctor();
    expect(report.broadPermissions.modes.map((m) => m.agent)).not.toContain('asks');
  });

  it('follows shift+tab: default → accept edits (now warned about) → plan', async () => {
    await untilState('cycle', 'idle', 'cycle to be at its prompt');
    await untilMode('cycle', 'default', ['screen']);
    expect((await home.run(['send', 'cycle', '--key', 'shift-tab'])).code).toBe(0);
    const edits = await untilMode('cycle', 'accept_edits', ['screen']);
    expect(edits.permission).toMatchObject({
      native: 'acceptEdits',
      withoutAsking: 'edits',
      origin: 'session',
      evidence: expect.stringMatching(/^screen line \d+: "⏵⏵ accept edits on/),
    });
    const changes = (await home.events('cycle')).flatMap((e) =>
      e.type === 'agent.permissionModeChanged' ? [[e.data.from, e.data.permission.mode, e.source]] : [],
    );
    expect(changes).toEqual([['default', 'accept_edits', 'host']]);
    const { report } = await doctor();
    expect(report.broadPermissions.modes.map((m) => [m.agent, m.permission.mode])).toContainEqual([
      'cycle',
      'accept_edits',
    ]);
    expect((await home.run(['send', 'cycle', '--key', 'shift-tab'])).code).toBe(0);
    await untilMode('cycle', 'plan', ['screen']);
    expect((await doctor()).report.broadPermissions.modes.map((m) => m.agent)).not.toContain('cycle');
  });
});
