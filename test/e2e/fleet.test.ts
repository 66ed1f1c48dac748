import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import pty from 'node-pty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import type { FleetStatus } from '../../src/protocol/fleet.js';
import { BIN, eventually, TestHome } from '../support/harness.js';
import { isAlive } from '../support/processes.js';
import { FAST_FLEET, FleetRig } from '../support/fleet-rig.js';

/**
 * One fleet across machines (issue 21), end to end: three daemons with WTP_HOMEs of their own
 * (alpha, bravo, charlie), each connecting to one real PostgreSQL as a role of its own, the schema
 * made once by the database owner with `wtp fleet migrate`. Each shows every machine's agents live;
 * a daemon killed is shown unreachable with its agents as last seen; PostgreSQL stopped while
 * agents change: local work goes on, the outbox catches up, nothing is published twice.
 */
describe('a fleet of three daemons on one PostgreSQL', () => {
  const rig = new FleetRig();
  const pg = rig.pg;
  const homes = rig.homes;
  const machines = ['alpha', 'bravo', 'charlie'] as const;

  const ls = async (m: string): Promise<AgentView[]> =>
    cliOutputSchemas.ls.parse((await homes[m]?.json(['ls']))?.doc).agents;
  const fleetOf = async (m: string): Promise<FleetStatus> => {
    const r = await homes[m]?.json<{ fleet: FleetStatus }>(['fleet']);
    if (!r || r.code !== 0) throw new Error(`wtp fleet failed on ${m}: ${r?.stderr}`);
    return r.doc.fleet;
  };

  beforeAll(async () => {
    await rig.setUp(machines, {
      config: (m) => `${FAST_FLEET}${m === 'charlie' ? '  ssh: me@charlie-box\n' : ''}`,
    });
    for (const m of machines) {
      await rig.up(m);
      expect((await rig.home(m).run(['new', 'cmd', '--name', `w-${m}`, '--', 'sleep', '600'])).code).toBe(0);
    }
    // The schema was made by the database's owner, once (`wtp fleet migrate`): current for everyone.
    const again = await rig.home('alpha').json<{ applied: number[]; database: string }>(['fleet', 'migrate']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.doc.applied).toEqual([]);
    expect(again.doc.database).toMatch(/^postgres:\/\/wtp_alpha:\*\*\*@/);
  });
  afterAll(() => rig.cleanup());

  it('every daemon shows every machine’s agents, each with its machine', async () => {
    for (const m of machines) {
      const agents = await eventually(`${m} to see the three agents`, async () => {
        const all = await ls(m);
        return all.length === 3 && all.every((a) => a.state === 'running') ? all : undefined;
      });
      expect(agents.map((a) => [a.machine, a.name]).sort()).toEqual([
        ['alpha', 'w-alpha'],
        ['bravo', 'w-bravo'],
        ['charlie', 'w-charlie'],
      ]);
      // An environment's values stay on their machine.
      expect(agents.filter((a) => a.machine !== m).every((a) => a.pid !== null)).toBe(true);
    }
    const table = await homes.alpha?.run(['ls']);
    expect(table?.stdout).toMatch(/^MACHINE\s+NAME/);
    expect(table?.stdout).toMatch(/^bravo\s+w-bravo/m);
    const status = await fleetOf('alpha');
    expect(status).toMatchObject({
      machine: 'alpha',
      connected: true,
      role: 'wtp_alpha',
      ownership: 'per-machine',
    });
    expect(status.database).not.toMatch(/pw-alpha/);
    expect(status.machines.map((x) => [x.name, x.reachable, x.local])).toEqual([
      ['alpha', true, true],
      ['bravo', true, false],
      ['charlie', true, false],
    ]);
    const doctor = await homes.alpha?.json<{ checks: { id: string; status: string; summary: string }[] }>([
      'doctor',
    ]);
    expect(doctor?.doc.checks.find((c) => c.id === 'fleet')).toMatchObject({
      status: 'ok',
      summary: expect.stringContaining('3 machine(s)'),
    });
    const local = await homes.alpha?.json<{ agents: AgentView[] }>(['ls', '--local']);
    expect(local?.doc.agents.map((a) => a.name)).toEqual(['w-alpha']);
  });

  it('a change on one machine shows on the others (a stop on charlie)', async () => {
    expect((await homes.charlie?.run(['stop', 'w-charlie']))?.code).toBe(0);
    for (const m of ['alpha', 'bravo']) {
      await eventually(`${m} to see w-charlie exited`, async () =>
        (await ls(m)).some((a) => a.name === 'w-charlie' && a.state === 'exited'),
      );
    }
  });

  it('actions on another machine’s agent are carried out by its owner, with its checks', async () => {
    const alpha = homes.alpha as TestHome;
    const charlie = homes.charlie as TestHome;
    expect((await charlie.run(['new', 'shell', '--name', 'sh'])).code).toBe(0);
    await eventually('alpha to see charlie’s shell', async () =>
      (await ls('alpha')).some((a) => a.name === 'sh' && a.state === 'running'),
    );
    const sent = await alpha.run(['send', 'charlie/sh', 'echo from-$((40+2))-alpha', '--enter']);
    expect(sent.code, sent.stderr).toBe(0);
    await eventually('charlie’s shell to run it', async () =>
      (await charlie.run(['peek', 'sh'])).stdout.includes('from-42-alpha'),
    );
    // Read from afar too: its screen, why it is in its state.
    expect((await alpha.run(['peek', 'charlie/sh'])).stdout).toContain('from-42-alpha');
    const why = await alpha.json<{ agent: AgentView }>(['why', 'charlie/sh']);
    expect(why.code, why.stderr).toBe(0);
    expect(why.doc.agent).toMatchObject({ name: 'sh', machine: 'charlie' });
    // Audited at the owner, as coming from the fleet: which machine, as which database role.
    const inputs = (await charlie.events('sh')).filter((e) => e.type === 'agent.inputSent');
    expect(inputs.at(-1)).toMatchObject({
      source: 'fleet',
      data: { from: { machine: 'alpha', role: 'wtp_alpha' } },
    });
    const actions = await charlie.run(['events', '--type', 'fleet.actionTaken', '--json']);
    expect(actions.stdout).toContain('"machine":"alpha"');
    expect(actions.stdout).toContain('"role":"wtp_alpha"');
    expect(actions.stdout).toContain('"route":"sendInput"');
    // The owner's refusals come back as they are: no such agent there.
    const refused = await alpha.run(['restart', 'charlie/nope']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('AGENT_NOT_FOUND');
    // Stopped from afar.
    expect((await alpha.run(['stop', 'charlie/sh'])).code).toBe(0);
    expect((await charlie.agent('sh')).state).toBe('exited');
  });

  it('wtp attach machine/agent goes over ssh to that machine’s wtp attach (a stand-in ssh)', async () => {
    const alpha = homes.alpha as TestHome;
    const charlie = homes.charlie as TestHome;
    expect((await charlie.run(['new', 'shell', '--name', 'far'])).code).toBe(0);
    await charlie.run(['send', 'far', 'echo far-$((6*7))', '--enter']);
    await eventually('alpha to see it', async () => (await ls('alpha')).some((a) => a.name === 'far'));
    // ssh(1), as documented: options, `--`, the destination, then the remote command — one string
    // the remote user's shell runs. This one records its arguments and runs that string as charlie.
    const bin = alpha.path('bin');
    mkdirSync(bin);
    const log = alpha.path('ssh.log');
    writeFileSync(
      join(bin, 'ssh'),
      `#!/bin/sh\nprintf '%s\\n' "$@" > '${log}'\nwhile [ "$1" != -- ]; do shift; done\nshift 2\nexec env WTP_HOME='${charlie.dir}' HOME='${charlie.path('home')}' PATH='${bin}${delimiter}${process.env.PATH ?? ''}' sh -c "$*"\n`,
    );
    writeFileSync(join(bin, 'wtp'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
    chmodSync(join(bin, 'ssh'), 0o755);
    chmodSync(join(bin, 'wtp'), 0o755);
    const term = pty.spawn(process.execPath, [BIN, 'attach', 'charlie/far'], {
      cols: 100,
      rows: 30,
      env: { ...(alpha.env as Record<string, string>), PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` },
      name: 'xterm-256color',
    });
    let screen = '';
    term.onData((d) => (screen += d));
    const exited = new Promise<number>((r) => term.onExit(({ exitCode }) => r(exitCode)));
    await eventually('charlie’s screen through ssh', () => screen.includes('far-42'));
    term.write('echo typed-from-alpha\r');
    await eventually('what was typed to reach charlie’s agent', async () =>
      (await charlie.run(['peek', 'far'])).stdout.includes('typed-from-alpha'),
    );
    term.write('\x1d'); // Ctrl-]
    expect(await exited).toBe(0);
    const far = await charlie.agent('far');
    expect(readFileSync(log, 'utf8').split('\n')).toEqual([
      '-t',
      '--',
      'me@charlie-box',
      `'wtp' 'attach' '${far.id}' '--detach-key' 'ctrl-]'`,
      '',
    ]);
    expect(far.state).toBe('running');
    // A machine that offers no ssh: told so, nothing run.
    const bravoAgent = (await ls('alpha')).find((a) => a.machine === 'bravo');
    const t2 = pty.spawn(process.execPath, [BIN, 'attach', `bravo/${bravoAgent?.name ?? ''}`], {
      cols: 80,
      rows: 24,
      env: alpha.env as Record<string, string>,
    });
    let out2 = '';
    t2.onData((d) => (out2 += d));
    expect(await new Promise<number>((r) => t2.onExit(({ exitCode }) => r(exitCode)))).toBe(1);
    expect(out2).toContain('ATTACH_REMOTE_UNAVAILABLE');
  });

  it('wtp doctor warns of a fleet password in a config file others may read', async () => {
    const home = new TestHome();
    try {
      home.writeConfig(`store:\n  fleet: ${pg.url('someone', 'pw-in-file', 'fleet')}\n`);
      chmodSync(home.path('config.yaml'), 0o644);
      const r = await home.json<{ checks: { id: string; status: string; fix: string | null }[] }>(['doctor']);
      expect(r.doc.checks.find((c) => c.id === 'fleet')).toMatchObject({
        status: 'warn',
        fix: expect.stringContaining('chmod 600'),
      });
      expect(JSON.stringify(r.doc)).not.toContain('pw-in-file');
      chmodSync(home.path('config.yaml'), 0o600);
      const ok = await home.json<{ checks: { id: string; status: string; summary: string }[] }>(['doctor']);
      expect(ok.doc.checks.find((c) => c.id === 'fleet')).toMatchObject({
        status: 'ok',
        summary: expect.stringContaining('someone:***@'),
      });
    } finally {
      await home.cleanup();
    }
  });

  it('a daemon killed is shown unreachable, its agents as last seen — never dropped', async () => {
    const bravo = homes.bravo as TestHome;
    const pid = (await bravo.json<{ daemon: { pid: number } }>(['status'])).doc.daemon.pid;
    process.kill(pid, 'SIGKILL');
    await eventually('bravo’s daemon to die', () => !isAlive(pid));
    const seen = await eventually(
      'alpha to show bravo unreachable',
      async () => {
        const s = await fleetOf('alpha');
        return s.machines.find((x) => x.name === 'bravo' && !x.reachable);
      },
      20_000,
    );
    expect(seen.unreachableSince).not.toBeNull();
    const agents = await ls('alpha');
    expect(agents.find((a) => a.name === 'w-bravo')).toMatchObject({ machine: 'bravo', state: 'running' });
    expect((await homes.alpha?.run(['ls']))?.stdout).toMatch(/bravo \(unreachable since \d\d:\d\d:\d\d\)/);
    // An action for it is refused at once, nothing sent.
    const refused = await homes.alpha?.json(['stop', 'bravo/w-bravo']);
    expect(refused?.code).toBe(1);
    expect(JSON.stringify(refused?.doc)).toContain('MACHINE_UNREACHABLE');
    // Back: its agent survived (the host keeps it), the machine reachable again.
    await bravo.up();
    await eventually('alpha to show bravo reachable again', async () =>
      (await fleetOf('alpha')).machines.some((x) => x.name === 'bravo' && x.reachable),
    );
  });

  it('PostgreSQL away: local work goes on, the outbox waits and catches up, nothing twice', async () => {
    const alpha = homes.alpha as TestHome;
    await pg.stop();
    try {
      await eventually('alpha to notice the fleet is gone', async () => !(await fleetOf('alpha')).connected);
      expect((await alpha.run(['new', 'cmd', '--name', 'offline', '--', 'sleep', '600'])).code).toBe(0);
      await alpha.untilState('offline', 'running');
      expect((await alpha.run(['stop', 'w-alpha'])).code).toBe(0);
      const away = await fleetOf('alpha');
      expect(away.backlog).toBeGreaterThan(0);
      expect(away.error?.code).toBe('FLEET_UNREACHABLE');
      expect((await alpha.run(['status'])).stdout).toMatch(/fleet {6}alpha in .*: NOT connected/);
    } finally {
      await pg.start();
    }
    await eventually(
      'alpha’s outbox to drain',
      async () => {
        const s = await fleetOf('alpha');
        return s.connected && s.backlog === 0;
      },
      30_000,
    );
    await eventually('charlie to see what alpha did offline', async () => {
      const agents = await ls('charlie');
      return (
        agents.some((a) => a.name === 'offline' && a.state === 'running') &&
        agents.some((a) => a.name === 'w-alpha' && a.state === 'exited')
      );
    });
    // Every local event since it joined is in the fleet exactly once, in order.
    const local = (await alpha.run(['events', '--json', '--limit', '10000'])).stdout
      .trim()
      .split('\n')
      .map((l) => cliOutputSchemas.event.parse(JSON.parse(l)).event.seq);
    const published = await pg.admin<{ seq: string }>(
      "SELECT seq FROM wtp.events WHERE machine = 'alpha' ORDER BY seq",
      [],
      'fleet',
    );
    const seqs = published.map((r) => Number(r.seq));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual(local.filter((s) => s >= (seqs[0] ?? 0)));
    const events = (await alpha.run(['events', '--json', '--limit', '10000'])).stdout;
    expect(events).toContain('"daemon.fleetLost"');
    expect(events).toContain('"daemon.fleetRestored"');
  });
});
