import { describe, expect, it } from 'vitest';
import {
  agentOf,
  agentRecord,
  makeCore,
  startAgent,
  transitions,
  type Harness,
} from '../../../test/support/core-fakes.js';
import { flush } from '../../../test/support/fake-clock.js';
import type { Signal } from '../../protocol/signals.js';
import { AppError } from '../errors.js';
import { broadcast } from '../agents/broadcast.js';
import { receiveHook } from './hook-intake.js';
import { spawnMessage } from '../lifecycle/spawn-message.js';
import { PROFILES } from '../../vendors/registry.js';

async function claudeAgent(
  h: Harness,
): Promise<{ id: string; link: Awaited<ReturnType<typeof startAgent>>['link'] }> {
  h.preflight.commands.set('/opt/claude/bin/claude', '/opt/claude/bin/claude');
  return startAgent(h, { profile: 'claude', argv: [] });
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

function screen(h: Harness, id: string, state: Signal['state'], rule: string, at = h.clock.now()) {
  h.core.sessions.message(id, {
    type: 'signal',
    signal: { source: 'screen', state, evidence: `screen claude/${rule} line 30`, at },
  });
  return flush();
}

function status(h: Harness, id: string, state: Signal['state'], evidence: string) {
  h.core.sessions.message(id, {
    type: 'signal',
    signal: { source: 'status', state, evidence, at: h.clock.now() },
  });
  return flush();
}

describe('state engine: hooks', () => {
  it('turns hook calls into states with their source and evidence, and remembers the session', async () => {
    const h = await makeCore();
    const { id } = await claudeAgent(h);
    expect(agentOf(h, id).state).toBe('running'); // no signal yet
    await hook(h, id, { hook_event_name: 'SessionStart', source: 'startup' });
    await hook(h, id, { hook_event_name: 'UserPromptSubmit', prompt: 'hi' });
    await hook(h, id, { hook_event_name: 'PreToolUse', tool_name: 'Bash' }); // same state: no new event
    await hook(h, id, { hook_event_name: 'PermissionRequest', tool_name: 'Bash' });
    await hook(h, id, { hook_event_name: 'PostToolUse', tool_name: 'Bash' });
    await hook(h, id, { hook_event_name: 'Stop' });
    expect(transitions(h, id).slice(2)).toEqual([
      // SessionStart only tells the session id (it fires before the prompt can take input).
      ['running', 'working', 'working', 'agent'],
      ['working', 'needs_permission', 'permission', 'agent'],
      ['needs_permission', 'working', 'working', 'agent'],
      ['working', 'idle', 'turn_done', 'agent'],
    ]);
    const perm = h.store.ofType('agent.stateChanged', id)[3];
    expect(perm?.data.detail).toMatchObject({
      source: 'hook',
      evidence: 'hook PermissionRequest Bash',
      tool: 'Bash',
    });
    expect(agentOf(h, id).sessionId).toBe('sess-1');
    expect(h.core.engine.recentSignals(id).map((s) => s.evidence)).toContain('hook PreToolUse Bash');
  });

  it('keeps a session to resume once it has a conversation: not at a fresh start or /clear (a restart before the first prompt ran `claude --resume` and exited 1)', async () => {
    const h = await makeCore();
    const { id } = await claudeAgent(h);
    await hook(h, id, { hook_event_name: 'SessionStart', source: 'startup' });
    expect(agentOf(h, id).sessionId).toBeNull();
    await hook(h, id, { hook_event_name: 'UserPromptSubmit', prompt: 'hi' });
    expect(agentOf(h, id).sessionId).toBe('sess-1');
    // /clear: a new, empty session; a restart before its prompt resumes the one before it.
    await hook(h, id, { hook_event_name: 'SessionStart', source: 'clear', session_id: 'sess-2' });
    expect(agentOf(h, id).sessionId).toBe('sess-1');
    await hook(h, id, { hook_event_name: 'UserPromptSubmit', prompt: 'again', session_id: 'sess-2' });
    expect(agentOf(h, id).sessionId).toBe('sess-2');
    // A resumed session (`/resume` in the TUI) has its conversation: kept at once.
    await hook(h, id, { hook_event_name: 'SessionStart', source: 'resume', session_id: 'sess-0' });
    expect(agentOf(h, id).sessionId).toBe('sess-0');
  });

  it('reports a usage limit as needs_input with its reason and reset time', async () => {
    const h = await makeCore();
    const { id } = await claudeAgent(h);
    await hook(h, id, {
      hook_event_name: 'StopFailure',
      error: 'rate_limit',
      error_details: '5-hour limit reached ∙ resets 3pm',
    });
    expect(agentOf(h, id)).toMatchObject({
      state: 'needs_input',
      stateDetail: { reason: 'usage_limit', resetsAt: '3pm', source: 'hook' },
    });
  });

  it('refuses hook calls for unknown agents and for profiles without hooks', async () => {
    const h = await makeCore();
    const { id } = await startAgent(h); // cmd
    await expect(hook(h, id, { hook_event_name: 'Stop' })).rejects.toMatchObject({ code: 'HOOK_REJECTED' });
    await expect(hook(h, 'ag-nope', { hook_event_name: 'Stop' })).rejects.toBeInstanceOf(AppError);
  });
});

describe('state engine: disagreement and staleness (fake clock)', () => {
  it('Esc: the hook still says working, the screen shows the prompt; the screen wins after screenOverrideMs', async () => {
    const h = await makeCore();
    const { id } = await claudeAgent(h);
    await hook(h, id, { hook_event_name: 'UserPromptSubmit' });
    await screen(h, id, 'working', 'spinner');
    h.clock.advance(5_000);
    await screen(h, id, 'idle', 'prompt-box'); // the user pressed Esc: no Stop hook
    await h.clock.advanceAsync(2_999);
    expect(agentOf(h, id).state).toBe('working');
    await h.clock.advanceAsync(1);
    const a = agentOf(h, id);
    expect(a.state).toBe('idle');
    expect(a.stateDetail).toMatchObject({ source: 'screen', evidence: 'screen claude/prompt-box line 30' });
    expect(a.stateDetail.overrode).toMatch(
      /^hook said working \(hook UserPromptSubmit\); the screen has said idle for 3 s since$/,
    );
  });

  it('a wait the screen overrode is over: it does not come back when the screen changes its mind', async () => {
    // Copilot CLI, recorded: its permission hook said needs_permission; the user cancelled the dialog
    // (no hook fires), the screen showed the prompt and overrode the hook; the next prompt typed
    // changed the screen's verdict, and the hook's old wait decided again until its next hook came.
    const h = await makeCore();
    const { id } = await claudeAgent(h);
    await hook(h, id, { hook_event_name: 'PermissionRequest', tool_name: 'Bash' });
    h.clock.advance(1_000);
    await screen(h, id, 'idle', 'prompt-box');
    await h.clock.advanceAsync(3_000);
    expect(agentOf(h, id).state).toBe('idle');
    h.clock.advance(500);
    await screen(h, id, 'working', 'spinner'); // the next prompt, before its UserPromptSubmit hook
    await h.clock.advanceAsync(100);
    expect(transitions(h, id).slice(-2)).toEqual([
      ['needs_permission', 'idle', 'at_prompt', 'host'],
      ['idle', 'working', 'working', 'host'],
    ]);
  });

  it('a screen verdict that flips back in time never overrides the hook', async () => {
    const h = await makeCore();
    const { id } = await claudeAgent(h);
    await hook(h, id, { hook_event_name: 'UserPromptSubmit' });
    h.clock.advance(1_000);
    await screen(h, id, 'idle', 'prompt-box');
    await h.clock.advanceAsync(2_000);
    await screen(h, id, 'working', 'spinner');
    await h.clock.advanceAsync(60_000);
    expect(agentOf(h, id).state).toBe('working');
    expect(agentOf(h, id).stateDetail.source).toBe('hook');
  });

  it('status records outrank hooks and screen, and are never overridden by them', async () => {
    const h = await makeCore();
    const { id } = await claudeAgent(h);
    await status(h, id, 'working', 'status 7501 state=working');
    await hook(h, id, { hook_event_name: 'Stop' });
    h.clock.advance(100);
    await screen(h, id, 'idle', 'prompt-box');
    await h.clock.advanceAsync(600_000);
    expect(agentOf(h, id)).toMatchObject({ state: 'working', stateDetail: { source: 'status' } });
    await status(h, id, 'needs_permission', 'status 7501 state=blocked kind=permission');
    expect(agentOf(h, id).state).toBe('needs_permission');
  });

  it('a status record’s done gives way to a screen that then waits on the user, once it has held', async () => {
    const h = await makeCore();
    const { id } = await claudeAgent(h);
    await status(h, id, 'working', 'status 7501 state=working app=codex');
    await status(h, id, 'idle', 'status 7501 state=done app=codex');
    h.clock.advance(100);
    // Codex's "Implement this plan?" after its plan turn: its record says done.
    await screen(h, id, 'needs_input', 'plan-implement');
    await h.clock.advanceAsync(2_000);
    expect(agentOf(h, id).state).toBe('idle');
    await h.clock.advanceAsync(1_500);
    expect(agentOf(h, id)).toMatchObject({
      state: 'needs_input',
      stateDetail: { source: 'screen', overrode: expect.stringMatching(/^status said idle/) },
    });
    // An idle screen never overrides the record, nor a screen while the record says it works.
    await status(h, id, 'working', 'status 7501 state=working app=codex');
    h.clock.advance(100);
    await screen(h, id, 'needs_input', 'plan-implement');
    await h.clock.advanceAsync(600_000);
    expect(agentOf(h, id).state).toBe('working');
  });

  it('a status record’s done gives way to a dialog the screen drew at the same moment, or just before', async () => {
    for (const before of [0, 300]) {
      const h = await makeCore();
      const { id } = await claudeAgent(h);
      await status(h, id, 'working', 'status 7501 state=working app=codex');
      h.clock.advance(1_000);
      await screen(h, id, 'needs_permission', 'plan-implement', h.clock.now() - before);
      await status(h, id, 'idle', 'status 7501 state=done app=codex');
      await h.clock.advanceAsync(2_900);
      expect(agentOf(h, id).state, `${before} ms before`).toBe('idle');
      await h.clock.advanceAsync(200);
      expect(agentOf(h, id), `${before} ms before`).toMatchObject({
        state: 'needs_permission',
        stateDetail: { source: 'screen', overrode: expect.stringMatching(/^status said idle/) },
      });
    }
  });

  it('a hook’s usage limit stays when the screen then shows the failed turn’s error line', async () => {
    const h = await makeCore();
    const { id } = await claudeAgent(h);
    h.core.sessions.message(id, {
      type: 'signal',
      signal: {
        source: 'hook',
        state: 'needs_input',
        reason: 'usage_limit',
        evidence: 'hook StopFailure rate_limit "429 You exceeded your current quota"',
        at: h.clock.now(),
      },
    });
    await flush();
    h.clock.advance(200);
    h.core.sessions.message(id, {
      type: 'signal',
      signal: {
        source: 'screen',
        state: 'idle',
        reason: 'error',
        evidence: 'screen qwen/error line 13: "✕ [API Error: 429 You exceeded your current quota"',
        at: h.clock.now(),
      },
    });
    await flush();
    await h.clock.advanceAsync(600_000);
    expect(agentOf(h, id)).toMatchObject({ state: 'needs_input', stateDetail: { reason: 'usage_limit' } });
  });

  it('a bare status error is refined by a screen that shows a usage limit (Codex sends no message)', async () => {
    const h = await makeCore();
    const { id } = await claudeAgent(h);
    await status(h, id, 'working', 'status 7501 state=working app=codex');
    h.core.sessions.message(id, {
      type: 'signal',
      signal: {
        source: 'status',
        state: 'idle',
        reason: 'error',
        evidence: 'status 7501 state=error',
        at: h.clock.now(),
      },
    });
    await flush();
    expect(agentOf(h, id).stateDetail.reason).toBe('error');
    h.clock.advance(50);
    h.core.sessions.message(id, {
      type: 'signal',
      signal: {
        source: 'screen',
        state: 'needs_input',
        reason: 'usage_limit',
        evidence: 'screen codex/usage-limit line 30',
        at: h.clock.now(),
      },
    });
    await flush();
    expect(agentOf(h, id)).toMatchObject({
      state: 'needs_input',
      stateDetail: { reason: 'usage_limit', source: 'screen' },
    });
    expect(agentOf(h, id).stateDetail.overrode).toMatch(
      /without saying why; the screen shows a usage limit$/,
    );
  });

  it('marks a quiet working agent stalled (still working), and a new signal clears it', async () => {
    const h = await makeCore();
    const { id } = await claudeAgent(h);
    await hook(h, id, { hook_event_name: 'PreToolUse', tool_name: 'mcp__slow__query' });
    await h.clock.advanceAsync(299_000);
    expect(agentOf(h, id).stateDetail.stalled).toBeUndefined();
    await h.clock.advanceAsync(20_000);
    const a = agentOf(h, id);
    expect(a.state).toBe('working');
    expect(a.stateDetail).toMatchObject({ stalled: true, source: 'hook' });
    expect(a.stateDetail.overrode).toMatch(/no output, no new signal and CPU unknown for 5 min/);
    await hook(h, id, { hook_event_name: 'PostToolUse', tool_name: 'mcp__slow__query' });
    expect(agentOf(h, id).stateDetail.stalled).toBeUndefined();
  });

  it('never marks an agent the governor paused as stalled', async () => {
    const h = await makeCore();
    const { id } = await claudeAgent(h);
    await hook(h, id, { hook_event_name: 'PreToolUse', tool_name: 'Bash' });
    await h.core.engine.checkStalls(() => true); // not yet due: nothing either way
    await h.clock.advanceAsync(400_000); // the periodic check ran: stalled
    expect(agentOf(h, id).stateDetail.stalled).toBe(true);
    await hook(h, id, { hook_event_name: 'PostToolUse', tool_name: 'Bash' });
    h.clock.advance(400_000);
    await h.core.engine.checkStalls((agentId) => agentId === id);
    expect(agentOf(h, id).stateDetail.stalled).toBeUndefined();
    await h.core.engine.checkStalls(() => false);
    expect(agentOf(h, id).stateDetail.stalled).toBe(true);
  });

  it('a profile with idleSettleMs (codex) calls a working agent idle only once idle has held', async () => {
    const h = await makeCore();
    h.preflight.commands.set('codex', '/usr/local/bin/codex');
    const { id } = await startAgent(h, { profile: 'codex', argv: [] });
    await status(h, id, 'working', 'status 7501 state=working app=codex');
    await status(h, id, 'idle', 'status 7501 state=idle app=codex'); // the task-title request ended
    await h.clock.advanceAsync(1_000);
    await status(h, id, 'working', 'status 7501 state=working app=codex'); // the turn itself
    await h.clock.advanceAsync(10_000);
    expect(agentOf(h, id).state).toBe('working');
    await status(h, id, 'idle', 'status 7501 state=done app=codex');
    await h.clock.advanceAsync(1_499);
    expect(agentOf(h, id).state).toBe('working');
    await h.clock.advanceAsync(1);
    expect(agentOf(h, id)).toMatchObject({ state: 'idle', stateDetail: { source: 'status' } });
    expect(transitions(h, id).filter(([, to]) => to === 'idle')).toHaveLength(1);
  });

  it('forgets the signals of a previous process', async () => {
    const h = await makeCore();
    const { id } = await claudeAgent(h);
    await hook(h, id, { hook_event_name: 'UserPromptSubmit' });
    h.core.engine.processStarted(id);
    await screen(h, id, 'idle', 'prompt-box');
    expect(agentOf(h, id).stateDetail).toMatchObject({ source: 'screen' }); // no stale hook to outrank it
  });

  it('ignores signals a profile does not declare (a shell stays running)', async () => {
    const h = await makeCore();
    const { id } = await startAgent(h);
    await screen(h, id, 'idle', 'prompt-box');
    expect(agentOf(h, id).state).toBe('running');
  });
});

describe('safe input and the initial prompt', () => {
  it('refuses to type into a working agent unless forced, and audits the forced input', async () => {
    const h = await makeCore();
    const { id, link } = await claudeAgent(h);
    await hook(h, id, { hook_event_name: 'UserPromptSubmit' });
    const err = await h.core.service.sendInput(id, 'hello', true, 'cli').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'AGENT_BUSY', details: { state: 'working', source: 'hook' } });
    expect(link.ofType('paste')).toEqual([]);
    await h.core.service.sendInput(id, 'hello', false, 'cli', true);
    expect(h.store.ofType('agent.inputSent', id)[0]?.data).toMatchObject({
      forced: true,
      stateAtSend: 'working',
    });
  });

  it('broadcast reaches idle agents only, through the safe-input path', async () => {
    const h = await makeCore();
    const idle = await claudeAgent(h);
    h.preflight.commands.set('/opt/claude/bin/claude', '/opt/claude/bin/claude');
    const busy = await startAgent(h, { profile: 'claude', argv: [], name: 'busy' }, 'cli', 9002);
    await hook(h, idle.id, { hook_event_name: 'Stop' });
    await hook(h, busy.id, { hook_event_name: 'UserPromptSubmit' });
    const r = await broadcast(
      { registry: h.core.registry, service: h.core.service },
      'pull main',
      undefined,
      'cli',
    );
    expect(r).toEqual({ sent: [agentOf(h, idle.id).name], skipped: [{ agent: 'busy', state: 'working' }] });
    expect(idle.link.ofType('paste')).toEqual([{ type: 'paste', text: 'pull main' }]);
    expect(busy.link.ofType('paste')).toEqual([]);
  });

  it('types the initial prompt only once the agent is idle at its prompt', async () => {
    const h = await makeCore();
    h.preflight.commands.set('/opt/claude/bin/claude', '/opt/claude/bin/claude');
    const { id, link } = await startAgent(h, { profile: 'claude', argv: [], prompt: 'fix the bug' });
    await h.clock.advanceAsync(10_000);
    await screen(h, id, 'working', 'spinner');
    expect(link.ofType('paste')).toEqual([]);
    await hook(h, id, { hook_event_name: 'SessionStart', source: 'startup' });
    await screen(h, id, 'idle', 'prompt-box');
    await h.clock.advanceAsync(299);
    expect(link.ofType('paste')).toEqual([]); // idle must hold a moment first
    await h.clock.advanceAsync(1);
    expect(link.ofType('paste')).toEqual([{ type: 'paste', text: 'fix the bug' }]);
  });

  it('spawns with the profile args, then --resume <session> once a session is known, then the user args', () => {
    const agent = agentRecord({
      id: 'ag-1',
      profile: 'claude',
      args: ['--model', 'opus'],
      profileArgs: ['--settings', '/s/claude-settings.json'],
    });
    expect(spawnMessage(PROFILES, agent, {})).toMatchObject({
      args: ['--settings', '/s/claude-settings.json', '--model', 'opus'],
      watch: { detector: 'claude', version: null, statusProtocol: true },
    });
    agent.sessionId = 'sess-1';
    expect(spawnMessage(PROFILES, agent, {})).toMatchObject({
      args: ['--settings', '/s/claude-settings.json', '--resume', 'sess-1', '--model', 'opus'],
    });
    expect(spawnMessage(PROFILES, agentRecord({ id: 'ag-2' }), {})).not.toHaveProperty('watch');
  });
});
