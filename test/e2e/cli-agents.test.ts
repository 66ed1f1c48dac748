import { existsSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import { eventually, TestHome } from '../support/harness.js';
import { isAlive } from '../support/processes.js';

describe('agent commands', () => {
  let home: TestHome;
  beforeAll(async () => {
    home = new TestHome({ SHELL: '/bin/sh' });
    home.writeConfig('stats:\n  intervalMs: 200\n');
    await home.up();
  });
  afterAll(() => home.cleanup());

  it('rejects bad input with a stable code, a clear message and exit status', async () => {
    const cases: [string[], string, number][] = [
      [['new', 'gpt9'], 'PROFILE_UNKNOWN', 1],
      [['new', 'cmd'], 'COMMAND_MISSING', 1],
      [['new', 'cmd', '--', 'no-such-program-xyz'], 'COMMAND_NOT_FOUND', 1],
      [['new', 'cmd', '--cwd', '/no/such/dir', '--', 'true'], 'CWD_INVALID', 1],
      [['new', 'cmd', '--name', 'bad name!', '--', 'true'], 'INVALID_INPUT', 2],
      [['new', 'cmd', '--restart', 'sometimes', '--', 'true'], 'INVALID_INPUT', 2],
      [['new', 'cmd', '--env', 'not-a-pair', '--', 'true'], 'INVALID_INPUT', 2],
      [['new', 'cmd', '--bogus-flag', '--', 'true'], 'INVALID_INPUT', 2],
      [['peek', 'ghost'], 'AGENT_NOT_FOUND', 1],
      [['send', 'ghost', 'hi'], 'AGENT_NOT_FOUND', 1],
      [['logs', 'ghost'], 'AGENT_NOT_FOUND', 1],
      [['stop', 'ghost'], 'AGENT_NOT_FOUND', 1],
      [['stop', 'ghost', '--grace', 'soon'], 'INVALID_INPUT', 2],
      [['ls', '--state', 'dancing'], 'INVALID_INPUT', 2],
    ];
    for (const [args, code, exit] of cases) {
      const r = await home.json(args);
      expect(r.code, args.join(' ')).toBe(exit);
      expect(cliOutputSchemas.error.parse(r.doc).error.code, args.join(' ')).toBe(code);
    }
    const typo = await home.run(['new', 'clade']);
    expect(typo.stderr).toMatch(
      /Unknown profile "clade"; the known profiles are .+\. Did you mean "claude"\?/,
    );
    expect((await home.json(['new', 'clade'])).doc).toMatchObject({
      error: { code: 'PROFILE_UNKNOWN', details: { suggestion: 'claude' } },
    });
    const human = await home.run(['new', 'cmd', '--restart', 'sometimes', '--', 'true']);
    expect(human.code).toBe(2);
    expect(human.stderr).toMatch(/--restart: .*"never"/);
    const file = home.path('a-file');
    writeFileSync(file, 'x');
    const notDir = await home.json(['new', 'cmd', '--cwd', file, '--', 'true']);
    expect(notDir.doc).toMatchObject({
      error: { code: 'CWD_INVALID', details: { reason: 'not_directory' } },
    });
    expect(await home.agents()).toEqual([]); // nothing half-created
  });

  it('creates, lists with resource use, and refuses a duplicate name', async () => {
    const created = await home.json([
      'new',
      'cmd',
      '--name',
      'web',
      '--env',
      'GREETING=hi there',
      '--',
      'sh',
      '-c',
      'echo "$GREETING from $WTP_AGENT_NAME"; exec sleep 300',
    ]);
    const a = cliOutputSchemas.agent.parse(created.doc).agent;
    expect(a).toMatchObject({ name: 'web', profile: 'cmd', state: 'running', restart: 'never' });
    expect(a.command).toMatch(/^\/.*\/sh$/); // resolved on PATH
    expect(a.id).toMatch(/^ag-[0-9a-z]{10}$/);
    expect(a.pid !== null && isAlive(a.pid)).toBe(true);
    const dup = await home.json(['new', 'cmd', '--name', 'web', '--', 'true']);
    expect(dup.doc).toMatchObject({ error: { code: 'AGENT_NAME_TAKEN' } });
    await eventually('the greeting in the log', async () =>
      (await home.run(['logs', 'web'])).stdout.includes('hi there from web'),
    );
    const withStats = await eventually('a resource sample', async () => {
      const w = await home.agent('web');
      return w.stats ? w : undefined;
    });
    expect(withStats.stats?.processes).toBeGreaterThanOrEqual(1);
    expect(withStats.stats?.rssBytes).toBeGreaterThan(100_000);
    expect(withStats.uptimeMs).toBeGreaterThanOrEqual(0);
    const table = (await home.run(['ls'])).stdout;
    expect(table.split('\n')[0]).toMatch(/^NAME\s+ID\s+PROFILE\s+STATE\s+PID\s+UPTIME\s+CPU%\s+RSS\s+CWD$/);
    expect(table).toMatch(/web\s+ag-\w+\s+cmd\s+running\s+\d+/);
    const auto = cliOutputSchemas.agent.parse(
      (await home.json(['new', 'cmd', '--', 'sleep', '300'])).doc,
    ).agent;
    expect(auto.name).toBe('cmd-1');
  });

  it('types into an agent, shows its screen, and audits the input', async () => {
    await home.run(['new', 'shell', '--name', 'sh']);
    const sent = cliOutputSchemas.send.parse(
      (await home.json(['send', 'sh', 'echo $((6 * 7))', '--enter'])).doc,
    );
    expect(sent.bytes).toBe('echo $((6 * 7))'.length + 1);
    const screen = await eventually('the answer on screen', async () => {
      const p = cliOutputSchemas.peek.parse((await home.json(['peek', 'sh'])).doc);
      return p.screen.lines.includes('42') ? p.screen : undefined;
    });
    expect(screen.cols).toBe(120);
    expect(screen.rows).toBe(40);
    const stdin = await home.run(['send', 'sh', '-', '--enter'], { input: 'echo from-stdin' });
    expect(stdin.code).toBe(0);
    await eventually('stdin text on screen', async () =>
      (await home.run(['peek', 'sh'])).stdout.includes('\nfrom-stdin'),
    );
    const audit = (await home.run(['events', '--type', 'agent.inputSent', '--json'])).stdout
      .trim()
      .split('\n');
    const texts = audit
      .map((l) => cliOutputSchemas.event.parse(JSON.parse(l)).event)
      .map((e) => e.type === 'agent.inputSent' && [e.data.text, e.source]);
    expect(texts).toEqual([
      ['echo $((6 * 7))', 'cli'],
      ['echo from-stdin', 'cli'],
    ]);
    // A digit is a key of its own (a dialog's numbered option: `--key 1`).
    expect((await home.run(['send', 'sh', 'echo key'])).code).toBe(0);
    expect((await home.run(['send', 'sh', '--key', '9'])).code).toBe(0);
    expect((await home.run(['send', 'sh', '--key', 'enter'])).code).toBe(0);
    await eventually('the digit on screen', async () =>
      (await home.run(['peek', 'sh'])).stdout.includes('\nkey9'),
    );
  });

  it('follows output with logs -f until the agent exits', async () => {
    await home.run([
      'new',
      'cmd',
      '--name',
      'talker',
      '--',
      'sh',
      '-c',
      'while read l; do echo "said $l"; [ "$l" = bye ] && exit 0; done',
    ]);
    const follower = home.start(['logs', 'talker', '-f', '--plain']);
    let out = '';
    let err = '';
    let exitCode: number | null | undefined;
    follower.stdout.on('data', (d: Buffer) => (out += d.toString()));
    follower.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) =>
      follower.once('exit', (code) => {
        exitCode = code;
        r(code);
      }),
    );
    const one = await home.run(['send', 'talker', 'one', '--enter']);
    expect(one.code, one.stderr).toBe(0);
    // Should it not come, say what the follower, the log and the agent showed.
    await eventually('live output in the follower', () => out.includes('said one')).catch(
      async (e: Error) => {
        const log = (await home.run(['logs', 'talker', '--plain'])).stdout;
        const state = (await home.agent('talker')).state;
        throw new Error(
          `${e.message}\nfollower (exit ${String(exitCode)}): ${JSON.stringify(out)} / ${JSON.stringify(err)}\nlog: ${JSON.stringify(log)}\nagent: ${state}`,
        );
      },
    );
    await home.run(['send', 'talker', 'bye', '--enter']);
    expect(await exited).toBe(0);
    expect(out).toContain('said bye');
    expect((await home.agent('talker')).state).toBe('exited');
  });

  it('stops with SIGTERM and escalates to SIGKILL after the grace delay', async () => {
    await home.run(['new', 'cmd', '--name', 'polite', '--', 'sleep', '300']);
    const stopped = cliOutputSchemas.agent.parse((await home.json(['stop', 'polite'])).doc).agent;
    expect(stopped).toMatchObject({ state: 'exited', stateDetail: { reason: 'stopped', signal: 'SIGTERM' } });
    // A process that ignores SIGTERM and SIGHUP is killed once the grace delay is over.
    await home.run([
      'new',
      'cmd',
      '--name',
      'stubborn',
      '--',
      'sh',
      '-c',
      'trap "" TERM HUP; while :; do sleep 1; done',
    ]);
    const pid = (await home.agent('stubborn')).pid ?? 0;
    const hard = cliOutputSchemas.agent.parse(
      (await home.json(['stop', 'stubborn', '--grace', '300'])).doc,
    ).agent;
    expect(hard).toMatchObject({ state: 'exited', stateDetail: { reason: 'stopped', signal: 'SIGKILL' } });
    expect(isAlive(pid)).toBe(false);
    const send = await home.json(['send', 'stubborn', 'hello']);
    expect(send.doc).toMatchObject({ error: { code: 'AGENT_NOT_RUNNING' } });
  });

  it('restarts an agent with a new process', async () => {
    await home.run(['new', 'cmd', '--name', 'phoenix', '--', 'sleep', '300']);
    const before = await home.agent('phoenix');
    const after = cliOutputSchemas.agent.parse((await home.json(['restart', 'phoenix'])).doc).agent;
    expect(after.state).toBe('running');
    expect(after.pid).not.toBe(before.pid);
    expect(before.pid !== null && isAlive(before.pid)).toBe(false);
    const again = cliOutputSchemas.agent.parse((await home.json(['restart', 'polite'])).doc).agent;
    expect(again).toMatchObject({ state: 'running', stateDetail: { reason: 'spawned' } });
  });

  it('removes only stopped agents unless forced, with their logs', async () => {
    const web = await home.agent('web');
    const refused = await home.json(['rm', 'web']);
    expect(refused.code).toBe(1);
    expect(refused.doc).toMatchObject({ error: { code: 'AGENT_RUNNING', details: { state: 'running' } } });
    expect(web.pid !== null && isAlive(web.pid)).toBe(true);
    const removed = cliOutputSchemas.removed.parse((await home.json(['rm', 'web', '--force'])).doc);
    expect(removed.removed).toBe(web.id);
    expect(web.pid !== null && isAlive(web.pid)).toBe(false);
    expect(existsSync(home.path('agents', web.id))).toBe(false);
    expect((await home.agents()).some((a) => a.name === 'web')).toBe(false);
  });
});
