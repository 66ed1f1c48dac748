import { startPaneHost, type PaneHost } from './pane-host.js';
import { nowMs, type Env } from './proc.js';
import { readFileSync } from 'node:fs';
import { PtyTerminal } from './pty-terminal.js';
import { startRelay } from './relay.js';
import type { RepoPaths } from './repo-paths.js';
import { progress, ratio, type Baseline, type BenchResult } from './report.js';
import { ACK_EVERY_MS } from './standin-daemon.js';
import { round, summarize, type Summary } from './stats.js';

const RUN_TIMEOUT_MS = 120_000;
const TARGET_RATIO = 0.5;
const STOP_GRACE_MS = 2_000;

/**
 * The agent's command: `bytes` times "a", no newline, so the PTYs translate nothing. It then
 * sleeps: node-pty drops unread output 200 ms after its child exits, and the benchmark needs every byte.
 */
const writer = (bytes: number): string[] => [
  '/bin/sh',
  '-c',
  `head -c ${bytes} /dev/zero | tr '\\0' a; exec sleep 600`,
];
const mbPerS = (bytes: number, ms: number): number => round(bytes / 1e6 / (ms / 1000), 1);

/** One run: wall time, and CPU time of the benchmark process and of the process in the middle. */
interface Run {
  ms: number;
  benchCpuMs: number;
  middleCpuMs: number;
  /** Reads of the pane PTY: its mean chunk is bytes / chunks. */
  chunks: number;
  /** Output bytes that reached the stand-in daemon (the host skips frames the daemon cannot take). */
  daemonBytes: number;
}

/** utime + stime of a process in ms (/proc stat ticks are USER_HZ = 100 on Linux). */
function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/**
 * Runs `begin` (which starts the output and returns the time just before, and the pane) and
 * waits until the pane has read `bytes` more; notes the CPU time of the benchmark and of `middle`.
 */
async function timed(
  bytes: number,
  middle: number | null,
  begin: () => { t0: number; term: PtyTerminal },
): Promise<Run> {
  const cpu0 = process.cpuUsage();
  const mid0 = middle === null ? 0 : cpuMsOf(middle);
  const { t0, term } = begin();
  const [received, chunks] = [term.received, term.chunks]; // nothing can arrive before the next tick
  const done = await term.waitBytes(received + bytes, RUN_TIMEOUT_MS, 'output on the pane');
  const cpu = process.cpuUsage(cpu0);
  return {
    ms: done - t0,
    benchCpuMs: (cpu.user + cpu.system) / 1000,
    middleCpuMs: middle === null ? 0 : cpuMsOf(middle) - mid0,
    chunks: term.chunks - chunks,
    daemonBytes: 0,
  };
}

async function viaHost(host: PaneHost, bytes: number): Promise<Run> {
  const daemon0 = host.daemon.outputBytes;
  const spec = host.spec(writer(bytes));
  const run = await timed(bytes, host.term.pid, () => ({ t0: host.daemon.spawn(spec), term: host.term }));
  host.daemon.stopAgent(STOP_GRACE_MS);
  await host.daemon.next('exited', RUN_TIMEOUT_MS);
  return { ...run, daemonBytes: host.daemon.outputBytes - daemon0 };
}

async function viaRelay(nodePty: string, o: { cwd: string; env: Env }, bytes: number): Promise<Run> {
  const relay = await startRelay(nodePty, writer(bytes), o);
  try {
    return await timed(bytes, relay.term.pid, () => ({ t0: relay.go(), term: relay.term }));
  } finally {
    await relay.term.close();
  }
}

async function viaBarePty(o: { cwd: string; env: Env }, bytes: number): Promise<Run> {
  const [file = 'sh', ...args] = writer(bytes);
  let term: PtyTerminal | null = null;
  try {
    return await timed(bytes, null, () => {
      const t0 = nowMs();
      term = new PtyTerminal(file, args, o);
      return { t0, term };
    });
  } finally {
    await (term as PtyTerminal | null)?.close();
  }
}

/** Per-variant details for `extra`: rates of every run, and medians of where the CPU went. */
function details(bytes: number, runs: readonly Run[], middle: boolean): Record<string, unknown> {
  const med = (xs: number[]): number => summarize(xs).p50;
  return {
    MBps: runs.map((r) => mbPerS(bytes, r.ms)),
    benchCpuPercent: med(runs.map((r) => (100 * r.benchCpuMs) / r.ms)),
    ...(middle ? { middleCpuPercent: med(runs.map((r) => (100 * r.middleCpuMs) / r.ms)) } : {}),
    meanPaneChunkBytes: Math.round(med(runs.map((r) => bytes / r.chunks))),
  };
}

/**
 * Figure host.throughput: `bytes` of output from the agent to the pane through the real host
 * (pane mode, stand-in daemon), against the same command in a bare PTY (a) and under a minimal
 * Node relay (b); runs rotate host, (b), (a).
 */
export async function measureThroughput(paths: RepoPaths, bytes: number, runs: number): Promise<BenchResult> {
  const host = await startPaneHost(paths, 'throughput-host');
  const o = { cwd: host.home, env: host.env };
  try {
    // Warm-up (not recorded): a small run of each; the host loads its terminal emulator.
    const warm = Math.min(bytes, 5_000_000);
    await viaHost(host, warm);
    await viaRelay(paths.nodePty, o, warm);
    await viaBarePty(o, warm);
    const all: { host: Run[]; relay: Run[]; bare: Run[] } = { host: [], relay: [], bare: [] };
    for (let i = 0; i < runs; i++) {
      const h = await viaHost(host, bytes);
      const rl = await viaRelay(paths.nodePty, o, bytes);
      const b = await viaBarePty(o, bytes);
      all.host.push(h);
      all.relay.push(rl);
      all.bare.push(b);
      progress(
        `throughput ${i + 1}/${runs}: host ${mbPerS(bytes, h.ms)} MB/s (daemon got ` +
          `${round((100 * h.daemonBytes) / bytes, 1)} %), relay ${mbPerS(bytes, rl.ms)} MB/s, ` +
          `bare PTY ${mbPerS(bytes, b.ms)} MB/s`,
      );
    }
    const stats = (xs: Run[]): Summary => summarize(xs.map((r) => mbPerS(bytes, r.ms)));
    const ref = (name: string, x: Summary): Baseline => ({
      name,
      value: x.p50,
      p50: x.p50,
      p90: x.p90,
      samples: x.samples,
    });
    const [h, rl, b] = [stats(all.host), stats(all.relay), stats(all.bare)];
    const r = ratio(h.p50, b.p50);
    return {
      value: h.p50,
      unit: 'MB/s',
      baseline: ref('(a) the same command in a bare node-pty PTY owned by the benchmark', b),
      ratio: r,
      otherBaselines: [
        {
          ...ref('(b) the same command under a minimal Node relay in the pane (node-pty, copy only)', rl),
          ratio: ratio(h.p50, rl.p50),
        },
      ],
      ...h,
      target: `> ${TARGET_RATIO}x baseline (a) (host MB/s / bare MB/s, medians)`,
      meetsTarget: r > TARGET_RATIO,
      note:
        `Agent output through the host in a pane: the agent runs \`sh -c "head -c ${bytes} /dev/zero | ` +
        `tr '\\0' a; exec sleep 600"\` (no newlines, so no PTY translates anything); the host (real ` +
        '`node dist/wtp.js host … --pane`, its pane a node-pty PTY the benchmark owns and reads as fast ' +
        'as it can, raw bytes) copies it to the pane and, for every chunk, also appends it to its output ' +
        'log (synchronous writes, rotated at 8 MiB), feeds its @xterm/headless terminal emulator and sends ' +
        'an OUTPUT frame to a stand-in daemon in the benchmark process, which decodes every frame with ' +
        `frames.ts and acks every ${ACK_EVERY_MS} ms as the daemon does. One host serves all runs (the ` +
        'stand-in sends `spawn`, then `signal` SIGTERM after the last byte). Time = from writing the ' +
        'spawn message (host), the go byte (relay) or calling pty.spawn() (bare) until the ' +
        `${bytes}th byte was read on the pane; MB = 10^6 bytes; values are medians of ${runs} runs; ` +
        `runs rotate host, (b), (a) after one unrecorded ${warm / 1e6} MB run of each. In extra: ` +
        'CPU time of the benchmark process (the pane and, for the host, the stand-in daemon) and of the ' +
        'host or relay (/proc/<pid>/stat) as % of the wall time; daemonReceivedPercent: share of the ' +
        'output the stand-in got (the host skips OUTPUT frames while more than 8 MiB wait on its socket).',
      extra: {
        bytesPerRun: bytes,
        host: {
          ...details(bytes, all.host, true),
          daemonReceivedPercent: all.host.map((x) => round((100 * x.daemonBytes) / bytes, 1)),
        },
        relay: details(bytes, all.relay, true),
        bare: details(bytes, all.bare, false),
      },
    };
  } finally {
    await host.close();
  }
}
