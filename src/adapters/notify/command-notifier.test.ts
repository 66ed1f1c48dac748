import { EventEmitter, once } from 'node:events';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../../test/support/fake-clock.js';
import { MemoryLogger } from '../../../test/support/fake-ports.js';
import { isAlive } from '../../../test/support/processes.js';
import { type AgentNotification, composeNotification, Notifier } from '../../core/reports/notifier.js';
import { CommandNotifier, type CommandNotifierOptions, commandEnv } from './command-notifier.js';

/** A child process stand-in: output written, then ended with `finish`. */
class FakeChild extends EventEmitter {
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  constructor(readonly pid: number | undefined = 4242) {
    super();
  }
  async finish(code: number | null, signal: NodeJS.Signals | null = null): Promise<void> {
    this.emit('exit', code, signal);
    const ended = [once(this.stdout, 'end'), once(this.stderr, 'end')];
    this.stdout.end();
    this.stderr.end();
    await Promise.all(ended);
    this.emit('close', code, signal);
  }
}

const n = composeNotification({
  agentId: 'ag-1',
  agent: 'web',
  workspace: 'shop',
  from: 'running',
  to: 'exited',
  reason: 'exited',
  exitCode: 3,
  evidence: 'process exit 3\u0000',
  seq: 17,
  at: Date.UTC(2025, 0, 2, 3, 4, 5),
}) as AgentNotification;

function rig(over: Partial<CommandNotifierOptions> = {}) {
  const children: FakeChild[] = [];
  const spawned: { file: string; args: string[]; env: Record<string, string> }[] = [];
  const kills: [number, string][] = [];
  const log = new MemoryLogger();
  const channel = new CommandNotifier({
    argv: ['/opt/hooks/on-change', '$HOME; rm -rf /', '`x`'],
    states: ['exited'],
    timeoutMs: 1_000,
    killGraceMs: 500,
    env: { PATH: '/usr/bin', WTP_STATE: 'stale' },
    log,
    spawn: (file, args, env) => {
      spawned.push({ file, args, env });
      const c = new FakeChild();
      children.push(c);
      return c;
    },
    killGroup: (pid, signal) => kills.push([pid, signal]),
    ...over,
  });
  return { channel, children, spawned, kills, log };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('CommandNotifier', () => {
  it('runs the argv as given (no shell) with the change in WTP_* variables over the base environment', async () => {
    const { channel, children, spawned } = rig();
    const sent = channel.send(n);
    await children[0]?.finish(0);
    await sent;
    expect(spawned[0]?.file).toBe('/opt/hooks/on-change');
    expect(spawned[0]?.args).toEqual(['$HOME; rm -rf /', '`x`']);
    expect(spawned[0]?.env).toEqual({
      PATH: '/usr/bin',
      WTP_AGENT_ID: 'ag-1',
      WTP_AGENT_NAME: 'web',
      WTP_WORKSPACE: 'shop',
      WTP_STATE: 'exited',
      WTP_OLD_STATE: 'running',
      WTP_REASON: 'exited',
      WTP_EVIDENCE: 'process exit 3', // a NUL can reach no program
      WTP_EVENT_SEQ: '17',
      WTP_EXIT_CODE: '3',
      WTP_TITLE: 'web exited (exit 3)',
      WTP_MESSAGE: 'wtp logs web shows its output (workspace shop)',
      WTP_URGENCY: 'low',
      WTP_AT: '2025-01-02T03:04:05.000Z',
    });
    expect(channel.states).toEqual(['exited']);
  });

  it('leaves out what is unknown', () => {
    const env = commandEnv({
      ...n,
      reason: undefined,
      evidence: undefined,
      seq: undefined,
      exitCode: null,
    } as never);
    expect(Object.keys(env)).not.toContain('WTP_REASON');
    expect(Object.keys(env)).not.toContain('WTP_EXIT_CODE');
    expect(Object.keys(env)).not.toContain('WTP_EVENT_SEQ');
  });

  it('logs its output, bounded', async () => {
    const { channel, children, log } = rig();
    const sent = channel.send(n);
    children[0]?.stdout.write('x'.repeat(10_000));
    children[0]?.stderr.write('careful\n');
    await children[0]?.finish(0);
    await sent;
    const entry = log.entries.find((e) => e.msg === 'notification command output');
    expect(entry?.obj).toMatchObject({
      channel: 'command',
      agentId: 'ag-1',
      exitCode: 0,
      stderr: 'careful\n',
    });
    expect(entry?.obj.stdout).toBe(`${'x'.repeat(4_096)}… (5904 more bytes)`);
  });

  it('rejects a non-zero exit with the first line of its stderr, a signal, and a failed start', async () => {
    const { channel, children } = rig();
    const failed = channel.send(n);
    children[0]?.stderr.write('no route to host\nmore\n');
    await children[0]?.finish(2);
    await expect(failed).rejects.toThrow('command /opt/hooks/on-change exited with 2: no route to host');
    const killed = channel.send(n);
    await children[1]?.finish(null, 'SIGSEGV');
    await expect(killed).rejects.toThrow('was killed by SIGSEGV');
    const missing = channel.send(n);
    children[2]?.emit(
      'error',
      Object.assign(new Error('spawn /opt/hooks/on-change ENOENT'), { code: 'ENOENT' }),
    );
    await expect(missing).rejects.toThrow('could not start: spawn /opt/hooks/on-change ENOENT');
  });

  it('kills the process group of a command that hangs: SIGTERM at the timeout, SIGKILL after the grace', async () => {
    vi.useFakeTimers();
    const { channel, children, kills } = rig();
    const sent = channel.send(n);
    const outcome = sent.then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    await vi.advanceTimersByTimeAsync(999);
    expect(kills).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(kills).toEqual([[4242, 'SIGTERM']]);
    await vi.advanceTimersByTimeAsync(500);
    expect(kills).toEqual([
      [4242, 'SIGTERM'],
      [4242, 'SIGKILL'],
    ]);
    expect(children[0]?.stdout.destroyed).toBe(true); // a child holding the pipe cannot keep it open
    children[0]?.emit('exit', null, 'SIGKILL');
    children[0]?.emit('close', null, 'SIGKILL');
    expect(await outcome).toBe('command /opt/hooks/on-change timed out after 1000 ms (killed)');
  });

  it('close() stops the commands still running', async () => {
    const { channel, children, kills } = rig();
    const sent = channel.send(n);
    channel.close();
    expect(kills).toEqual([[4242, 'SIGTERM']]);
    await children[0]?.finish(null, 'SIGTERM');
    await expect(sent).rejects.toThrow('SIGTERM');
    channel.close();
    expect(kills).toHaveLength(1); // it is gone: nothing more to stop
  });

  it('through the Notifier: a failure is logged and counted, the rate limit counts drops', async () => {
    const { channel, children, log } = rig();
    const notifier = new Notifier({
      clock: new FakeClock(),
      log,
      channels: [channel],
      settings: {
        enabled: true,
        channels: { desktop: true, toast: true, bell: true, webhook: true, command: true, push: true },
        dedupeMs: 0,
        maxPerMinute: 2,
      },
    });
    const first = notifier.notify(n);
    await vi.waitFor(() => expect(children).toHaveLength(1));
    await children[0]?.finish(1);
    expect(await first).toEqual({ sent: [], failed: ['command'], skipped: null });
    const second = notifier.notify({ ...n, agentId: 'ag-2' });
    await vi.waitFor(() => expect(children).toHaveLength(2));
    await children[1]?.finish(0);
    expect((await second).sent).toEqual(['command']);
    expect((await notifier.notify({ ...n, agentId: 'ag-3' })).skipped).toBe('rate_limited');
    expect(children).toHaveLength(2);
    expect(notifier.stats().channels.command).toEqual({ sent: 1, failed: 1, dropped: 1 });
    const warned = log.entries.find((e) => e.msg === 'notification channel failed');
    expect(warned?.obj).toMatchObject({
      channel: 'command',
      err: 'command /opt/hooks/on-change exited with 1',
    });
  });
});

describe('CommandNotifier with real processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wtp-cmd-notify-'));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a hung command and the child it started are both killed at the timeout', async () => {
    const script = join(dir, 'hang.sh');
    const pidFile = join(dir, 'child.pid');
    // The child ignores SIGTERM: only the SIGKILL to the group ends it.
    writeFileSync(
      script,
      `#!/bin/sh\nsh -c 'trap "" TERM; exec sleep 600' &\necho $! > '${pidFile}'\nwait\n`,
    );
    chmodSync(script, 0o755);
    const channel = new CommandNotifier({
      argv: [script],
      states: ['exited'],
      timeoutMs: 300,
      killGraceMs: 100,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      log: new MemoryLogger(),
    });
    await expect(channel.send(n)).rejects.toThrow('timed out after 300 ms');
    const child = Number(readFileSync(pidFile, 'utf8'));
    try {
      await vi.waitFor(() => expect(isAlive(child)).toBe(false), { timeout: 10_000 });
    } finally {
      if (isAlive(child)) process.kill(child, 'SIGKILL');
    }
  });
});
