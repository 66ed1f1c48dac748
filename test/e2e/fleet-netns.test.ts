import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import type { FleetStatus } from '../../src/protocol/fleet.js';
import { eventually, type TestHome } from '../support/harness.js';
import { FAST_FLEET, FleetRig } from '../support/fleet-rig.js';
import { NetLab, netLabUnavailable } from '../support/net-lab.js';

const machines = ['alpha', 'bravo', 'charlie'] as const;
const unavailable = netLabUnavailable();
if (unavailable) console.warn(`fleet-netns: not run here: ${unavailable}`);

/** Whether something answers HTTP at `url` from this test's own network namespace. */
function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { timeout: 2_000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

/**
 * The fleet as separate hosts would make it (issue 21): three daemons, each in a network namespace
 * of its own (its own loopback, one veth to the host where PostgreSQL listens), reaching the
 * database at their own addresses. A machine is cut off by taking its link down — a partition, not
 * a server stopped: its connections are not closed, they go silent. Runs as root (CI does); a
 * developer without root is told why it did not run.
 */
describe.skipIf(unavailable !== null)('a fleet of three machines in network namespaces of their own', () => {
  let lab: NetLab;
  let rig: FleetRig;
  const home = (m: string): TestHome => rig.home(m);
  const ls = async (m: string): Promise<AgentView[]> =>
    cliOutputSchemas.ls.parse((await home(m).json(['ls'])).doc).agents;
  const fleetOf = async (m: string): Promise<FleetStatus> => {
    const r = await home(m).json<{ fleet: FleetStatus }>(['fleet']);
    if (r.code !== 0) throw new Error(`wtp fleet failed on ${m}: ${r.stderr}`);
    return r.doc.fleet;
  };

  beforeAll(async () => {
    lab = new NetLab(machines);
    rig = new FleetRig(lab);
    await rig.setUp(machines, {
      config: () => FAST_FLEET,
    });
    for (const m of machines) {
      await rig.up(m);
      expect((await home(m).run(['new', 'cmd', '--name', `w-${m}`, '--', 'sleep', '600'])).code).toBe(0);
    }
  });
  afterAll(async () => {
    await rig?.cleanup();
    lab?.cleanup();
  });

  it('each machine reaches the database from its own address, its API only on its own loopback', async () => {
    for (const m of machines) {
      await eventually(`${m} to show the three machines’ agents`, async () => {
        const names = (await ls(m)).map((a) => `${a.machine}/${a.name}`);
        return machines.every((x) => names.includes(`${x}/w-${x}`));
      });
    }
    const seen = await rig.pg.admin<{ app: string; addr: string }>(
      "SELECT application_name AS app, host(client_addr) AS addr FROM pg_stat_activity WHERE datname = 'fleet' AND application_name LIKE 'wtp %'",
    );
    for (const m of machines) {
      const own = seen.filter((r) => r.app === `wtp ${m}` || r.app.startsWith(`wtp ${m} `));
      expect(own.length, JSON.stringify(seen)).toBeGreaterThan(0);
      expect(new Set(own.map((r) => r.addr))).toEqual(new Set([lab.machine(m).address]));
    }
    // Each daemon's TCP API listens on 127.0.0.1 — its namespace's own: not this host's.
    const status = await home('alpha').json<{ daemon: { api: { tcp: string | null } } }>(['status']);
    const tcp = status.doc.daemon.api.tcp;
    expect(tcp).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await answers(`${tcp}/api/v1/health`)).toBe(false);
  });

  it(
    'a machine cut off: its work goes on, the others show it unreachable, it catches up once back, nothing twice',
    { timeout: 240_000 },
    async () => {
      const charlie = home('charlie');
      let back = new Date(0);
      lab.cut('charlie');
      try {
        // Local work on the cut-off machine goes on.
        expect((await charlie.run(['new', 'cmd', '--name', 'cut-off', '--', 'sleep', '600'])).code).toBe(0);
        await charlie.untilState('cut-off', 'running');
        expect((await charlie.run(['stop', 'w-charlie'])).code).toBe(0);
        const elsewhere = await eventually(
          'alpha to show charlie unreachable',
          async () => (await fleetOf('alpha')).machines.find((x) => x.name === 'charlie' && !x.reachable),
          20_000,
        );
        expect(elsewhere.unreachableSince).not.toBeNull();
        expect((await ls('alpha')).find((a) => a.name === 'w-charlie')).toMatchObject({ state: 'running' });
        // Its own statements time out (no error comes back over a silent link): it says it is cut off.
        const away = await eventually(
          'charlie to notice it is cut off',
          async () => {
            const s = await fleetOf('charlie');
            return s.connected ? undefined : s;
          },
          60_000,
        );
        expect(away.error?.code).toBe('FLEET_UNREACHABLE');
        expect(away.backlog).toBeGreaterThan(0);
        // Read while the link is still down: charlie can start no connection before it is restored,
        // so one started after this moment is fresh. Read after the restore, charlie's next poll may
        // already have listened again before it, and the wait below would never end.
        [{ back }] = (await rig.pg.admin<{ back: Date }>('SELECT now() AS back')) as [{ back: Date }];
      } finally {
        lab.restore('charlie');
      }
      await eventually(
        'charlie’s outbox to drain',
        async () => {
          const s = await fleetOf('charlie');
          return s.connected && s.backlog === 0;
        },
        60_000,
      );
      await eventually('alpha to see what charlie did while cut off', async () => {
        const agents = await ls('alpha');
        return (
          agents.some((a) => a.name === 'cut-off' && a.state === 'running') &&
          agents.some((a) => a.name === 'w-charlie' && a.state === 'exited')
        );
      });
      // Every local event is in the fleet once, in order.
      const local = (await charlie.run(['events', '--json', '--limit', '10000'])).stdout
        .trim()
        .split('\n')
        .map((l) => cliOutputSchemas.event.parse(JSON.parse(l)).event.seq);
      const seqs = (
        await rig.pg.admin<{ seq: string }>(
          "SELECT seq FROM wtp.events WHERE machine = 'charlie' ORDER BY seq",
          [],
          'fleet',
        )
      ).map((r) => Number(r.seq));
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(seqs).toEqual(local.filter((s) => s >= (seqs[0] ?? 0)));
      // Its notifications came back, not only the poll under them: a listening connection made after
      // the link came back (the silent one from before is given up, not waited on for hours).
      await eventually('charlie to listen again on a fresh connection', async () => {
        const rows = await rig.pg.admin<{ started: Date }>(
          "SELECT backend_start AS started FROM pg_stat_activity WHERE application_name = 'wtp charlie listen'",
        );
        return rows.some((r) => r.started >= back);
      });
      // And an action from alpha reaches it, carried out by charlie.
      const stopped = await home('alpha').json(['stop', 'charlie/cut-off']);
      expect(stopped.code, JSON.stringify(stopped.doc)).toBe(0);
      await charlie.untilState('cut-off', 'exited');
    },
  );
});
