import { inject as lightInject } from 'light-my-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WtpClient } from '../../src/client/wtp-client.js';
import { environmentForChildren, readEnv } from '../../src/config/env.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon/main.js';
import { errorBodySchema } from '../../src/protocol/errors.js';
import type { StatsHistory } from '../../src/protocol/metrics.js';
import { routes } from '../../src/protocol/routes.js';
import { ENTRY, eventually, TestHome } from '../support/harness.js';

/**
 * GET /api/v1/stats/history and GET /api/v1/report/states against the daemon graph in-process,
 * with real agents: a busy loop and an idle sleep, sampled every 200 ms.
 */
describe('metrics routes (in-process daemon)', () => {
  let home: TestHome;
  let daemon: RunningDaemon;
  let client: WtpClient;
  let startedAt: number;
  const get = async (url: string) => {
    const r = await lightInject(daemon.api.dispatch, { method: 'GET', url });
    return { status: r.statusCode, body: r.json<unknown>() };
  };
  const history = async (query: { since?: number; agent?: string } = {}): Promise<StatsHistory> =>
    routes.statsHistory.response.parse(await client.call('statsHistory', { query }));
  const avgCpu = (h: StatsHistory, name: string): number => {
    const s = h.agents.find((a) => a.name === name)?.samples ?? [];
    return s.reduce((n, x) => n + x.cpuPercent, 0) / Math.max(1, s.length);
  };
  const errorOf = async (url: string): Promise<[number, string, string[]]> => {
    const r = await get(url);
    const body = errorBodySchema.parse(r.body);
    const paths = ((body.details?.['issues'] as { path: string }[] | undefined) ?? []).map((i) => i.path);
    return [r.status, body.code, paths];
  };

  beforeAll(async () => {
    home = new TestHome();
    home.writeConfig('stats:\n  intervalMs: 200\nnotifications:\n  enabled: false\n');
    startedAt = Date.now();
    daemon = await startDaemon({
      entry: ENTRY,
      env: readEnv(home.env),
      childEnv: environmentForChildren(home.env),
    });
    client = new WtpClient({ socketPath: daemon.paths.apiSocket, source: 'api' });
    for (const [name, argv] of [
      ['busy', ['sh', '-c', 'while :; do :; done']],
      ['calm', ['sleep', '600']],
    ] as const) {
      await client.call('createAgent', { body: { profile: 'cmd', name, cwd: home.dir, argv: [...argv] } });
    }
  });
  afterAll(async () => {
    await daemon.stop({ stopAgents: true });
    await home.cleanup();
  });

  it('keeps the recent samples of each agent: the busy loop above the sleep', async () => {
    const h = await eventually('five samples of both agents', async () => {
      const got = await history();
      return got.agents.every((a) => a.samples.length >= 5) && got.agents.length === 2 ? got : undefined;
    });
    expect(h).toMatchObject({ intervalMs: 200, historySize: 300 });
    expect(h.agents.map((a) => a.name).sort()).toEqual(['busy', 'calm']);
    // A fixed margin would depend on the machine's load (a busy loop gets ~10 % of a core at a load
    // of 20 on two cores); that the loop is sampled above the sleep does not.
    expect(avgCpu(h, 'busy')).toBeGreaterThan(avgCpu(h, 'calm'));
    for (const a of h.agents) {
      const ts = a.samples.map((s) => s.t);
      expect(ts).toEqual([...ts].sort((x, y) => x - y));
      expect(a.samples.every((s) => s.rssBytes > 0)).toBe(true);
    }
  });

  it('answers only the samples after `since`, and one agent with `agent`', async () => {
    const all = await history();
    const last = Math.max(...all.agents.flatMap((a) => a.samples.map((s) => s.t)));
    const newer = await history({ since: last });
    expect(newer.agents.flatMap((a) => a.samples).every((s) => s.t > last)).toBe(true);
    const later = await eventually('a newer sample', async () => {
      const h = await history({ since: last, agent: 'calm' });
      return (h.agents[0]?.samples.length ?? 0) > 0 ? h : undefined;
    });
    expect(later.agents.map((a) => a.name)).toEqual(['calm']);
  });

  it('refuses a bad since and an unknown agent', async () => {
    expect(await errorOf('/api/v1/stats/history?since=yesterday')).toEqual([
      400,
      'INVALID_INPUT',
      ['query.since'],
    ]);
    expect(await errorOf('/api/v1/stats/history?since=-5')).toEqual([400, 'INVALID_INPUT', ['query.since']]);
    expect(await errorOf('/api/v1/stats/history?colour=red')).toEqual([400, 'INVALID_INPUT', ['query']]);
    expect((await errorOf('/api/v1/stats/history?agent=nope')).slice(0, 2)).toEqual([404, 'AGENT_NOT_FOUND']);
  });

  it('counts agents by state over time, live as an agent exits', async () => {
    const since = new Date(startedAt - 60_000).toISOString();
    const timeline = async () => {
      const r = await client.call('stateTimeline', { query: { since, buckets: 6 } });
      return routes.stateTimeline.response.parse(r);
    };
    const before = await timeline();
    expect(before.points).toHaveLength(6);
    const last = before.points.at(-1)?.counts;
    expect(last?.running).toBeGreaterThan(0);
    expect(last?.running).toBeLessThanOrEqual(2);
    expect(last?.exited).toBe(0);
    expect(before.points[0]?.counts.running).toBe(0); // the daemon had no agent a minute before it started

    await client.call('stopAgent', { params: { agent: 'busy' }, body: {} });
    const after = await eventually('the exit in the last bucket', async () => {
      const r = await timeline();
      return (r.points.at(-1)?.counts.exited ?? 0) > 0 ? r : undefined;
    });
    expect(after.points.at(-1)?.counts.exited).toBeLessThanOrEqual(1);
  });

  it('refuses an empty or unreadable window and a bad bucket count', async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await errorOf(`/api/v1/report/states?since=${future}`)).toEqual([
      400,
      'INVALID_INPUT',
      ['query.since'],
    ]);
    expect(await errorOf('/api/v1/report/states?since=1700000000000')).toEqual([
      400,
      'INVALID_INPUT',
      ['query.since'],
    ]);
    expect(await errorOf('/api/v1/report/states')).toEqual([400, 'INVALID_INPUT', ['query.since']]);
    const ok = new Date(Date.now() - 60_000).toISOString();
    expect(await errorOf(`/api/v1/report/states?since=${ok}&buckets=0`)).toEqual([
      400,
      'INVALID_INPUT',
      ['query.buckets'],
    ]);
    expect(await errorOf(`/api/v1/report/states?since=${ok}&buckets=5000`)).toEqual([
      400,
      'INVALID_INPUT',
      ['query.buckets'],
    ]);
  });

  it('forgets the samples of a removed agent', async () => {
    await client.call('removeAgent', { params: { agent: 'busy' }, query: {} });
    expect((await history()).agents.map((a) => a.name)).toEqual(['calm']);
  });
});
