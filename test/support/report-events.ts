// Events and helpers for the time report's tests (src/core/reports/time-report*.test.ts).
import type { AgentState, AgentView, StateReason } from '../../src/protocol/agent.js';
import type { WtpEvent } from '../../src/protocol/events.js';
import type { ReportDurations } from '../../src/protocol/report.js';
import { fixedOffsetCalendar } from '../../src/core/reports/calendar-days.js';
import { timeReport, zeroDurations } from '../../src/core/reports/time-report.js';

export const S = 1_000;
export const M = 60 * S;
export const H = 60 * M;
/** 2026-11-10 12:00 UTC. */
export const T0 = Date.UTC(2026, 10, 10, 12);
/** Central European winter time: days start at 23:00 UTC. */
export const CET = fixedOffsetCalendar(60);

let seq = 0;
export const base = (at: number, agentId: string | null, workspaceId: string | null) => ({
  seq: ++seq,
  ts: new Date(at).toISOString(),
  source: 'daemon' as const,
  agentId,
  workspaceId,
});

/** A reason the daemon gives for each state, for events whose reason does not matter. */
export const REASON_OF: Record<AgentState, StateReason> = {
  starting: 'created',
  running: 'spawned',
  working: 'working',
  needs_permission: 'permission',
  needs_input: 'question',
  idle: 'at_prompt',
  exited: 'exited',
  crashed: 'host_lost',
};

export const to = (agentId: string, state: AgentState, at: number, ws = 'ws-1'): WtpEvent => ({
  ...base(at, agentId, ws),
  type: 'agent.stateChanged',
  data: { from: null, to: state, detail: { reason: REASON_OF[state] }, pid: null },
});

export function view(id: string, name: string, workspaceId: string, workspace: string): AgentView {
  return {
    id,
    name,
    workspaceId,
    workspace,
    profile: 'claude',
    command: '/bin/claude',
    args: [],
    cwd: '/tmp',
    env: {},
    restart: 'never',
    backend: 'headless',
    state: 'starting',
    stateDetail: { reason: 'created' },
    stateSince: new Date(T0).toISOString(),
    pid: null,
    hostPid: null,
    hostConnected: false,
    paneId: null,
    lastExit: null,
    restarts: 0,
    outputBytes: 0,
    createdAt: new Date(T0).toISOString(),
    startedAt: null,
    uptimeMs: null,
    stats: null,
    version: null,
    sessionId: null,
    worktree: null,
    worktreeBytes: null,
    machine: null,
    diffStat: null,
    pullRequest: null,
    permission: null,
    sandbox: null,
    startedBy: null,
    mcp: false,
  };
}

export const created = (id: string, name: string, at: number, ws = 'ws-1', wsName = 'default'): WtpEvent => ({
  ...base(at, id, ws),
  type: 'agent.created',
  data: { agent: view(id, name, ws, wsName) },
});

export const removed = (id: string, at: number, ws = 'ws-1'): WtpEvent => ({
  ...base(at, id, ws),
  type: 'agent.removed',
  data: { name: id },
});

export const durations = (d: Partial<ReportDurations>): ReportDurations => ({ ...zeroDurations(), ...d });

export const pick = ({ workingMs, waitingMs, idleMs, otherMs, waits, longestWaitMs }: ReportDurations) => ({
  workingMs,
  waitingMs,
  idleMs,
  otherMs,
  waits,
  longestWaitMs,
});

export const report = (events: WtpEvent[], since: number, until: number, more = {}) =>
  timeReport({ events, window: { since, until }, calendar: CET, ...more });
