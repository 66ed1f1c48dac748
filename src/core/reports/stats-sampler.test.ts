import { describe, expect, it } from 'vitest';
import { exitCode, makeCore, reportExit, startAgent } from '../../../test/support/core-fakes.js';

describe('StatsSampler', () => {
  it('samples running agents every statsIntervalMs, with CPU as percent of one core', async () => {
    const h = await makeCore();
    const { id } = await startAgent(h);
    h.inspector.samples.set(9001, { cpuMs: 1_000, rssBytes: 50_000_000, processes: 3 });
    h.clock.advance(2_000);
    expect(h.core.stats.get(id)).toEqual({
      cpuPercent: 0, // nothing to compare with yet
      rssBytes: 50_000_000,
      processes: 3,
      sampledAt: new Date(h.clock.now()).toISOString(),
    });

    h.inspector.samples.set(9001, { cpuMs: 1_500, rssBytes: 60_000_000, processes: 4 });
    h.clock.advance(1_999);
    expect(h.core.stats.get(id)?.rssBytes).toBe(50_000_000);
    h.clock.advance(1);
    expect(h.core.stats.get(id)).toMatchObject({ cpuPercent: 25, rssBytes: 60_000_000, processes: 4 });
    expect(h.core.service.get(id).stats).toMatchObject({ cpuPercent: 25 });
  });

  it('rounds to one decimal and never reports negative CPU', async () => {
    const h = await makeCore();
    const { id } = await startAgent(h);
    h.inspector.samples.set(9001, { cpuMs: 0, rssBytes: 1, processes: 1 });
    h.core.stats.sample();
    h.clock.advance(3);
    h.inspector.samples.set(9001, { cpuMs: 1, rssBytes: 1, processes: 1 });
    h.core.stats.sample();
    expect(h.core.stats.get(id)?.cpuPercent).toBe(33.3);
    h.clock.advance(3);
    h.inspector.samples.set(9001, { cpuMs: 0, rssBytes: 1, processes: 1 });
    h.core.stats.sample();
    expect(h.core.stats.get(id)?.cpuPercent).toBe(0);
  });

  it('forgets agents that stopped running or cannot be sampled', async () => {
    const h = await makeCore();
    const a = await startAgent(h, { name: 'a' }, 'cli', 9001);
    const b = await startAgent(h, { name: 'b' }, 'cli', 9002);
    h.inspector.samples.set(9001, { cpuMs: 1, rssBytes: 1, processes: 1 });
    h.inspector.samples.set(9002, { cpuMs: 1, rssBytes: 1, processes: 1 });
    h.core.stats.sample();
    expect([h.core.stats.get(a.id), h.core.stats.get(b.id)]).not.toContain(null);

    await reportExit(h, a.id, 9001, exitCode(0));
    h.inspector.samples.delete(9002);
    h.core.stats.sample();
    expect([h.core.stats.get(a.id), h.core.stats.get(b.id)]).toEqual([null, null]);
    expect(h.core.service.get(a.id).stats).toBeNull();
  });

  it('looks at the process table once per sample, whatever the number of agents', async () => {
    const h = await makeCore();
    await startAgent(h, { name: 'a' }, 'cli', 9001);
    await startAgent(h, { name: 'b' }, 'cli', 9002);
    await startAgent(h, { name: 'c' }, 'cli', 9003);
    h.inspector.sampleCalls.length = 0;
    h.core.stats.sample();
    expect(h.inspector.sampleCalls).toEqual([[9001, 9002, 9003]]);
  });
});
