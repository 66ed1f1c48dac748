import { join } from 'node:path';
import { latencyBaseline, latencyResult, progress, type BenchResult } from './report.js';
import { isRunning, nowMs, spawnTracked, stopChild } from './proc.js';
import type { RepoPaths } from './repo-paths.js';
import { disposeHome, makeHome, sandboxEnv } from './sandbox.js';
import { waitForAnswer } from './socket-probe.js';

const POLL_MS = 5;
const READY_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 10_000;
const BARE_SERVER = (sock: string): string =>
  `require('http').createServer((q,s)=>s.end('ok')).listen(${JSON.stringify(sock)})`;

interface StartSample {
  ms: number;
  /** Whether SIGTERM alone stopped the process within the grace delay. */
  stoppedCleanly: boolean;
}

/** Spawns a server process on a fresh home, times spawn → first 2xx on the socket, stops it. */
async function startOnce(
  paths: RepoPaths,
  label: string,
  argv: (home: string) => { args: string[]; socket: string },
): Promise<StartSample> {
  const home = makeHome(label);
  try {
    const { args, socket } = argv(home);
    const stderr: Buffer[] = [];
    const t0 = nowMs();
    const child = spawnTracked(process.execPath, args, {
      env: sandboxEnv(home),
      cwd: home,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.resume();
    child.stderr?.on('data', (c: Buffer) => stderr.push(c));
    let ready: number;
    try {
      ready = await waitForAnswer({
        socketPath: socket,
        path: '/api/v1/health',
        intervalMs: POLL_MS,
        timeoutMs: READY_TIMEOUT_MS,
        stillStarting: () => isRunning(child),
      });
    } catch (err) {
      await stopChild(child, STOP_GRACE_MS, label);
      throw new Error(`${label}: ${(err as Error).message}\n${Buffer.concat(stderr).toString('utf8')}`);
    }
    const stoppedCleanly = await stopChild(child, STOP_GRACE_MS, label);
    return { ms: ready - t0, stoppedCleanly };
  } finally {
    disposeHome(home, paths.binWtp);
  }
}

/** Figure 1: `node dist/wtp.js up --json` to API ready, against a bare node HTTP server. */
export async function measureColdStart(paths: RepoPaths, runs: number): Promise<BenchResult> {
  const daemon = (home: string): { args: string[]; socket: string } => ({
    args: [paths.distWtp, 'up', '--json'],
    socket: join(home, 'run', 'api.sock'),
  });
  const bare = (home: string): { args: string[]; socket: string } => {
    const socket = join(home, 'bare.sock');
    return { args: ['-e', BARE_SERVER(socket)], socket };
  };
  progress('cold start: warm-up (not recorded)');
  await startOnce(paths, 'cold-daemon', daemon);
  await startOnce(paths, 'cold-bare', bare);
  const daemonSamples: StartSample[] = [];
  const bareSamples: number[] = [];
  for (let i = 0; i < runs; i++) {
    daemonSamples.push(await startOnce(paths, 'cold-daemon', daemon));
    bareSamples.push((await startOnce(paths, 'cold-bare', bare)).ms);
    progress(
      `cold start ${i + 1}/${runs}: daemon ${daemonSamples.at(-1)?.ms.toFixed(1)} ms, bare ${bareSamples.at(-1)?.toFixed(1)} ms`,
    );
  }
  const unclean = daemonSamples.filter((s) => !s.stoppedCleanly).length;
  return latencyResult({
    samples: daemonSamples.map((s) => s.ms),
    baseline: latencyBaseline(
      'bare `node -e "require(\'http\').createServer(…).listen(sock)"`, spawn to first answer',
      bareSamples,
    ),
    target: { text: '< 300 ms', below: 300 },
    note:
      `Spawn of \`node dist/wtp.js up --json\` (detached, stdout piped) on a fresh WTP_HOME until ` +
      `GET /api/v1/health on run/api.sock answers 2xx, polled every ${POLL_MS} ms; includes creating ` +
      `the database, token and sockets. Daemon and baseline runs alternate; one unrecorded warm-up ` +
      `of each first. Each daemon gets SIGTERM and is waited for before the next run.`,
    extra: { daemonsNeedingSigkill: unclean },
  });
}
