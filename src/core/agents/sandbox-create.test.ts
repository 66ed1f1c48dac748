import { describe, expect, it } from 'vitest';
import { cmdRequest, connectHost, makeCore, type Harness } from '../../../test/support/core-fakes.js';
import { flush } from '../../../test/support/fake-clock.js';
import type { SandboxPolicy } from '../../protocol/sandbox.js';
import type { AgentRecord } from '../model/agent-record.js';
import type { SandboxPlanner } from '../ports/sandbox.js';
import { AppError } from '../errors.js';

const POLICY: SandboxPolicy = {
  write: ['/work'],
  hide: ['/home/me/.ssh'],
  read: [],
  readOnly: [],
  hosts: ['api.anthropic.com:443'],
  forwards: [],
};

/** A planner that works (or not), recording whom it planned for. */
function planner(unavailable: { reason: string; fix: string } | null = null) {
  const planned: AgentRecord[] = [];
  const p: SandboxPlanner = {
    unavailable: () => unavailable,
    plan: (agent) => {
      planned.push(agent);
      return POLICY;
    },
  };
  return { p, planned };
}

async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

async function refusedWith(h: Harness, code: string): Promise<AppError> {
  const err = await rejection(h.core.service.create(cmdRequest({ sandbox: true }), 'cli'));
  expect(err.code).toBe(code);
  expect(h.core.registry.all()).toHaveLength(0);
  expect(h.launcher.launched).toEqual([]);
  return err;
}

describe('a sandboxed agent: never made without its sandbox', () => {
  it('SANDBOX_UNAVAILABLE before anything is made when no sandbox can be, with why and what to do', async () => {
    const none = await makeCore();
    await refusedWith(none, 'SANDBOX_UNAVAILABLE');
    const broken = await makeCore({
      sandbox: planner({ reason: 'bubblewrap is not installed', fix: 'apt-get install bubblewrap' }).p,
    });
    const err = await refusedWith(broken, 'SANDBOX_UNAVAILABLE');
    expect(err.message).toContain('bubblewrap is not installed');
    expect(err.message).toContain('apt-get install bubblewrap');
    expect(err.details).toEqual({ reason: 'bubblewrap is not installed', fix: 'apt-get install bubblewrap' });
  });

  it('keeps its policy, shows it, and sends it with every spawn, with its own hook route only', async () => {
    const { p, planned } = planner();
    const h = await makeCore({ sandbox: p });
    const view = await h.core.service.create(cmdRequest({ sandbox: true }), 'cli');
    expect(planned.map((a) => a.id)).toEqual([view.id]);
    expect(view.sandbox).toEqual(POLICY);
    const plain = await h.core.service.create(cmdRequest({ name: 'plain' }), 'cli');
    expect(plain.sandbox).toBeNull();
    const { link } = await connectHost(h.core, view.id, {
      hostPid: h.core.registry.get(view.id)?.hostPid ?? 0,
    });
    await flush();
    const spawn = link.sent.find((m) => m.type === 'spawn');
    expect(spawn && 'sandbox' in spawn ? spawn.sandbox : undefined).toEqual({
      ...POLICY,
      daemon: { socket: '/nonexistent/wtp-daemon.sock', port: null, hookPath: `/api/v1/hooks/${view.id}` },
    });
  });

  it('records what its sandbox refused, and nothing for an agent that has none', async () => {
    const h = await makeCore({ sandbox: planner().p });
    const a = await h.core.service.create(cmdRequest({ sandbox: true }), 'cli');
    const b = await h.core.service.create(cmdRequest({ name: 'plain' }), 'cli');
    const hostOf = (id: string) => h.core.registry.get(id)?.hostPid ?? 0;
    const la = await connectHost(h.core, a.id, { hostPid: hostOf(a.id) });
    const lb = await connectHost(h.core, b.id, { hostPid: hostOf(b.id) });
    expect(la.accepted && lb.accepted).toBe(true);
    const denied = {
      type: 'sandboxDenied',
      kind: 'host',
      target: 'example.com:443',
      count: 3,
      at: 1,
    } as const;
    h.core.sessions.message(a.id, denied);
    h.core.sessions.message(b.id, denied);
    await flush();
    const events = h.store.events.filter((e) => e.type === 'agent.sandboxDenied');
    expect(events.map((e) => [e.agentId, e.data])).toEqual([
      [a.id, { kind: 'host', target: 'example.com:443', count: 3 }],
    ]);
  });
});
