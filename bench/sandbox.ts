import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { progress } from './report.js';
import { liveChildren, type Env } from './proc.js';

/** Kill paths of things that are not child processes (in-process PTYs). */
export const liveKillers = new Set<() => void>();

const homes = new Set<string>();
const DOWN_TIMEOUT_MS = 30_000;
const GONE_WAIT_MS = 3_000;

/** A fresh WTP_HOME under the system temp folder, removed by `disposeHome` or `cleanupAll`. */
export function makeHome(label: string): string {
  const home = mkdtempSync(join(tmpdir(), `wtp-bench-${label}-`));
  homes.add(home);
  return home;
}

/** The environment every child gets: ours, plus the sandbox's WTP_HOME and a free API port. */
export function sandboxEnv(home: string): Env {
  const env: Env = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  env.WTP_HOME = home;
  env.WTP_API_PORT = '0';
  delete env.WTP_CONFIG;
  return env;
}

/** Pids (other than ours) whose initial environment holds WTP_HOME=<home>. */
export function pidsOfHome(home: string): number[] {
  const needle = `WTP_HOME=${home}`;
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${name}/environ`, 'latin1');
    } catch {
      continue;
    }
    if (environ.split('\0').includes(needle)) found.push(Number(name));
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/**
 * Stops everything a home started: `wtp down --stop-agents` if a daemon may run, then SIGKILL to
 * any process still carrying WTP_HOME=<home>, then removes the folder. Returns the pids killed.
 */
export function disposeHome(home: string, binWtp: string): number[] {
  if (!homes.has(home)) return [];
  if (existsSync(join(home, 'run', 'api.sock'))) {
    spawnSync(process.execPath, [binWtp, 'down', '--stop-agents', '--json'], {
      env: sandboxEnv(home),
      stdio: 'ignore',
      timeout: DOWN_TIMEOUT_MS,
      killSignal: 'SIGKILL',
    });
  }
  const leftovers = pidsOfHome(home).filter(alive);
  for (const pid of leftovers) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + GONE_WAIT_MS;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (leftovers.some(alive) && Date.now() < deadline) Atomics.wait(pause, 0, 0, 20);
  if (leftovers.length > 0) progress(`killed ${leftovers.length} leftover process(es) of ${home}`);
  rmSync(home, { recursive: true, force: true });
  homes.delete(home);
  return leftovers;
}

let cleaned = false;

/** Idempotent: kills tracked children and PTYs, disposes every home still registered. */
export function cleanupAll(binWtp: string): void {
  if (cleaned) return;
  cleaned = true;
  for (const kill of liveKillers) {
    try {
      kill();
    } catch {
      // already gone
    }
  }
  liveKillers.clear();
  for (const child of liveChildren) child.kill('SIGKILL');
  for (const home of [...homes]) disposeHome(home, binWtp);
}

/** Cleans up on Ctrl-C, SIGTERM and crashes before exiting. */
export function installCleanupHandlers(binWtp: string): void {
  let bailing = false;
  const bail = (code: number, why: string, err?: unknown): void => {
    if (bailing) return;
    bailing = true;
    progress(`${why}; cleaning up`);
    if (err !== undefined)
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    cleanupAll(binWtp);
    process.exit(code);
  };
  // `on`, not `once`: a second Ctrl-C during the cleanup must not kill it half-way.
  process.on('SIGINT', () => bail(130, 'interrupted'));
  process.on('SIGTERM', () => bail(143, 'terminated'));
  process.on('SIGHUP', () => bail(129, 'hung up'));
  process.once('uncaughtException', (err) => bail(1, 'uncaught exception', err));
  process.once('unhandledRejection', (err) => bail(1, 'unhandled rejection', err));
}
