import { describe, expect, it } from 'vitest';
import { agentRecord, makeCore } from '../../../test/support/core-fakes.js';
import { realShell } from '../../../test/support/policy-rig.js';
import { PROFILES } from '../../vendors/registry.js';
import { HookDecider } from './hook-decider.js';
import { PATHS_AS_WRITTEN } from './without-parser.js';

/**
 * Claude Code's PermissionRequest hook as the rules' decision channel: the whole request from the
 * hook's body, decided by the matcher, answered as Claude Code's own decision document, audited.
 */
async function rig(approvals = { allow: ['Bash(npm test*)'], deny: ['Bash(rm *)'] }) {
  const h = await makeCore();
  const agent = agentRecord({ id: 'ag-1', name: 'c1', profile: 'claude', state: 'working', cwd: '/proj' });
  await h.core.registry.add(agent, []);
  const decider = new HookDecider({
    registry: h.core.registry,
    engine: h.core.engine,
    approvals,
    shell: realShell,
    paths: PATHS_AS_WRITTEN,
    clock: h.clock,
    log: h.log,
  });
  const spec = PROFILES.get('claude');
  const ask = (command: string, tool = 'Bash') =>
    decider.decide(h.core.registry.resolve('c1'), spec, 'PermissionRequest', {
      hook_event_name: 'PermissionRequest',
      tool_name: tool,
      tool_input: { command, description: 'x' },
    });
  return { h, ask };
}

describe('HookDecider (Claude Code PermissionRequest)', () => {
  it('an allowed command: allow, audited via policy on the hook channel, no keys', async () => {
    const { h, ask } = await rig();
    expect(await ask('npm test -- --watch=false')).toEqual({
      hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'allow' } },
    });
    expect(h.store.ofType('agent.approved', 'ag-1')).toMatchObject([
      {
        source: 'policy',
        data: {
          via: 'policy',
          channel: 'hook',
          rule: 'Bash(npm test*)',
          about: 'npm test -- --watch=false',
          keys: [],
        },
      },
    ]);
  });

  it('a denied part anywhere: deny with the reason Claude Code gives the model, audited', async () => {
    const { h, ask } = await rig();
    const got = (await ask('npm test && { rm -rf build; }')) as {
      hookSpecificOutput: { decision: { behavior: string; message: string } };
    };
    expect(got.hookSpecificOutput.decision.behavior).toBe('deny');
    expect(got.hookSpecificOutput.decision.message).toContain('Bash(rm *)');
    expect(h.store.ofType('agent.denied', 'ag-1')).toMatchObject([
      { data: { channel: 'hook', rule: 'Bash(rm *)' } },
    ]);
  });

  it('a command the rules do not cover whole, a question, or no rules at all: no decision (the dialog shows)', async () => {
    const { h, ask } = await rig();
    expect(await ask('npm test; touch pwned.txt')).toBeNull();
    expect(await ask('', 'AskUserQuestion')).toBeNull();
    const bare = await rig({ allow: [], deny: [] });
    expect(await bare.ask('npm test')).toBeNull();
    expect(h.store.ofType('agent.approved', 'ag-1')).toEqual([]);
  });

  it('a long command is decided whole: 300 characters, then a denied part at the end', async () => {
    const { ask } = await rig();
    const long = `npm test -- ${'a'.repeat(300)}; rm -rf /`;
    const got = (await ask(long)) as { hookSpecificOutput: { decision: { behavior: string } } };
    expect(got.hookSpecificOutput.decision.behavior).toBe('deny');
  });
});
