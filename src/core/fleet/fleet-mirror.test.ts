import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/support/fake-clock.js';
import { MemoryLogger } from '../../../test/support/fake-ports.js';
import type { AgentView } from '../../protocol/agent.js';
import type { WtpEvent } from '../../protocol/events.js';
import type { FleetChange } from '../../protocol/fleet.js';
import type { FleetEventRow, FleetReader, FleetSnapshot, MachineRow } from '../ports/fleet.js';
import { AppError } from '../errors.js';
import { FleetMirror } from './fleet-mirror.js';

/** A fleet database as the mirror reads it: machines, agents, and each machine's events. */
class FakeReader implements FleetReader {
  machineRows: MachineRow[] = [];
  agentRows: { machine: string; view: AgentView }[] = [];
  events: FleetEventRow[] = [];
  snapshots = 0;
  /** Listening connections opened and closed; what the next read fails with. */
  listens = 0;
  unlistens = 0;
  failWith: Error | null = null;

  machines(): Promise<MachineRow[]> {
    return this.failWith ? Promise.reject(this.failWith) : Promise.resolve(this.machineRows);
  }
  snapshot(except: string): Promise<FleetSnapshot> {
    this.snapshots += 1;
    const cursors = new Map<string, { logId: string; seq: number }>();
    for (const m of this.machineRows) {
      if (m.name === except) continue;
      const seqs = this.events.filter((e) => e.machine === m.name).map((e) => e.seq);
      cursors.set(m.name, { logId: m.logId, seq: Math.max(0, ...seqs) });
    }
    return Promise.resolve({ agents: this.agentRows.filter((a) => a.machine !== except), cursors });
  }
  agentsById(ids: string[]): Promise<{ machine: string; view: AgentView }[]> {
    return Promise.resolve(this.agentRows.filter((a) => ids.includes(a.view.id)));
  }
  eventsAfter(cursors: ReadonlyMap<string, number>, except: string, limit: number): Promise<FleetEventRow[]> {
    return Promise.resolve(
      this.events
        .filter((e) => e.machine !== except && e.seq > (cursors.get(e.machine) ?? 0))
        .slice(0, limit),
    );
  }
  listen(): Promise<() => Promise<void>> {
    this.listens += 1;
    return Promise.resolve(() => {
      this.unlistens += 1;
      return Promise.resolve();
    });
  }
}

const machine = (name: string, heartbeatAt: number, readAt: number): MachineRow => ({
  name,
  logId: `log-${name}`,
  version: '0',
  startedAt: 0,
  heartbeatAt,
  readAt,
  ssh: null,
  capacity: 0,
  repos: [],
  agents: 1,
});
const view = (id: string, state: string): AgentView =>
  ({ id, name: id, workspace: 'w', state }) as unknown as AgentView;
const ev = (machineName: string, seq: number, agentId: string): FleetEventRow => ({
  machine: machineName,
  seq,
  event: { seq, ts: '2025-01-01T00:00:00.000Z', type: 'agent.inputSent', agentId } as unknown as WtpEvent,
});

function rig() {
  const clock = new FakeClock();
  const reader = new FakeReader();
  const changes: FleetChange[] = [];
  const mirror = new FleetMirror({
    reader,
    me: 'alpha',
    clock,
    logger: new MemoryLogger(),
    settings: { pollMs: 1_000, unreachableAfterMs: 3_000, batch: 100 },
  });
  mirror.subscribe((c) => changes.push(c));
  return { clock, reader, mirror, changes };
}

describe('FleetMirror', () => {
  it('a database out of reach gives up the listening connection: it listens afresh once back', async () => {
    const r = rig();
    r.reader.machineRows = [machine('alpha', 0, 0), machine('bravo', 0, 0)];
    await r.mirror.refresh();
    expect([r.reader.listens, r.reader.unlistens]).toEqual([1, 0]);
    // A statement timed out over a silent link: the listening connection may be as dead.
    r.reader.failWith = new AppError('FLEET_UNREACHABLE', 'Query read timeout');
    await r.mirror.refresh();
    expect([r.reader.listens, r.reader.unlistens]).toEqual([1, 1]);
    r.reader.failWith = null;
    await r.mirror.refresh();
    expect([r.reader.listens, r.reader.unlistens]).toEqual([2, 1]);
    // A refusal (a privilege, a password) is no sign of a dead link: the connection is kept.
    r.reader.failWith = new AppError('FLEET_REFUSED', 'permission denied');
    await r.mirror.refresh();
    expect([r.reader.listens, r.reader.unlistens]).toEqual([2, 1]);
  });

  it('publishing that lost the link gives up the listening connection, though no read of its own failed', async () => {
    const r = rig();
    r.reader.machineRows = [machine('alpha', 0, 0), machine('bravo', 0, 0)];
    await r.mirror.refresh();
    // The mirror's read waited out the partition and came back; the outbox's timed out meanwhile.
    r.mirror.linkLost(new AppError('FLEET_UNREACHABLE', 'Query read timeout'));
    expect([r.reader.listens, r.reader.unlistens]).toEqual([1, 1]);
    await r.mirror.refresh();
    expect([r.reader.listens, r.reader.unlistens]).toEqual([2, 1]);
    r.mirror.linkLost(new AppError('FLEET_REFUSED', 'permission denied'));
    expect([r.reader.listens, r.reader.unlistens]).toEqual([2, 1]);
  });

  it('applies each machine’s events once, in order, with the agents as they are now', async () => {
    const r = rig();
    r.reader.machineRows = [machine('alpha', 0, 0), machine('bravo', 0, 0)];
    r.reader.agentRows = [{ machine: 'bravo', view: view('ag-b', 'working') }];
    await r.mirror.refresh();
    expect(r.mirror.list().map((a) => [a.id, a.machine, a.state])).toEqual([['ag-b', 'bravo', 'working']]);
    r.reader.events = [ev('bravo', 1, 'ag-b'), ev('bravo', 2, 'ag-b')];
    r.reader.agentRows = [{ machine: 'bravo', view: view('ag-b', 'idle') }];
    await r.mirror.refresh();
    await r.mirror.refresh(); // nothing new: nothing told twice
    expect(r.changes.filter((c) => c.kind === 'event').map((c) => c.kind === 'event' && c.event.seq)).toEqual(
      [1, 2],
    );
    expect(r.mirror.get('ag-b')?.state).toBe('idle');
  });

  it('a gap in a machine’s events (pruned while away) reads the fleet again instead of skipping them', async () => {
    const r = rig();
    r.reader.machineRows = [machine('alpha', 0, 0), machine('bravo', 0, 0)];
    r.reader.events = [ev('bravo', 1, 'ag-b')];
    await r.mirror.refresh();
    expect(r.reader.snapshots).toBe(1);
    // Events 2..9 were pruned from the fleet's window; 10 is there.
    r.reader.events = [ev('bravo', 10, 'ag-b')];
    r.reader.agentRows = [{ machine: 'bravo', view: view('ag-b', 'exited') }];
    const before = r.changes.length;
    await r.mirror.refresh();
    expect(r.reader.snapshots).toBe(2);
    expect(r.changes.slice(before)).toContainEqual({ kind: 'reloaded' });
    expect(r.changes.slice(before).some((c) => c.kind === 'event')).toBe(false);
    expect(r.mirror.get('ag-b')?.state).toBe('exited');
  });

  it('a machine turns unreachable as its last heartbeat ages, told once, between two reads', async () => {
    const r = rig();
    const t0 = r.clock.now();
    r.reader.machineRows = [machine('alpha', t0, t0), machine('bravo', t0, t0)];
    await r.mirror.refresh();
    const told = (): number => r.changes.filter((c) => c.kind === 'machines').length;
    expect(told()).toBe(1);
    expect(r.mirror.machines().find((m) => m.name === 'bravo')?.reachable).toBe(true);
    // bravo says nothing more; the database's clock moves on with ours.
    r.clock.advance(4_000);
    r.reader.machineRows = [machine('alpha', t0 + 4_000, t0 + 4_000), machine('bravo', t0, t0 + 4_000)];
    await r.mirror.refresh();
    expect(r.mirror.machines().find((m) => m.name === 'bravo')).toMatchObject({
      reachable: false,
      unreachableSince: new Date(t0).toISOString(),
    });
    expect(told()).toBe(2);
    await r.mirror.refresh();
    expect(told()).toBe(2);
  });
});
