import { describe, expect, it } from 'vitest';
import {
  agentOf,
  makeCore,
  startAgent,
  transitions,
  type Harness,
} from '../../../test/support/core-fakes.js';
import { flush } from '../../../test/support/fake-clock.js';
import type { Signal } from '../../protocol/signals.js';
import { PROFILES } from '../../vendors/registry.js';
import { receiveHook } from './hook-intake.js';
import { recordToSignal } from './detectors/status-protocol.js';
import { evidenceOf, verdictRequest, type ScreenVerdict } from './detectors/screen-detector.js';

/** What a waiting agent asks (issue 17): the state engine carries `Signal.request` into its detail. */

async function claudeAgent(h: Harness): Promise<string> {
  h.preflight.commands.set('/opt/claude/bin/claude', '/opt/claude/bin/claude');
  return (await startAgent(h, { profile: 'claude', argv: [] })).id;
}

const hook = (h: Harness, id: string, body: Record<string, unknown>) =>
  receiveHook(
    {
      registry: h.core.registry,
      profileCatalog: PROFILES,
      service: h.core.service,
      engine: h.core.engine,
      clock: h.clock,
    },
    id,
    { session_id: 'sess-1', ...body },
  );

const send = (h: Harness, id: string, signal: Signal) => {
  h.core.sessions.message(id, { type: 'signal', signal });
  return flush();
};

/** A status record as Claude Code 2.1.330 sends it (the host's reading of it). */
const status = (h: Harness, id: string, rec: Parameters<typeof recordToSignal>[0]) =>
  send(h, id, recordToSignal(rec, h.clock.now()) as Signal);

/** A screen verdict as the host reports it (signal-watch.ts). */
const screen = (h: Harness, id: string, v: ScreenVerdict) => {
  const request = verdictRequest(v);
  return send(h, id, {
    source: 'screen',
    state: v.state,
    ...(v.reason === undefined ? {} : { reason: v.reason }),
    evidence: evidenceOf(v),
    at: h.clock.now(),
    ...(request === undefined ? {} : { request }),
  });
};

const WRITE = {
  hook_event_name: 'PermissionRequest',
  tool_name: 'Write',
  tool_input: { file_path: '/p/notes.txt', content: 'one\ntwo\n' },
};

const stored = (h: Harness, id: string) => h.store.agents.get(id)?.stateDetail.request;

describe('state engine: the pending request', () => {
  it('a hook’s request goes into the detail; the status record that follows adds nothing new: no event', async () => {
    const h = await makeCore();
    const id = await claudeAgent(h);
    await hook(h, id, { hook_event_name: 'UserPromptSubmit' });
    await hook(h, id, {
      hook_event_name: 'PermissionRequest',
      tool_name: 'Bash',
      tool_input: { command: 'npm test', description: 'run the tests' },
    });
    const want = { kind: 'permission', tool: 'Bash', about: 'npm test', complete: true };
    expect(agentOf(h, id).stateDetail).toMatchObject({
      source: 'hook',
      evidence: 'hook PermissionRequest Bash "npm test"',
      request: want,
    });
    await status(h, id, { state: 'blocked', kind: 'permission', msg: 'approve Bash: npm test' });
    expect(agentOf(h, id).stateDetail.request).toEqual(want);
    expect(h.store.ofType('agent.requestChanged', id)).toEqual([]);
    expect(transitions(h, id).slice(-1)).toEqual([['working', 'needs_permission', 'permission', 'agent']]);
  });

  it('status first, the hook with the edit’s content later: the request is filled in and persisted, under the same evidence and since, without a state change', async () => {
    const h = await makeCore();
    const id = await claudeAgent(h);
    await status(h, id, { state: 'working' });
    await status(h, id, { state: 'blocked', kind: 'permission', msg: 'approve Write: notes.txt' });
    const before = agentOf(h, id);
    const since = before.stateSince;
    expect(before.stateDetail.request).toEqual({ kind: 'permission', tool: 'Write', about: 'notes.txt' });
    h.clock.advance(120);
    await hook(h, id, WRITE);
    // The hook's whole path (complete) replaces the status record's short one: rules decide on it.
    const full = {
      kind: 'permission',
      tool: 'Write',
      about: '/p/notes.txt',
      complete: true,
      diff: 'one\ntwo\n',
    };
    const a = agentOf(h, id);
    expect(a).toMatchObject({ state: 'needs_permission', stateSince: since });
    expect(a.stateDetail).toMatchObject({ source: 'status', request: full });
    expect(stored(h, id)).toEqual(full);
    // One state change into the dialog; the filling-in is its own event (the dashboard refetches on it).
    expect(transitions(h, id).filter(([, to]) => to === 'needs_permission')).toHaveLength(1);
    expect(h.store.ofType('agent.requestChanged', id).map((e) => [e.source, e.data.request])).toEqual([
      ['host', full],
    ]);
  });

  it('the screen first (no target), the hook later: filled in; a repeat of either changes nothing', async () => {
    const h = await makeCore();
    const id = await claudeAgent(h);
    await hook(h, id, { hook_event_name: 'UserPromptSubmit' });
    const dialog: ScreenVerdict = {
      state: 'needs_permission',
      reason: 'permission',
      rule: 'claude/permission-dialog',
      line: 30,
      text: 'Do you want to create notes.txt?',
    };
    h.clock.advance(100);
    await screen(h, id, dialog);
    await h.clock.advanceAsync(10_000); // the screen outlasts the hook's working
    expect(agentOf(h, id).stateDetail).toMatchObject({ source: 'screen', request: { kind: 'permission' } });
    await hook(h, id, WRITE);
    expect(agentOf(h, id).stateDetail.request).toEqual({
      kind: 'permission',
      tool: 'Write',
      about: '/p/notes.txt',
      complete: true,
      diff: 'one\ntwo\n',
    });
    await hook(h, id, WRITE);
    expect(h.store.ofType('agent.requestChanged', id)).toHaveLength(1);
  });

  it('as Claude Code 2.1.330 told a Write: hook, status, then the screen, whose target is the least sure', async () => {
    const h = await makeCore();
    const id = await claudeAgent(h);
    await hook(h, id, { hook_event_name: 'UserPromptSubmit' });
    await hook(h, id, WRITE);
    await status(h, id, { state: 'blocked', kind: 'permission', msg: 'approve Write: /p/notes.txt' });
    const dialog: ScreenVerdict = {
      state: 'needs_permission',
      reason: 'permission',
      rule: 'claude/permission-dialog',
      line: 17,
      text: 'Do you want to create notes.txt?',
    };
    // The newest word, but a detector's: a target that is another (the file's first line, as an
    // older rule read it) neither replaces the request nor adds to it; the file, relative, agrees.
    h.clock.advance(250);
    await screen(h, id, { ...dialog, about: '1 one' });
    const want = {
      kind: 'permission',
      tool: 'Write',
      about: '/p/notes.txt',
      complete: true,
      diff: 'one\ntwo\n',
    };
    expect(agentOf(h, id).stateDetail.request).toEqual(want);
    await screen(h, id, { ...dialog, about: 'notes.txt' });
    expect(agentOf(h, id).stateDetail.request).toEqual(want);
    expect(transitions(h, id).filter(([, to]) => to === 'needs_permission')).toHaveLength(1);
  });

  it('another dialog while still waiting replaces the request: a new wait (a state change to the same state)', async () => {
    const h = await makeCore();
    const id = await claudeAgent(h);
    await status(h, id, { state: 'working' });
    await status(h, id, { state: 'blocked', kind: 'permission', msg: 'approve Bash: npm test' });
    h.clock.advance(1_000);
    await status(h, id, { state: 'blocked', kind: 'permission', msg: 'approve Bash: rm -rf build' });
    const a = agentOf(h, id);
    expect(a.stateDetail.request).toEqual({ kind: 'permission', tool: 'Bash', about: 'rm -rf build' });
    expect(a.stateDetail.evidence).toContain('approve Bash: rm -rf build');
    expect(a.stateSince).toBe(h.clock.now());
    expect(transitions(h, id).slice(-2)).toEqual([
      ['working', 'needs_permission', 'permission', 'host'],
      ['needs_permission', 'needs_permission', 'permission', 'host'],
    ]);
    expect(stored(h, id)?.about).toBe('rm -rf build');
  });

  it('a newer dialog takes nothing from the older one a slower source still tells (its diff)', async () => {
    const h = await makeCore();
    const id = await claudeAgent(h);
    await hook(h, id, { hook_event_name: 'UserPromptSubmit' });
    await hook(h, id, WRITE);
    h.clock.advance(10);
    await status(h, id, { state: 'blocked', kind: 'permission', msg: 'approve Write: other.txt' });
    expect(agentOf(h, id).stateDetail.request).toEqual({
      kind: 'permission',
      tool: 'Write',
      about: 'other.txt',
    });
  });

  it('the hook before the status record says blocked, a working record between: the hook’s request is kept', async () => {
    const h = await makeCore();
    const id = await claudeAgent(h);
    await status(h, id, { state: 'working' });
    h.clock.advance(10);
    await hook(h, id, WRITE);
    h.clock.advance(10);
    await status(h, id, { state: 'working', msg: 'Writing notes.txt' });
    h.clock.advance(10);
    await status(h, id, { state: 'blocked', kind: 'permission', msg: 'approve Write: /p/notes.txt' });
    expect(agentOf(h, id).stateDetail.request).toEqual({
      kind: 'permission',
      tool: 'Write',
      about: '/p/notes.txt',
      complete: true,
      diff: 'one\ntwo\n',
    });
  });

  it('a request of an earlier dialog is not lent to the next one', async () => {
    const h = await makeCore();
    const id = await claudeAgent(h);
    await hook(h, id, { hook_event_name: 'UserPromptSubmit' });
    await hook(h, id, { ...WRITE, tool_input: { file_path: '/p/old.txt', content: 'old' } });
    expect(agentOf(h, id).stateDetail.request?.about).toBe('/p/old.txt');
    // Answered (no hook says so: the status record does), then a new dialog, told by a status
    // record without a message (as Codex sends it), then by the screen.
    await status(h, id, { state: 'working' });
    await status(h, id, { state: 'blocked', kind: 'permission' });
    expect(agentOf(h, id).stateDetail.request).toEqual({ kind: 'permission' });
    h.clock.advance(50);
    await screen(h, id, {
      state: 'needs_permission',
      reason: 'permission',
      rule: 'claude/permission-dialog',
      line: 30,
      text: 'Do you want to proceed?',
      about: 'npm test',
    });
    expect(agentOf(h, id).stateDetail.request).toEqual({ kind: 'permission', about: 'npm test' });
  });

  it('a command read half-drawn, then whole: the whole one (Codex: the status record names none)', async () => {
    const h = await makeCore();
    const id = await claudeAgent(h);
    await status(h, id, { state: 'working' });
    await status(h, id, { state: 'blocked', app: 'codex', kind: 'permission' });
    const dialog: ScreenVerdict = {
      state: 'needs_permission',
      reason: 'permission',
      rule: 'codex/approval',
      line: 8,
      text: 'Would you like to run the following command?',
    };
    h.clock.advance(100);
    await screen(h, id, { ...dialog, about: 'touch fak' });
    expect(agentOf(h, id).stateDetail.request).toEqual({ kind: 'permission', about: 'touch fak' });
    h.clock.advance(200);
    await screen(h, id, { ...dialog, about: 'touch fake-tool-ran.txt' });
    expect(agentOf(h, id).stateDetail.request).toEqual({
      kind: 'permission',
      about: 'touch fake-tool-ran.txt',
    });
    expect(stored(h, id)?.about).toBe('touch fake-tool-ran.txt');
    expect(transitions(h, id).filter(([, to]) => to === 'needs_permission')).toHaveLength(1);
  });

  it('a question on screen first (every numbered row), then the status record: its question and options win', async () => {
    const h = await makeCore();
    const id = await claudeAgent(h);
    await hook(h, id, { hook_event_name: 'UserPromptSubmit' });
    h.clock.advance(100);
    await send(h, id, {
      source: 'screen',
      state: 'needs_input',
      reason: 'question',
      evidence: 'screen claude/question-dialog line 18: "4. Chat about this"',
      at: h.clock.now(),
      request: { kind: 'question', options: ['Red', 'Blue', 'Type something.', 'Chat about this'] },
    });
    await h.clock.advanceAsync(10_000);
    expect(agentOf(h, id).stateDetail).toMatchObject({ source: 'screen', request: { kind: 'question' } });
    await status(h, id, { state: 'blocked', kind: 'question', msg: 'answer: Which color? (Red · Blue)' });
    expect(agentOf(h, id).stateDetail.request).toEqual({
      kind: 'question',
      question: 'Which color?',
      options: ['Red', 'Blue'],
    });
    expect(h.store.ofType('agent.requestChanged', id)).toHaveLength(1);
  });

  it('a question: its text and options; no request for states that ask nothing', async () => {
    const h = await makeCore();
    const id = await claudeAgent(h);
    await status(h, id, { state: 'working' });
    await status(h, id, {
      state: 'blocked',
      kind: 'question',
      msg: 'answer: Which color should the button be? (Red · Blue)',
    });
    expect(agentOf(h, id).stateDetail.request).toEqual({
      kind: 'question',
      question: 'Which color should the button be?',
      options: ['Red', 'Blue'],
    });
    await status(h, id, { state: 'done' });
    expect(agentOf(h, id).stateDetail.request).toBeUndefined();
    await status(h, id, { state: 'blocked', kind: 'permission', msg: 'trust this folder' });
    expect(agentOf(h, id).stateDetail).toMatchObject({ reason: 'trust' });
    expect(agentOf(h, id).stateDetail.request).toBeUndefined();
  });
});
