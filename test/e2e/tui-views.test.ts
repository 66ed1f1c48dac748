import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import { eventually, TestHome } from '../support/harness.js';
import { TuiPane } from '../support/tui-pane.js';

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** A cmd agent on its own worktree that rewrites README.md's first line and commits it. */
function editingAgent(home: TestHome, repo: string, name: string, line: string): Promise<unknown> {
  return home.run([
    'new',
    'cmd',
    '--repo',
    repo,
    '--name',
    name,
    '--',
    'sh',
    '-c',
    `printf '${line}\\n' > README.md && git -c user.name=T -c user.email=t@e commit -qam '${name}' && exec sleep 300`,
  ]);
}

describe('wtp tui: diff, merge, conflicts, new agent, tasks', () => {
  let home: TestHome;
  let repo: string;
  beforeAll(async () => {
    home = new TestHome({ SHELL: '/bin/sh' });
    repo = home.path('repo');
    mkdirSync(repo);
    git(repo, 'init', '-q', '-b', 'main');
    writeFileSync(`${repo}/README.md`, 'hello\n');
    git(repo, 'add', '.');
    git(repo, '-c', 'user.name=T', '-c', 'user.email=t@e', 'commit', '-qm', 'initial');
    await home.up();
    await editingAgent(home, repo, 'blue', 'blue');
    await editingAgent(home, repo, 'red', 'red');
    for (const name of ['blue', 'red']) {
      await eventually(
        `${name}'s commit`,
        () => git(repo, 'log', '-1', '--format=%s', `wtp/${name}`) === name,
      );
    }
  });
  afterAll(() => home.cleanup());

  it('shows the diff, refuses a merge whose test fails, merges when it passes', async () => {
    const tui = await TuiPane.start(home, { cols: 100, rows: 30 });
    await tui.see('blue');
    await tui.keys('D');
    const diff = await tui.see('+blue');
    expect(diff).toContain('1 file changed');
    expect(diff).toMatch(/\+1 -1 +modified +README\.md/);
    expect(diff).toContain('-hello');
    // Scrolled with j held down (two in one read): each one scrolls a line.
    await tui.resize(100, 10);
    const first = await tui.until('the diff scrollable', (s) => / {2}1–\d+ of \d+/.test(s));
    const rows = Number(/ {2}1–(\d+) of/.exec(first)?.[1]);
    await tui.keys('jj');
    await tui.see(`  3–${rows + 2} of`);
    await tui.resize(100, 30);
    // Esc and a key sent together read as Alt+key (as in any terminal): wait for the list first.
    await tui.keys('Escape');
    await tui.see('⏎ attach');
    // A key typed with the one that opens the form (one read) is the form's: Tab moves to the test command.
    await tui.keys('m\t');
    await tui.see('▸ test command');
    await tui.keys('sh -c "echo nope; exit 3"');
    await tui.see('exit 3"█');
    await tui.keys('Enter');
    const refused = await tui.see('MERGE_TEST_FAILED');
    expect(refused).toContain('nope');
    expect(git(repo, 'show', 'main:README.md')).toBe('hello');
    await tui.keys('C-u'); // clears the field, as in a shell
    await tui.until('the field emptied', (screen) => /▸ test command +█/.test(screen));
    // The text and its Enter typed in one read (fast, or pasted): the Enter runs the merge.
    await tui.keys('true\r');
    // Merged, the form closes itself: back on the list, the merge's outcome is the notice.
    await tui.until(
      'the list with the merge on its notice line',
      (s) => s.includes('⏎ attach') && /: merged into main/.test(s),
    );
    expect(git(repo, 'show', 'main:README.md')).toBe('blue');
    await tui.keys('q');
    expect(await tui.exited()).toBe(0);
    await tui.close();
  });

  it('shows where two agents conflict, starts an agent from the form, which closes on success', async () => {
    const tui = await TuiPane.start(home, { cols: 100, rows: 30, name: 'forms' });
    await tui.see('red');
    await tui.keys('c');
    await tui.see('conflicts (r runs the radar again)');
    await tui.keys('r');
    await tui.until('the radar', (s) => s.includes('⚠ ') && s.includes('README.md'));
    await tui.keys('Escape');
    await tui.see('⏎ attach');
    await tui.keys('n');
    // profile: cycle to cmd; name; then the command field. The form is there once its profiles are
    // loaded (the view's title shows before).
    const chosen = (screen: string): string | undefined => /profile +.*\[(\w+)\]/.exec(screen)?.[1];
    await tui.until('the new-agent form', (s) => chosen(s) !== undefined);
    for (let i = 0; i < 12; i++) {
      const now = chosen(await tui.screen());
      if (now === 'cmd') break;
      await tui.keys('Right');
      await tui.until('the next profile', (screen) => chosen(screen) !== now);
    }
    const made = home.path('made');
    mkdirSync(made);
    await tui.keys('Tab');
    await tui.see('▸ name');
    await tui.keys('made');
    await tui.see('made█');
    for (const field of [
      'prompt',
      'worktree',
      'permission mode',
      'sandbox',
      'folder',
      'workspace',
      'command (cmd)',
    ]) {
      await tui.keys('Tab');
      await tui.see(`▸ ${field}`);
      // The safe setup is one key away: sandboxed (in a folder of its own: never the state's).
      if (field === 'sandbox') {
        await tui.keys('Right');
        await tui.see('[sandboxed]');
      }
      if (field === 'folder') {
        await tui.keys('C-u');
        await tui.keys(made);
        await tui.see(`${made}█`);
      }
    }
    await tui.keys('sleep 300');
    await tui.see('sleep 300█');
    await tui.keys('Enter');
    // Started: the form closes, back on the list, the outcome on the notice line.
    await tui.until(
      'the list with the outcome',
      (screen) => screen.includes('started made') && screen.includes('⏎ attach'),
    );
    const started = cliOutputSchemas.ls
      .parse((await home.json(['ls'])).doc)
      .agents.find((a) => a.name === 'made');
    expect(started?.command).toMatch(/sleep$/);
    expect(started).toMatchObject({ cwd: made, sandbox: expect.anything() });
    await tui.keys('q');
    expect(await tui.exited()).toBe(0);
    await tui.close();
  });

  it('moves a task from the tasks tab', async () => {
    const added = await home.run([
      'task',
      'add',
      'write the docs',
      '-p',
      'docs, please',
      '--backlog',
      '-w',
      'default',
    ]);
    expect(added.code, added.stderr).toBe(0);
    const tui = await TuiPane.start(home, { cols: 100, rows: 30, name: 'tasks' });
    await tui.keys('t');
    await tui.see('write the docs');
    await tui.keys('M');
    await tui.see('move "write the docs" (backlog) to');
    await tui.keys('cancelled');
    await tui.see('cancelled█');
    await tui.keys('Enter');
    await tui.see('moved "write the docs" to cancelled');
    const tasks = (await home.json(['task', 'ls'])).doc as { tasks: { title: string; status: string }[] };
    expect(tasks.tasks.find((t) => t.title === 'write the docs')?.status).toBe('cancelled');
    await tui.keys('q');
    expect(await tui.exited()).toBe(0);
    await tui.close();
  });
});
