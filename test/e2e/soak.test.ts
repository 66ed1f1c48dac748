import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { soakFigures } from '../../bench/soak/figures.js';
import type { SoakOptions } from '../../bench/soak/options.js';
import { runSoak } from '../../bench/soak/runner.js';
import { BIN, TestHome } from '../support/harness.js';

/** The short form of `npm run soak` (the same runner and checks): about 40 s, a fixed seed. */
const SHORT: SoakOptions = {
  agents: 3,
  durationMs: 35_000,
  killEveryMs: 5_000,
  downMaxMs: 2_000,
  hostKillEveryMs: 6_000,
  rate: 10,
  seed: 7,
};

describe('soak: daemon and host SIGKILLs lose nothing', () => {
  let home: TestHome;
  beforeAll(() => {
    home = new TestHome();
  });
  afterAll(() => home.cleanup());

  it('keeps every agent, every line each incarnation handed to its PTY, and every event seq', async () => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(home.env)) if (v !== undefined) env[k] = v;
    const progress: string[] = [];
    const run = await runSoak(SHORT, {
      home: home.dir,
      env,
      binWtp: BIN,
      progress: (m) => progress.push(m),
    });
    const f = soakFigures(run);
    const timeline = run.verdict.timeline.join('\n');
    const context = `${progress.join('\n')}\n${JSON.stringify(f, null, 2)}\n${timeline}`;
    expect(f.failures, context).toEqual([]);
    expect(f.passed).toBe(true);
    // The run did what it is for: faults happened and lines were checked through them.
    expect(f.faults.daemonKills, context).toBeGreaterThan(0);
    expect(f.faults.hostKills, context).toBeGreaterThan(0);
    expect(f.agents.incarnations).toBe(SHORT.agents + f.faults.hostKills);
    // Every line the ledgers hold was checked, but those a host kill took with its PTY.
    expect(f.lines.checked + f.lines.inFlightAtHostKill).toBeGreaterThanOrEqual(f.lines.written);
    expect(f.lines.written).toBeGreaterThan(0);
    expect(f.events.live.received).toBe(f.events.latestSeq);
    expect(f.events.daemonStarted).toBe(f.faults.daemonKills + 1);
  }, 240_000);
});
