import { join } from 'node:path';
import { WtpClient } from '../../src/client/wtp-client.js';
import type { AgentView } from '../../src/protocol/agent.js';
import { nowMs, runTimed, sleep, type Env } from '../proc.js';
import { alive, childrenOf, hostPidOf, kill } from './procs.js';
import type { Rng } from './rng.js';

const UP_TIMEOUT_MS = 60_000;
const DEATH_WAIT_MS = 10_000;
const POLL_MS = 25;
/** A way back that takes longer than this is not timed (the final checks find what is wrong). */
const MEASURE_TIMEOUT_MS = 60_000;
/** Host kills per agent allowed within a minute: the restart policy calls 5 a crash loop. */
const HOST_KILLS_PER_MINUTE = 2;

export interface HostKill {
  agentId: string;
  name: string;
  hostPid: number;
  /** The agent's process at the kill: its incarnation ends here. */
  childPid: number;
  atMs: number;
  daemonUp: boolean;
  /** Kill → the agent runs again under a new, connected host (only while the daemon stayed up). */
  toRunningMs: number | null;
}

export interface DaemonRestart {
  downMs: number;
  /** `wtp up --detach` started → it returned (the API answers). */
  toApiMs: number;
  /** `wtp up --detach` started → every agent running with its host connected; null if the next kill came first. */
  toAllHostsMs: number | null;
}

export interface SoakAgent {
  id: string;
  name: string;
}

/** The daemon and the hosts of one soak home: starts, kills and restarts them, and times it. */
export class Faults {
  readonly client: WtpClient;
  daemonPid = 0;
  daemonUp = false;
  readonly daemonKills: number[] = [];
  readonly restarts: DaemonRestart[] = [];
  readonly hostKills: HostKill[] = [];
  hostKillsSkipped = 0;
  /** Bumped by every daemon kill: a measurement running across one gives up. */
  private epoch = 0;
  private readonly watchers = new Set<Promise<void>>();

  constructor(
    private readonly home: string,
    private readonly env: Env,
    private readonly binWtp: string,
  ) {
    this.client = new WtpClient({ socketPath: join(home, 'run', 'api.sock'), timeoutMs: 20_000 });
  }

  /** Runs `wtp <args>` with the home's environment. */
  async wtp(args: string[]): Promise<{ ms: number; stdout: string; stderr: string; code: number | null }> {
    return runTimed(process.execPath, [this.binWtp, ...args], {
      env: this.env,
      cwd: this.home,
      timeoutMs: UP_TIMEOUT_MS,
    });
  }

  /** `wtp up --detach`; returns its wall time. */
  async up(): Promise<number> {
    const r = await this.wtp(['up', '--detach', '--json']);
    if (r.code !== 0) throw new Error(`wtp up --detach failed (exit ${r.code}): ${r.stderr}${r.stdout}`);
    this.daemonPid = (JSON.parse(r.stdout) as { daemon: { pid: number } }).daemon.pid;
    this.daemonUp = true;
    return r.ms;
  }

  async killDaemon(): Promise<void> {
    this.epoch++;
    this.daemonUp = false;
    kill(this.daemonPid);
    this.daemonKills.push(Date.now());
    const deadline = Date.now() + DEATH_WAIT_MS;
    while (alive(this.daemonPid)) {
      if (Date.now() > deadline) throw new Error(`daemon ${this.daemonPid} survived SIGKILL`);
      await sleep(5);
    }
  }

  /** Brings the daemon back after `downMs` of downtime and times the way back (in the background). */
  async restartDaemon(agents: readonly SoakAgent[], downMs: number): Promise<void> {
    const startedAt = nowMs();
    const toApiMs = await this.up();
    const restart: DaemonRestart = {
      downMs: Math.round(downMs),
      toApiMs: round(toApiMs),
      toAllHostsMs: null,
    };
    this.restarts.push(restart);
    const epoch = this.epoch;
    this.watch(async () => {
      const ms = await this.until(epoch, async () => {
        const listed = await this.agents();
        return agents.every((a) => ready(listed.get(a.id)));
      });
      if (ms !== null) restart.toAllHostsMs = round(nowMs() - startedAt);
    });
  }

  /**
   * SIGKILLs the host of one agent picked at random among those whose host runs a process and
   * that were not killed twice in the last minute; returns the kill, or null when none qualifies.
   */
  killHost(agents: readonly SoakAgent[], rng: Rng): HostKill | null {
    const now = Date.now();
    const candidates: { agent: SoakAgent; hostPid: number; childPid: number }[] = [];
    for (const agent of agents) {
      const recent = this.hostKills.filter((k) => k.agentId === agent.id && now - k.atMs < 60_000);
      if (recent.length >= HOST_KILLS_PER_MINUTE) continue;
      const hostPid = hostPidOf(this.home, agent.id);
      const childPid = hostPid === null ? undefined : childrenOf(hostPid)[0];
      if (hostPid !== null && childPid !== undefined) candidates.push({ agent, hostPid, childPid });
    }
    if (candidates.length === 0) {
      this.hostKillsSkipped++;
      return null;
    }
    const { agent, hostPid, childPid } = rng.pick(candidates);
    const record: HostKill = {
      agentId: agent.id,
      name: agent.name,
      hostPid,
      childPid,
      atMs: now,
      daemonUp: this.daemonUp,
      toRunningMs: null,
    };
    const t0 = nowMs();
    kill(hostPid);
    this.hostKills.push(record);
    if (this.daemonUp) {
      const epoch = this.epoch;
      this.watch(async () => {
        const ok = await this.until(epoch, async () => {
          const a = (await this.agents()).get(agent.id);
          return ready(a) && a?.pid !== childPid && a?.hostPid !== hostPid;
        });
        if (ok !== null) record.toRunningMs = round(nowMs() - t0);
      });
    }
    return record;
  }

  /** Waits for the measurements still running. */
  async settle(): Promise<void> {
    await Promise.all([...this.watchers]);
  }

  async agents(): Promise<Map<string, AgentView>> {
    const { agents } = await this.client.call('listAgents');
    return new Map(agents.map((a) => [a.id, a]));
  }

  private watch(fn: () => Promise<void>): void {
    const p = fn()
      .catch(() => undefined)
      .finally(() => this.watchers.delete(p));
    this.watchers.add(p);
  }

  /** Polls until `probe` holds (returns the time) or the daemon is killed meanwhile (null). */
  private async until(epoch: number, probe: () => Promise<boolean>): Promise<number | null> {
    const deadline = nowMs() + MEASURE_TIMEOUT_MS;
    for (;;) {
      if (this.epoch !== epoch || nowMs() > deadline) return null;
      try {
        if (await probe()) return this.epoch === epoch ? nowMs() : null;
      } catch {
        // the daemon went away between the check and the call
      }
      await sleep(POLL_MS);
    }
  }
}

/** Running, its process known, its host connected. */
export function ready(a: AgentView | undefined): boolean {
  return a !== undefined && a.state === 'running' && a.hostConnected && a.pid !== null;
}

const round = (ms: number): number => Math.round(ms * 10) / 10;
