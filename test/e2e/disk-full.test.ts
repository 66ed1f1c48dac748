import { execFileSync } from 'node:child_process';
import { get } from 'node:http';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AgentView } from '../../src/protocol/agent.js';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import type { DaemonStatus } from '../../src/protocol/daemon.js';
import type { PtyServerMessage } from '../../src/protocol/pty.js';
import { cannotMountTmpfs, fillDisk } from '../support/fill-disk.js';
import { eventually, sleep, TestHome } from '../support/harness.js';
import { isAlive } from '../support/processes.js';

const skipReason = cannotMountTmpfs();
if (skipReason) console.warn(`test/e2e/disk-full.test.ts skipped: ${skipReason}`);

/** An agent that prints a numbered line every 20 ms, for ever. */
const COUNTER = 'i=0; while :; do i=$((i+1)); echo "line $i"; sleep 0.02; done';

/** GET `path` from the daemon over its unix socket. */
function getText(home: TestHome, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ socketPath: home.path('run', 'api.sock'), path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    }).on('error', reject);
  });
}

/** The numbers of the `line N` lines of `text`, in order. */
const lineNumbers = (text: string): number[] => [...text.matchAll(/line (\d+)/g)].map((m) => Number(m[1]));

describe.skipIf(skipReason !== null)('a full disk (WTP_HOME on a small tmpfs)', () => {
  let home: TestHome;
  let mounted = false;
  const filler = (): string => home.path('filler.bin');

  beforeAll(() => {
    home = new TestHome({ SHELL: '/bin/sh' });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m,mode=0700', 'tmpfs', home.dir]);
    mounted = true;
    mkdirSync(home.path('home'), { mode: 0o700 }); // the HOME TestHome made is under the mount now
    // A small in-memory tail, so a replay from offset 0 reads the log (and meets its gap).
    home.writeConfig('agents:\n  outputTailBytes: 4096\n');
  });

  afterAll(async () => {
    rmSync(filler(), { force: true });
    await home.run(['down', '--stop-agents'], { timeoutMs: 30_000 }).catch(() => undefined);
    await eventually('every process of this WTP_HOME to exit', () => home.processes().length === 0).catch(
      () => undefined,
    );
    if (mounted) {
      try {
        execFileSync('umount', [home.dir]);
      } catch {
        execFileSync('umount', ['-l', home.dir]); // something still holds a file: detach it anyway
      }
    }
    await home.cleanup();
  });

  const status = async (): Promise<DaemonStatus> => {
    const r = await home.json<{ daemon: DaemonStatus | null }>(['status']);
    if (!r.doc.daemon) throw new Error(`no daemon answers (exit ${r.code}): ${r.stderr}`);
    return cliOutputSchemas.status.parse(r.doc).daemon as DaemonStatus;
  };

  it('keeps serving, refuses new work with STORAGE_FULL, marks the gap, and recovers when space returns', async () => {
    await home.up();
    expect((await home.run(['new', 'cmd', '--name', 'counter', '--', 'sh', '-c', COUNTER])).code).toBe(0);
    const counter = await home.untilState('counter', 'running');
    await eventually('output', async () => (await home.agent('counter')).outputBytes > 2_000);
    const initial = await status();
    const daemonPid = initial.pid;

    // Fill the disk. The host's log writes, the database's and the daemon log's all fail from here.
    const filled = fillDisk(filler());
    expect(filled).toBeGreaterThan(0);
    // The agent goes on, and the daemon gets all of its output although the host cannot log it
    // (a few KiB: more than the slack of the log file's last page).
    const atFill = (await home.agent('counter')).outputBytes;
    await eventually(
      'output to go on while the disk is full',
      async () => {
        expect((await status()).pid).toBe(daemonPid); // throws "no daemon answers" if it died
        return (await home.agent('counter')).outputBytes > atFill + 6_000 ? true : undefined;
      },
      30_000,
    );
    expect((await status()).pid).toBe(daemonPid); // the daemon still answers: the same process
    expect(initial.storage).toMatchObject({ ok: true, problems: [] });
    const full = await eventually(
      'the status to show the database and the output log failing',
      async () => {
        const s = await status();
        const parts = new Set(s.storage.problems.map((p) => p.component));
        return parts.has('database') && parts.has('outputLog') ? s : undefined;
      },
      30_000,
    );
    expect(full.pid).toBe(daemonPid);
    expect(full.storage.ok).toBe(false);
    const db = full.storage.problems.find((p) => p.component === 'database');
    expect(db).toMatchObject({ code: 'SQLITE_FULL', path: home.path('wtp.db') });
    expect(db?.fix).toContain('Free space');
    const out = full.storage.problems.find((p) => p.component === 'outputLog');
    expect(out).toMatchObject({ agentId: counter.id, code: 'ENOSPC' });
    const human = (await home.run(['status'])).stdout;
    expect(human).toContain('storage    WARNING');
    expect(human).toMatch(/database since .*cannot be written \(disk full\)/);

    // Creations are refused with a clear code (each refusal is logged, until the log's last page is
    // full too and its lines are dropped and counted).
    const logFull = await eventually(
      'the daemon log to fail as well',
      async () => {
        const refused = await home.json<{ error: { code: string; message: string } }>([
          'new',
          'cmd',
          '--name',
          'late',
          '--',
          'true',
        ]);
        expect(refused.code).toBe(1);
        expect(refused.doc.error.code).toBe('STORAGE_FULL');
        expect(refused.doc.error.message).toContain('disk full');
        const s = await status();
        return s.storage.problems.some((p) => p.component === 'daemonLog') ? s : undefined;
      },
      60_000,
    );
    expect(logFull.pid).toBe(daemonPid);
    expect(logFull.storage.counters.daemonLogDroppedBytes).toBeGreaterThan(0);
    expect(logFull.storage.problems.find((p) => p.component === 'daemonLog')).toMatchObject({
      path: home.path('logs', 'daemon.log'),
      code: 'ENOSPC',
    });
    expect((await home.agents()).map((a) => a.name)).toEqual(['counter']); // nothing half-made
    const metrics = await getText(home, '/metrics');
    expect(metrics).toMatch(/^wtp_storage_ok 0$/m);
    expect(metrics).toMatch(/^wtp_storage_failed_writes_total\{component="database"\} [1-9]\d*$/m);
    const during = await home.agent('counter');
    expect(during.state).toBe('running');
    expect(during.pid !== null && isAlive(during.pid)).toBe(true);
    const bytesWhileFull = during.outputBytes;
    await eventually('output to go on while the disk is full', async () =>
      (await home.agent('counter')).outputBytes > bytesWhileFull + 500 ? true : undefined,
    );
    // Events published meanwhile are readable although the database has not taken them yet.
    const degraded = (await home.run(['events', '--type', 'daemon.storageDegraded', '--json'])).stdout;
    const kinds = degraded
      .trim()
      .split('\n')
      .map((l) => cliOutputSchemas.event.parse(JSON.parse(l)).event)
      .map((e) => (e.type === 'daemon.storageDegraded' ? e.data.component : e.type));
    expect(kinds).toContain('database');
    expect(kinds).toContain('outputLog');
    await sleep(1_000); // a second more of output that cannot be written

    // Free the space: everything resumes without a restart.
    rmSync(filler());
    const recovered = await eventually(
      'the status to be ok again',
      async () => {
        const s = await status();
        return s.storage.ok ? s : undefined;
      },
      30_000,
    );
    expect(recovered.pid).toBe(daemonPid);
    expect(recovered.storage.counters.outputLogDroppedBytes).toBeGreaterThan(0);
    expect(recovered.storage.counters.unsavedChanges + recovered.storage.counters.unsavedEvents).toBe(0);
    expect(recovered.storage.counters.failedWrites.database).toBeGreaterThan(0);
    expect((await home.run(['new', 'cmd', '--name', 'late', '--', 'sh', '-c', 'exec cat'])).code).toBe(0);
    expect(await getText(home, '/metrics')).toMatch(/^wtp_storage_ok 1$/m);

    const events = (await home.run(['events', '--type', 'daemon.storageDegraded,daemon.storageRecovered']))
      .stdout;
    expect(events).toContain('daemon.storageDegraded');
    expect(events).toContain('daemon.storageRecovered');
    const daemonLog = readFileSync(home.path('logs', 'daemon.log'), 'utf8');
    expect(daemonLog).toMatch(/byte\(s\) of log \(\d+ line\(s\)\) were not written: disk full/);
    expect(daemonLog).toContain('writes work again');

    // The output log: an explicit gap marker where bytes are missing, the offsets unchanged.
    await eventually('the counter to write its log again', async () => {
      const s = await status();
      return s.storage.problems.length === 0 ? true : undefined;
    });
    const logs = cliOutputSchemas.logs.parse((await home.json(['logs', 'counter', '--plain'])).doc);
    expect(logs.gaps.length).toBeGreaterThan(0);
    const gap = logs.gaps[0];
    if (!gap) throw new Error('no gap');
    expect(gap.reason).toBe('disk full');
    expect(logs.data).toContain(`[wtp: ${gap.to - gap.from} bytes not written: disk full]`);
    const [before, after] = logs.data.split(`[wtp: ${gap.to - gap.from} bytes not written: disk full]`);
    const n1 = lineNumbers(before ?? '');
    const n2 = lineNumbers(after ?? '');
    expect(n1.length).toBeGreaterThan(20);
    expect(n2.length).toBeGreaterThan(5);
    expect(n1).toEqual(n1.map((_, i) => (n1[0] ?? 0) + i)); // no hole before the marker
    expect(n2[0]).toBeGreaterThan((n1.at(-1) ?? 0) + 1); // the lines that could not be written
    // Offsets are unchanged: the log's end is the daemon's count of output bytes (less what came since).
    const now = await home.agent('counter');
    expect(logs.fromSeq).toBe(0);
    expect(logs.toSeq).toBeLessThanOrEqual(now.outputBytes);
    expect(logs.toSeq).toBeGreaterThan(gap.to);

    // A replay of the log over the pty socket names the gap at its offsets, as the dashboard shows it.
    const frames: { bytes?: number; msg?: PtyServerMessage }[] = [];
    const ws = new WebSocket(
      `ws+unix://${home.path('run', 'api.sock')}:/api/v1/agents/counter/pty?snapshot=false&input=false&from=0`,
    );
    ws.on('message', (d: Buffer, binary: boolean) =>
      frames.push(binary ? { bytes: d.length } : { msg: JSON.parse(d.toString('utf8')) as PtyServerMessage }),
    );
    const replayed = await eventually(
      'the gap in the replay',
      () => frames.find((f) => f.msg?.type === 'gap')?.msg,
    );
    ws.close();
    // The marker covers what neither the log nor the daemon's memory has (memory holds recent output).
    expect(replayed).toMatchObject({ type: 'gap', from: gap.from, reason: 'disk full' });
    if (replayed.type !== 'gap') throw new Error('not a gap');
    expect(replayed.to).toBeGreaterThan(gap.from);
    expect(replayed.to).toBeLessThanOrEqual(gap.to);
    const at = frames.findIndex((f) => f.msg?.type === 'gap');
    const sent = frames.slice(0, at).reduce((n, f) => n + (f.bytes ?? 0), 0);
    expect(sent).toBe(gap.from); // every byte before the gap, then the marker, at its offset

    const agents = (await home.json<{ agents: AgentView[] }>(['ls'])).doc.agents;
    expect(agents.map((a) => [a.name, a.state])).toEqual([
      ['counter', 'running'],
      ['late', 'running'],
    ]);
    expect((await status()).pid).toBe(daemonPid);
  }, 240_000);
});
