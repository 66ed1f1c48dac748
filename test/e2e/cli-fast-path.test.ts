import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestHome } from '../support/harness.js';

const DIST_WTP = new URL('../../dist/wtp.js', import.meta.url).pathname;

/**
 * Calls run without building the program: `wtp ls` and `wtp diff` in their common forms, answering
 * one agent (src/interfaces/cli/fast-path.ts; bin/wtp sends `approve|deny AGENT` through curl,
 * without Node, where curl is), and `wtp hook` as agent CLIs run it (src/interfaces/cli/commands/
 * hook.ts): the same output as the whole CLI gives, the same errors, printed once, and really less
 * loaded — the Node modules commander and the other commands pull in stay out.
 */
describe('the CLI fast paths (wtp ls, wtp diff, wtp approve/deny/answer, wtp hook)', () => {
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

  const builtins = async (args: string[], code = 0): Promise<string[]> => {
    const to = home.path(`loaded-${args.join('_').replace(/\W/g, '_')}.txt`);
    const r = await home.run(args, {
      wrap: ['env', `LOADED_TO=${to}`, `NODE_OPTIONS=--require ${loadList}`],
    });
    expect(r.code, r.stderr).toBe(code);
    return readFileSync(to, 'utf8').split('\n');
  };

  it('reports a daemon that is not running once, as every command does', async () => {
    const json = await home.run(['ls', '--json']);
    expect(json.code).toBe(1);
    const docs = json.stdout.trim().split('\n');
    expect(docs).toHaveLength(1);
    expect(JSON.parse(docs[0] ?? '')).toMatchObject({ error: { code: 'DAEMON_NOT_RUNNING' } });
    // An answer with no daemon: handed to the whole CLI, which says so once.
    const approve = await home.run(['approve', 'a1']);
    expect([approve.code, approve.stdout]).toEqual([1, '']);
    expect(approve.stderr.match(/DAEMON_NOT_RUNNING/g)).toHaveLength(1);
    // bin/wtp with no socket to send to: nothing through curl, handed to Node (none on its PATH here).
    expect((await home.runCurl(['approve', 'a1'])).code).toBe(127);
    const text = await home.run(['ls']);
    expect(text.code).toBe(1);
    expect(text.stdout).toBe('');
    expect(text.stderr.match(/DAEMON_NOT_RUNNING/g)).toHaveLength(1);
    // The same as the whole CLI says it (an option sends `ls` there).
    const full = await home.run(['ls', '--state', 'running']);
    expect(text.stderr).toBe(full.stderr);
    // A hook call as agent CLIs make it, and through the whole CLI (`--agent=ID` is not a fast form).
    const payload = '{"hook_event_name":"Stop"}';
    const hook = await home.run(['hook', '--agent', 'ag-x'], { input: payload });
    const hookFull = await home.run(['hook', '--agent=ag-x'], { input: payload });
    expect(hook.code).toBe(1);
    expect(hook.stderr.match(/DAEMON_NOT_RUNNING/g)).toHaveLength(1);
    expect([hook.code, hook.stdout, hook.stderr]).toEqual([hookFull.code, hookFull.stdout, hookFull.stderr]);
    // A decision hook never fails its CLI: no daemon, no decision, exit 0.
    const decide = await home.run(['hook', '--agent', 'ag-x', '--decide'], { input: payload });
    expect([decide.code, decide.stdout]).toEqual([0, '']);
    expect(decide.stderr).toMatch(/^wtp hook: not decided \(.+\); the dialog shows\n$/);
  });

  it('lists what the whole CLI lists, and loads none of its modules', async () => {
    await home.up();
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

    // Answers: the same refusals as the whole CLI, printed once (an agent that waits on nothing, one
    // that does not exist); the answers themselves are proven on the real CLIs (claude-answers).
    for (const args of [
      ['approve', 'sleeper'],
      ['deny', 'sleeper', '--json'],
      ['answer', 'sleeper', '2'],
      ['approve', 'nobody'],
      ['answer', 'nobody', 'yes', '--json'],
    ]) {
      const fast = await home.run(args);
      const full = await home.run(args, { bin: DIST_WTP });
      expect(fast.code, args.join(' ')).not.toBe(0);
      expect([fast.code, fast.stdout, fast.stderr], args.join(' ')).toEqual([
        full.code,
        full.stdout,
        full.stderr,
      ]);
    }
    // bin/wtp answers through curl, without Node: the same refusals, word for word.
    for (const args of [
      ['approve', 'sleeper'],
      ['deny', 'sleeper'],
      ['approve', 'nobody'],
      ['deny', 'other/nobody'],
      ['approve', 'sleeper', '--json'],
      ['deny', 'nobody', '--via', 'plugin', '--json'],
    ]) {
      const sh = await home.runCurl(args);
      const fast = await home.run(args);
      expect(sh.code, `${args.join(' ')}: ${sh.stderr}`).not.toBe(127);
      expect([sh.code, sh.stdout, sh.stderr], args.join(' ')).toEqual([fast.code, fast.stdout, fast.stderr]);
    }
    const answerLoaded = await builtins(['approve', 'sleeper'], 1);
    expect(answerLoaded).not.toContain('NativeModule child_process');
    expect(answerLoaded).toContain('NativeModule http');

    // The whole CLI (commander, every command) loads child_process and dgram; `ls` needs neither.
    const fastLoaded = await builtins(['ls', '--json']);
    const fullLoaded = await builtins(['ls', '--json', '--local']);
    for (const m of ['NativeModule child_process', 'NativeModule dgram']) {
      expect(fullLoaded).toContain(m);
      expect(fastLoaded).not.toContain(m);
    }
    expect(fastLoaded.length).toBeLessThan(fullLoaded.length);
  });

  it('shows a diff as the whole CLI does, and its errors once', async () => {
    const repo = home.path('repo');
    mkdirSync(repo);
    const git = (args: string[], cwd = repo) => execFileSync('git', args, { cwd, stdio: 'pipe' });
    git(['init', '-q', '-b', 'main']);
    writeFileSync(join(repo, 'a.txt'), 'one\n');
    git(['add', '-A']);
    git(['-c', 'user.name=t', '-c', 'user.email=t@localhost', 'commit', '-qm', 'base']);
    const made = await home.json<{ agent: { cwd: string } }>([
      'new',
      'cmd',
      '--name',
      'differ',
      '--repo',
      repo,
      '--json',
      '--',
      'sleep',
      '300',
    ]);
    expect(made.code, made.stderr).toBe(0);
    writeFileSync(join(made.doc.agent.cwd, 'a.txt'), 'one\ntwo \u001b[31mred\n');
    writeFileSync(join(made.doc.agent.cwd, 'b.txt'), 'new\n');
    // The launcher (bin/wtp.js) takes the fast path; dist/wtp.js is the whole CLI.
    for (const args of [
      ['diff', 'differ'],
      ['diff', 'differ', '--stat'],
      ['diff', 'differ', '--stat', '--json'],
      ['diff', 'nobody', '--stat'],
      ['diff', 'nobody', '--json'],
    ]) {
      const fast = await home.run(args);
      const full = await home.run(args, { bin: DIST_WTP });
      expect([fast.code, fast.stdout, fast.stderr], args.join(' ')).toEqual([
        full.code,
        full.stdout,
        full.stderr,
      ]);
    }
    const stat = await home.run(['diff', 'differ', '--stat']);
    expect(stat.stdout).toMatch(/b\.txt +1 +0\n2 file\(s\), \+2 -0 against /);
    // The patch's control characters are shown as escapes, as the whole CLI shows them.
    expect((await home.run(['diff', 'differ'])).stdout).not.toContain('\u001b[31m');
    // And it ran on the fast path: none of the whole program's modules loaded.
    const fastLoaded = await builtins(['diff', 'differ', '--stat']);
    expect(fastLoaded).not.toContain('NativeModule child_process');
    expect(fastLoaded).toContain('NativeModule http');
    const missing = await home.run(['diff', 'nobody', '--stat']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.match(/AGENT_NOT_FOUND/g)).toHaveLength(1);
    expect((await home.run(['rm', '--force', 'differ'])).code).toBe(0);
  });

  it('forwards a hook call as the whole CLI does, without loading it', async () => {
    // Codex's notify form (the payload as the argument); no agent takes it: the daemon's answer.
    const payload = JSON.stringify({ type: 'agent-turn-complete', 'turn-id': 't' });
    const fast = await home.run(['hook', '--agent', 'ag-nobody', '--json', payload]);
    const full = await home.run(['hook', '--agent=ag-nobody', '--json', payload]);
    expect(fast.code).toBe(1);
    expect(JSON.parse(fast.stdout)).toMatchObject({ error: { code: 'HOOK_REJECTED' } });
    expect([fast.code, fast.stdout, fast.stderr]).toEqual([full.code, full.stdout, full.stderr]);
    // Not JSON: ignored with a note, as the whole CLI does.
    const junk = await home.run(['hook', '--agent', 'ag-nobody'], { input: 'not json' });
    expect([junk.code, junk.stderr]).toEqual([0, 'wtp hook: the payload is not JSON; ignored\n']);
    const fastLoaded = await builtins(['hook', '--agent', 'ag-nobody', payload], 1);
    const fullLoaded = await builtins(['hook', '--agent=ag-nobody', payload], 1);
    for (const m of ['NativeModule child_process', 'NativeModule dgram']) {
      expect(fullLoaded).toContain(m);
      expect(fastLoaded).not.toContain(m);
    }
  });
});
