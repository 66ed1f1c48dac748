import { AGENT_CLI_PROFILES } from '../../protocol/constants.js';
import type { AgentRecord } from '../model/agent-record.js';

/**
 * How long after its spawn `wtp new` watches an agent CLI for an early exit (a flag it refuses, a
 * binary it cannot run, an account it lacks): such a CLI exits within a second, a healthy one is
 * read (idle, working, a dialog) sooner than that ends the wait.
 */
export const EARLY_EXIT_MS = 2_000;

/** After a start: the process runs, failed, or already exited and is waiting to restart. */
export function settledAfterStart(a: AgentRecord): boolean {
  return a.state !== 'starting' || a.stateDetail.reason === 'restarting';
}

/** Its CLI was read (a state other than `running`), or its process is gone. */
export function upOrGone(a: AgentRecord): boolean {
  return a.state !== 'running' && settledAfterStart(a);
}

/** The part of the early-exit watch still ahead for this agent, in ms (0 for anything but an agent CLI). */
export function earlyExitWatchLeft(a: AgentRecord, now: number): number {
  if (!(AGENT_CLI_PROFILES as readonly string[]).includes(a.profile) || a.startedAt === null) return 0;
  return Math.max(0, a.startedAt + EARLY_EXIT_MS - now);
}
