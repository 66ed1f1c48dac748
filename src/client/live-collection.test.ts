import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../protocol/app-error.js';
import type { WtpEvent } from '../protocol/events.js';
import { LiveCollection, type LiveSource } from './live-collection.js';

interface Item {
  id: string;
  state: string;
}

/** A source whose fetches answer when the test says (each fetch of one item is a promise it holds). */
class HeldSource implements LiveSource<Item> {
  readonly fetches: { id: string; answer: (x: Item) => void }[] = [];
  constructor(private readonly all: Item[]) {}
  loadAll(): Promise<Item[]> {
    return Promise.resolve(this.all.map((x) => ({ ...x })));
  }
  loadOne(id: string): Promise<Item> {
    return new Promise((answer) => this.fetches.push({ id, answer }));
  }
  touched(e: WtpEvent): string | null {
    return e.agentId;
  }
  removed(_e: WtpEvent): string | null {
    return null;
  }
}

const flush = () => new Promise((r) => setImmediate(r));
const touch = (id: string) => ({ agentId: id }) as unknown as WtpEvent;

describe('LiveCollection.put: an action’s answer shown at once', () => {
  it('replaces the item, and a fetch already in flight (older than the answer) is followed by another', async () => {
    const source = new HeldSource([{ id: 'a', state: 'running' }]);
    const c = new LiveCollection(source, () => undefined);
    c.start();
    await flush();
    c.apply([touch('a')]); // a fetch starts, before the stop
    c.put({ id: 'a', state: 'exited' }); // the stop's answer
    expect(c.items.get('a')?.state).toBe('exited');
    source.fetches[0]?.answer({ id: 'a', state: 'running' }); // the older fetch comes back
    await flush();
    expect(source.fetches.map((f) => f.id)).toEqual(['a', 'a']); // fetched again
    source.fetches[1]?.answer({ id: 'a', state: 'exited' });
    await flush();
    expect(c.items.get('a')?.state).toBe('exited');
  });

  it('does not bring back an item the collection no longer has', async () => {
    const c = new LiveCollection(new HeldSource([{ id: 'a', state: 'running' }]), () => undefined);
    c.start();
    await flush();
    c.put({ id: 'b', state: 'exited' });
    expect([...c.items.keys()]).toEqual(['a']);
  });
});

/** A source whose answers the test scripts: each call takes the next answer (an item list or an error). */
class ScriptedSource implements LiveSource<Item> {
  loads = 0;
  constructor(private readonly answers: (Item[] | Error)[]) {}
  private next(): Promise<Item[]> {
    this.loads++;
    const a = this.answers.shift();
    if (a === undefined) return Promise.reject(new Error('no answer scripted'));
    return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
  }
  loadAll(): Promise<Item[]> {
    return this.next();
  }
  async loadOne(id: string): Promise<Item> {
    const all = await this.next();
    const item = all.find((x) => x.id === id);
    if (!item) throw new AppError('NOT_FOUND', `no ${id}`);
    return item;
  }
  touched(e: WtpEvent): string | null {
    return e.agentId;
  }
  removed(): string | null {
    return null;
  }
}

describe('LiveCollection: a failed fetch', () => {
  afterEach(() => vi.useRealTimers());
  const dropped = () => new AppError('DAEMON_UNREACHABLE', 'Cannot reach the daemon: Failed to fetch');

  it('keeps what was shown, says so, and reads everything again after a pause until it succeeds', async () => {
    vi.useFakeTimers();
    const source = new ScriptedSource([
      [{ id: 'a', state: 'running' }],
      dropped(), // the refresh of a
      dropped(), // the first reload
      [{ id: 'a', state: 'idle' }],
    ]);
    const c = new LiveCollection(source, () => undefined);
    c.start();
    await vi.advanceTimersByTimeAsync(0);
    c.apply([touch('a')]);
    await vi.advanceTimersByTimeAsync(0);
    expect(c.error?.message).toContain('Cannot reach the daemon');
    expect(c.items.get('a')?.state).toBe('running'); // still shown
    await vi.advanceTimersByTimeAsync(1_000); // the first reload fails: the pause doubles
    expect(source.loads).toBe(3);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(source.loads).toBe(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(source.loads).toBe(4);
    expect(c.error).toBeNull();
    expect(c.items.get('a')?.state).toBe('idle');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(source.loads).toBe(4); // nothing more once it succeeded
  });

  it('does not try again when the daemon says the page is signed out, nor once stopped', async () => {
    vi.useFakeTimers();
    const signedOut = new ScriptedSource([
      AppError.fromBody(401, { code: 'UNAUTHORIZED', message: 'not signed in' }),
    ]);
    const c = new LiveCollection(signedOut, () => undefined);
    c.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(signedOut.loads).toBe(1);
    expect(c.error?.message).toBe('not signed in');

    const down = new ScriptedSource([dropped()]);
    const d = new LiveCollection(down, () => undefined);
    d.start();
    await vi.advanceTimersByTimeAsync(0);
    d.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(down.loads).toBe(1);
  });
});

describe('LiveCollection.apply with the items events brought', () => {
  /** A removal the source reads as `agent.removed` does. */
  class RemovingSource extends HeldSource {
    override removed(e: WtpEvent): string | null {
      return (e as { type?: string }).type === 'agent.removed' ? e.agentId : null;
    }
  }
  const removal = (id: string) => ({ agentId: id, type: 'agent.removed' }) as unknown as WtpEvent;
  /** A collection of one running item `a`, loaded. */
  const started = async () => {
    const source = new HeldSource([{ id: 'a', state: 'running' }]);
    const c = new LiveCollection(source, () => undefined);
    c.start();
    await flush();
    return { source, c };
  };

  it('takes an event’s item instead of fetching it; fetches those that came without one', async () => {
    const { source, c } = await started();
    const [ea, eb] = [touch('a'), touch('b')];
    c.apply([ea, eb], (e) => (e === ea ? { id: 'a', state: 'idle' } : undefined));
    expect(c.items.get('a')?.state).toBe('idle');
    expect(source.fetches.map((f) => f.id)).toEqual(['b']);
  });

  it('an item brought after an event without one needs no fetch; before one, it does', async () => {
    const { source, c } = await started();
    const [bare, brought] = [touch('a'), touch('a')];
    c.apply([bare, brought], (e) => (e === brought ? { id: 'a', state: 'idle' } : undefined));
    expect(source.fetches).toEqual([]);
    c.apply([brought, bare], (e) => (e === brought ? { id: 'a', state: 'idle' } : undefined));
    expect(source.fetches.map((f) => f.id)).toEqual(['a']);
  });

  it('asks again after a fetch in flight, which may predate the item brought', async () => {
    const { source, c } = await started();
    c.apply([touch('a')]);
    const e = touch('a');
    c.apply([e], () => ({ id: 'a', state: 'exited' }));
    expect(c.items.get('a')?.state).toBe('exited');
    source.fetches[0]?.answer({ id: 'a', state: 'running' }); // older than the item brought
    await flush();
    expect(source.fetches.map((f) => f.id)).toEqual(['a', 'a']);
    source.fetches[1]?.answer({ id: 'a', state: 'exited' });
    await flush();
    expect(c.items.get('a')?.state).toBe('exited');
  });

  it('does not bring back an item removed later in the same batch', async () => {
    const c = new LiveCollection(new RemovingSource([]), () => undefined);
    c.start();
    await flush();
    const made = touch('n');
    c.apply([made, removal('n')], (e) => (e === made ? { id: 'n', state: 'starting' } : undefined));
    expect([...c.items.keys()]).toEqual([]);
  });
});
