import { describe, expect, it } from 'vitest';
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
  removed(): string | null {
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
