import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import type { WtpEvent } from '../../src/protocol/events.js';
import { newAgent, untilState as waitForState } from '../support/agent-steps.js';
import { claudeBinary, claudeEnv, prepareClaudeHome, CLAUDE_QUESTION } from '../support/claude-cli.js';
import { FakeAnthropic, type FakeRequest, type FakeTurn } from '../support/fake-anthropic.js';
import { eventually, TestHome } from '../support/harness.js';
import { select, selectByName, TuiPane } from '../support/tui-pane.js';

/**
 * The TUI with the real Claude Code (pinned) against a scripted Messages API, in tmux, driven by
 * keys as a user drives it: approve a permission, answer a question, attach and detach, filter,
 * help, a resize, colours.
 */
const API_KEY = 'sk-ant-test-0000000000000000000000000000wtp-e2e-key';
let proj = '';

function script(req: FakeRequest): FakeTurn {
  if (req.hasToolResult) {
    // Claude Code overwrites only a file it has read: the Read, then the Write.
    if (!req.toolResultText.includes('notes before')) return { text: 'Done.' };
    return {
      toolUse: { name: 'Write', input: { file_path: `${proj}/notes.txt`, content: 'approved in the tui\n' } },
    };
  }
  const said = req.lastUserText;
  if (said.includes('write the notes'))
    return { toolUse: { name: 'Read', input: { file_path: `${proj}/notes.txt` } } };
  // Its dialog draws "This command requires approval", a line no screen rule knows.
  if (said.includes('run the tests')) {
    return { toolUse: { name: 'Bash', input: { command: 'npm test', description: 'run the tests' } } };
  }
  if (said.includes('write in a new mode')) {
    return { toolUse: { name: 'Write', input: { file_path: `${proj}/moded.txt`, content: 'moded\n' } } };
  }
  if (said.includes('pick a colour')) return { toolUse: { name: 'AskUserQuestion', input: CLAUDE_QUESTION } };
  // A turn that ends with a question in plain text (issue 36): answered as its next prompt.
  if (said.includes('choose a store')) return { text: 'Which database should I use, Postgres or SQLite?' };
  return { text: 'ok' };
}

describe('wtp tui with real agents (tmux)', () => {
  let home: TestHome;
  let api: FakeAnthropic;
  const untilState = (name: string, state: string): Promise<AgentView> =>
    waitForState(home, name, state, `${name} ${state}`, 'tmux');
  const events = async (name: string, type: string): Promise<WtpEvent[]> => {
    const r = await home.run(['events', '--agent', name, '--type', type, '--json']);
    return r.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => (JSON.parse(l) as { event: WtpEvent }).event);
  };

  beforeAll(async () => {
    api = await FakeAnthropic.start(script);
    home = new TestHome({ WTP_BACKEND: 'tmux', WTP_CLAUDE_BIN: claudeBinary(), SHELL: '/bin/sh', PS1: '$ ' });
    proj = home.path('proj');
    mkdirSync(proj);
    writeFileSync(`${proj}/notes.txt`, 'notes before\n');
    writeFileSync(`${proj}/package.json`, '{"scripts":{"test":"echo tested > tested.txt"}}\n');
    prepareClaudeHome(home.path('home'), { cwd: proj, apiKey: API_KEY, trusted: false });
    Object.assign(home.env, claudeEnv({ home: home.path('home'), baseUrl: api.url, apiKey: API_KEY }));
    await home.up();
  }, 120_000);

  afterAll(async () => {
    await home?.cleanup();
    await api?.close();
  });

  it('approves an overwrite and `npm test` and answers a question from the keyboard, audited via tui', async () => {
    const tui = await TuiPane.start(home, { cols: 120, rows: 30 });
    await tui.see('No agents');
    await newAgent(home, 'claude', 'writer', proj, [
      '--permission-mode',
      'default',
      '--prompt',
      'write the notes',
    ]);
    await newAgent(home, 'claude', 'asker', proj, [
      '--permission-mode',
      'default',
      '--prompt',
      'pick a colour',
    ]);
    await newAgent(home, 'claude', 'chooser', proj, [
      '--permission-mode',
      'default',
      '--prompt',
      'choose a store',
    ]);
    await newAgent(home, 'claude', 'tester', proj, [
      '--permission-mode',
      'default',
      '--prompt',
      'run the tests',
    ]);
    await untilState('writer', 'needs_permission');
    await untilState('tester', 'needs_permission');
    await eventually('both dialogs on screen', async () => {
      const [w, t] = await Promise.all([home.screen('writer'), home.screen('tester')]);
      return /Do you want to overwrite notes\.txt\?/.test(w) && /This command requires approval/.test(t);
    });
    await untilState('asker', 'needs_input');
    await untilState('chooser', 'needs_input');
    // The list shows both waiting, with what they ask; tab goes to one that needs you.
    await tui.until('all four waiting', (s) => s.includes('4 need you') && s.includes('needs_permission'));
    await tui.keys('s'); // needs-you first: the one waiting longest on top
    await tui.see('▾ needs you');
    await select(tui, /▸ ! writer/);
    await tui.keys('a');
    await tui.see('approved writer');
    await untilState('writer', 'idle');
    expect(readFileSync(`${proj}/notes.txt`, 'utf8')).toBe('approved in the tui\n');
    const approved = await events('writer', 'agent.approved');
    expect(approved.map((e) => e.type === 'agent.approved' && e.data.via)).toEqual(['tui']);
    await select(tui, /▸ ! tester/);
    await tui.keys('a');
    await tui.see('approved tester');
    await untilState('tester', 'idle');
    expect(existsSync(`${proj}/tested.txt`)).toBe(true);
    // The question: i, then the option's label.
    await select(tui, /▸ \? asker/);
    await tui.keys('i');
    await tui.see('answer asker (Red · Blue)');
    await tui.keys('Blue');
    await tui.see('Blue█');
    await tui.keys('Enter');
    await tui.see('answered asker');
    const answered = await events('asker', 'agent.answered');
    expect(answered.map((e) => e.type === 'agent.answered' && [e.data.via, e.data.option])).toEqual([
      ['tui', 2],
    ]); // the second option
    // The question its turn ended with: i, then the reply, typed as its next prompt.
    await select(tui, /▸ \? chooser/);
    await tui.keys('i');
    await tui.see('answer chooser — ⏎ sends it as its next prompt');
    await tui.keys('use Postgres');
    await tui.see('use Postgres█');
    await tui.keys('Enter');
    await tui.see('answered chooser');
    await untilState('chooser', 'idle');
    const replied = await events('chooser', 'agent.answered');
    expect(replied.map((e) => e.type === 'agent.answered' && [e.data.via, e.data.text])).toEqual([
      ['tui', 'use Postgres'],
    ]);
    await tui.keys('q');
    expect(await tui.exited()).toBe(0);
    await tui.close();
  }, 120_000);

  it('the bypass-permissions warning at the start: i, then its option, accepts it and the prompt goes in', async () => {
    const tui = await TuiPane.start(home, { cols: 120, rows: 30 });
    // As root (a CI machine), Claude Code refuses the mode outside a sandbox it is told of.
    await newAgent(home, 'claude', 'bold', proj, [
      '--permission-mode',
      'bypassPermissions',
      '-e',
      'IS_SANDBOX=1',
      '--prompt',
      'say hi',
    ]);
    await untilState('bold', 'needs_input');
    await select(tui, /▸ \? bold/);
    await tui.keys('i');
    await tui.see('answer bold (No, exit · Yes, I accept)');
    await tui.keys('Yes, I accept');
    await tui.see('Yes, I accept█');
    await tui.keys('Enter');
    await tui.see('answered bold');
    await untilState('bold', 'idle');
    const [answered] = await events('bold', 'agent.answered');
    expect(answered).toMatchObject({ data: { via: 'tui', text: 'Yes, I accept', option: 2 } });
    await tui.keys('q');
    expect(await tui.exited()).toBe(0);
    await tui.close();
  }, 120_000);

  it('A on an option that switches the session’s mode asks first, showing the option’s own text', async () => {
    const tui = await TuiPane.start(home, { cols: 140, rows: 30 });
    await newAgent(home, 'claude', 'moder', proj, [
      '--permission-mode',
      'default',
      '--prompt',
      'write in a new mode',
    ]);
    await untilState('moder', 'needs_permission');
    await select(tui, /▸ ! moder/);
    await tui.keys('A');
    await tui.see('press it? [y/N] "Yes, and switch to accept edits');
    expect((await home.agent('moder')).state).toBe('needs_permission'); // nothing pressed yet
    await tui.keys('y');
    await tui.see('approved for good moder');
    await untilState('moder', 'idle');
    expect(readFileSync(`${proj}/moded.txt`, 'utf8')).toBe('moded\n');
    const [approved] = await events('moder', 'agent.approved');
    expect(approved).toMatchObject({ data: { via: 'tui', always: true, modeChange: true } });
    await tui.keys('q');
    expect(await tui.exited()).toBe(0);
    await tui.close();
  }, 120_000);

  it('marks an agent that acts without asking (Claude Code started in its default auto mode) and follows shift+tab', async () => {
    await newAgent(home, 'claude', 'loose', proj, []);
    await untilState('loose', 'idle');
    const tui = await TuiPane.start(home, { cols: 140, rows: 30, name: 'modes' });
    await tui.see('loose');
    await selectByName(tui, 'loose');
    const marked = await tui.until('the row marked auto mode', (s) => /▸ ○ loose +idle.*auto mode/.test(s));
    expect(marked).toMatch(/── loose[^·\n]* · mode auto — runs the commands/);
    // shift+tab in its terminal: auto → manual mode; the mark goes.
    expect((await home.run(['send', 'loose', '--key', 'shift-tab'])).code).toBe(0);
    const asks = await tui.until('the mark gone', (s) => /○ loose +idle/.test(s) && !s.includes('auto mode'));
    expect(asks).toContain('mode default');
    await tui.keys('q');
    expect(await tui.exited()).toBe(0);
    await tui.close();
    await home.run(['rm', 'loose', '--force']);
  }, 120_000);

  it('attaches to a shell full-screen and comes back to the list with the detach key', async () => {
    await home.run(['new', 'shell', '--name', 'sh1']);
    const tui = await TuiPane.start(home, { cols: 100, rows: 30, name: 'attach' });
    await tui.see('sh1');
    await tui.keys('/');
    await tui.keys('sh1');
    await tui.see('filter: sh1█');
    // The list follows the filter as it is typed, before Enter (issue 31).
    await tui.until('only sh1 listed as it is typed', (s) => s.includes('sh1') && !s.includes('writer'));
    await tui.keys('Enter');
    // The prompt closed before the next Enter: keys that come with the one that closes it are dropped
    // (a paste's tail must not act on the list).
    await tui.until(
      'only sh1 listed',
      (s) => s.includes('sh1') && !s.includes('writer') && !s.includes('sh1█'),
    );
    await tui.keys('Enter');
    await tui.until("the shell's prompt, full-screen", (s) => /^\$/m.test(s) && !s.includes('⏎ attach'));
    await tui.keys('echo attached-$((40+2))', 'Enter');
    await tui.see('attached-42');
    // The attached agent has the mouse to itself; the list takes it back after the detach.
    const mouse = async () =>
      (await home.tmux(['display', '-p', '-t', tui.target, '#{mouse_standard_flag}'])).stdout.trim();
    expect(await mouse()).toBe('0');
    await tui.keys('C-]');
    await tui.see('detached from');
    expect(await mouse()).toBe('1');
    expect((await home.agent('sh1')).state).not.toBe('exited');
    // Stopped, then restarted from the list: the preview follows the new run, not the exited one
    // (issue 31: it said "exited" until the selection moved away and back).
    await tui.keys('x');
    await tui.see('Stop sh1?');
    await tui.keys('y');
    await tui.see(', exited');
    await tui.keys('r');
    await tui.see('Restart sh1?');
    await tui.keys('y');
    // Its notice says the restart is done; the preview can show the new run before then. ci-19
    // timed out below with the list still up and that notice on it: an Enter pressed before the
    // notice did not attach, and the notice, written last, hid whatever the attach said.
    await tui.until(
      'the restarted shell in the preview',
      (s) => /── sh1 — \d+×\d+/.test(s) && !s.includes(', exited') && s.includes('restarted sh1: running'),
    );
    await tui.keys('Enter');
    await tui.until("the new shell's prompt, full-screen", (s) => /^\$/m.test(s) && !s.includes('⏎ attach'));
    await tui.keys('echo again-$((40+3))', 'Enter');
    await tui.see('again-43');
    await tui.keys('C-]');
    await tui.see('detached from');
    // Esc puts back the filter as it was before the prompt.
    await tui.keys('/');
    await tui.see('filter: sh1█');
    await tui.keys('x');
    await tui.until(
      'nothing matches sh1x',
      (s) => s.includes('filter: sh1x█') && !/^\s*[●○◆▸ ].*\bsh1\b/m.test(s),
    );
    await tui.keys('Escape');
    await tui.until(
      'sh1 listed again',
      (s) => s.includes('filter: sh1') && !s.includes('sh1x') && s.includes('⏎ attach'),
    );
    // The filter is cleared with an empty one; every agent is back.
    await tui.keys('/');
    await tui.see('filter: sh1█');
    await tui.keys('C-u');
    await tui.until('the filter emptied', (s) => /filter: █/.test(s));
    await tui.keys('Enter');
    // Every agent shows as soon as the field is emptied: the prompt's close is what to wait for before
    // the next key (one that comes in the same read as the Enter that closes it is dropped).
    await tui.until(
      'every agent back, the prompt closed',
      (s) => s.includes('writer') && !s.includes('filter: █'),
    );
    await tui.keys('q');
    expect(await tui.exited()).toBe(0);
    await tui.close();
  }, 60_000);

  it('shows help, follows a resize from 80×24 to 140×40 and back, and draws colours unless NO_COLOR', async () => {
    const tui = await TuiPane.start(home, {
      cols: 80,
      rows: 24,
      name: 'sizes',
      env: { NO_COLOR: undefined },
    });
    await tui.see('writer');
    await tui.keys('?');
    const help = await tui.see('any key closes this');
    for (const what of ['approve the permission', 'attach full-screen', 'filter by name', 'quit']) {
      expect(help).toContain(what);
    }
    await tui.keys('x'); // any key closes the help, and does nothing else
    await tui.see('⏎ attach');
    expect(await tui.screen()).not.toContain('Stop ');
    const stacked = await tui.screen();
    expect(stacked).not.toContain('│'); // 80 columns: the preview is under the list
    // A frame of the new size with its header on the first line, and no line left of the old one.
    const headers = (s: string): number => s.split('\n').filter((l) => l.startsWith('wtp ')).length;
    await tui.resize(140, 40);
    await tui.until('side by side', (s) => s.includes('│') && s.startsWith('wtp ') && headers(s) === 1);
    await tui.resize(80, 24);
    const back = await tui.until(
      'stacked again',
      (s) => !s.includes('│') && s.startsWith('wtp ') && headers(s) === 1,
    );
    for (const name of ['writer', 'asker', 'sh1']) expect(back).toContain(name);
    const colours = await tui.screen(true);
    expect(colours).toMatch(/\x1b\[[0-9;]*3[0-9]m/);
    await tui.keys('q');
    expect(await tui.exited()).toBe(0);
    await tui.close();
    const plain = await TuiPane.start(home, { cols: 80, rows: 24, name: 'plain' });
    await plain.see('writer');
    expect(await plain.screen(true)).not.toMatch(/\x1b\[[0-9;]*3[0-9]m/);
    await plain.keys('q');
    expect(await plain.exited()).toBe(0);
    await plain.close();
  }, 60_000);
});
