import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAppError } from '../../../protocol/app-error.js';
import { appError } from '../../../protocol/error-messages.js';
import type { CliContext } from '../context.js';

/** How long `down` waits for the daemon's process to go. */
const STOP_TIMEOUT_MS = 60_000;
const POLL_MS = 25;
/** When `down` says what it waits for (a stop takes ~0.1 s of the daemon's time; more is news). */
const TELL_AFTER_MS = 2_000;

/** Null for no daemon: an answer to `up`, `down` and `status`, not an error. */
export function noDaemon(err: unknown): null {
  if (isAppError(err) && err.code === 'DAEMON_NOT_RUNNING') return null;
  throw err;
}

/** Whether a process still runs; a zombie (exited, not yet reaped by its new parent) does not. */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // `ps` as on every Unix (no /proc needed): prints nothing once the process is gone.
  const r = spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], {
    env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' },
    encoding: 'latin1',
  });
  return r.error !== undefined || (r.stdout.trim() !== '' && !r.stdout.trim().startsWith('Z'));
}

/**
 * `wtp down`: stops the daemon (and its agents with `stopAgents`). Safe to repeat, as `systemctl
 * stop` is: with no daemon running there is nothing to stop (exit 0) — except that agents cannot
 * be stopped without their daemon, so `--stop-agents` fails while hosts of agents still run.
 */
export async function down(ctx: CliContext, stopAgents: boolean): Promise<void> {
  const client = ctx.client();
  const health = await client.call('health').catch(noDaemon);
  if (health === null) return notRunning(ctx, stopAgents);
  const { pid } = health;
  if (stopAgents) ctx.note('stopping agents…');
  const r = await client.call('shutdown', { body: { stopAgents } });
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  let told = Date.now() + TELL_AFTER_MS;
  while (processAlive(pid) && Date.now() < deadline) {
    if (Date.now() >= told) {
      // What it waits for, said once it takes a while (the daemon's log ends with each step's time).
      ctx.note(
        `waiting for the daemon (pid ${pid}) to exit: it closes its connections and its database (${ctx.paths.logDir}/daemon.log says what took long)…`,
      );
      told = Infinity;
    }
    await sleep(POLL_MS);
  }
  const stopped = !processAlive(pid);
  if (ctx.json) ctx.emit('down', { stopped, wasRunning: true, pid, stoppedAgents: r.stoppedAgents });
  else if (stopped)
    ctx.line(
      `daemon stopped (pid ${pid})${stopAgents ? `; ${r.stoppedAgents} agent(s) stopped` : '; agents keep running'}`,
    );
  else ctx.line(`the daemon (pid ${pid}) is still shutting down`);
  if (!stopped) ctx.exitCode = 1;
}

/** No daemon: nothing to stop, unless agents were to be stopped and their hosts still run. */
async function notRunning(ctx: CliContext, stopAgents: boolean): Promise<void> {
  const hosts = stopAgents ? await ctx.deps.daemon.liveHosts(ctx.paths.agentsDir) : [];
  if (hosts.length > 0)
    throw appError('DAEMON_NOT_RUNNING', {
      liveHosts: hosts,
      hostCount: hosts.length,
      hostPids: hosts.map((h) => String(h.pid)),
    });
  if (ctx.json) ctx.emit('down', { stopped: true, wasRunning: false, pid: null, stoppedAgents: 0 });
  else ctx.line(`daemon not running: nothing to stop${stopAgents ? ' (and no agent host runs)' : ''}`);
}
