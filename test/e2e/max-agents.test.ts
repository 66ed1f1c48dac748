import { mkdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { TestHome } from '../support/harness.js';
import { taskSteps } from '../support/task-steps.js';

/** `wtp up --max-agents N` caps the agents working on tasks per workspace, over the config. */
describe('wtp up --max-agents', () => {
  const home = new TestHome();
  afterAll(async () => {
    await home.cleanup();
  });

  it('refuses a bad value before starting anything, then caps task agents per workspace', async () => {
    home.writeConfig('tasks:\n  defaultProfile: cmd\n  maxAgentsPerWorkspace: 5\n');
    for (const bad of ['0', '101', 'two']) {
      const r = await home.json(['up', '--detach', '--max-agents', bad]);
      expect(r.code).toBe(2);
      expect(r.doc).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    }
    expect((await home.run(['status'])).code).toBe(3); // no daemon was started

    expect((await home.run(['up', '--detach', '--max-agents', '1'])).code).toBe(0);
    const dir = home.path('work');
    mkdirSync(dir);
    expect((await home.run(['workspace', 'new', 'w', '--cwd', dir, '--backend', 'headless'])).code).toBe(0);
    for (const t of ['first', 'second']) {
      expect((await home.run(['task', 'add', t, '-w', 'w', '--prompt', 'sleep 600'])).code).toBe(0);
    }
    const { task, untilTask } = taskSteps(home);
    await untilTask('first', 'to run', (t) => t.status === 'running');
    const second = await task('second');
    expect([second.status, second.runs]).toEqual(['ready', []]);
    // Stopping the first task's agent gives that run up (no retry) and frees the slot.
    const first = await task('first');
    expect((await home.run(['stop', first.runs[0]?.agentId ?? ''])).code).toBe(0);
    await untilTask('second', 'to run once the first agent ended', (t) => t.status === 'running');
    expect((await task('first')).runs.map((r) => [r.status, r.reason])).toEqual([
      ['discarded', 'agent stopped by the user'],
    ]);
  });
});
