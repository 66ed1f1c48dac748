import { mkdirSync, readFileSync } from 'node:fs';
import pty from 'node-pty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, eventually, TestHome } from '../support/harness.js';

/** Where the CLI prints what: results on stdout, progress and hints on stderr; messages a newcomer meets. */
describe('CLI output', () => {
  let home: TestHome;
  beforeAll(async () => {
    home = new TestHome({ SHELL: '/bin/sh' });
    await home.up();
  });
  afterAll(() => home.cleanup());

  it('prints the results of commands on stdout and nothing on stderr', async () => {
    const steps: [string[], RegExp][] = [
      [['new', 'shell', '--name', 'sh'], /^started sh \(ag-\w+\), pid \d+\n$/],
      [['send', 'sh', 'echo hi', '--enter'], /^sent \d+ byte\(s\) to sh and pressed Enter \(event #\d+\)\n$/],
      [['stop', 'sh'], /^sh: exited/],
      [['restart', 'sh'], /^restarted sh \(ag-\w+\), pid \d+\n$/],
      [['rm', '--force', 'sh'], /^removed sh \(ag-\w+\)\n$/],
    ];
    mkdirSync(home.path('repo'));
    steps.push(
      [['workspace', 'new', 'w', '--cwd', home.path('repo')], /^created workspace w \(headless\)/],
      [['workspace', 'rm', 'w'], /^removed workspace w\n$/],
    );
    for (const [args, result] of steps) {
      const r = await home.run(args);
      expect(r, args.join(' ')).toMatchObject({ code: 0, stderr: '' });
      expect(r.stdout, args.join(' ')).toMatch(result);
    }
  });

  it('says which filter of `ls` left every agent out', async () => {
    await home.run(['new', 'cmd', '--name', 'sleeper', '--', 'sleep', '300']);
    await home.run(['workspace', 'new', 'empty', '--cwd', home.dir]);
    const say = async (args: string[]) => (await home.run(['ls', ...args])).stdout.trim();
    expect(await say(['--state', 'working'])).toBe('no agent is working (1 agent in other states)');
    expect(await say(['--workspace', 'empty'])).toBe(
      'no agents in workspace empty (1 agent in other workspaces)',
    );
    expect(await say(['--workspace', 'default', '--state', 'needs_input'])).toBe(
      'no agent in workspace default needs input (1 agent in other states)',
    );
    expect(await say(['--workspace', 'empty', '--state', 'idle'])).toBe(
      'no agent in workspace empty is idle (0 agents in other states)',
    );
    await home.run(['rm', '--force', 'sleeper']);
    await home.run(['workspace', 'rm', 'empty']);
    expect(await say([])).toMatch(/^no agents; start one with `wtp new shell`/);
  });

  it('`logs -f` starts with the last 10 lines (or --tail N), then follows, as `tail -f` does', async () => {
    await home.run([
      'new',
      'cmd',
      '--name',
      'counter',
      '--',
      'sh',
      '-c',
      'i=1; while [ $i -le 30 ]; do echo line-$i; i=$((i+1)); done; read l; echo got-$l',
    ]);
    await eventually('the 30 lines in the log', async () =>
      (await home.run(['logs', 'counter', '--plain'])).stdout.includes('line-30'),
    );
    const follow = async (args: string[]): Promise<string> => {
      const f = home.start(['logs', 'counter', '-f', '--plain', ...args]);
      let out = '';
      f.stdout.on('data', (d: Buffer) => (out += d.toString()));
      await eventually('the first lines', () => out.includes('line-30'));
      f.kill('SIGINT');
      await new Promise((r) => f.once('exit', r));
      return out;
    };
    const lines = (out: string) => out.split(/\r?\n/).filter((l) => l !== '');
    expect(lines(await follow([]))).toEqual(Array.from({ length: 10 }, (_, i) => `line-${i + 21}`));
    expect(lines(await follow(['--tail', '3']))).toEqual(['line-28', 'line-29', 'line-30']);
    // Then what comes next, until the agent exits.
    const f = home.start(['logs', 'counter', '-f', '--plain', '--tail', '1']);
    let out = '';
    f.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => f.once('exit', r));
    await eventually('the last line', () => out.includes('line-30'));
    await home.run(['send', 'counter', 'bye', '--enter']);
    expect(await exited).toBe(0);
    expect(lines(out)).toEqual(['line-30', 'bye', 'got-bye']);
  });

  it('`attach` says on stderr how to detach before it attaches', async () => {
    await home.run(['new', 'shell', '--name', 'term']);
    const errFile = home.path('attach.stderr');
    // A real terminal on stdin and stdout; stderr goes to a file, to tell the two apart.
    const term = pty.spawn(
      '/bin/sh',
      ['-c', 'exec "$0" "$@" 2>"$ERR_FILE"', process.execPath, BIN, 'attach', 'term'],
      { cols: 80, rows: 24, env: { ...(home.env as Record<string, string>), ERR_FILE: errFile } },
    );
    let screen = '';
    term.onData((d) => (screen += d));
    const exited = new Promise<number>((r) => term.onExit(({ exitCode }) => r(exitCode)));
    await eventually('the attached screen', () => screen.includes('\x1b[?1049h'));
    expect(readFileSync(errFile, 'utf8')).toBe(
      'attached to term; detach with Ctrl-] (the agent keeps running)\n',
    );
    term.write('\x1d');
    expect(await exited).toBe(0);
    expect(readFileSync(errFile, 'utf8')).toContain('detached from term');
    await home.run(['rm', '--force', 'term']);
  });
});
