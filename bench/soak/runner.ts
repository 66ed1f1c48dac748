import { nowMs, sleep, type Env } from '../proc.js';
import { Faults, type SoakAgent } from './faults.js';
import { EventFollower, OutputFollower } from './followers.js';
import type { SoakOptions } from './options.js';
import { Rng } from './rng.js';
import { ledgerDir, tickerArgv } from './ticker.js';
import { verify, type SoakVerdict } from './verify.js';

/** Where a soak runs: a WTP_HOME of its own (the caller creates it and cleans it up). */
export interface SoakContext {
  home: string;
  /** The environment of every `wtp` call: WTP_HOME=home, WTP_API_PORT=0, WTP_BACKEND=headless. */
  env: Env;
  /** bin/wtp.js of the checkout under test. */
  binWtp: string;
  progress: (message: string) => void;
}

export interface SoakRun {
  verdict: SoakVerdict;
  /** The first `wtp up --detach` on the fresh home, with no agents: the baseline of a restart. */
  coldStartMs: number;
  faultPhaseMs: number;
  faults: Faults;
}

/**
 * Starts a daemon and `o.agents` agents printing numbered lines, SIGKILLs the daemon at random
 * moments and brings it back with `wtp up --detach`, now and then SIGKILLs a host, and then
 * checks that no agent, line or event was lost (verify.ts). Leaves the daemon and agents running.
 */
export async function runSoak(o: SoakOptions, ctx: SoakContext): Promise<SoakRun> {
  const rng = new Rng(o.seed);
  const faults = new Faults(ctx.home, ctx.env, ctx.binWtp);
  ctx.progress(`starting the daemon (wtp up --detach, headless backend) in ${ctx.home}`);
  const coldStartMs = await faults.up();
  const events = new EventFollower(faults.client);
  events.start();
  const agents: SoakAgent[] = [];
  const outputs = new Map<string, OutputFollower>();
  try {
    ctx.progress(`creating ${o.agents} agents (wtp new cmd … --restart always), ${o.rate} lines/s each`);
    for (let i = 1; i <= o.agents; i++) {
      const name = `soak-${i}`;
      const argv = tickerArgv(name, ledgerDir(ctx.home, name), o.rate);
      // A workspace each: headless agents of one workspace share a host process, and a host kill
      // here is one agent's (test/e2e/host-group.test.ts kills a process holding several).
      const ws = await faults.wtp(['workspace', 'new', name, '--cwd', ctx.home, '--json']);
      if (ws.code !== 0) throw new Error(`wtp workspace new ${name} failed (exit ${ws.code}): ${ws.stderr}`);
      const r = await faults.wtp([
        'new',
        'cmd',
        '--name',
        name,
        '--workspace',
        name,
        '--restart',
        'always',
        '--json',
        '--',
        ...argv,
      ]);
      if (r.code !== 0) throw new Error(`wtp new ${name} failed (exit ${r.code}): ${r.stderr}${r.stdout}`);
      const { agent } = JSON.parse(r.stdout) as { agent: { id: string; state: string } };
      if (agent.state !== 'running') throw new Error(`${name} is ${agent.state} after wtp new`);
      agents.push({ id: agent.id, name });
      const follower = new OutputFollower(faults.client, agent.id);
      follower.start();
      outputs.set(agent.id, follower);
    }
    const started = nowMs();
    await faultPhase(o, rng, faults, agents, ctx.progress);
    const faultPhaseMs = nowMs() - started;
    ctx.progress('fault phase over; waiting for the last measurements');
    await faults.settle();
    ctx.progress('checking agents, lines and events');
    const verdict = await verify({ home: ctx.home, faults, agents, outputs, events, progress: ctx.progress });
    return { verdict, coldStartMs, faultPhaseMs, faults };
  } finally {
    events.stop();
    for (const f of outputs.values()) f.stop();
  }
}

/** Daemon kills every `killEveryMs` (±50 %), each down for up to `downMaxMs`; host kills in between. */
async function faultPhase(
  o: SoakOptions,
  rng: Rng,
  faults: Faults,
  agents: readonly SoakAgent[],
  progress: (m: string) => void,
): Promise<void> {
  const end = Date.now() + o.durationMs;
  const interval = (mean: number): number => rng.between(0.5, 1.5) * mean;
  let nextDaemonKill = Date.now() + interval(o.killEveryMs);
  let nextHostKill = o.hostKillEveryMs > 0 ? Date.now() + interval(o.hostKillEveryMs) : Infinity;
  const hostKill = async (): Promise<void> => {
    await sleepUntil(nextHostKill);
    const k = faults.killHost(agents, rng);
    if (k) progress(`host of ${k.name} SIGKILLed (daemon ${k.daemonUp ? 'up' : 'down'})`);
    nextHostKill = Date.now() + interval(o.hostKillEveryMs);
  };
  for (;;) {
    if (Math.min(nextDaemonKill, nextHostKill) >= end) break;
    if (nextHostKill < nextDaemonKill) {
      await hostKill();
      continue;
    }
    await sleepUntil(nextDaemonKill);
    await faults.killDaemon();
    const downMs = rng.between(0, o.downMaxMs);
    const upAt = Date.now() + downMs;
    while (nextHostKill < upAt) await hostKill();
    await sleepUntil(upAt);
    await faults.restartDaemon(agents, downMs);
    progress(
      `daemon kill ${faults.daemonKills.length}: down ${Math.round(downMs)} ms, API back in ${Math.round(faults.restarts.at(-1)?.toApiMs ?? 0)} ms`,
    );
    nextDaemonKill = Date.now() + interval(o.killEveryMs);
  }
  await sleepUntil(end);
}

async function sleepUntil(at: number): Promise<void> {
  const ms = at - Date.now();
  if (ms > 0) await sleep(ms);
}
