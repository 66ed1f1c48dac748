import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import type { WtpEvent } from '../../src/protocol/events.js';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import { WtpClient } from '../../src/client/wtp-client.js';
import { REAL_CLI_TESTS, answerDoc, newAgent, untilState as waitForState } from '../support/agent-steps.js';
import { claudeBinary, claudeEnv, prepareClaudeHome, CLAUDE_QUESTION } from '../support/claude-cli.js';
import { FakeAnthropic, type FakeRequest, type FakeTurn } from '../support/fake-anthropic.js';
import { eventually, TestHome } from '../support/harness.js';

/**
 * Issue 17 on the real Claude Code (pinned), offline against a scripted Messages API, in tmux:
 * `wtp approve`, `wtp deny`, `wtp answer` press what its dialogs take — checked against the screen
 * first, audited, and confirmed by the agent leaving the dialog. No test types keys by hand.
 */
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
    // The "changed" agent asks a second time once its first command ran.
    if (req.toolResultText.includes('first-done')) return bash('echo second-done > second.txt');
    return { text: 'Done.' };
  }
  if (said.includes('write the notes')) {
    return { toolUse: { name: 'Write', input: { file_path: `${proj}/notes.txt`, content: 'approved\n' } } };
  }
  if (said.includes('clean up')) return bash('echo ran > denied.txt');
  if (said.includes('run the tests')) return bash('npm test');
  if (said.includes('press a key')) return bash('echo keyed > keyed.txt');
  if (said.includes('pick a colour')) return { toolUse: { name: 'AskUserQuestion', input: CLAUDE_QUESTION } };
  if (said.includes('two steps')) return bash('echo first-done > first.txt && cat first.txt');
  const batch = /batch (\d)/.exec(said);
  if (batch) return bash(`echo ok > batch-${batch[1]}.txt`);
  return { text: 'ok' };
}

describe('answers on the real Claude Code (tmux)', REAL_CLI_TESTS, () => {
  let home: TestHome;
  let api: FakeAnthropic;
  const untilState = (name: string, state: string, what: string): Promise<AgentView> =>
    waitForState(home, name, state, what, 'tmux');
  const start = (name: string, prompt: string): Promise<void> =>
    newAgent(home, 'claude', name, proj, ['--permission-mode', 'default', '--prompt', prompt]);
  const answer = (args: string[]) => answerDoc(home, args);
  const events = async (name: string, type: string): Promise<WtpEvent[]> => {
    const r = await home.run(['events', '--agent', name, '--type', type, '--json']);
    return r.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => (JSON.parse(l) as { event: WtpEvent }).event);
  };
  const client = (): WtpClient => new WtpClient({ socketPath: home.path('run', 'api.sock') });

  beforeAll(async () => {
    api = await FakeAnthropic.start(script);
    home = new TestHome({ WTP_BACKEND: 'tmux', WTP_CLAUDE_BIN: claudeBinary() });
    proj = home.path('proj');
    mkdirSync(proj);
    writeFileSync(`${proj}/package.json`, '{"scripts":{"test":"echo tested > tested.txt"}}\n');
    prepareClaudeHome(home.path('home'), { cwd: proj, apiKey: API_KEY, trusted: false });
    Object.assign(home.env, claudeEnv({ home: home.path('home'), baseUrl: api.url, apiKey: API_KEY }));
    await home.up();
    await Promise.all([
      start('writer', 'write the notes'),
      start('cleaner', 'clean up'),
      start('asker', 'pick a colour'),
      start('changer', 'two steps'),
      start('runner', 'run the tests'),
      start('keyed', 'press a key'),
      // docs/sandbox.md's example mode: its warning waits on a choice before anything else. As root
      // (a CI machine), Claude Code refuses the mode outside a sandbox it is told of (IS_SANDBOX).
      newAgent(home, 'claude', 'bold', proj, [
        '--permission-mode',
        'bypassPermissions',
        '-e',
        'IS_SANDBOX=1',
        '--prompt',
        'say hi',
      ]),
    ]);
  }, 120_000);

  afterAll(async () => {
    await home?.cleanup();
    await api?.close();
  });

  it('wtp approve --via plugin --json (as the WezTerm plugin calls it; bin/wtp, through curl): a Write is approved through its permission hook (no key pressed), the file is written, the agent leaves the dialog; audited', async () => {
    await untilState('writer', 'needs_permission', 'the Write permission dialog');
    const r = await home.runCurl(['approve', 'writer', '--via', 'plugin', '--json']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const doc = cliOutputSchemas.answers.parse(JSON.parse(r.stdout));
    expect(doc.answered[0]).toMatchObject({ action: 'approve', left: true, keys: [], channel: 'hook' });
    await untilState('writer', 'idle', 'writer to finish');
    expect(readFileSync(`${proj}/notes.txt`, 'utf8')).toBe('approved\n');
    const [approved] = await events('writer', 'agent.approved');
    expect(approved).toMatchObject({
      source: 'cli',
      data: { via: 'plugin', always: false, keys: [], channel: 'hook' },
    });
  });

  it('wtp deny --message: the command never runs, the model reads the reason with the denial, the agent is back at its prompt', async () => {
    await untilState('cleaner', 'needs_permission', 'the Bash permission dialog');
    const before = seen.length;
    const r = await answer(['deny', 'cleaner', '--message', 'leave the files alone']);
    expect(r.code, JSON.stringify(r.doc)).toBe(0);
    expect(r.answered[0]).toMatchObject({ action: 'deny', left: true, keys: [], channel: 'hook' });
    // Through the hook, the reason is the denied tool call's result: the model reads it at once.
    await eventually(
      'the reason to reach the API',
      () => seen.slice(before).some((q) => q.toolResultText.includes('leave the files alone')),
      60_000,
    );
    await untilState('cleaner', 'idle', 'cleaner to be idle again');
    expect(existsSync(`${proj}/denied.txt`)).toBe(false);
    const [denied] = await events('cleaner', 'agent.denied');
    expect(denied).toMatchObject({
      data: { via: 'cli', message: 'leave the files alone', keys: [], channel: 'hook' },
    });
  });

  it('wtp approve (bin/wtp, through curl): the `npm test` dialog, with its line no screen rule knows, is approved through the hook and the tests run', async () => {
    const waiting = await untilState('runner', 'needs_permission', 'the npm test dialog');
    expect(waiting.stateDetail.request).toMatchObject({ tool: 'Bash', about: 'npm test' });
    await eventually('its dialog on screen', async () =>
      /This command requires approval/.test(await home.screen('runner')),
    );
    // As a user types it: bin/wtp, through curl, without starting Node.
    const r = await home.runCurl(['approve', 'runner']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(
      /^runner: approved: "npm test" — it left the dialog in \d+ ms \(now \w+; through its permission hook\)\n$/,
    );
    await eventually('the tests to run', () => existsSync(`${proj}/tested.txt`), 60_000);
  });

  it('its dialog stays answerable in the terminal while the hook waits: a key pressed there wins, a later approve is refused', async () => {
    await untilState('keyed', 'needs_permission', 'the Bash dialog');
    await eventually('its dialog on screen', async () =>
      /Do you want to proceed\?/.test(await home.screen('keyed')),
    );
    const sent = await home.run(['send', 'keyed', '--key', '1', '--force']);
    expect(sent.code, sent.stderr).toBe(0);
    await eventually('the command to run', () => existsSync(`${proj}/keyed.txt`), 60_000);
    await untilState('keyed', 'idle', 'keyed to finish');
    const late = await home.run(['approve', 'keyed']);
    expect(late.code).not.toBe(0);
    expect(late.stderr).toContain('[AGENT_NOT_WAITING]');
  });

  it('wtp answer: a question is answered by its label; not an option is refused with the options', async () => {
    await untilState('asker', 'needs_input', 'the question dialog');
    const wrong = await home.run(['answer', 'asker', 'Green']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('[ANSWER_NOT_AN_OPTION]');
    expect(wrong.stderr).toContain('2. Blue');
    expect((await home.agent('asker')).state).toBe('needs_input'); // nothing was pressed
    const r = await answer(['answer', 'asker', 'blue']);
    expect(r.code, JSON.stringify(r.doc)).toBe(0);
    expect(r.answered[0]).toMatchObject({ action: 'answer', about: 'Blue', keys: ['down', 'enter'] });
    await untilState('asker', 'idle', 'asker to finish');
    const toolResults = seen.filter((q) => q.hasToolResult).map((q) => q.toolResultText);
    expect(toolResults.some((t) => t.includes('Blue'))).toBe(true);
    const [answered] = await events('asker', 'agent.answered');
    expect(answered).toMatchObject({ data: { text: 'blue', option: 2 } });
  });

  it('the bypass-permissions warning at the start waits on the user (needs_input, its options): wtp answer accepts it, and the prompt goes in', async () => {
    const waiting = await untilState('bold', 'needs_input', 'the bypass-permissions warning');
    expect(waiting.stateDetail).toMatchObject({ reason: 'question', source: 'screen' });
    const wrong = await home.run(['approve', 'bold']);
    expect(wrong.stderr).toContain('[AGENT_NOT_WAITING]');
    const r = await answer(['answer', 'bold', 'Yes, I accept']);
    expect(r.code, JSON.stringify(r.doc)).toBe(0);
    expect(r.answered[0]).toMatchObject({ action: 'answer', about: 'Yes, I accept', left: true });
    await eventually(
      'its prompt to reach the API',
      () => seen.some((q) => q.lastUserText.includes('say hi')),
      60_000,
    );
    await untilState('bold', 'idle', 'bold to finish');
  });

  it('a dialog that changed between showing and answering is refused: nothing is pressed', async () => {
    const first = await untilState('changer', 'needs_permission', 'the first permission dialog');
    expect((await answer(['approve', 'changer'])).code).toBe(0);
    // The agent runs the first command and asks again: what the user saw first is stale now.
    const second = await eventually(
      'the second dialog',
      async () => {
        const a = await home.agent('changer');
        return a.state === 'needs_permission' && a.stateSince !== first.stateSince ? a : undefined;
      },
      60_000,
    );
    const stale = await client()
      .call('answerAgent', {
        params: { agent: 'changer' },
        body: { action: 'approve', expect: { state: first.state, since: first.stateSince } },
      })
      .then(
        () => null,
        (err: { code?: string; details?: { now?: { state?: string } } }) => err,
      );
    expect(stale?.code).toBe('DIALOG_CHANGED');
    expect(stale?.details?.now?.state).toBe('needs_permission');
    expect(existsSync(`${proj}/second.txt`)).toBe(false);
    expect((await home.agent('changer')).stateSince).toBe(second.stateSince); // still waiting
    // Shown the current dialog, the answer goes through.
    const ok = await client().call('answerAgent', {
      params: { agent: 'changer' },
      body: { action: 'approve', expect: { state: second.state, since: second.stateSince } },
    });
    expect(ok.left).toBe(true);
    await eventually('second.txt', () => existsSync(`${proj}/second.txt`), 60_000);
  });

  it('wtp approve --all approves every agent waiting (here two); an agent that waits on nothing is refused', async () => {
    await Promise.all([start('b1', 'batch 1'), start('b2', 'batch 2')]);
    await untilState('b1', 'needs_permission', 'b1 to ask');
    await untilState('b2', 'needs_permission', 'b2 to ask');
    const r = await answer(['approve', '--all', '--profile', 'claude']);
    expect(r.code, JSON.stringify(r.doc)).toBe(0);
    expect(r.answered.map((x) => x.agent.name).sort()).toEqual(['b1', 'b2']);
    await eventually(
      'both files',
      () => existsSync(`${proj}/batch-1.txt`) && existsSync(`${proj}/batch-2.txt`),
      60_000,
    );
    await untilState('b1', 'idle', 'b1 to finish');
    const idle = await home.run(['approve', 'b1']);
    expect(idle.code).not.toBe(0);
    expect(idle.stderr).toContain('[AGENT_NOT_WAITING]');
  });
});
