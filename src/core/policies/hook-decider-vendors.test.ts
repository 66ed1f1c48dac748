import { describe, expect, it } from 'vitest';
import { agentRecord, makeCore } from '../../../test/support/core-fakes.js';
import { realShell } from '../../../test/support/policy-rig.js';
import type { ProfileName } from '../../protocol/profile-names.js';
import { PROFILES } from '../../vendors/registry.js';
import { HookDecider } from './hook-decider.js';
import { PATHS_AS_WRITTEN } from './without-parser.js';

/**
 * The decision hooks of Gemini CLI (BeforeTool, deny only) and Qwen Code (PermissionRequest, and
 * PreToolUse for a deny): each decides on the whole request its body carries, or not at all.
 */
const RULES = { allow: ['Bash(npm test*)', 'Write(notes/*)'], deny: ['Bash(rm *)', 'Read(secret.txt)'] };

async function rig(profile: ProfileName, approvals = RULES) {
  const h = await makeCore();
  await h.core.registry.add(
    agentRecord({ id: 'ag-1', name: 'a1', profile, state: 'working', cwd: '/proj' }),
    [],
  );
  const decider = new HookDecider({
    registry: h.core.registry,
    engine: h.core.engine,
    approvals,
    shell: realShell,
    paths: PATHS_AS_WRITTEN,
    clock: h.clock,
    log: h.log,
  });
  const ask = (event: string, tool: string, input: unknown) =>
    decider.decide(h.core.registry.resolve('a1'), PROFILES.get(profile), event, {
      hook_event_name: event,
      tool_name: tool,
      tool_input: input,
    });
  const audited = () => [
    ...h.store.ofType('agent.approved', 'ag-1'),
    ...h.store.ofType('agent.denied', 'ag-1'),
  ];
  return { h, ask, audited };
}

/** Hostile requests an allow rule must never approve: cut, doubled, run elsewhere, or hiding a part. */
const HOSTILE: [string, string, unknown][] = [
  [
    'cut: longer than a request keeps (64 KiB)',
    'run_shell_command',
    { command: `npm test -- ${'a'.repeat(70_000)}` },
  ],
  [
    'a second target the tool may act on',
    'write_file',
    { command: 'notes/a.txt', file_path: '/etc/passwd', content: 'x' },
  ],
  ['run in another folder', 'run_shell_command', { command: 'npm test > notes/out.txt', directory: '/etc' }],
  ['a command that is not a string', 'run_shell_command', { command: ['npm', 'test;', 'touch', 'x'] }],
  [
    'an unlisted part after 300 characters',
    'run_shell_command',
    { command: `npm test -- ${'a'.repeat(300)}; touch x` },
  ],
  ['control characters', 'run_shell_command', { command: 'npm test\rtouch x' }],
];

describe('HookDecider (Qwen Code PermissionRequest, PreToolUse)', () => {
  it.each(HOSTILE)('never approves a hostile request: %s', async (_what, tool, input) => {
    const { ask, audited } = await rig('qwen');
    expect(await ask('PermissionRequest', tool, input)).toBeNull();
    expect(audited()).toEqual([]);
  });

  it('a cut command with a denied part: still denied (deny rules do not need the whole)', async () => {
    const { ask } = await rig('qwen');
    const got = await ask('PermissionRequest', 'run_shell_command', {
      command: `rm -rf build ${'a'.repeat(70_000)}`,
    });
    expect(got).toMatchObject({ hookSpecificOutput: { decision: { behavior: 'deny' } } });
  });

  it('an allowed command: allow before the dialog, audited on the hook channel', async () => {
    const { ask, audited } = await rig('qwen');
    expect(
      await ask('PermissionRequest', 'run_shell_command', { command: 'npm test', description: 'd' }),
    ).toEqual({
      hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'allow' } },
    });
    expect(audited()).toMatchObject([
      {
        type: 'agent.approved',
        data: { via: 'policy', channel: 'hook', rule: 'Bash(npm test*)', about: 'npm test' },
      },
    ]);
  });

  it('a denied command: deny with the message the model gets, audited', async () => {
    const { ask, audited } = await rig('qwen');
    const got = (await ask('PermissionRequest', 'run_shell_command', {
      command: 'npm test; rm -rf build',
    })) as {
      hookSpecificOutput: { decision: { behavior: string; message: string } };
    };
    expect(got.hookSpecificOutput.decision).toMatchObject({ behavior: 'deny' });
    expect(got.hookSpecificOutput.decision.message).toMatch(/^Denied by the approval rule Bash\(rm \*\)/);
    expect(audited()).toMatchObject([
      { type: 'agent.denied', data: { channel: 'hook', rule: 'Bash(rm *)' } },
    ]);
  });

  it('PreToolUse (every call, asked or not) carries a deny only: an approval there is no decision, not audited', async () => {
    const { ask, audited } = await rig('qwen');
    expect(await ask('PreToolUse', 'read_file', { file_path: 'secret.txt' })).toEqual({
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: 'deny',
        permissionDecisionReason: expect.stringContaining('Read(secret.txt)') as unknown,
      },
    });
    expect(await ask('PreToolUse', 'run_shell_command', { command: 'npm test' })).toBeNull();
    expect(audited().map((e) => e.type)).toEqual(['agent.denied']);
  });

  it('questions, plan exits and goals stay the user’s: no decision', async () => {
    const { ask } = await rig('qwen', { allow: ['ask_user_question', 'exit_plan_mode'], deny: [] });
    expect(await ask('PermissionRequest', 'ask_user_question', { questions: [] })).toBeNull();
    expect(await ask('PermissionRequest', 'exit_plan_mode', { plan: 'p' })).toBeNull();
  });
});

describe('HookDecider (Gemini CLI BeforeTool: deny only)', () => {
  it.each(HOSTILE)('never approves a hostile request: %s', async (_what, tool, input) => {
    const { ask, audited } = await rig('gemini');
    expect(await ask('BeforeTool', tool, input)).toBeNull();
    expect(audited()).toEqual([]);
  });

  it('an allowed command: no decision through the hook (it cannot approve; the dialog is answered on the screen), not audited', async () => {
    const { ask, audited } = await rig('gemini');
    expect(await ask('BeforeTool', 'run_shell_command', { command: 'npm test' })).toBeNull();
    expect(audited()).toEqual([]);
  });

  it('a denied part anywhere, also in a call Gemini runs unasked: `decision: deny` with the reason, audited', async () => {
    const { ask, audited } = await rig('gemini');
    const got = (await ask('BeforeTool', 'run_shell_command', {
      command: `npm test -- ${'a'.repeat(300)}; rm -rf build`,
    })) as { decision: string; reason: string };
    expect(got.decision).toBe('deny');
    expect(got.reason).toMatch(/^Denied by the approval rule Bash\(rm \*\) \(wezterm-parallel\)/);
    expect(await ask('BeforeTool', 'read_file', { file_path: 'secret.txt' })).toMatchObject({
      decision: 'deny',
    });
    expect(audited()).toMatchObject([
      { type: 'agent.denied', data: { channel: 'hook', rule: 'Bash(rm *)' } },
      { type: 'agent.denied', data: { channel: 'hook', rule: 'Read(secret.txt)' } },
    ]);
  });

  it('an ask_user question and other events: no decision', async () => {
    const { ask } = await rig('gemini', { allow: [], deny: ['ask_user'] });
    expect(await ask('BeforeTool', 'ask_user', { questions: [] })).toBeNull();
    expect(await ask('Notification', 'run_shell_command', { command: 'rm -rf /' })).toBeNull();
  });
});

describe('HookDecider (Copilot CLI permissionRequest)', () => {
  /** Copilot's camelCase payload, as `wtp hook --decide` forwards it (hookName as the event). */
  const ask = async (h: Awaited<ReturnType<typeof rig>>, tool: string, input: unknown) => {
    const { h: core } = h;
    const decider = new HookDecider({
      registry: core.core.registry,
      engine: core.core.engine,
      approvals: RULES,
      shell: realShell,
      paths: PATHS_AS_WRITTEN,
      clock: core.clock,
      log: core.log,
    });
    return decider.decide(core.core.registry.resolve('a1'), PROFILES.get('copilot'), 'PermissionRequest', {
      hook_event_name: 'permissionRequest',
      hookName: 'permissionRequest',
      toolName: tool,
      toolInput: input,
    });
  };

  it.each(HOSTILE.map(([what, , input]) => [what, input] as const))(
    'never approves a hostile request: %s',
    async (_what, input) => {
      const h = await rig('copilot');
      expect(await ask(h, 'bash', input)).toBeNull();
      expect(h.audited()).toEqual([]);
    },
  );

  it('allow and deny as its own decision document (the deny’s message to the model), audited', async () => {
    const h = await rig('copilot');
    expect(await ask(h, 'bash', { command: 'npm test', description: 'd' })).toEqual({ behavior: 'allow' });
    expect(await ask(h, 'bash', { command: 'npm test && rm -rf build' })).toMatchObject({
      behavior: 'deny',
      message: expect.stringContaining('Bash(rm *)') as unknown,
    });
    expect(await ask(h, 'bash', { command: 'touch x' })).toBeNull();
    expect(h.audited().map((e) => [e.type, e.data.channel])).toEqual([
      ['agent.approved', 'hook'],
      ['agent.denied', 'hook'],
    ]);
  });
});
