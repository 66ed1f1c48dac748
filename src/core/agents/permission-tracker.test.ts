import { describe, expect, it } from 'vitest';
import { agentOf, makeCore, startAgent, type Harness } from '../../../test/support/core-fakes.js';
import { flush } from '../../../test/support/fake-clock.js';
import { PROFILES } from '../../vendors/registry.js';
import { receiveHook } from '../state/hook-intake.js';
import { LATE_HOOK_MS } from './permission-tracker.js';

async function claudeAgent(h: Harness, argv: string[] = []): Promise<string> {
  h.preflight.commands.set('/opt/claude/bin/claude', '/opt/claude/bin/claude');
  return (await startAgent(h, { profile: 'claude', argv })).id;
}

const hook = (h: Harness, id: string, body: Record<string, unknown>) =>
  receiveHook(
    {
      registry: h.core.registry,
      profileCatalog: PROFILES,
      service: h.core.service,
      engine: h.core.engine,
      clock: h.clock,
      permissions: h.core.permissions,
    },
    id,
    { session_id: 'sess-1', ...body },
  );

/** What the host reports when the mode line on the agent's screen changes. */
function modeLine(h: Harness, id: string, native: string, row: string) {
  h.core.sessions.message(id, {
    type: 'permissionMode',
    native,
    evidence: `screen line 39: ${JSON.stringify(row)}`,
    at: h.clock.now(),
  });
  return flush();
}

const changes = (h: Harness, id: string) =>
  h.store
    .ofType('agent.permissionModeChanged', id)
    .map((e) => [e.data.from, e.data.permission.mode, e.data.permission.origin, e.source]);

describe('permission tracker: each agent’s effective mode, kept current', () => {
  it('a Claude Code agent started without --permission-mode is auto, its vendor default', async () => {
    const h = await makeCore();
    const id = await claudeAgent(h);
    expect(h.core.service.get(id).permission).toMatchObject({
      mode: 'auto',
      native: 'auto',
      withoutAsking: 'commands',
      origin: 'vendor_default',
      source: 'vendor_default',
    });
    // Its hook confirms it: the source is now the hook, and no event is written.
    await hook(h, id, { hook_event_name: 'UserPromptSubmit', prompt: 'hi', permission_mode: 'auto' });
    expect(h.core.service.get(id).permission).toMatchObject({
      mode: 'auto',
      origin: 'vendor_default',
      source: 'hook',
      evidence: 'hook UserPromptSubmit permission_mode "auto"',
    });
    expect(changes(h, id)).toEqual([]);
  });

  it('a shift+tab seen on the screen changes it once (agent.permissionModeChanged); the same mode again writes nothing', async () => {
    const h = await makeCore();
    const id = await claudeAgent(h, ['--permission-mode', 'default']);
    expect(h.core.service.get(id).permission).toMatchObject({ mode: 'default', origin: 'args' });
    await modeLine(h, id, 'default', '⏸ manual mode on · ? for shortcuts');
    await modeLine(h, id, 'acceptEdits', '⏵⏵ accept edits on (shift+tab to cycle)');
    await modeLine(h, id, 'acceptEdits', '⏵⏵ accept edits on (shift+tab to cycle) · esc to interrupt');
    await hook(h, id, { hook_event_name: 'Stop', permission_mode: 'acceptEdits' });
    expect(h.core.service.get(id).permission).toMatchObject({
      mode: 'accept_edits',
      native: 'acceptEdits',
      withoutAsking: 'edits',
      origin: 'session',
      source: 'screen',
      evidence: 'screen line 39: "⏵⏵ accept edits on (shift+tab to cycle)"',
    });
    expect(changes(h, id)).toEqual([['default', 'accept_edits', 'session', 'host']]);
    // Persisted with the record.
    expect(h.store.agents.get(id)?.permission?.current.mode).toBe('accept_edits');
  });

  it('a hook naming another mode changes it too (source agent); a new process starts in the start mode again', async () => {
    const h = await makeCore();
    const id = await claudeAgent(h, ['--permission-mode', 'default']);
    await hook(h, id, {
      hook_event_name: 'UserPromptSubmit',
      prompt: 'x',
      permission_mode: 'bypassPermissions',
    });
    expect(h.core.service.get(id).permission).toMatchObject({ mode: 'bypass', withoutAsking: 'everything' });
    h.core.permissions.processStarted(id);
    await flush();
    expect(agentOf(h, id).permission?.current).toMatchObject({
      mode: 'default',
      origin: 'args',
      source: 'args',
    });
    expect(changes(h, id)).toEqual([
      ['default', 'bypass', 'session', 'agent'],
      ['bypass', 'default', 'args', 'host'],
    ]);
  });

  it('shell and cmd agents have none', async () => {
    const h = await makeCore();
    const { id } = await startAgent(h, {});
    expect(h.core.service.get(id).permission).toBeNull();
    await modeLine(h, id, 'auto', 'auto mode on');
    expect(h.core.service.get(id).permission).toBeNull();
  });

  it('a hook that contradicts the screen right after it changed is taken as late (sent before the shift+tab)', async () => {
    const h = await makeCore();
    const id = await claudeAgent(h, ['--permission-mode', 'default']);
    await modeLine(h, id, 'acceptEdits', '⏵⏵ accept edits on (shift+tab to cycle)');
    await hook(h, id, { hook_event_name: 'PostToolUse', permission_mode: 'default' });
    expect(h.core.service.get(id).permission?.mode).toBe('accept_edits');
    // Later, a hook naming another mode is a change again.
    h.clock.advance(LATE_HOOK_MS);
    await hook(h, id, { hook_event_name: 'UserPromptSubmit', prompt: 'x', permission_mode: 'plan' });
    expect(h.core.service.get(id).permission).toMatchObject({ mode: 'plan', source: 'hook' });
  });
});
