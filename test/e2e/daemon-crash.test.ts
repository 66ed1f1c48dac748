import { readdirSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import type { WtpEvent } from '../../src/protocol/events.js';
import { eventually, TestHome } from '../support/harness.js';
import { isAlive } from '../support/processes.js';

const COUNTER = 'i=0; while :; do i=$((i+1)); echo "count $i"; sleep 0.1; done';
const ECHOER = 'while read line; do echo "got: $line"; done';

function logBytes(home: TestHome, agentId: string): number {
  const dir = home.path('agents', agentId);
  return readdirSync(dir)
    .filter((f) => f.startsWith('out-'))
    .reduce((n, f) => n + statSync(`${dir}/${f}`).size, 0);
}

describe('agents outlive a daemon killed with SIGKILL', () => {
  let home: TestHome;
  beforeAll(() => {
    home = new TestHome({ SHELL: '/bin/sh' });
  });
  afterAll(() => home.cleanup());

  it('keeps three agents alive, re-attaches them and loses no output', async () => {
    await home.up();
    expect((await home.run(['new', 'cmd', '--name', 'counter', '--', 'sh', '-c', COUNTER])).code).toBe(0);
    expect((await home.run(['new', 'cmd', '--name', 'echoer', '--', 'sh', '-c', ECHOER])).code).toBe(0);
    expect((await home.run(['new', 'shell', '--name', 'sh'])).code).toBe(0);

    expect((await home.run(['send', 'echoer', 'hello before the crash', '--enter'])).code).toBe(0);
    await eventually('the echoer to answer', async () =>
      (await home.run(['peek', 'echoer'])).stdout.includes('got: hello before the crash'),
    );

    const before = (await home.json<{ agents: AgentView[] }>(['ls'])).doc.agents;
    expect(before.map((a) => [a.name, a.state])).toEqual([
      ['counter', 'running'],
      ['echoer', 'running'],
      ['sh', 'running'],
    ]);
    const daemonPid = (await home.json<{ daemon: { pid: number } }>(['status'])).doc.daemon.pid;
    const counter = before.find((a) => a.name === 'counter');
    if (!counter) throw new Error('no counter');

    process.kill(daemonPid, 'SIGKILL');
    await eventually('the daemon to die', () => !isAlive(daemonPid));
    // The counter keeps writing while no daemon runs; its host keeps the log and a buffer.
    const atCrash = logBytes(home, counter.id);
    await eventually(
      'output produced while the daemon is away',
      () => logBytes(home, counter.id) > atCrash + 200,
    );
    for (const a of before) {
      expect(a.pid !== null && isAlive(a.pid), `${a.name} agent process`).toBe(true);
      expect(a.hostPid !== null && isAlive(a.hostPid), `${a.name} host process`).toBe(true);
    }
    const status = await home.json(['status']);
    expect(status.code).toBe(3);

    // A new daemon replaces the stale socket and pid file and re-attaches every host.
    await home.up();
    const after = await eventually('all hosts re-attached', async () => {
      const agents = (await home.json<{ agents: AgentView[] }>(['ls'])).doc.agents;
      return agents.every((a) => a.hostConnected) ? agents : undefined;
    });
    expect(after.map((a) => [a.name, a.state, a.pid])).toEqual(before.map((a) => [a.name, 'running', a.pid]));

    // The daemon counted every byte the host produced, including those from the downtime.
    // (The counter is still writing, so compare the daemon's count with the log read right after it.)
    await eventually('the daemon to catch up on output', async () => {
      const now = (await home.json<{ agents: AgentView[] }>(['ls'])).doc.agents.find(
        (x) => x.name === 'counter',
      );
      return now !== undefined && logBytes(home, counter.id) - now.outputBytes < 64;
    });
    const log = (await home.run(['logs', 'counter', '--plain'])).stdout;
    const counts = [...log.matchAll(/count (\d+)/g)].map((m) => Number(m[1]));
    expect(counts.length).toBeGreaterThan(20);
    expect(counts).toEqual(counts.map((_, i) => i + 1)); // 1, 2, 3 … with no gap

    expect((await home.run(['send', 'echoer', 'hello after the crash', '--enter'])).code).toBe(0);
    await eventually('the echoer to answer after the restart', async () => {
      const screen = (await home.run(['peek', 'echoer'])).stdout;
      return screen.includes('got: hello before the crash') && screen.includes('got: hello after the crash');
    });

    const out = (await home.run(['events', '--type', 'agent.hostConnected,daemon.started', '--json'])).stdout;
    const events = out
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { event: WtpEvent }).event);
    expect(events.filter((e) => e.type === 'daemon.started')).toHaveLength(2);
    const reattached = events.filter((e) => e.type === 'agent.hostConnected' && e.data.reattached);
    expect(reattached.map((e) => e.agentId).sort()).toEqual(before.map((a) => a.id).sort());

    const down = await home.json<{ stoppedAgents: number; stopped: boolean }>(['down', '--stop-agents']);
    expect(down.doc).toMatchObject({ stopped: true, stoppedAgents: 3 });
    await eventually('every process of this WTP_HOME to exit', () => home.processes().length === 0);
  });
});
