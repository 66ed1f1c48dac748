import { describe, expect, it } from 'vitest';
import { agentRecord, makeCore } from '../../../test/support/core-fakes.js';
import type { Signal } from '../../protocol/signals.js';

/**
 * While an approval rule decides a request through Claude Code's PermissionRequest hook, the
 * "blocked" its status record (or screen) reports is the rule's wait, not the user's: it is not
 * shown as needs_permission unless the rule leaves the request to the user. A wait announced
 * before the hook came is held a moment for it.
 */
async function rig(withRules = true) {
  const h = await makeCore();
  const agent = agentRecord({
    id: 'ag-1',
    name: 'c1',
    profile: 'claude',
    state: 'working',
    ...(withRules ? { approvals: { allow: ['Bash(npm test*)'], deny: [] } } : {}),
  });
  await h.core.registry.add(agent, []);
  const blocked = (): Signal => ({
    source: 'status',
    state: 'needs_permission',
    reason: 'permission',
    evidence: 'status 7501 state=blocked kind=permission',
    at: h.clock.now(),
  });
  const working = (): Signal => ({
    source: 'status',
    state: 'working',
    evidence: 'status 7501 state=working',
    at: h.clock.now(),
  });
  const state = () => h.core.registry.resolve('c1').state;
  return { h, blocked, working, state };
}

describe('the state engine and decisions through the hook', () => {
  it('a rule deciding: blocked is not shown; decided, it stays hidden until the status moves on', async () => {
    const { h, blocked, working, state } = await rig();
    h.core.engine.ruling('ag-1');
    await h.core.engine.observe('ag-1', blocked());
    expect(state()).toBe('working');
    await h.core.engine.ruled('ag-1', true);
    await h.clock.advanceAsync(2_000);
    expect(state()).toBe('working');
    await h.core.engine.observe('ag-1', working());
    await h.core.engine.observe('ag-1', blocked()); // the next dialog: the user's (no rule decides it)
    await h.clock.advanceAsync(1_000);
    expect(state()).toBe('needs_permission');
  });

  it('a rule that leaves the request to the user: the wait shows at once', async () => {
    const { h, blocked, state } = await rig();
    h.core.engine.ruling('ag-1');
    await h.core.engine.observe('ag-1', blocked());
    expect(state()).toBe('working');
    await h.core.engine.ruled('ag-1', false);
    // Undecided, the hook's own signal follows (hook-intake observes it): the wait is the user's.
    await h.core.engine.observe('ag-1', {
      source: 'hook',
      state: 'needs_permission',
      reason: 'permission',
      evidence: 'hook PermissionRequest Bash "npm test; touch x"',
      at: h.clock.now(),
    });
    expect(state()).toBe('needs_permission');
  });

  it('a wait announced before its hook: held up to 1 s for it, then shown (the hook call failed)', async () => {
    const { h, blocked, state } = await rig();
    await h.core.engine.observe('ag-1', blocked());
    expect(state()).toBe('working');
    await h.clock.advanceAsync(999);
    expect(state()).toBe('working');
    await h.clock.advanceAsync(1);
    expect(state()).toBe('needs_permission');
  });

  it('an agent without rules: no hold, the wait shows at once', async () => {
    const { h, blocked, state } = await rig(false);
    await h.core.engine.observe('ag-1', blocked());
    expect(state()).toBe('needs_permission');
  });

  it("a decided request whose dialog still shows: after 15 s the wait is the user's, with no new signal", async () => {
    const { h, blocked, state } = await rig();
    h.core.engine.ruling('ag-1');
    await h.core.engine.observe('ag-1', blocked());
    await h.core.engine.ruled('ag-1', true); // answered through the hook, yet the CLI still asks
    await h.clock.advanceAsync(15_000);
    expect(state()).toBe('working');
    await h.clock.advanceAsync(1);
    expect(state()).toBe('needs_permission');
  });
});

/**
 * A clock whose first reading at `at` is 1 ms behind: how a timer that fires early by Date.now()
 * (libuv counts on another clock) meets a clock that moves on during the decision.
 */
function lagAt(h: Awaited<ReturnType<typeof rig>>['h'], at: number): void {
  const real = h.clock.now.bind(h.clock);
  let lagged = false;
  h.clock.now = () => {
    const t = real();
    if (t !== at || lagged) return t;
    lagged = true;
    return t - 1;
  };
}

describe('a decision that is due decides, whatever the clock reads while it runs', () => {
  it('a wait held for its hook is shown when the hold ends, even if the clock moved during the check', async () => {
    const { h, blocked, state } = await rig();
    lagAt(h, h.clock.now() + 1_000); // the timer's decision reads 999 ms: the hold ends 1 ms later
    await h.core.engine.observe('ag-1', blocked());
    await h.clock.advanceAsync(1_000);
    await h.clock.advanceAsync(1);
    expect(state()).toBe('needs_permission');
  });

  it("the screen's verdict overrides a hook's when its time comes, even if the clock moved during the check", async () => {
    const { h, blocked, state } = await rig(false);
    await h.core.engine.observe('ag-1', { ...blocked(), source: 'hook' });
    await h.clock.advanceAsync(1);
    lagAt(h, h.clock.now() + 3_000); // the override's timer decides at 2999 ms, 1 ms before its time
    await h.core.engine.observe('ag-1', {
      source: 'screen',
      state: 'idle',
      evidence: 'screen claude/prompt line 30',
      at: h.clock.now(),
    });
    await h.clock.advanceAsync(3_000);
    await h.clock.advanceAsync(1);
    expect(state()).toBe('idle');
  });
});

describe('what the engine tells `wtp why` of its timing', () => {
  it('each signal with when it came, and when a pending override decides', async () => {
    const { h, blocked, state } = await rig(false);
    await h.core.engine.observe('ag-1', { ...blocked(), source: 'hook' });
    await h.clock.advanceAsync(100);
    const screenAt = h.clock.now();
    await h.clock.advanceAsync(1_500); // a screen's idle is reported once it held still
    await h.core.engine.observe('ag-1', {
      source: 'screen',
      state: 'idle',
      evidence: 'screen claude/prompt line 30',
      at: screenAt,
    });
    expect(h.core.engine.recentSignals('ag-1').map((s) => (s.receivedAt ?? 0) - s.at)).toEqual([0, 1_500]);
    expect(state()).toBe('needs_permission');
    expect(h.core.engine.nextDecisionAt('ag-1')).toBe(screenAt + 3_000);
    await h.clock.advanceAsync(1_500);
    expect(state()).toBe('idle');
    expect(h.core.engine.nextDecisionAt('ag-1')).toBeNull();
  });
});
