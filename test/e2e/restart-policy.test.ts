import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import { TestHome } from '../support/harness.js';

describe('restart policies with real processes', () => {
  let home: TestHome;
  beforeAll(async () => {
    home = new TestHome();
    // Short delays so the crash-loop rule (3 restarts within 60 s) trips in about a second.
    home.writeConfig(
      'restart:\n  backoffBaseMs: 50\n  backoffMaxMs: 200\n  crashLoopCount: 3\n  crashLoopWindowMs: 60000\n',
    );
    await home.up();
  });
  afterAll(() => home.cleanup());

  it('on-failure restarts a failing agent with backoff and stops it as crashed after a crash loop', async () => {
    await home.run([
      'new',
      'cmd',
      '--name',
      'flaky',
      '--restart',
      'on-failure',
      '--',
      'sh',
      '-c',
      'echo try; exit 7',
    ]);
    const crashed = await home.untilState('flaky', 'crashed', 'the crash-loop stop');
    expect(crashed.stateDetail).toMatchObject({ reason: 'crash_loop', exitCode: 7 });
    expect(crashed.restarts).toBe(3);
    const ev = await home.events('flaky');
    expect(ev.filter((e) => e.type === 'agent.exited')).toHaveLength(4); // first run + 3 restarts
    const loop = ev.find((e) => e.type === 'agent.crashLoopDetected');
    expect(loop?.source).toBe('policy');
    const restarts = ev.filter(
      (e) => e.type === 'agent.stateChanged' && e.data.detail.reason === 'restarting',
    );
    expect(restarts.map((e) => e.type === 'agent.stateChanged' && e.data.detail.attempt)).toEqual([1, 2, 3]);
    const log = (await home.run(['logs', 'flaky', '--plain'])).stdout;
    expect(log.match(/try/g)).toHaveLength(4);
  });

  it('on-failure leaves a clean exit alone', async () => {
    await home.run(['new', 'cmd', '--name', 'clean', '--restart', 'on-failure', '--', 'sh', '-c', 'exit 0']);
    const a = await home.untilState('clean', 'exited', 'the clean exit');
    expect(a).toMatchObject({ restarts: 0, stateDetail: { reason: 'exited', exitCode: 0 } });
  });

  it('always restarts even clean exits, and a manual restart clears the crash history', async () => {
    await home.run([
      'new',
      'cmd',
      '--name',
      'loop',
      '--restart',
      'always',
      '--',
      'sh',
      '-c',
      'echo run; sleep 0.2',
    ]);
    const crashed = await home.untilState('loop', 'crashed', 'always to hit the crash-loop rule');
    expect(crashed.stateDetail.exitCode).toBe(0);
    const again = cliOutputSchemas.agent.parse((await home.json(['restart', 'loop'])).doc).agent;
    expect(again.restarts).toBe(0);
    expect(['running', 'starting']).toContain(again.state);
    await home.run(['stop', 'loop']);
    expect((await home.agent('loop')).state).toBe('exited');
  });
});
