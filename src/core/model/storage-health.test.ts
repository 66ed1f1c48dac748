import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/support/fake-clock.js';
import { MemoryLogger } from '../../../test/support/fake-ports.js';
import type { NewEvent } from '../../protocol/events.js';
import { StorageHealth } from './storage-health.js';

function setup() {
  const clock = new FakeClock();
  const log = new MemoryLogger();
  const recorded: NewEvent[] = [];
  const health = new StorageHealth({
    clock,
    log,
    record: (events) => recorded.push(...events),
    probeMs: 2_000,
    unsaved: () => ({ changes: 2, events: 3, lost: 0 }),
  });
  return { clock, log, recorded, health };
}

const logFailure = (bytes: number) =>
  ({ component: 'daemonLog', path: '/state/logs/daemon.log', code: 'ENOSPC', droppedBytes: bytes }) as const;

describe('StorageHealth', () => {
  it('logs and announces the first failure of a path once, and counts the rest', () => {
    const { log, recorded, health } = setup();
    health.failed(logFailure(100));
    health.failed(logFailure(50));
    health.failed(logFailure(25));
    expect(recorded.map((e) => e.type)).toEqual(['daemon.storageDegraded']);
    expect(log.entries.filter((e) => e.level === 'error')).toHaveLength(1);
    const s = health.status();
    expect(s.ok).toBe(false);
    expect(s.problems).toMatchObject([
      { component: 'daemonLog', path: '/state/logs/daemon.log', failedWrites: 3, droppedBytes: 175 },
    ]);
    expect(s.problems[0]?.fix).toBe(
      'Free space on the filesystem holding /state/logs (`df -h /state/logs`); writing resumes by itself, no restart needed.',
    );
    expect(s.counters).toMatchObject({ daemonLogDroppedBytes: 175, failedWrites: { daemonLog: 3 } });
  });

  it("lists the failing paths in the components' order, whichever failed first", () => {
    const { health } = setup();
    health.failed({ component: 'outputLog', agentId: 'ag-b', path: '/state/agents/ag-b', code: 'ENOSPC' });
    health.failed(logFailure(10));
    health.failed({ component: 'outputLog', agentId: 'ag-a', path: '/state/agents/ag-a', code: 'ENOSPC' });
    health.failed({ component: 'database', path: '/state/wtp.db', code: 'SQLITE_FULL' });
    expect(health.status().problems.map((p) => `${p.component} ${p.agentId ?? '-'}`)).toEqual([
      'database -',
      'daemonLog -',
      'outputLog ag-a',
      'outputLog ag-b',
    ]);
  });

  it('probes a failing path every probeMs until it recovers, then stops', () => {
    const { clock, recorded, health } = setup();
    let probes = 0;
    health.onProbe('daemonLog', () => {
      probes += 1;
      if (probes === 3) health.recovered('daemonLog', null, 175);
    });
    health.failed(logFailure(175));
    clock.advance(1_999);
    expect(probes).toBe(0);
    clock.advance(1);
    expect(probes).toBe(1);
    clock.advance(10_000);
    expect(probes).toBe(3);
    expect(health.status().ok).toBe(true);
    expect(recorded.map((e) => e.type)).toEqual(['daemon.storageDegraded', 'daemon.storageRecovered']);
    expect(recorded[1]).toMatchObject({ data: { component: 'daemonLog', droppedBytes: 175, downMs: 6_000 } });
  });

  it('refuses with STORAGE_FULL while the database fails, STORAGE_FAILED for an I/O error', () => {
    const { health } = setup();
    expect(() => health.assertWritable('database', 'create an agent')).not.toThrow();
    health.failed({ component: 'database', path: '/state/wtp.db', code: 'SQLITE_FULL' });
    expect(() => health.assertWritable('database', 'create an agent')).toThrow(
      /^Cannot create an agent: the database \/state\/wtp.db cannot be written \(disk full\)/,
    );
    health.recovered('database');
    health.failed({ component: 'database', path: '/state/wtp.db', code: 'SQLITE_IOERR_WRITE' });
    let code: string | undefined;
    try {
      health.assertWritable('database', 'create a task');
    } catch (err) {
      code = (err as { code?: string }).code;
    }
    expect(code).toBe('STORAGE_FAILED');
  });

  it("forgets a removed agent's output-log problem", () => {
    const { health } = setup();
    const r = { ok: false, path: '/a', code: 'ENOSPC', message: 'x', failedWrites: 1, droppedBytes: 10 };
    health.outputLog('ag-1', r);
    expect(health.isFailing('outputLog', 'ag-1')).toBe(true);
    health.forgetAgent('ag-1');
    expect(health.status().ok).toBe(true);
    expect(health.status().counters.outputLogDroppedBytes).toBe(10);
  });
});
