import { describe, expect, it } from 'vitest';
import {
  agentOf,
  exitCode,
  makeCore,
  reportExit,
  startAgent,
  transitions,
  type Harness,
} from '../../../test/support/core-fakes.js';
import { flush } from '../../../test/support/fake-clock.js';
import type { Signal } from '../../protocol/signals.js';
import { PROFILES } from '../../vendors/registry.js';
import type { TurnModel, TurnModelAnswer } from '../ports/turn-model.js';
import { receiveHook } from './hook-intake.js';

const QUESTION = 'I found two ways to do it.\n\nWhich database should I use, Postgres or SQLite?';
const SUMMARY = 'Done: added the /health route and its test. All 12 tests pass.';
/** The rules are unsure of it (a question, then a statement): a model, when set, decides. */
const UNSURE = 'Why was it slow? Each request opened a connection. Pooled now.';

async function agent(h: Harness, profile: 'claude' | 'codex' | 'gemini' = 'claude'): Promise<string> {
  const bin = `/opt/${profile}/bin/${profile}`;
  h.preflight.commands.set(bin, bin);
  h.preflight.commands.set(profile, bin);
  return (await startAgent(h, { profile, argv: [] })).id;
}

const hook = (h: Harness, id: string, body: Record<string, unknown>) =>
  receiveHook(
    {
      registry: h.core.registry,
      profileCatalog: PROFILES,
      service: h.core.service,
      engine: h.core.engine,
      clock: h.clock,
      turns: h.core.turns,
    },
    id,
    { session_id: 'sess-1', ...body },
  );

function status(h: Harness, id: string, state: Signal['state'], reason: Signal['reason'], evidence: string) {
  h.core.sessions.message(id, {
    type: 'signal',
    signal: { source: 'status', state, ...(reason ? { reason } : {}), evidence, at: h.clock.now() },
  });
  return flush();
}

const prompt = (h: Harness, id: string) => hook(h, id, { hook_event_name: 'UserPromptSubmit', prompt: 'go' });
const stop = (h: Harness, id: string, message: unknown) =>
  hook(h, id, { hook_event_name: 'Stop', last_assistant_message: message });

describe('turn ends: hostile hook payloads first', () => {
  it('a Stop whose message is not a string, or missing, ends the turn idle, undecided', async () => {
    const h = await makeCore();
    const id = await agent(h);
    for (const message of [{ text: 'Which one?' }, 42, ['Which one?'], null, undefined]) {
      await prompt(h, id);
      await stop(h, id, message);
      expect(agentOf(h, id).state).toBe('idle');
      expect(agentOf(h, id).stateDetail.verdict).toBeUndefined();
    }
  });

  it('reads the whole message, however long, and keeps the question within its bounds', async () => {
    const h = await makeCore();
    const id = await agent(h);
    await prompt(h, id);
    const log = 'build output? maybe?\n'.repeat(100_000);
    const message = `\`\`\`\n${log}\`\`\`\n\n${'Should I retry? '.repeat(400)}`;
    await stop(h, id, message);
    const a = agentOf(h, id);
    expect(a.state).toBe('needs_input');
    expect(a.stateDetail.verdict).toMatchObject({ chars: message.length, by: 'rules' });
    expect(a.stateDetail.request?.question?.length).toBeLessThanOrEqual(2_000);
  });

  it('a forged turn end for an agent whose CLI reads none changes nothing', async () => {
    const h = await makeCore();
    const id = await agent(h);
    const shell = (await startAgent(h, { profile: 'shell', argv: [] }, 'cli', 9002)).id;
    await h.core.turns.ended(shell, { message: QUESTION, from: 'forged' }, h.clock.now());
    expect(agentOf(h, shell).state).toBe('running');
    expect(h.core.engine.lastTurn(shell)).toBeUndefined();
    expect(h.core.engine.lastTurn(id)).toBeUndefined();
  });
});

describe('turn ends: Claude Code (Stop hook, status records)', () => {
  it('a turn that ends with a question is needs_input(question) with its text; a summary is idle', async () => {
    const h = await makeCore();
    const id = await agent(h);
    await prompt(h, id);
    await stop(h, id, QUESTION);
    const a = agentOf(h, id);
    expect(a.state).toBe('needs_input');
    expect(a.stateDetail).toMatchObject({
      reason: 'question',
      source: 'hook',
      request: { kind: 'question', question: 'Which database should I use, Postgres or SQLite?' },
      verdict: {
        says: 'question',
        by: 'rules',
        rule: 'final-question',
        from: 'hook Stop last_assistant_message',
      },
    });
    expect(a.stateDetail.evidence).toContain('turn end: asks the user (rules final-question)');
    await prompt(h, id);
    expect(agentOf(h, id).state).toBe('working');
    await stop(h, id, SUMMARY);
    expect(agentOf(h, id).state).toBe('idle');
    expect(agentOf(h, id).stateDetail).toMatchObject({
      reason: 'turn_done',
      verdict: { says: 'done', by: 'rules', rule: 'no-question' },
    });
  });

  it('the status record that outranks the hook cannot hide the question, before or after it', async () => {
    const h = await makeCore();
    const id = await agent(h);
    await status(h, id, 'working', undefined, 'status 7501 state=working');
    await prompt(h, id);
    // Stop first (as Claude Code sends it), then its `done` record.
    await stop(h, id, QUESTION);
    expect(agentOf(h, id).state).toBe('working');
    h.clock.advance(50);
    await status(h, id, 'idle', 'turn_done', 'status 7501 state=done');
    expect(agentOf(h, id).state).toBe('needs_input');
    // A status record of the same turn arriving late does not end the wait…
    h.clock.advance(100);
    await status(h, id, 'working', undefined, 'status 7501 state=working');
    await status(h, id, 'idle', 'turn_done', 'status 7501 state=done');
    expect(agentOf(h, id).state).toBe('needs_input');
    // …a new turn does; then `done` first and its Stop 300 ms later: held, never idle in between.
    h.clock.advance(5_000);
    await status(h, id, 'working', undefined, 'status 7501 state=working');
    await prompt(h, id);
    expect(agentOf(h, id).state).toBe('working');
    h.clock.advance(1_000);
    await status(h, id, 'idle', 'turn_done', 'status 7501 state=done');
    expect(agentOf(h, id).state).toBe('working');
    h.clock.advance(300);
    await stop(h, id, 'Should I also update the changelog?');
    expect(agentOf(h, id).state).toBe('needs_input');
    expect(
      transitions(h, id)
        .slice(-3)
        .map((t) => t[1]),
    ).toEqual(['needs_input', 'working', 'needs_input']);
  });

  it('a turn end whose message never comes is idle once the profile’s wait is over', async () => {
    const h = await makeCore();
    const id = await agent(h);
    await status(h, id, 'working', undefined, 'status 7501 state=working');
    h.clock.advance(1_000);
    await status(h, id, 'idle', 'turn_done', 'status 7501 state=done');
    expect(agentOf(h, id).state).toBe('working');
    await h.clock.advanceAsync(1_000);
    expect(agentOf(h, id).state).toBe('idle');
    // An Esc (idle at_prompt, no Stop) is not held.
    await status(h, id, 'working', undefined, 'status 7501 state=working');
    await status(h, id, 'idle', undefined, 'status 7501 state=idle');
    expect(agentOf(h, id).state).toBe('idle');
  });
});

describe('turn ends: Codex (notify after its done record)', () => {
  it('holds the done record for the notify, whose message decides', async () => {
    const h = await makeCore();
    const id = await agent(h, 'codex');
    const notify = (message: string) =>
      hook(h, id, {
        type: 'agent-turn-complete',
        'thread-id': '0199a7c2-1b2c-7d3e-8f90-123456789abc',
        'input-messages': ['go'],
        'last-assistant-message': message,
      });
    await status(h, id, 'working', undefined, 'status 7501 state=working app=codex');
    h.clock.advance(2_000);
    await status(h, id, 'idle', 'turn_done', 'status 7501 state=done app=codex');
    h.clock.advance(100);
    expect(agentOf(h, id).state).toBe('working');
    await notify('Do you want me to commit these changes?');
    expect(agentOf(h, id).stateDetail).toMatchObject({
      reason: 'question',
      request: { question: 'Do you want me to commit these changes?' },
      verdict: { from: 'notify agent-turn-complete last-assistant-message' },
    });
    h.clock.advance(5_000);
    await status(h, id, 'working', undefined, 'status 7501 state=working app=codex');
    h.clock.advance(2_000);
    await status(h, id, 'idle', 'turn_done', 'status 7501 state=done app=codex');
    await notify(SUMMARY);
    expect(agentOf(h, id).state).toBe('idle');
  });

  it('a reply submitted at once starts the next turn: its done record is not read under the question before', async () => {
    const h = await makeCore();
    const id = await agent(h, 'codex');
    const notify = (message: string) =>
      hook(h, id, {
        type: 'agent-turn-complete',
        'thread-id': '0199a7c2-1b2c-7d3e-8f90-123456789abc',
        'input-messages': ['go'],
        'last-assistant-message': message,
      });
    await status(h, id, 'working', undefined, 'status 7501 state=working app=codex');
    h.clock.advance(2_000);
    await status(h, id, 'idle', 'turn_done', 'status 7501 state=done app=codex');
    await notify('Which database should I use, Postgres or SQLite?');
    expect(agentOf(h, id).state).toBe('needs_input');
    // Answered 300 ms later (a policy, a lead agent, a quick click); Codex works and is done within
    // the 500 ms a late record of the asking turn would take (recorded: 473 and 569 ms).
    h.clock.advance(300);
    h.core.engine.submitted(id, h.clock.now());
    h.clock.advance(130);
    await status(h, id, 'working', undefined, 'status 7501 state=working app=codex');
    expect(agentOf(h, id).state).toBe('working');
    h.clock.advance(100);
    await status(h, id, 'idle', 'turn_done', 'status 7501 state=done app=codex');
    expect(agentOf(h, id).state).toBe('working'); // held for its notify, not the old question
    await notify(SUMMARY);
    expect(agentOf(h, id).state).toBe('idle');
    const moves = transitions(h, id).map(([, to]) => to);
    expect(moves.slice(moves.lastIndexOf('needs_input'))).toEqual(['needs_input', 'working', 'idle']);
  });
});

describe('turn ends: a process that ends its turn and exits at once', () => {
  it('records the held idle before the exit: the turn did end (claude -p prints its result and exits)', async () => {
    const h = await makeCore();
    const id = await agent(h, 'codex');
    await status(h, id, 'working', undefined, 'status 7501 state=working app=codex');
    h.clock.advance(2_000);
    await status(h, id, 'idle', 'turn_done', 'status 7501 state=done app=codex');
    h.clock.advance(100);
    expect(agentOf(h, id).state).toBe('working'); // held for the notify
    await reportExit(h, id, 9001, exitCode(0));
    expect(
      transitions(h, id)
        .slice(-2)
        .map((t) => [t[1], t[2]]),
    ).toEqual([
      ['idle', 'turn_done'],
      ['exited', 'exited'],
    ]);
  });

  it('a process that exits while working is not called idle on the way out', async () => {
    const h = await makeCore();
    const id = await agent(h, 'codex');
    await status(h, id, 'working', undefined, 'status 7501 state=working app=codex');
    h.clock.advance(2_000);
    await reportExit(h, id, 9001, exitCode(1));
    expect(transitions(h, id).map((t) => t[1])).not.toContain('idle');
    expect(agentOf(h, id).state).toBe('exited');
  });
});

/** A scripted model: each call answers after `ms` of the fake clock (or never). */
class ScriptedModel implements TurnModel {
  readonly model = 'scripted-1';
  calls: string[] = [];
  constructor(
    private readonly h: () => Harness,
    private readonly answer: TurnModelAnswer | Error | 'never',
    private readonly ms: number,
  ) {}
  classify(message: string): Promise<TurnModelAnswer> {
    this.calls.push(message);
    const a = this.answer;
    if (a === 'never') return new Promise(() => undefined);
    return new Promise((resolve, reject) =>
      this.h().clock.setTimer(this.ms, () => (a instanceof Error ? reject(a) : resolve(a))),
    );
  }
}

describe('turn ends: the model for what the rules are unsure of', () => {
  async function withModel(answer: TurnModelAnswer | Error | 'never', ms = 800) {
    const box: { h?: Harness } = {};
    const model = new ScriptedModel(() => box.h as Harness, answer, ms);
    const h = await makeCore({ turnModel: model });
    box.h = h;
    return { h, model, id: await agent(h) };
  }

  it('holds the idle while it decides, and its word decides, with its time and tokens', async () => {
    const { h, model, id } = await withModel({ says: 'question', inputTokens: 120, outputTokens: 1 });
    await prompt(h, id);
    await stop(h, id, UNSURE);
    expect(model.calls).toEqual([UNSURE]);
    expect(agentOf(h, id).state).toBe('working');
    await h.clock.advanceAsync(800);
    expect(agentOf(h, id).stateDetail).toMatchObject({
      reason: 'question',
      verdict: {
        says: 'question',
        by: 'model',
        rule: 'answered-question',
        sure: false,
        model: {
          model: 'scripted-1',
          outcome: 'answered',
          says: 'question',
          ms: 800,
          inputTokens: 120,
          outputTokens: 1,
        },
      },
    });
    expect(transitions(h, id).map((t) => t[1])).not.toContain('idle');
  });

  it('a sure case never asks it', async () => {
    const { h, model, id } = await withModel({ says: 'question' });
    await prompt(h, id);
    await stop(h, id, SUMMARY);
    expect(model.calls).toEqual([]);
    expect(agentOf(h, id).state).toBe('idle');
  });

  it('after its timeout the rules’ verdict stands, and says so', async () => {
    const { h, id } = await withModel('never');
    await prompt(h, id);
    await stop(h, id, UNSURE);
    await h.clock.advanceAsync(5_000);
    expect(agentOf(h, id).stateDetail).toMatchObject({
      reason: 'turn_done',
      verdict: { by: 'rules', says: 'done', model: { outcome: 'timeout', ms: 5_000 } },
    });
  });

  it('a failed call leaves the rules’ verdict, and a message too long for it is not sent', async () => {
    const { h, model, id } = await withModel(new Error('HTTP 500 from the model'));
    await prompt(h, id);
    await stop(h, id, UNSURE);
    await h.clock.advanceAsync(800);
    expect(agentOf(h, id).stateDetail.verdict).toMatchObject({
      by: 'rules',
      model: { outcome: 'error', error: 'HTTP 500 from the model' },
    });
    await prompt(h, id);
    await stop(h, id, `${'x'.repeat(30_000)}\n\n${UNSURE}`);
    expect(model.calls).toHaveLength(1);
    expect(agentOf(h, id).state).toBe('idle');
  });

  it('a late verdict on a turn a newer one replaced changes nothing', async () => {
    const { h, id } = await withModel({ says: 'question' }, 3_000);
    await prompt(h, id);
    await stop(h, id, UNSURE);
    h.clock.advance(10);
    await prompt(h, id);
    h.clock.advance(10);
    await stop(h, id, SUMMARY);
    expect(agentOf(h, id).state).toBe('idle');
    await h.clock.advanceAsync(3_000);
    expect(agentOf(h, id).state).toBe('idle');
  });
});
