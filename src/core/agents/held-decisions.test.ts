import { describe, expect, it } from 'vitest';
import { agentOf, makeCore, startAgent, type Harness } from '../../../test/support/core-fakes.js';
import { flush } from '../../../test/support/fake-clock.js';
import { PROFILES } from '../../vendors/registry.js';
import { receiveHook } from '../state/hook-intake.js';

/**
 * Claude Code's PermissionRequest hook held for the user's answer: the CLI draws its dialog while
 * the call waits and takes the first answer (hooks.ts). Held only while the agent waits on that
 * dialog; let go with no answer when it leaves it, when the CLI stops waiting, at the bound.
 */
async function claudeAgent(h: Harness): Promise<string> {
  h.preflight.commands.set('/opt/claude/bin/claude', '/opt/claude/bin/claude');
  return (await startAgent(h, { profile: 'claude', argv: [] })).id;
}

/** A hook call over the CLI's own connection (`signal`), or with none (`null`: `wtp hook` over the socket). */
const hook = (h: Harness, id: string, body: Record<string, unknown>, signal?: AbortSignal | null) =>
  receiveHook(
    {
      registry: h.core.registry,
      profileCatalog: PROFILES,
      service: h.core.service,
      engine: h.core.engine,
      clock: h.clock,
      held: h.core.heldDecisions,
    },
    id,
    { session_id: 'sess-1', ...body },
    signal === null ? undefined : (signal ?? new AbortController().signal),
  );

const NPM_TEST = {
  hook_event_name: 'PermissionRequest',
  tool_name: 'Bash',
  tool_input: { command: 'npm test', description: 'run the tests' },
};

/** A hook call's outcome, or `pending` while it is held. */
const settle = async <T>(p: Promise<T>): Promise<T | 'pending'> => {
  await flush();
  return Promise.race([p, Promise.resolve('pending' as const)]);
};

describe('held decision hooks', () => {
  it('holds a request no rule decides until the answer, which is what the CLI gets; the state says what it asks', async () => {
    const h = await makeCore();
    const id = await claudeAgent(h);
    const call = hook(h, id, NPM_TEST);
    expect(await settle(call)).toBe('pending');
    const a = agentOf(h, id);
    expect(a.state).toBe('needs_permission');
    const held = h.core.heldDecisions.current(id, a.stateSince, 'npm test');
    expect(held).toMatchObject({ event: 'PermissionRequest', tool: 'Bash', about: 'npm test' });
    expect(held?.answer({ decision: 'allow' })).toBe(true);
    expect(await call).toMatchObject({ response: { decision: 'allow' } });
    // Answered once: a second answer is not taken, and nothing is held any more.
    expect(held?.answer({ decision: 'deny' })).toBe(false);
    expect(h.core.heldDecisions.current(id, a.stateSince)).toBeUndefined();
  });

  it('lets the call go, with no answer, once the agent leaves the dialog (answered in its terminal)', async () => {
    const h = await makeCore();
    const id = await claudeAgent(h);
    const call = hook(h, id, NPM_TEST);
    expect(await settle(call)).toBe('pending');
    await hook(h, id, { hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_input: NPM_TEST.tool_input });
    expect(await call).toMatchObject({ response: null });
  });

  it('lets the call go when the CLI stops waiting (its connection closed), and at the bound', async () => {
    const h = await makeCore();
    const id = await claudeAgent(h);
    const gone = new AbortController();
    const call = hook(h, id, NPM_TEST, gone.signal);
    expect(await settle(call)).toBe('pending');
    gone.abort();
    expect(await call).toMatchObject({ response: null });
    const again = hook(h, id, { ...NPM_TEST, tool_input: { command: 'npm run build' } });
    expect(await settle(again)).toBe('pending');
    await h.clock.advanceAsync(570_000);
    expect(await again).toMatchObject({ response: null });
  });

  it('holds nothing that came without the CLI’s own connection (`wtp hook` over the socket: its process would wait)', async () => {
    const h = await makeCore();
    const id = await claudeAgent(h);
    const direct = hook(h, id, NPM_TEST, null);
    expect(await settle(direct)).toMatchObject({ response: null });
    expect(agentOf(h, id).state).toBe('needs_permission');
    // So an answer does not wait for a held call from this agent: none will come.
    expect(h.core.heldDecisions.canHold(id)).toBe(false);
    await hook(h, id, { hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_input: {} }, null);
    expect(h.core.heldDecisions.canHold(id)).toBe(false);
    await hook(h, id, { hook_event_name: 'UserPromptSubmit', prompt: 'go on' }, new AbortController().signal);
    expect(h.core.heldDecisions.canHold(id)).toBe(true);
  });

  it('holds nothing for a question or a plan (their answer is more than allow or deny), nor a subagent’s call', async () => {
    const h = await makeCore();
    const id = await claudeAgent(h);
    const question = hook(h, id, {
      hook_event_name: 'PermissionRequest',
      tool_name: 'AskUserQuestion',
      tool_input: {
        questions: [{ question: 'Which?', header: 'Q', options: [{ label: 'A' }, { label: 'B' }] }],
      },
    });
    expect(await settle(question)).toMatchObject({ response: null });
    const plan = hook(h, id, {
      hook_event_name: 'PermissionRequest',
      tool_name: 'ExitPlanMode',
      tool_input: { plan: 'x' },
    });
    expect(await settle(plan)).toMatchObject({ response: null });
    // A subagent's call: one in the background waits for the hook before it draws its dialog.
    const sub = hook(h, id, { ...NPM_TEST, agent_id: 'a1b2c3' });
    expect(await settle(sub)).toMatchObject({ response: null });
  });

  it('of several held calls, the one about the request shown is answered', async () => {
    const h = await makeCore();
    const id = await claudeAgent(h);
    const first = hook(h, id, NPM_TEST);
    expect(await settle(first)).toBe('pending');
    const since = agentOf(h, id).stateSince;
    const held = h.core.heldDecisions.hold(
      id,
      { event: 'PermissionRequest', about: 'ls' },
      { holdMs: 1_000 },
    );
    expect(h.core.heldDecisions.current(id, since, 'ls')?.about).toBe('ls');
    expect(h.core.heldDecisions.current(id, since, 'other')?.about).toBe('npm test');
    expect(h.core.heldDecisions.current(id, since + 1)).toBeUndefined();
    h.core.heldDecisions.releaseAll();
    expect(await first).toMatchObject({ response: null });
    expect(await held).toBeNull();
  });

  it('a call that comes while its status record still says working belongs to the wait the agent enters next', async () => {
    const h = await makeCore();
    const id = await claudeAgent(h);
    // The status record outranks a hook: its "working" stands until it says "blocked" (under load,
    // after the hook's call came).
    const status = (state: 'working' | 'needs_permission' | 'idle', evidence: string) =>
      h.core.engine.observe(id, {
        source: 'status',
        state,
        ...(state === 'needs_permission' ? { reason: 'permission' as const } : {}),
        evidence,
        at: h.clock.now(),
      });
    await status('working', 'status 7501 state=working');
    const call = hook(h, id, NPM_TEST);
    expect(await settle(call)).toBe('pending');
    expect(agentOf(h, id).state).toBe('working');
    const answered = h.core.heldDecisions.arrival(id, Number.NaN, 'npm test', 0);
    expect(await answered).toBeUndefined();
    h.clock.advance(2_000);
    await status('needs_permission', 'status 7501 state=blocked kind=permission');
    const a = agentOf(h, id);
    expect(a.state).toBe('needs_permission');
    const held = await h.core.heldDecisions.arrival(id, a.stateSince, 'npm test', 0);
    expect(held?.answer({ decision: 'allow' })).toBe(true);
    expect(await call).toMatchObject({ response: { decision: 'allow' } });

    // One whose agent goes anywhere but a wait is let go.
    await status('working', 'status 7501 state=working');
    const later = hook(h, id, { ...NPM_TEST, tool_input: { command: 'npm run build' } });
    expect(await settle(later)).toBe('pending');
    await status('idle', 'status 7501 state=done');
    expect(await later).toMatchObject({ response: null });
  });

  it('holds at most 8 calls of one agent: a flood of forged hook calls gets answers at once, not sockets held', async () => {
    const h = await makeCore();
    const id = await claudeAgent(h);
    const calls = Array.from({ length: 10 }, (_, i) =>
      hook(h, id, { ...NPM_TEST, tool_input: { command: `echo ${i}` } }),
    );
    const outcomes = await Promise.all(calls.map((c) => settle(c)));
    expect(outcomes.filter((o) => o === 'pending')).toHaveLength(8);
    expect(outcomes.filter((o) => o !== 'pending')).toMatchObject([{ response: null }, { response: null }]);
    h.core.heldDecisions.releaseAll();
    await Promise.all(calls);
  });
});
