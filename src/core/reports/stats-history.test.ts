import { describe, expect, it } from 'vitest';
import { exitCode, makeCore, reportExit, startAgent } from '../../../test/support/core-fakes.js';
import { BYTES_PER_SAMPLE, SampleRing, StatsHistory } from './stats-history.js';

const sample = (t: number, cpuPercent = 0, rssBytes = 0) => ({ t, cpuPercent, rssBytes });

describe('SampleRing', () => {
  it('keeps the last `capacity` samples, oldest first, and answers the ones after a time', () => {
    const ring = new SampleRing(3);
    expect(ring.since(0)).toEqual([]);
    ring.push(sample(10, 1, 100));
    ring.push(sample(20, 2, 200));
    expect(ring.since(0)).toEqual([sample(10, 1, 100), sample(20, 2, 200)]);
    ring.push(sample(30, 3, 300));
    ring.push(sample(40, 4, 400)); // overwrites t=10
    ring.push(sample(50, 5, 500)); // overwrites t=20
    expect(ring.size).toBe(3);
    expect(ring.since(0)).toEqual([sample(30, 3, 300), sample(40, 4, 400), sample(50, 5, 500)]);
    expect(ring.since(30)).toEqual([sample(40, 4, 400), sample(50, 5, 500)]);
    expect(ring.since(45)).toEqual([sample(50, 5, 500)]);
    expect(ring.since(50)).toEqual([]);
  });

  it('ignores a sample not newer than the last one', () => {
    const ring = new SampleRing(4);
    ring.push(sample(10));
    ring.push(sample(10, 9));
    ring.push(sample(5));
    expect(ring.since(0)).toEqual([sample(10)]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new SampleRing(0)).toThrow(RangeError);
    expect(() => new SampleRing(1.5)).toThrow(RangeError);
  });

  it('costs 24 bytes per sample: 100 agents × 300 samples stay under 1 MB', () => {
    expect(BYTES_PER_SAMPLE).toBe(24);
    expect(100 * 300 * BYTES_PER_SAMPLE).toBe(720_000);
  });
});

describe('StatsHistory', () => {
  it('keeps a ring per agent and forgets the agents it is told to', () => {
    const h = new StatsHistory(2);
    h.record('a', sample(1));
    h.record('a', sample(2));
    h.record('a', sample(3));
    h.record('b', sample(3));
    expect(h.since('a', 0).map((s) => s.t)).toEqual([2, 3]);
    h.retain((id) => id === 'b');
    expect(h.agents()).toEqual(['b']);
    expect(h.since('a', 0)).toEqual([]);
  });
});

describe('StatsSampler history', () => {
  it('records every sample in the agent ring, newer than `since` on request', async () => {
    const h = await makeCore();
    const { id } = await startAgent(h, { name: 'api' });
    const t0 = h.clock.now();
    h.inspector.samples.set(9001, { cpuMs: 0, rssBytes: 10_000_000, processes: 1 });
    h.clock.advance(2_000);
    h.inspector.samples.set(9001, { cpuMs: 1_000, rssBytes: 20_000_000, processes: 1 });
    h.clock.advance(2_000);
    h.inspector.samples.set(9001, { cpuMs: 1_500, rssBytes: 30_000_000, processes: 1 });
    h.clock.advance(2_000);
    const all = h.core.stats.history();
    expect(all).toMatchObject({ intervalMs: 2_000, historySize: 300 });
    expect(all.agents).toEqual([
      {
        id,
        name: 'api',
        workspace: 'default',
        samples: [
          { t: t0 + 2_000, cpuPercent: 0, rssBytes: 10_000_000 },
          { t: t0 + 4_000, cpuPercent: 50, rssBytes: 20_000_000 },
          { t: t0 + 6_000, cpuPercent: 25, rssBytes: 30_000_000 },
        ],
      },
    ]);
    const newer = h.core.stats.history({ since: t0 + 4_000, agent: 'api' });
    expect(newer.agents[0]?.samples.map((s) => s.t)).toEqual([t0 + 6_000]);
    expect(h.core.stats.history({ since: t0 + 6_000 }).agents[0]?.samples).toEqual([]);
  });

  it('keeps the curve of an agent that exited, and forgets it once the agent is removed', async () => {
    const h = await makeCore();
    const { id } = await startAgent(h, { name: 'job' });
    h.inspector.samples.set(9001, { cpuMs: 0, rssBytes: 1, processes: 1 });
    h.core.stats.sample();
    await reportExit(h, id, 9001, exitCode(0));
    h.clock.advance(2_000);
    expect(h.core.stats.history().agents.map((a) => [a.name, a.samples.length])).toEqual([['job', 1]]);
    await h.core.service.remove(id, false, 'cli');
    expect(h.core.stats.history().agents).toEqual([]); // answered from the registry at once
    h.clock.advance(2_000);
    expect(h.core.stats.history().agents).toEqual([]);
  });

  it('answers AGENT_NOT_FOUND for an unknown agent', async () => {
    const h = await makeCore();
    expect(() => h.core.stats.history({ agent: 'nope' })).toThrow(
      expect.objectContaining({ code: 'AGENT_NOT_FOUND' }),
    );
  });

  it('stays bounded: 100 agents sampled 1000 times keep 300 samples each', async () => {
    const h = await makeCore();
    const pids: number[] = [];
    for (let i = 0; i < 100; i++) {
      await startAgent(h, { name: `a${i}` }, 'cli', 10_000 + i);
      pids.push(10_000 + i);
    }
    for (let n = 0; n < 1000; n++) {
      for (const pid of pids) h.inspector.samples.set(pid, { cpuMs: n * 10, rssBytes: n, processes: 1 });
      h.clock.advance(2_000);
    }
    const r = h.core.stats.history();
    expect(r.agents).toHaveLength(100);
    for (const a of r.agents) {
      expect(a.samples).toHaveLength(300);
      expect(a.samples.at(-1)?.rssBytes).toBe(999);
      expect(a.samples[0]?.rssBytes).toBe(700);
    }
  });
});
