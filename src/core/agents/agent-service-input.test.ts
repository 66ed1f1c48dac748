import { describe, expect, it } from 'vitest';
import {
  agentOf,
  bytes,
  cmdRequest,
  exitCode,
  FAKE_SCREEN,
  makeCore,
  reportExit,
  startAgent,
} from '../../../test/support/core-fakes.js';
import { flush } from '../../../test/support/fake-clock.js';
import { AppError } from '../errors.js';

const CR = [0x0d];

async function rejection(p: () => Promise<unknown>): Promise<AppError> {
  try {
    await p();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

describe('sendInput', () => {
  it('pastes the text, then sends CR as a separate write after submitDelayMs', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h);
    const result = await h.core.service.sendInput(id, 'hello\nworld', true, 'cli');
    expect(link.ofType('paste')).toEqual([{ type: 'paste', text: 'hello\nworld' }]);
    expect(link.inputs).toEqual([]);

    h.clock.advance(49);
    expect(link.inputs).toEqual([]);
    h.clock.advance(1);
    expect(link.inputs.map((b) => [...b])).toEqual([CR]);

    const [event] = h.store.ofType('agent.inputSent', id);
    expect(event).toMatchObject({
      source: 'cli',
      agentId: id,
      data: { text: 'hello\nworld', bytes: 12, enter: true, truncated: false },
    });
    expect(result).toEqual({ bytes: 12, seq: event?.seq });
  });

  it('refuses keys into a permission dialog (AGENT_IN_DIALOG); forced, they are recorded as the answer', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h);
    const agent = h.core.registry.resolve(id);
    await h.core.lifecycle.applyActivity(
      agent,
      'needs_permission',
      { reason: 'permission', request: { kind: 'permission', tool: 'Bash', about: 'rm -rf build' } },
      'host',
    );
    const err = await rejection(() => h.core.service.sendInput(id, '\r', false, 'cli', false, true));
    expect(err.code).toBe('AGENT_IN_DIALOG');
    expect(err.message).toContain('wtp approve');
    expect(err.details).toMatchObject({ state: 'needs_permission', about: 'rm -rf build' });
    expect(link.ofType('keys')).toEqual([]);
    expect(h.store.ofType('agent.inputSent', id)).toEqual([]);

    await h.core.service.sendInput(id, '1', false, 'cli', true, true);
    expect(link.ofType('keys')).toEqual([{ type: 'keys', text: '1' }]);
    expect(h.store.ofType('agent.dialogKeysSent', id)).toMatchObject([
      {
        source: 'cli',
        data: { keys: '1', reason: 'permission', about: 'rm -rf build', unknownDialog: false },
      },
    ]);
    expect(h.store.ofType('agent.inputSent', id)).toMatchObject([{ data: { forced: true, raw: true } }]);
  });

  it('sends no CR without enter, and counts UTF-8 bytes', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h);
    const result = await h.core.service.sendInput(id, 'héllo €', false, 'api');
    await h.clock.advanceAsync(10_000);
    expect(link.inputs).toEqual([]);
    expect(result.bytes).toBe(10);
    expect(h.store.ofType('agent.inputSent', id)[0]).toMatchObject({
      source: 'api',
      data: { text: 'héllo €', bytes: 10, enter: false, truncated: false },
    });
  });

  it('audits at most 2000 characters but pastes and counts everything', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h);
    const long = 'é'.repeat(2_500);
    const result = await h.core.service.sendInput(id, long, true, 'cli');
    expect(link.ofType('paste')[0]?.text).toBe(long);
    expect(result.bytes).toBe(5_001);
    expect(h.store.ofType('agent.inputSent', id)[0]?.data).toEqual({
      text: 'é'.repeat(2_000),
      bytes: 5_001,
      enter: true,
      truncated: true,
      stateAtSend: 'running',
    });

    await h.core.service.sendInput(id, 'x'.repeat(2_000), false, 'cli');
    expect(h.store.ofType('agent.inputSent', id)[1]?.data).toMatchObject({ truncated: false, bytes: 2_000 });
  });

  it('AGENT_NOT_RUNNING for a starting or exited agent; nothing is sent or recorded', async () => {
    const h = await makeCore();
    const starting = await h.core.service.create(cmdRequest({ name: 'starting' }), 'cli');
    const err = await rejection(() => h.core.service.sendInput(starting.id, 'x', true, 'cli'));
    expect(err.code).toBe('AGENT_NOT_RUNNING');
    expect(err.details).toEqual({ agent: 'starting', state: 'starting' });

    const { id, link } = await startAgent(h, { name: 'done' });
    await reportExit(h, id, 9001, exitCode(0));
    expect((await rejection(() => h.core.service.sendInput(id, 'x', true, 'cli'))).code).toBe(
      'AGENT_NOT_RUNNING',
    );
    expect(link.ofType('paste')).toEqual([]);
    expect(h.store.ofType('agent.inputSent')).toEqual([]);
  });

  it('HOST_UNAVAILABLE when the agent runs but its host is not connected', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h);
    h.core.sessions.closed(id, link);
    await flush();
    const err = await rejection(() => h.core.service.sendInput(id, 'x', true, 'cli'));
    expect(err.code).toBe('HOST_UNAVAILABLE');
    expect(err.details).toEqual({ agent: 'cmd-1' });
    expect(h.store.ofType('agent.inputSent')).toEqual([]);
  });

  it('drops the delayed CR if the link it typed into is gone by then', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h);
    await h.core.service.sendInput(id, 'ls', true, 'cli');
    h.core.sessions.closed(id, link);
    await h.clock.advanceAsync(1_000);
    expect(link.inputs).toEqual([]);
  });

  it('AGENT_NOT_FOUND for an unknown agent', async () => {
    const h = await makeCore();
    expect((await rejection(() => h.core.service.sendInput('nope', 'x', false, 'cli'))).code).toBe(
      'AGENT_NOT_FOUND',
    );
  });
});

describe('screen, snapshot, raw keys and resize', () => {
  it('asks the host for the screen and the snapshot with the request timeout', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h);
    link.snapshotResult = { data: 'repaint', cols: 80, rows: 24, seq: 42 };
    await expect(h.core.service.screen(id)).resolves.toEqual(FAKE_SCREEN);
    await expect(h.core.service.snapshot(agentOf(h, id))).resolves.toEqual({
      data: 'repaint',
      cols: 80,
      rows: 24,
      seq: 42,
    });
    expect(link.requestTimeouts).toEqual([1_500, 1_500]);
  });

  it('refuses a screen of an agent that is not running', async () => {
    const h = await makeCore();
    const view = await h.core.service.create(cmdRequest(), 'cli');
    expect((await rejection(async () => h.core.service.screen(view.id))).code).toBe('AGENT_NOT_RUNNING');
  });

  it('types raw bytes without an audit event', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h);
    h.core.service.typeRaw(agentOf(h, id), bytes('q'));
    expect(link.inputs.map((b) => [...b])).toEqual([[0x71]]);
    expect(h.store.ofType('agent.inputSent')).toEqual([]);
  });

  it('resizes: remembers and persists the size and tells the host, once per change', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h);
    h.core.service.resize(agentOf(h, id), 120, 40);
    h.core.service.resize(agentOf(h, id), 120, 40);
    await flush();
    expect(link.ofType('resize')).toEqual([{ type: 'resize', cols: 120, rows: 40 }]);
    expect(h.store.agents.get(id)).toMatchObject({ cols: 120, rows: 40 });
  });
});
