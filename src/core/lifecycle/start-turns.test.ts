import { describe, expect, it } from 'vitest';
import {
  agentOf,
  cmdRequest,
  connectHost,
  killedBy,
  makeCore,
  reportExit,
  reportSpawned,
  type Harness,
} from '../../../test/support/core-fakes.js';
import { START_TURN_MS } from './start-turns.js';
import type { FakeLink } from '../../../test/support/fake-ports.js';

/** Creates an OpenCode agent (a profile that starts alone) and connects its host; not spawned yet. */
async function opencode(h: Harness, name: string, env: Record<string, string> = {}) {
  h.preflight.commands.set('opencode', '/usr/bin/opencode');
  const view = await h.core.service.create(cmdRequest({ profile: 'opencode', name, argv: [], env }), 'cli');
  const hostPid = agentOf(h, view.id).hostPid ?? 0;
  const { link } = await connectHost(h.core, view.id, { hostPid });
  return { id: view.id, link };
}

const spawns = (link: FakeLink): number => link.ofType('spawn').length;

async function up(h: Harness, id: string): Promise<void> {
  await h.core.lifecycle.applyActivity(
    agentOf(h, id),
    'idle',
    { reason: 'at_prompt', source: 'screen' },
    'host',
  );
}

describe('start turns: a CLI that starts alone', () => {
  it('spawns the next agent of one data folder once the one before is up, in order', async () => {
    const h = await makeCore();
    const a = await opencode(h, 'a');
    const b = await opencode(h, 'b');
    const c = await opencode(h, 'c');
    expect([spawns(a.link), spawns(b.link), spawns(c.link)]).toEqual([1, 0, 0]);
    const why = 'to start: this CLI starts one at a time per data folder';
    expect(agentOf(h, b.id).stateDetail.message).toBe(`waits for a ${why}`);
    expect(agentOf(h, c.id).stateDetail.message).toBe(`waits for a ${why}`);

    await reportSpawned(h, a.id, 9001);
    expect(agentOf(h, a.id).state).toBe('running'); // its CLI not read yet: still its turn
    expect(spawns(b.link)).toBe(0);
    await up(h, a.id);
    expect([spawns(b.link), spawns(c.link)]).toEqual([1, 0]);
    await reportSpawned(h, b.id, 9002);
    expect(agentOf(h, b.id).stateDetail.message).toBeUndefined();
    await up(h, b.id);
    expect(spawns(c.link)).toBe(1);
  });

  it('lets the next start after START_TURN_MS when the one before never comes up', async () => {
    const h = await makeCore();
    const a = await opencode(h, 'a');
    const b = await opencode(h, 'b');
    await reportSpawned(h, a.id, 9001);
    h.clock.advance(START_TURN_MS - 1);
    expect(spawns(b.link)).toBe(0);
    h.clock.advance(1);
    expect(spawns(b.link)).toBe(1);
  });

  it('skips an agent stopped while it waited, and frees the turn of one that exits', async () => {
    const h = await makeCore();
    const a = await opencode(h, 'a');
    const b = await opencode(h, 'b');
    const c = await opencode(h, 'c');
    await h.core.service.stop(b.id, { wait: false }, 'cli');
    expect(agentOf(h, b.id).state).toBe('exited');
    await h.core.service.stop(a.id, { wait: false }, 'cli'); // stopped before it reported spawned
    await reportSpawned(h, a.id, 9001);
    await reportExit(h, a.id, 9001, killedBy('SIGTERM'));
    expect(agentOf(h, a.id).state).toBe('exited');
    expect([spawns(b.link), spawns(c.link)]).toEqual([0, 1]);
  });

  it('starts agents of other data folders, and other profiles, at once', async () => {
    const h = await makeCore();
    const a = await opencode(h, 'a');
    const b = await opencode(h, 'b', { HOME: '/home/other' });
    const c = await opencode(h, 'c', { XDG_DATA_HOME: '/data/c' });
    const view = await h.core.service.create(cmdRequest({ name: 'plain' }), 'cli');
    const plain = await connectHost(h.core, view.id, { hostPid: agentOf(h, view.id).hostPid ?? 0 });
    expect([spawns(a.link), spawns(b.link), spawns(c.link), spawns(plain.link)]).toEqual([1, 1, 1, 1]);
  });
});
