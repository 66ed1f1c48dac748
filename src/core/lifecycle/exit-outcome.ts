import type { AgentState, ExitInfo, RestartPolicy, StateDetail } from '../../protocol/agent.js';
import type { EventSource } from '../../protocol/events.js';
import { decideRestart, type RestartHistory, type RestartSettings } from './restart-policy.js';

/**
 * What the next exit means: a stop or restart the user asked for (`source` is who asked), or
 * `pane-lost` — the pane vanished with its multiplexer, so the restart policy decides.
 */
export type Intent =
  | { kind: 'stop' | 'restart'; source: EventSource; reason?: 'stopped' | 'pane_closed' }
  | { kind: 'pane-lost'; source: EventSource };

const MUX_GONE = 'its tmux server went away (killed or crashed); not a stop';
/** How an exit caused by a vanished multiplexer counts for the restart policy: a failure. */
const HUNG_UP: ExitInfo = { exitCode: null, signal: 'SIGHUP' };

export interface ExitContext {
  /** Whether the agent was starting or running when its process ended. */
  live: boolean;
  intent: Intent | undefined;
  /** The daemon is shutting down: exits are final. */
  stopping: boolean;
  /** No exit report: the host itself vanished ('shared': a host group holding other agents too). */
  hostLost: boolean | 'shared';
  policy: RestartPolicy;
  exit: ExitInfo;
  ranMs: number;
  history: RestartHistory;
  now: number;
  settings: RestartSettings;
}

export type ExitOutcome =
  | { kind: 'record' }
  | {
      kind: 'transition';
      to: AgentState;
      detail: StateDetail;
      source: EventSource;
      /** What to do with the host afterwards. */
      then: 'shutdown-host' | 'launch' | 'schedule-restart' | 'nothing';
      restartInMs?: number;
      /** The restart history to keep; null forgets it (a user restart). */
      history: RestartHistory | null;
      restarts: 'increment' | 'reset' | 'keep';
      crashLoop?: { restarts: number; windowMs: number };
    };

/** Decides what follows the end of an agent's process. Pure: the lifecycle carries it out. */
export function exitOutcome(c: ExitContext): ExitOutcome {
  if (!c.live) return { kind: 'record' };
  const exitDetail = { exitCode: c.exit.exitCode, signal: c.exit.signal };
  const base = { kind: 'transition' as const, history: c.history, restarts: 'keep' as const };
  if (c.intent?.kind === 'stop' || c.stopping) {
    const stop = c.intent?.kind === 'stop' ? c.intent : null;
    return {
      ...base,
      to: 'exited',
      detail: { reason: stop?.reason ?? 'stopped', ...exitDetail },
      source: stop?.source ?? 'daemon',
      then: 'shutdown-host',
    };
  }
  if (c.intent?.kind === 'restart') {
    return {
      ...base,
      to: 'starting',
      detail: { reason: 'restarted_by_user', ...exitDetail },
      source: c.intent.source,
      then: 'launch',
      history: null,
      restarts: 'reset',
    };
  }
  const paneLost = c.intent?.kind === 'pane-lost';
  const policyExit = paneLost ? HUNG_UP : c.exit;
  const { decision, history } = decideRestart(c.policy, policyExit, c.ranMs, c.history, c.now, c.settings);
  const why = paneLost ? { message: MUX_GONE } : {};
  if (decision.kind === 'restart') {
    const restartAt = new Date(c.now + decision.delayMs).toISOString();
    return {
      ...base,
      to: 'starting',
      detail: { reason: 'restarting', attempt: decision.attempt, restartAt, ...why, ...exitDetail },
      source: 'policy',
      then: 'schedule-restart',
      restartInMs: decision.delayMs,
      history,
      restarts: 'increment',
    };
  }
  if (decision.kind === 'crash-loop') {
    const message = `${decision.restarts} restarts within ${Math.round(decision.windowMs / 1000)} s; not restarting again`;
    return {
      ...base,
      to: 'crashed',
      detail: { reason: 'crash_loop', message, ...exitDetail },
      source: 'policy',
      then: 'shutdown-host',
      history,
      crashLoop: { restarts: decision.restarts, windowMs: decision.windowMs },
    };
  }
  if (paneLost) {
    return {
      ...base,
      to: 'exited',
      detail: { reason: 'mux_gone', message: MUX_GONE, ...exitDetail },
      source: 'host',
      then: 'shutdown-host',
      history,
    };
  }
  if (c.hostLost) {
    const message =
      c.hostLost === 'shared'
        ? 'the host process it shared with the agents of its workspace vanished (or dropped it); the agent process died with it'
        : 'the host process vanished; the agent process died with it';
    return {
      ...base,
      to: 'crashed',
      detail: { reason: 'host_lost', message, ...exitDetail },
      source: 'daemon',
      then: 'nothing',
      history,
    };
  }
  return {
    ...base,
    to: 'exited',
    detail: { reason: 'exited', ...exitDetail },
    source: 'host',
    then: 'shutdown-host',
    history,
  };
}

/** The exit of a process nobody saw end (its host vanished, or reconnected without it). */
export const unknownExit: ExitInfo = { exitCode: null, signal: null };

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
