import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestHome } from '../support/harness.js';

/**
 * `wtp ls` and `wtp ls --json` run without building the program (src/interfaces/cli/fast-path.ts,
 * issue 32): the same output as the whole CLI gives, the same errors, printed once, and really less
 * loaded — the Node modules commander and the other commands pull in stay out.
 */
describe('the CLI fast path (wtp ls)', () => {
  let home: TestHome;
  /** A CommonJS preload that writes the Node built-in modules this process loaded, at its exit. */
  let loadList: string;
  beforeAll(() => {
    home = new TestHome({ SHELL: '/bin/sh' });
    loadList = home.path('load-list.cjs');
    writeFileSync(
      loadList,
      `process.on('exit', () => require('fs').writeFileSync(process.env.LOADED_TO, process.moduleLoadList.join('\\n')));\n`,
    );
  });
  afterAll(() => home.cleanup());

  const builtins = async (args: string[]): Promise<string[]> => {
    const to = home.path(`loaded-${args.join('_')}.txt`);
    const r = await home.run(args, {
      wrap: ['env', `LOADED_TO=${to}`, `NODE_OPTIONS=--require ${loadList}`],
    });
    expect(r.code, r.stderr).toBe(0);
    return readFileSync(to, 'utf8').split('\n');
  };

  it('reports a daemon that is not running once, as every command does', async () => {
    const json = await home.run(['ls', '--json']);
    expect(json.code).toBe(1);
    const docs = json.stdout.trim().split('\n');
    expect(docs).toHaveLength(1);
    expect(JSON.parse(docs[0] ?? '')).toMatchObject({ error: { code: 'DAEMON_NOT_RUNNING' } });
    const text = await home.run(['ls']);
    expect(text.code).toBe(1);
    expect(text.stdout).toBe('');
    expect(text.stderr.match(/DAEMON_NOT_RUNNING/g)).toHaveLength(1);
    // The same as the whole CLI says it (an option sends `ls` there).
    const full = await home.run(['ls', '--state', 'running']);
    expect(text.stderr).toBe(full.stderr);
  });

  it('lists what the whole CLI lists, and loads none of its modules', async () => {
    expect((await home.run(['up', '--detach'])).code).toBe(0);
    expect((await home.run(['new', 'cmd', '--name', 'sleeper', '--', 'sleep', '300'])).code).toBe(0);
    await home.untilState('sleeper', 'running');
    const fast = await home.run(['ls', '--json']);
    const full = await home.run(['ls', '--json', '--state', 'running']);
    const comparable = (stdout: string) =>
      (JSON.parse(stdout) as { agents: Record<string, unknown>[] }).agents.map(
        ({ stats: _s, uptimeMs: _u, ...a }) => a,
      );
    expect(comparable(fast.stdout)).toEqual(comparable(full.stdout));
    const text = await home.run(['ls']);
    expect(text.stdout).toMatch(/^NAME +ID +PROFILE +STATE .*\nsleeper +ag-\w+ +cmd +running /);

    // The whole CLI (commander, every command) loads child_process and dgram; `ls` needs neither.
    const fastLoaded = await builtins(['ls', '--json']);
    const fullLoaded = await builtins(['ls', '--json', '--local']);
    for (const m of ['NativeModule child_process', 'NativeModule dgram']) {
      expect(fullLoaded).toContain(m);
      expect(fastLoaded).not.toContain(m);
    }
    expect(fastLoaded.length).toBeLessThan(fullLoaded.length);
  });
});
