import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { REAL_CLI_TESTS, answerDoc, newAgent, untilState as waitForState } from '../support/agent-steps.js';
import { codexBinary, codexEnv, prepareCodexHome, CODEX_QUESTION } from '../support/codex-cli.js';
import { FakeOpenAI, type FakeOpenAIRequest, type FakeOpenAITurn } from '../support/fake-openai.js';
import { signedInPage } from '../support/browser.js';
import { eventually, TestHome } from '../support/harness.js';
import { selectByName, TuiPane } from '../support/tui-pane.js';

/**
 * Issue 17 on the real Codex CLI (pinned), offline against a scripted Responses API, in tmux:
 * `wtp approve [--always]`, `wtp deny`, `wtp answer` press what its dialogs take (Enter, `p`, Esc,
 * arrows), checked against the screen first. No test types an answer's keys by hand.
 */
const exec = (cmd: string): FakeOpenAITurn => ({
  toolCall: {
    name: 'exec_command',
    arguments: { cmd, sandbox_permissions: 'require_escalated', justification: 'run a command' },
  },
});

/** How many tool outputs the conversation carries so far. */
const outputs = (req: FakeOpenAIRequest): number =>
  req.input.filter((item) => item.type === 'function_call_output').length;

/** Every main-loop request the script saw, in order. */
const seen: FakeOpenAIRequest[] = [];

function script(req: FakeOpenAIRequest): FakeOpenAITurn {
  seen.push(req);
  const said = req.lastUserText;
  // "repeat" runs the same command twice: approved with --always, the second run asks no more.
  if (said.includes('repeat twice'))
    return outputs(req) < 2 ? exec('echo again >> log.txt') : { text: 'Done.' };
  if (said.includes('tui repeat'))
    return outputs(req) < 2 ? exec('echo tui >> tui-log.txt') : { text: 'Done.' };
  if (req.hasToolOutput) return { text: 'Done.' };
  if (said.includes('tui write')) return exec('echo tui > tui.txt');
  if (said.includes('page write')) return exec('echo page > page.txt');
  if (said.includes('page clean')) return exec('echo ran > page-denied.txt');
  if (said.includes('write the file')) return exec('echo approved > approved.txt');
  if (said.includes('clean up')) return exec('echo ran > denied.txt');
  if (said.includes('ask me')) return { toolCall: { name: 'request_user_input', arguments: CODEX_QUESTION } };
  return { text: 'ok' };
}

describe('answers on the real Codex CLI (tmux)', REAL_CLI_TESTS, () => {
  let home: TestHome;
  let api: FakeOpenAI;
  let proj: string;
  const untilState = (name: string, state: string, what: string): Promise<AgentView> =>
    waitForState(home, name, state, what, 'tmux');
  const start = (name: string, prompt: string | null): Promise<void> =>
    newAgent(home, 'codex', name, proj, [
      '--permission-mode',
      'on-request',
      ...(prompt === null ? [] : ['--prompt', prompt]),
    ]);
  const answer = (args: string[]) => answerDoc(home, args);

  beforeAll(async () => {
    api = await FakeOpenAI.start(script);
    home = new TestHome({ WTP_BACKEND: 'tmux', WTP_CODEX_BIN: codexBinary() });
    home.writeConfig('notifications:\n  enabled: false\n');
    proj = home.path('proj');
    mkdirSync(proj);
    const codexHome = home.path('home', '.codex');
    prepareCodexHome(codexHome, { baseUrl: api.url });
    Object.assign(home.env, codexEnv({ home: home.path('home'), codexHome }));
    await home.up();
    await Promise.all([
      start('writer', 'write the file'),
      start('cleaner', 'clean up'),
      start('repeater', 'repeat twice'),
      start('asker', null), // switched to Plan mode first (codex asks questions only there)
      start('tuiwriter', 'tui write'),
      start('tuialways', 'tui repeat'),
      start('pageok', 'page write'),
      start('pagedeny', 'page clean'),
    ]);
  }, 120_000);

  afterAll(async () => {
    await home?.cleanup();
    await api?.close();
  });

  it('wtp approve: the command runs and the agent leaves the dialog', async () => {
    await untilState('writer', 'needs_permission', 'the approval dialog');
    const r = await answer(['approve', 'writer']);
    expect(r.code, JSON.stringify(r.doc)).toBe(0);
    expect(r.answered[0]).toMatchObject({ action: 'approve', left: true, keys: ['enter'] });
    await untilState('writer', 'idle', 'writer to finish');
    expect(readFileSync(`${proj}/approved.txt`, 'utf8')).toBe('approved\n');
  });

  it('wtp deny: the command never runs and the agent is back at its prompt', async () => {
    await untilState('cleaner', 'needs_permission', 'the approval dialog');
    const r = await answer(['deny', 'cleaner']);
    expect(r.code, JSON.stringify(r.doc)).toBe(0);
    expect(r.answered[0]).toMatchObject({ action: 'deny', left: true, keys: ['esc'] });
    await untilState('cleaner', 'idle', 'cleaner to be back at its prompt');
    expect(existsSync(`${proj}/denied.txt`)).toBe(false);
  });

  it('wtp approve --always: its option by number ("2. Yes, and don’t ask again for commands that start with …") — the same command runs again without asking', async () => {
    await untilState('repeater', 'needs_permission', 'the first approval dialog');
    const r = await answer(['approve', 'repeater', '--always']);
    expect(r.code, JSON.stringify(r.doc)).toBe(0);
    expect(r.answered[0]).toMatchObject({ action: 'always', left: true, keys: ['2'] });
    expect(r.answered[0]?.scope).toContain('commands that start with');
    await untilState('repeater', 'idle', 'repeater to finish both runs');
    expect(readFileSync(`${proj}/log.txt`, 'utf8')).toBe('again\nagain\n');
    const steps = (await home.events('repeater'))
      .filter((e) => e.type === 'agent.stateChanged')
      .map((e) => (e.type === 'agent.stateChanged' ? e.data.to : ''));
    expect(steps.filter((s) => s === 'needs_permission')).toHaveLength(1); // asked once only
  });

  it('wtp answer: a Plan-mode question is answered by its option number', async () => {
    await untilState('asker', 'idle', 'asker to be at its prompt');
    // Plan mode has no action of its own: shift-tab is the user's key for it.
    expect((await home.run(['send', 'asker', '--key', 'shift-tab'])).code).toBe(0);
    await eventually('asker to be in Plan mode', async () =>
      /Plan mode \(shift\+tab to cycle\)/.test((await home.run(['peek', 'asker'])).stdout),
    );
    expect((await home.run(['send', 'asker', 'ask me', '--enter'])).code).toBe(0);
    await untilState('asker', 'needs_input', 'the question form');
    const r = await answer(['answer', 'asker', '2']);
    expect(r.code, JSON.stringify(r.doc)).toBe(0);
    expect(r.answered[0]).toMatchObject({ action: 'answer', about: 'Blue', left: true });
    await untilState('asker', 'idle', 'asker to finish');
    const given = seen.flatMap((q) =>
      q.input.filter((i) => i.type === 'function_call_output').map((i) => String(i.output)),
    );
    expect(given).toContain(JSON.stringify({ answers: { colour: { answers: ['Blue'] } } }));
  }, 120_000);

  it('from the TUI: a approves, A approves always by its option; audited via tui', async () => {
    await untilState('tuiwriter', 'needs_permission', 'the approval dialog');
    await untilState('tuialways', 'needs_permission', 'the first approval dialog');
    const tui = await TuiPane.start(home, { cols: 120, rows: 30 });
    await selectByName(tui, 'tuiwriter');
    await tui.keys('a');
    await tui.see('approved tuiwriter');
    await untilState('tuiwriter', 'idle', 'tuiwriter to finish');
    expect(readFileSync(`${proj}/tui.txt`, 'utf8')).toBe('tui\n');
    await selectByName(tui, 'tuialways');
    await tui.keys('A');
    await tui.see('approved tuialways for good');
    await untilState('tuialways', 'idle', 'tuialways to finish both runs');
    expect(readFileSync(`${proj}/tui-log.txt`, 'utf8')).toBe('tui\ntui\n');
    const approved = (await home.events('tuialways')).filter((e) => e.type === 'agent.approved');
    expect(approved).toHaveLength(1); // asked once only
    expect(approved[0]).toMatchObject({ data: { via: 'tui', always: true, keys: ['2'] } });
    await tui.keys('q');
    expect(await tui.exited()).toBe(0);
    await tui.close();
  }, 120_000);

  it('from the dashboard: Approve and Deny in the inbox; audited via dashboard', async () => {
    await untilState('pageok', 'needs_permission', 'the approval dialog');
    await untilState('pagedeny', 'needs_permission', 'the approval dialog');
    const { browser, page } = await signedInPage(home);
    try {
      await page.locator('[data-testid="tab-inbox"]').click();
      const item = (name: string) => page.locator(`[data-testid="inbox-item"][data-agent="${name}"]`);
      await item('pageok').locator('[data-testid="answer-approve"]').click();
      await untilState('pageok', 'idle', 'pageok to finish');
      expect(readFileSync(`${proj}/page.txt`, 'utf8')).toBe('page\n');
      await item('pagedeny').locator('[data-testid="answer-deny"]').click();
      await untilState('pagedeny', 'idle', 'pagedeny back at its prompt');
      expect(existsSync(`${proj}/page-denied.txt`)).toBe(false);
      const events = [...(await home.events('pageok')), ...(await home.events('pagedeny'))];
      expect(events.filter((e) => e.type === 'agent.approved' || e.type === 'agent.denied')).toMatchObject([
        { type: 'agent.approved', data: { via: 'dashboard', keys: ['enter'] } },
        { type: 'agent.denied', data: { via: 'dashboard', keys: ['esc'] } },
      ]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
