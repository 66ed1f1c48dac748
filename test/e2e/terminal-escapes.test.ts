import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import pty from 'node-pty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_ESCAPES, dangerous, ESCAPE_CORPUS } from '../support/escape-corpus.js';
import { BIN, eventually, TestHome, type RunResult } from '../support/harness.js';

const FAKE_CLAUDE = resolve('test/fixtures/fake-claude/claude');

/** What a command line can carry of a corpus string: everything but NUL (execve ends an argument there). */
const arg = (s: string): string => s.replaceAll('\0', '');

/** A folder name with escapes in it (no `/`). */
const WEIRD = `d\x1b]0;owned\x07\x1b[2J\u202eexe\u009b6n\x1bP$q m\x1b\\`;

/** The views' own colours (cli/format.ts `paint`). */
const PALETTE = (p: string) => p.split(';').every((x) => /^(|0|1|7|3[1-6]|90)$/.test(x));

/**
 * Issue 30: every command that prints what users, agents, repositories or the database said, fed
 * the escape corpus, prints nothing that acts on the terminal — with NO_COLOR no ESC at all, on a
 * terminal with colours only the views' own SGR.
 */
describe('terminal escapes from users, agents and repositories (real daemon)', () => {
  let home: TestHome;
  let corpusFile: string;
  let weird: string;
  let firstTask = '';

  /** Runs `wtp args` and checks both its streams. */
  const run = async (args: string[], opts: { input?: string } = {}): Promise<RunResult> => {
    const r = await home.run(args, opts);
    const label = `wtp ${args.map((a) => JSON.stringify(a)).join(' ')}`;
    expect(dangerous(r.stdout), `${label}: stdout`).toEqual([]);
    expect(dangerous(r.stderr), `${label}: stderr`).toEqual([]);
    return r;
  };

  beforeAll(async () => {
    home = new TestHome({ SHELL: '/bin/sh', WTP_CLAUDE_BIN: FAKE_CLAUDE });
    const bin = home.path('bin');
    home.env.WTP_CODEX_BIN = resolve(bin, 'codex');
    corpusFile = home.path('corpus.txt');
    writeFileSync(corpusFile, `${ALL_ESCAPES}\n`);
    mkdirSync(bin, { recursive: true });
    // An agent CLI whose `--version` answers with the corpus (`wtp doctor` shows what it said).
    writeFileSync(resolve(bin, 'codex'), `#!/bin/sh\ncat '${corpusFile}'\n`);
    chmodSync(resolve(bin, 'codex'), 0o755);
    weird = home.path('repo', WEIRD);
    mkdirSync(weird, { recursive: true });
    await home.up();
    expect((await home.run(['workspace', 'new', 'w', '--cwd', home.path('repo')])).code).toBe(0);
  });
  afterAll(() => home.cleanup());

  it('task add, ls and show: titles, prompts and their echo', async () => {
    // The corpus in titles of at most 200 characters, a few strings each.
    const titles: string[] = [];
    for (const [name, text] of Object.entries(ESCAPE_CORPUS)) {
      const piece = arg(`${name}: ${text}`).slice(0, 200);
      const last = titles.length - 1;
      if (last >= 0 && (titles[last] ?? '').length + piece.length + 3 <= 200) titles[last] += ` | ${piece}`;
      else titles.push(piece);
    }
    for (const title of titles) {
      const r = await run([
        'task',
        'add',
        title,
        '--prompt',
        `${title}\nsecond line`,
        '-w',
        'w',
        '--backlog',
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^added tk-/);
    }
    const ls = await run(['task', 'ls']);
    expect(ls.stdout).toContain('OSC 52 clipboard write');
    const ids = [...ls.stdout.matchAll(/^(tk-\w+)/gm)].map((m) => m[1] ?? '');
    expect(ids.length).toBe(titles.length);
    firstTask = ids[0] ?? '';
    for (const id of ids) {
      const show = await run(['task', 'show', id]);
      expect(show.stdout).toMatch(/prompt: {4}.* …\n$/);
    }
    await run(['task', 'ls', '--json']);
  }, 240_000);

  it('ls, peek, logs (every view) and events of an agent that prints the corpus in a folder named with escapes', async () => {
    const started = await run([
      'new',
      'cmd',
      '--name',
      'esc',
      '--cwd',
      weird,
      '--',
      'sh',
      '-c',
      `cat '${corpusFile}'; sleep 300`,
    ]);
    expect(started.code, started.stderr).toBe(0);
    await eventually('the corpus in its log', async () =>
      (await home.run(['logs', 'esc', '--raw'])).stdout.includes('owned'),
    );
    const ls = await run(['ls']);
    expect(ls.stdout).toContain('\\x1b]0;owned\\x07');
    await run(['ls', '--json']);
    await run(['peek', 'esc']);
    await run(['peek', 'esc', '--json']);
    const logs = await run(['logs', 'esc']);
    expect(logs.stdout).toContain('click me');
    // Into a pipe, the text alone (issue 31); --color keeps the agent's colours, and nothing else.
    expect(logs.stdout).not.toContain('\x1b');
    const coloured = await home.run(['logs', 'esc', '--color']);
    expect(coloured.stdout).toMatch(/\x1b\[[0-9;]*m/);
    expect(dangerous(coloured.stdout, () => true)).toEqual([]);
    expect((await home.run(['logs', 'esc', '--color', '--raw'])).stderr).toContain(
      '--raw and --color ask for different things',
    );
    await run(['logs', 'esc', '--plain']);
    await run(['logs', 'esc', '--tail', '3']);
    await run(['logs', 'esc', '--json']);
    // --raw is the bytes as written, on purpose (for a file or a pipe).
    expect((await home.run(['logs', 'esc', '--raw'])).stdout).toContain('\x1b]0;owned\x07');
    // -f through the end of an agent that prints the corpus and exits.
    await run(['new', 'cmd', '--name', 'once', '--', 'sh', '-c', `cat '${corpusFile}'; sleep 1`]);
    const followed = await run(['logs', 'once', '-f']);
    expect(followed.stdout).toContain('click me');
    await run(['send', 'esc', arg(ALL_ESCAPES), '--force']);
    await run(['events', '--agent', 'esc']);
    await run(['events', '--json']);
  }, 240_000);

  it('why, ls and events of an agent whose hook asks about the corpus', async () => {
    const r = await run(['new', 'claude', '--name', 'hooked', '--cwd', home.dir]);
    expect(r.code, r.stderr).toBe(0);
    const { id } = await home.agent('hooked');
    const payload = {
      hook_event_name: 'PermissionRequest',
      session_id: 'sess-escapes',
      tool_name: 'Bash',
      tool_input: { command: arg(ALL_ESCAPES), description: arg(ALL_ESCAPES) },
    };
    const hook = await run(['hook', '--agent', id], { input: JSON.stringify(payload) });
    expect(hook.code, hook.stderr).toBe(0);
    await home.untilState('hooked', 'needs_permission');
    const why = await run(['why', 'hooked', '--verbose']);
    expect(why.stdout).toMatch(/asks: {6}to run Bash: .*\\x1b\]52/);
    await run(['why', 'hooked', '--json']);
    await run(['ls']);
    await run(['events', '--agent', 'hooked']);
  }, 120_000);

  it('status, doctor (an agent CLI that answers --version with the corpus) and an error naming the command', async () => {
    await run(['status']);
    const doctor = await run(['doctor']);
    expect(doctor.stdout).toContain('codex');
    await run(['doctor', '--json']);
    const bad = await run(['new', 'cmd', '--name', 'bad', '--', arg(`nothere${ALL_ESCAPES}`)]);
    expect(bad.stderr).toContain('COMMAND_NOT_FOUND');
    await run(['new', 'cmd', '--name', 'bad', '--json', '--', arg(`nothere${ALL_ESCAPES}`)]);
  });

  it('on a terminal with colours, only the views’ own colours reach it', async () => {
    const env = { ...(home.env as Record<string, string>) };
    delete env.NO_COLOR;
    const views: [string[], (p: string) => boolean][] = [
      [['task', 'ls'], PALETTE],
      [['task', 'show', firstTask], PALETTE],
      [['ls'], PALETTE],
      [['why', 'hooked', '--verbose'], PALETTE],
      [['events', '--agent', 'esc'], PALETTE],
      [['logs', 'esc', '--plain'], PALETTE],
      // The agent's own colours stay in `wtp logs`; nothing else of what it printed.
      [['logs', 'esc'], () => true],
    ];
    for (const [args, sgr] of views) {
      const term = pty.spawn(process.execPath, [BIN, ...args], { cols: 200, rows: 50, env });
      let out = '';
      term.onData((d) => (out += d));
      await new Promise<void>((done) => term.onExit(() => done()));
      expect(out.length, args.join(' ')).toBeGreaterThan(0);
      // The test's own terminal turns each LF into CR LF (onlcr): CR CR LF is a line end there.
      expect(dangerous(out.replace(/\r+\n/g, '\n'), sgr), `wtp ${args.join(' ')} on a terminal`).toEqual([]);
    }
  }, 120_000);
});
