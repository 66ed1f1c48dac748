import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import { eventually, TestHome } from '../support/harness.js';
import { gitRepo } from '../support/task-steps.js';
import { isAlive } from '../support/processes.js';

/** `wtp restart` of an agent whose folder is gone is refused up front, with what to do instead. */
describe('restart without a working directory (CLI, real git)', () => {
  let home: TestHome;
  let repo: string;
  const refusal = async (name: string) => {
    const r = await home.json(['restart', name]);
    expect(r.code).toBe(1);
    return cliOutputSchemas.error.parse(r.doc).error;
  };
  /** The ended agent's host has left (its disconnect is recorded a moment after the exit). */
  const hostGone = (name: string) =>
    eventually(`${name}'s host to leave`, async () =>
      (await home.events(name)).some((e) => e.type === 'agent.hostDisconnected'),
    );
  /** Nothing was started: no new process, no state change since `before`. */
  const unchanged = async (name: string, before: number) => {
    const events = await home.events(name);
    expect(events.slice(before).map((e) => e.type)).toEqual([]);
  };

  beforeAll(async () => {
    home = new TestHome();
    ({ repo } = gitRepo(home, 'shop', ['app.txt', 'one\n']));
    await home.up();
  });
  afterAll(() => home.cleanup());

  it('after `wtp gc` removed its worktree: WORKTREE_MISSING, and the agent stays as it was', async () => {
    await home.run(['new', 'cmd', '--name', 'a', '--repo', repo, '--', 'true']);
    const a = await home.untilState('a', 'exited');
    const path = a.worktree?.path ?? '';
    const top = a.worktree?.repo ?? '';
    expect(existsSync(path)).toBe(true);
    const gc = await home.json<{ removed: { agent: string }[] }>(['gc']);
    expect(gc.doc.removed.map((r) => r.agent)).toEqual(['a']);
    expect(existsSync(path)).toBe(false);
    await hostGone('a');

    const before = (await home.events('a')).length;
    const err = await refusal('a');
    expect(err).toMatchObject({ code: 'WORKTREE_MISSING', details: { agent: 'a', path } });
    expect(err.message).toContain(`its worktree ${path} no longer exists`);
    // `default` took the repository of its first agent with a worktree: the command names it.
    expect(err.message).toContain(`\`wtp rm a\`, then \`wtp new cmd --name a --repo ${top} …\``);
    await unchanged('a', before);
    expect(await home.agent('a')).toMatchObject({ state: 'exited', pid: null });
    const human = await home.run(['restart', 'a']);
    expect(human.code).toBe(1);
    expect(human.stdout).toBe('');
    expect(human.stderr).toMatch(/cannot restart: its worktree .* no longer exists.*\[WORKTREE_MISSING\]/);
  });

  it('a running agent whose worktree was removed by hand keeps running; the error names its branch', async () => {
    await home.run(['new', 'cmd', '--name', 'b', '--repo', repo, '--', 'sleep', '600']);
    const b = await home.untilState('b', 'running');
    rmSync(b.worktree?.path ?? '', { recursive: true });
    const before = (await home.events('b')).length;
    const err = await refusal('b');
    expect(err).toMatchObject({
      code: 'WORKTREE_MISSING',
      details: { agent: 'b', branch: 'wtp/b', repo },
    });
    expect(err.message).toContain(`--repo ${repo} …\` (\`--branch wtp/b\` goes on from its branch`);
    await unchanged('b', before);
    expect(isAlive(b.pid ?? 0)).toBe(true);
  });

  it('a plain agent whose folder was deleted: CWD_INVALID with the path', async () => {
    const dir = home.path('scratch');
    mkdirSync(dir);
    await home.run(['new', 'cmd', '--name', 'c', '--cwd', dir, '--', 'sleep', '600']);
    await home.run(['stop', 'c']);
    rmSync(dir, { recursive: true });
    await hostGone('c');
    const before = (await home.events('c')).length;
    const err = await refusal('c');
    expect(err).toMatchObject({ code: 'CWD_INVALID', details: { path: dir, reason: 'missing' } });
    expect(err.message).toContain(`its working directory ${dir} does not exist, and nothing was started`);
    await unchanged('c', before);
    // Once the folder is back, it restarts.
    mkdirSync(dir);
    const again = cliOutputSchemas.agent.parse((await home.json(['restart', 'c'])).doc).agent;
    expect(again.state).toBe('running');
  });
});
