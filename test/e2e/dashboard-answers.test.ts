import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, Route } from 'playwright-core';
import type { AgentView } from '../../src/protocol/agent.js';
import type { WtpEvent } from '../../src/protocol/events.js';
import { newAgent, untilState as waitForState } from '../support/agent-steps.js';
import { freePort, screenshot, signedInPage } from '../support/browser.js';
import { claudeBinary, claudeEnv, prepareClaudeHome, CLAUDE_QUESTION } from '../support/claude-cli.js';
import { FakeAnthropic, type FakeRequest, type FakeTurn } from '../support/fake-anthropic.js';
import { eventually, TestHome } from '../support/harness.js';

const API_KEY = 'sk-ant-test-0000000000000000000000000000wtp-e2e-key';

const bash = (command: string): FakeTurn => ({
  toolUse: { name: 'Bash', input: { command, description: 'run a command' } },
});

let proj = '';
/** Every main-loop request the script saw, in order. */
const seen: FakeRequest[] = [];

/** Turns by prompt: each agent gets its own script through the text it was asked. */
function script(req: FakeRequest): FakeTurn {
  seen.push(req);
  const said = req.lastUserText;
  if (req.hasToolResult) {
    if (req.toolResultText.includes('first-done')) return bash('echo second-done > second.txt');
    // Claude Code overwrites only a file it has read: the Read, then the Write.
    if (req.toolResultText.includes('notes before')) {
      return { toolUse: { name: 'Write', input: { file_path: `${proj}/notes.txt`, content: 'approved\n' } } };
    }
    return { text: 'Done.' };
  }
  if (said.includes('write the notes'))
    return { toolUse: { name: 'Read', input: { file_path: `${proj}/notes.txt` } } };
  if (said.includes('clean up')) return bash('echo ran > denied.txt');
  if (said.includes('run the tests')) return bash('npm test');
  if (said.includes('pick a colour')) return { toolUse: { name: 'AskUserQuestion', input: CLAUDE_QUESTION } };
  // A turn that ends with a question in plain text (issue 36).
  if (said.includes('choose a store')) return { text: 'Which database should I use, Postgres or SQLite?' };
  if (said.includes('use Postgres')) return { text: 'Done: it uses Postgres now.' };
  if (said.includes('tidy the disk')) return bash('echo gone > tidy.txt');
  if (said.includes('keep going')) return bash('echo kept > kept.txt');
  if (said.includes('write in a new mode')) {
    return { toolUse: { name: 'Write', input: { file_path: `${proj}/moded.txt`, content: 'moded\n' } } };
  }
  if (said.includes('two steps')) return bash('echo first-done > first.txt && cat first.txt');
  return { text: 'ok' };
}

/**
 * Issue 17 in the dashboard, in Debian's Chromium: the real Claude Code (pinned) against the
 * scripted Messages API, in tmux, answered by clicking — Approve in the inbox, Deny on the fleet
 * row, a question's answer, and a dialog that changed while the click was on its way.
 */
describe('answering agents from the dashboard (Chromium, real Claude Code)', () => {
  let home: TestHome;
  let api: FakeAnthropic;
  let browser: Browser;
  let page: Page;
  let port = '';
  const untilState = (name: string, state: string, what: string): Promise<AgentView> =>
    waitForState(home, name, state, what);
  const start = (name: string, prompt: string): Promise<void> =>
    newAgent(home, 'claude', name, proj, ['--permission-mode', 'default', '--prompt', prompt]);
  const eventsOf = async (name: string, type: WtpEvent['type']): Promise<WtpEvent[]> =>
    (await home.events(name)).filter((e) => e.type === type);
  const inboxItem = (name: string) => page.locator(`[data-testid="inbox-item"][data-agent="${name}"]`);
  const fleetRow = (name: string) => page.locator(`[data-testid="agent"][data-agent="${name}"]`);
  /** Holds the page's next answer request until the returned release is called. */
  const holdNextAnswer = async (): Promise<{ held: Promise<unknown>; release: () => Promise<void> }> => {
    let take!: (r: Route) => void;
    const held = new Promise<Route>((resolve) => (take = resolve));
    await page.route('**/api/v1/agents/*/answer', (r) => take(r), { times: 1 });
    return { held, release: async () => (await held).continue() };
  };

  beforeAll(async () => {
    api = await FakeAnthropic.start(script);
    port = String(await freePort());
    home = new TestHome({ WTP_API_PORT: port, WTP_BACKEND: 'tmux', WTP_CLAUDE_BIN: claudeBinary() });
    proj = home.path('proj');
    mkdirSync(proj);
    // The Write overwrites a file; `npm test` draws "This command requires approval" in its dialog.
    writeFileSync(`${proj}/notes.txt`, 'notes before\n');
    writeFileSync(`${proj}/package.json`, '{"scripts":{"test":"echo tested > tested.txt"}}\n');
    prepareClaudeHome(home.path('home'), { cwd: proj, apiKey: API_KEY });
    Object.assign(home.env, claudeEnv({ home: home.path('home'), baseUrl: api.url, apiKey: API_KEY }));
    await home.up();
    await Promise.all([
      start('writer', 'write the notes'),
      start('cleaner', 'clean up'),
      start('tester', 'run the tests'),
      start('asker', 'pick a colour'),
      start('changer', 'two steps'),
      start('keeper', 'keep going'),
      start('refuser', 'tidy the disk'),
      start('moder', 'write in a new mode'),
      start('chooser', 'choose a store'),
      // Its bypass-permissions warning first (IS_SANDBOX: as root Claude Code refuses the mode else).
      newAgent(home, 'claude', 'bold', proj, [
        '--permission-mode',
        'bypassPermissions',
        '-e',
        'IS_SANDBOX=1',
        '--prompt',
        'say hi',
      ]),
    ]);
    ({ browser, page } = await signedInPage(home));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await home?.cleanup();
    await api?.close();
  });

  it('Approve in the inbox: the Write over a file is approved, the file is written, the agent left the dialog; audited as dashboard', async () => {
    await untilState('writer', 'needs_permission', 'the Write (overwrite) permission dialog');
    await eventually('its dialog on screen', async () =>
      /Do you want to overwrite notes\.txt\?/.test(await home.screen('writer')),
    );
    await page.locator('[data-testid="tab-inbox"]').click();
    const item = inboxItem('writer');
    await item.locator('[data-testid="answer-approve"]').waitFor();
    // Claude Code's profile declares "always": the button is offered, with the dialog's scope.
    await item.locator('[data-testid="answer-always"]').waitFor();
    await screenshot(page, home, 'inbox-answer');
    await item.locator('[data-testid="answer-approve"]').click();
    const done = page.locator('[data-testid="inbox-answered"] [data-testid="answer-outcome"]');
    await done.waitFor({ timeout: 60_000 });
    expect(await done.getAttribute('data-ok')).toBe('true');
    expect(await done.textContent()).toMatch(/^Approved: it left the dialog in \d+\.\d s$/);
    expect(await item.count()).toBe(0);
    await eventually(
      'notes.txt',
      () => readFileSync(`${proj}/notes.txt`, 'utf8') !== 'notes before\n',
      60_000,
    );
    expect(readFileSync(`${proj}/notes.txt`, 'utf8')).toBe('approved\n');
    expect((await home.agent('writer')).state).not.toBe('needs_permission');
    const [approved] = await eventsOf('writer', 'agent.approved');
    expect(approved).toMatchObject({ data: { via: 'dashboard', always: false, keys: [], channel: 'hook' } });
  });

  it('Deny on the fleet row: buttons disabled while in flight, the command never ran, the agent is back at its prompt', async () => {
    await untilState('cleaner', 'needs_permission', 'the Bash permission dialog');
    await page.locator('[data-testid="tab-fleet"]').click();
    const row = fleetRow('cleaner');
    await row.locator('[data-testid="answer-deny"]').waitFor();
    await screenshot(page, home, 'fleet-answer', { fullPage: false });
    const hold = await holdNextAnswer();
    await row.locator('[data-testid="answer-deny"]').click();
    await hold.held;
    // While the answer is on its way, none of the agent's buttons can be pressed again.
    expect(await row.locator('[data-testid="answer-deny"]').isDisabled()).toBe(true);
    expect(await row.locator('[data-testid="answer-approve"]').isDisabled()).toBe(true);
    await hold.release();
    const outcome = row.locator('[data-testid="answer-outcome"]');
    await outcome.waitFor({ timeout: 60_000 });
    expect(await outcome.getAttribute('data-ok')).toBe('true');
    expect(await outcome.textContent()).toMatch(/^Denied: it left the dialog in /);
    await untilState('cleaner', 'idle', 'cleaner back at its prompt');
    expect(existsSync(`${proj}/denied.txt`)).toBe(false);
    const [denied] = await eventsOf('cleaner', 'agent.denied');
    expect(denied).toMatchObject({ data: { via: 'dashboard', keys: [], channel: 'hook' } });
  });

  it('Approve on the fleet row: the `npm test` dialog, with its line no screen rule knows, is approved and the tests run', async () => {
    await untilState('tester', 'needs_permission', 'the npm test dialog');
    await eventually('its dialog on screen', async () =>
      /This command requires approval/.test(await home.screen('tester')),
    );
    await page.locator('[data-testid="tab-fleet"]').click();
    const row = fleetRow('tester');
    await row.locator('[data-testid="answer-approve"]').click();
    const outcome = row.locator('[data-testid="answer-outcome"]');
    await outcome.waitFor({ timeout: 60_000 });
    expect(await outcome.getAttribute('data-ok')).toBe('true');
    await eventually('the tests to run', () => existsSync(`${proj}/tested.txt`), 60_000);
    const [approved] = await eventsOf('tester', 'agent.approved');
    expect(approved).toMatchObject({ data: { via: 'dashboard', about: 'npm test', channel: 'hook' } });
  });

  it('Deny with a reason in the inbox: the model reads the reason with the denial', async () => {
    await untilState('refuser', 'needs_permission', 'the Bash permission dialog');
    await page.locator('[data-testid="tab-inbox"]').click();
    const item = inboxItem('refuser');
    await item.locator('[data-testid="answer-message"]').fill('keep the files');
    const before = seen.length;
    await item.locator('[data-testid="answer-deny"]').click();
    await eventually(
      'the reason to reach the API',
      () => seen.slice(before).some((q) => q.toolResultText.includes('keep the files')),
      60_000,
    );
    expect(existsSync(`${proj}/tidy.txt`)).toBe(false);
    const [denied] = await eventsOf('refuser', 'agent.denied');
    expect(denied).toMatchObject({
      data: { via: 'dashboard', message: 'keep the files', keys: [], channel: 'hook' },
    });
  });

  it('a question answered by clicking its option in the inbox; not an option is refused with the options', async () => {
    await untilState('asker', 'needs_input', 'the question dialog');
    // The options come as data (stateDetail.request.options, from Claude Code's status record).
    await page.locator('[data-testid="tab-inbox"]').click();
    const item = inboxItem('asker');
    await item.locator('[data-testid="answer-option"][data-option="Blue"]').waitFor();
    expect(
      await item.locator('[data-testid="answer-option"]').evaluateAll((b) => b.map((x) => x.textContent)),
    ).toEqual(['Red', 'Blue']);
    // Not an option, typed in the answer box: refused with the options, nothing pressed.
    await item.locator('[data-testid="answer-text"]').fill('Green');
    await item.locator('[data-testid="answer-send"]').click();
    const refused = item.locator('[data-testid="answer-outcome"][data-ok="false"]');
    await refused.waitFor({ timeout: 30_000 });
    expect(await refused.getAttribute('data-code')).toBe('ANSWER_NOT_AN_OPTION');
    expect(await refused.textContent()).toContain('Blue');
    expect((await home.agent('asker')).state).toBe('needs_input');
    await item.locator('[data-testid="answer-option"][data-option="Blue"]').click();
    await untilState('asker', 'idle', 'asker to finish');
    expect(seen.some((q) => q.hasToolResult && q.toolResultText.includes('Blue'))).toBe(true);
    const [answered] = await eventsOf('asker', 'agent.answered');
    expect(answered).toMatchObject({ data: { via: 'dashboard', text: 'Blue', option: 2 } });
  });

  it('the bypass-permissions warning in the inbox with its options: “Yes, I accept” clicked, the prompt goes in', async () => {
    await untilState('bold', 'needs_input', 'the bypass-permissions warning');
    await page.locator('[data-testid="tab-inbox"]').click();
    const item = inboxItem('bold');
    await item.locator('[data-testid="answer-option"][data-option="Yes, I accept"]').waitFor();
    expect(
      await item.locator('[data-testid="answer-option"]').evaluateAll((b) => b.map((x) => x.textContent)),
    ).toEqual(['No, exit', 'Yes, I accept']);
    await item.locator('[data-testid="answer-option"][data-option="Yes, I accept"]').click();
    await eventually(
      'its prompt to reach the API',
      () => seen.some((q) => q.lastUserText.includes('say hi')),
      60_000,
    );
    await untilState('bold', 'idle', 'bold to finish');
    const [answered] = await eventsOf('bold', 'agent.answered');
    expect(answered).toMatchObject({ data: { via: 'dashboard', text: 'Yes, I accept', option: 2 } });
  });

  it('the question a turn ended with, in the inbox with its text; the reply typed in the box is its next prompt', async () => {
    await untilState('chooser', 'needs_input', 'the question its turn ended with');
    await page.locator('[data-testid="tab-inbox"]').click();
    const item = inboxItem('chooser');
    await item.waitFor();
    expect(await item.textContent()).toContain('Which database should I use, Postgres or SQLite?');
    const box = item.locator('[data-testid="answer-text"]');
    expect(await box.getAttribute('placeholder')).toBe('Your reply (its next prompt)');
    await box.fill('use Postgres');
    await item.locator('[data-testid="answer-send"]').click();
    const done = page.locator('[data-testid="inbox-answered"] [data-testid="answer-outcome"]', {
      hasText: 'Replied',
    });
    await done.waitFor({ timeout: 60_000 });
    expect(await done.textContent()).toMatch(
      /^Replied “use Postgres” as its next prompt: it started a new turn in /,
    );
    await untilState('chooser', 'idle', 'chooser to finish its next turn');
    const [answered] = await eventsOf('chooser', 'agent.answered');
    expect(answered).toMatchObject({
      data: { via: 'dashboard', text: 'use Postgres', keys: ['text', 'enter'] },
    });
  });

  it('Always in the terminal view’s header: approved for good, audited with its scope', async () => {
    await untilState('keeper', 'needs_permission', 'the Bash permission dialog');
    await page.goto(`http://127.0.0.1:${port}/dashboard/#/terminal/keeper`);
    const panel = page.locator('[data-testid="terminal-panel"][data-agent="keeper"]');
    await panel.locator('[data-testid="answer-always"]').click();
    const outcome = panel.locator('[data-testid="answer-outcome"]');
    await outcome.waitFor({ timeout: 60_000 });
    expect(await outcome.getAttribute('data-ok')).toBe('true');
    // What was pressed is the option as the dialog drew it.
    expect(await outcome.textContent()).toMatch(/^Approved, pressed “Yes, and .+”: it left the dialog in /);
    await eventually('kept.txt', () => existsSync(`${proj}/kept.txt`), 60_000);
    const [approved] = await eventsOf('keeper', 'agent.approved');
    expect(approved).toMatchObject({ data: { via: 'dashboard', always: true } });
  });

  it('Always on an option that switches the session’s mode: nothing pressed, the option’s text shown; “Press it anyway” presses it', async () => {
    await untilState('moder', 'needs_permission', 'the Write dialog');
    await page.goto(`http://127.0.0.1:${port}/dashboard/#/terminal/moder`);
    const panel = page.locator('[data-testid="terminal-panel"][data-agent="moder"]');
    await panel.locator('[data-testid="answer-always"]').click();
    const outcome = panel.locator('[data-testid="answer-outcome"]');
    await outcome.waitFor({ timeout: 60_000 });
    expect(await outcome.getAttribute('data-code')).toBe('ANSWER_CHANGES_MODE');
    expect(await outcome.textContent()).toMatch(
      /^“Yes, and switch to accept edits .*” changes the session’s permission mode/,
    );
    expect((await home.agent('moder')).state).toBe('needs_permission');
    await panel.locator('[data-testid="answer-accept-mode"]').click();
    await eventually('moded.txt', () => existsSync(`${proj}/moded.txt`), 60_000);
    const [approved] = await eventsOf('moder', 'agent.approved');
    expect(approved).toMatchObject({
      data: {
        via: 'dashboard',
        always: true,
        modeChange: true,
        scope: expect.stringMatching(/accept edits/),
      },
    });
  });

  it('a dialog that changed while the click was on its way is refused, with what the screen shows now', async () => {
    await untilState('changer', 'needs_permission', 'the first dialog');
    await page.locator('[data-testid="tab-inbox"]').click();
    const item = inboxItem('changer');
    await item.locator('[data-testid="answer-approve"]').waitFor();
    const first = await home.agent('changer');
    const hold = await holdNextAnswer();
    await item.locator('[data-testid="answer-approve"]').click();
    await hold.held;
    // Meanwhile someone else approves it; the agent runs the command and asks again.
    expect((await home.run(['approve', 'changer'])).code).toBe(0);
    await eventually(
      'the second dialog',
      async () => {
        const a = await home.agent('changer');
        return a.state === 'needs_permission' && a.stateSince !== first.stateSince ? a : undefined;
      },
      60_000,
    );
    await hold.release();
    const refused = item.locator('[data-testid="answer-outcome"][data-ok="false"]');
    await refused.waitFor({ timeout: 30_000 });
    expect(await refused.getAttribute('data-code')).toBe('DIALOG_CHANGED');
    expect(await refused.textContent()).toContain(
      'its screen now shows: needs permission about echo second-done > second.txt',
    );
    await screenshot(page, home, 'inbox-dialog-changed');
    expect(existsSync(`${proj}/second.txt`)).toBe(false);
    expect((await home.agent('changer')).state).toBe('needs_permission');
  });
});
