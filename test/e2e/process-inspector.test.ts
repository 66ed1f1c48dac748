import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, TestHome } from '../support/harness.js';

/** Choosing the process inspector: the config's `processInspector`, WTP_PROCESS_INSPECTOR over it, and what says which. */
describe('the process inspector in use', () => {
  const homes: TestHome[] = [];
  afterAll(async () => {
    for (const h of homes) {
      await h.run(['down', '--stop-agents']);
      await h.cleanup();
    }
  });

  it('follows processInspector in the config: the daemon, its hosts, status and doctor say portable', async () => {
    const home = new TestHome({ WTP_BACKEND: 'headless' });
    homes.push(home);
    home.writeConfig('processInspector: portable\n');
    await home.up();
    const status = JSON.parse((await home.run(['status', '--json'])).stdout) as {
      daemon: { processInspector: { kind: string; reason: string } };
    };
    expect(status.daemon.processInspector).toEqual({
      kind: 'portable',
      reason: 'set by processInspector in the config',
    });
    expect((await home.run(['status'])).stdout).toContain(
      'processes  portable (set by processInspector in the config)',
    );
    await home.run(['new', 'cmd', '--name', 'busy', '--', 'sh', '-c', 'while :; do :; done']);
    // The host got the daemon's choice, and the agent's CPU and memory come from `ps`.
    const a = await eventually('busy sampled', async () => {
      const x = await home.agent('busy');
      return x.stats && x.stats.cpuPercent > 0 && x.stats.rssBytes > 0 ? x : undefined;
    });
    const hosts = execFileSync('ps', ['-A', '-o', 'args='], { encoding: 'utf8' })
      .split('\n')
      // a headless host group's line has its own options before the first agent's
      .filter((l) => / host (--group .* )?--agent /.test(l) && l.includes(`--agent ${a.id} `));
    expect(hosts.join('\n')).toContain(`--process-inspector portable`);
    const doctor = JSON.parse((await home.run(['doctor', '--json'])).stdout) as {
      checks: { id: string; summary: string }[];
    };
    expect(doctor.checks.find((c) => c.id === 'processes')?.summary).toBe(
      'portable (set by processInspector in the config)',
    );
  });

  it('refuses an unknown WTP_PROCESS_INSPECTOR, naming the two it knows', async () => {
    const home = new TestHome({ WTP_BACKEND: 'headless', WTP_PROCESS_INSPECTOR: 'sysctl' });
    homes.push(home);
    const r = await home.json(['up']);
    expect(r.code).toBe(2);
    expect(r.doc).toMatchObject({
      error: { code: 'INVALID_INPUT', details: { variable: 'WTP_PROCESS_INSPECTOR' } },
    });
    const doctor = JSON.parse((await home.run(['doctor', '--json'])).stdout) as {
      checks: { id: string; status: string; summary: string }[];
    };
    expect(doctor.checks.find((c) => c.id === 'processes')).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining('use procfs (Linux /proc) or portable (ps)') as string,
    });
  });
});
