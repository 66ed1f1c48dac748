import type { WorkspaceView } from '../../protocol/workspace.js';
import { describe, expect, it } from 'vitest';
import { agentRecord, MemoryLogger, MemoryStore } from '../../../test/support/core-fakes.js';
import { flush } from '../../../test/support/fake-clock.js';
import type { NewEvent, WtpEvent } from '../../protocol/events.js';
import { agentEvent } from './agent-event.js';
import type { AgentRecord } from './agent-record.js';
import { AppError } from '../errors.js';
import { EventBus } from './event-bus.js';
import { AgentRegistry } from './registry.js';
import { thrown } from '../../../test/support/app-error.js';

const T0 = Date.UTC(2025, 0, 1);

function setup() {
  const store = new MemoryStore(() => T0);
  const bus = new EventBus();
  const log = new MemoryLogger();
  const registry = new AgentRegistry(store, bus, log);
  const published: WtpEvent[] = [];
  bus.subscribe((e) => published.push(e));
  return { store, bus, log, registry, published };
}

const ws = (id: string, name: string): WorkspaceView => ({
  id,
  name,
  repoPath: null,
  backend: 'headless',
  template: null,
  createdAt: new Date(T0).toISOString(),
});
const removed = (a: AgentRecord): NewEvent => agentEvent(a, 'cli', 'agent.removed', { name: a.name });

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
  return undefined;
}

describe('AgentRegistry: finding agents', () => {
  async function populated() {
    const r = setup();
    await r.registry.addWorkspace(ws('ws-1', 'default'));
    await r.registry.addWorkspace(ws('ws-2', 'other'));
    await r.registry.add(agentRecord({ id: 'ag-1', name: 'api', workspaceId: 'ws-1' }), []);
    await r.registry.add(agentRecord({ id: 'ag-2', name: 'web', workspaceId: 'ws-1' }), []);
    await r.registry.add(agentRecord({ id: 'ag-3', name: 'web', workspaceId: 'ws-2' }), []);
    return r;
  }

  it('resolves an id, a workspace/name and a unique name', async () => {
    const { registry } = await populated();
    expect(registry.resolve('ag-2').id).toBe('ag-2');
    expect(registry.resolve('other/web').id).toBe('ag-3');
    expect(registry.resolve('ws-1/web').id).toBe('ag-2');
    expect(registry.resolve('api').id).toBe('ag-1');
  });

  it('says AGENT_AMBIGUOUS for a name used in several workspaces, listing the candidates', async () => {
    const { registry } = await populated();
    try {
      registry.resolve('web');
      expect.unreachable('resolve should throw');
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('AGENT_AMBIGUOUS');
      expect((err as AppError).details).toEqual({ ref: 'web', candidates: ['default/web', 'other/web'] });
    }
  });

  it('says AGENT_NOT_FOUND for unknown names, ids, workspaces and workspace/name pairs', async () => {
    const { registry } = await populated();
    expect(codeOf(() => registry.resolve('nope'))).toBe('AGENT_NOT_FOUND');
    expect(codeOf(() => registry.resolve('other/api'))).toBe('AGENT_NOT_FOUND');
    expect(codeOf(() => registry.resolve('missing/api'))).toBe('AGENT_NOT_FOUND');
    expect(codeOf(() => registry.resolveWorkspace('missing'))).toBe('WORKSPACE_NOT_FOUND');
  });

  it('names the agent or workspace a near miss was meant to be', async () => {
    const { registry } = await populated();
    const agent = thrown(() => registry.resolve('wbe'));
    expect(agent.message).toBe('No agent is named "wbe". Did you mean "web"?');
    expect(agent.details).toEqual({ ref: 'wbe', suggestion: 'web' });
    expect(thrown(() => registry.resolve('zzzzzz')).details).toEqual({ ref: 'zzzzzz', suggestion: null });
    const ws = thrown(() => registry.resolveWorkspace('othr'));
    expect(ws.message).toBe('No workspace is named "othr". Did you mean "other"?');
    expect(ws.details).toEqual({ ref: 'othr', suggestion: 'other' });
  });

  it('finds workspaces by id or name', async () => {
    const { registry } = await populated();
    expect(registry.findWorkspace('ws-2')?.name).toBe('other');
    expect(registry.findWorkspace('other')?.id).toBe('ws-2');
    expect(registry.workspaceName('ws-1')).toBe('default');
    expect(registry.workspaceName('ws-9')).toBe('ws-9');
  });

  it('picks the smallest free <base>-<n> per workspace', async () => {
    const { registry } = setup();
    expect(registry.nextFreeName('ws-1', 'cmd')).toBe('cmd-1');
    await registry.add(agentRecord({ id: 'a', name: 'cmd-1', workspaceId: 'ws-1' }), []);
    await registry.add(agentRecord({ id: 'b', name: 'cmd-3', workspaceId: 'ws-1' }), []);
    expect(registry.nextFreeName('ws-1', 'cmd')).toBe('cmd-2');
    expect(registry.nextFreeName('ws-2', 'cmd')).toBe('cmd-1');
    expect(registry.isNameTaken('ws-1', 'cmd-3')).toBe(true);
    expect(registry.isNameTaken('ws-2', 'cmd-3')).toBe(false);
  });
});

describe('AgentRegistry: persistence', () => {
  it('loads agents and workspaces from the store', async () => {
    const { store, registry } = setup();
    store.workspaces.set('ws-1', ws('ws-1', 'default'));
    store.agents.set('ag-1', agentRecord({ id: 'ag-1', workspaceId: 'ws-1' }));
    await registry.load();
    expect(registry.all().map((a) => a.id)).toEqual(['ag-1']);
    expect(registry.listWorkspaces().map((w) => w.name)).toEqual(['default']);
  });

  it('stores a snapshot: later in-memory changes reach the store only through save', async () => {
    const { store, registry } = setup();
    const a = agentRecord({ id: 'ag-1', args: ['x'] });
    await registry.add(a, []);
    a.state = 'exited';
    a.args.push('y');
    expect(store.agents.get('ag-1')?.state).toBe('running');
    expect(store.agents.get('ag-1')?.args).toEqual(['x']);
    await registry.save(a);
    expect(store.agents.get('ag-1')?.state).toBe('exited');
    expect(store.agents.get('ag-1')?.args).toEqual(['x', 'y']);
  });

  it('writes in call order even when the store is slow, and publishes events after their commit', async () => {
    const { store, registry, published } = setup();
    const a = agentRecord({ id: 'ag-1' });
    const release = store.hold();
    const first = registry.add(a, [removed({ ...a, name: 'first' })]);
    a.state = 'exited';
    const second = registry.save(a, [removed({ ...a, name: 'second' })]);
    await flush();
    expect(store.commits).toHaveLength(0);
    expect(published).toHaveLength(0);
    release();
    const [e1] = await first;
    const [e2] = await second;
    expect(store.commits.map((c) => c.upsertAgents?.[0]?.state)).toEqual(['running', 'exited']);
    expect([e1?.seq, e2?.seq]).toEqual([1, 2]);
    expect(published.map((e) => (e.type === 'agent.removed' ? e.data.name : e.type))).toEqual([
      'first',
      'second',
    ]);
    expect(published[0]).toMatchObject({ seq: 1, ts: new Date(T0).toISOString(), source: 'cli' });
  });

  it('a failed commit rejects its caller, is logged, and does not block later writes', async () => {
    const { store, registry, log, published } = setup();
    const a = agentRecord({ id: 'ag-1' });
    store.failNext = new Error('disk full');
    await expect(registry.add(a, [removed(a)])).rejects.toThrow('disk full');
    expect(published).toHaveLength(0);
    await registry.save(a, [removed(a)]);
    expect(store.agents.has('ag-1')).toBe(true);
    expect(published).toHaveLength(1);
    expect(log.entries.filter((e) => e.level === 'error').map((e) => e.msg)).toEqual(['store commit failed']);
  });

  it('flush waits for every queued write', async () => {
    const { store, registry } = setup();
    const release = store.hold();
    void registry.add(agentRecord({ id: 'ag-1' }), []);
    void registry.record([]);
    let flushed = false;
    void registry.flush().then(() => (flushed = true));
    await flush();
    expect(flushed).toBe(false);
    release();
    await flush();
    expect(flushed).toBe(true);
    expect(store.commits).toHaveLength(2);
  });

  it('close lets queued writes land, then drops later ones with a warning', async () => {
    const { store, registry, log } = setup();
    const release = store.hold();
    const queued = registry.add(agentRecord({ id: 'ag-1' }), []);
    let closed = false;
    const closing = registry.close().then(() => (closed = true));
    await flush();
    expect(closed).toBe(false);
    release();
    await closing;
    await queued;
    expect(store.agents.has('ag-1')).toBe(true);

    const a = agentRecord({ id: 'ag-2' });
    await expect(registry.add(a, [removed(a)])).resolves.toEqual([]);
    expect(store.agents.has('ag-2')).toBe(false);
    expect(store.events).toEqual([]);
    expect(log.entries.filter((e) => e.level === 'warn').map((e) => e.obj)).toEqual([
      { events: ['agent.removed'] },
    ]);
  });

  it('saveQuietly writes several agents without events, and nothing for none', async () => {
    const { store, registry } = setup();
    await registry.saveQuietly([]);
    expect(store.commits).toHaveLength(0);
    await registry.saveQuietly([agentRecord({ id: 'a' }), agentRecord({ id: 'b' })]);
    expect(store.commits).toEqual([
      { upsertAgents: [expect.objectContaining({ id: 'a' }), expect.objectContaining({ id: 'b' })] },
    ]);
  });

  it('remove deletes the agent in memory and in the store, with its event', async () => {
    const { store, registry } = setup();
    const a = agentRecord({ id: 'ag-1', name: 'api' });
    await registry.add(a, []);
    const [event] = await registry.remove('ag-1', [removed(a)]);
    expect(registry.get('ag-1')).toBeUndefined();
    expect(store.agents.has('ag-1')).toBe(false);
    expect(event).toMatchObject({ type: 'agent.removed', agentId: 'ag-1', data: { name: 'api' } });
  });
  it('a save that comes after the removal does not write the agent back', async () => {
    const { store, registry } = setup();
    const a = agentRecord({ id: 'ag-1', name: 'api' });
    await registry.add(a, []);
    const late = registry.save(a); // queued before the removal: it lands first
    await registry.remove('ag-1', [removed(a)]);
    await late;
    await registry.save(a, [removed(a)]);
    await registry.saveQuietly([a, agentRecord({ id: 'ag-2' })]);
    await registry.saveOffsets([a]);
    expect(store.agents.has('ag-1')).toBe(false);
    expect(store.agents.has('ag-2')).toBe(true);
    // The same id added again is saved again.
    await registry.add(a, []);
    await registry.save(a);
    expect(store.agents.has('ag-1')).toBe(true);
  });
});

describe('AgentRegistry: change listeners', () => {
  it('are told synchronously about add, save and remove, and can unsubscribe', async () => {
    const { registry } = setup();
    const seen: string[] = [];
    const off = registry.onChange((id) => seen.push(id));
    const a = agentRecord({ id: 'ag-1' });
    const pending = registry.add(a, []);
    expect(seen).toEqual(['ag-1']);
    void registry.save(a);
    void registry.remove('ag-1', []);
    expect(seen).toEqual(['ag-1', 'ag-1', 'ag-1']);
    off();
    await registry.add(agentRecord({ id: 'ag-2' }), []);
    expect(seen).toHaveLength(3);
    await pending;
  });
});

describe('EventBus', () => {
  it('keeps delivering when one subscriber throws', () => {
    const bus = new EventBus();
    const got: number[] = [];
    bus.subscribe(() => {
      throw new Error('bad subscriber');
    });
    const off = bus.subscribe((e) => got.push(e.seq));
    bus.publish([{ seq: 1 } as WtpEvent, { seq: 2 } as WtpEvent]);
    expect(got).toEqual([1, 2]);
    off();
    expect(bus.size).toBe(1);
  });
});
