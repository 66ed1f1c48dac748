import type { AgentState } from '../../protocol/constants.js';
import { appError } from '../../protocol/error-messages.js';
import type { WtpEvent } from '../../protocol/events.js';
import type {
  ReportAgentRow,
  ReportDay,
  ReportDurations,
  ReportTaskRow,
  ReportWorkspaceRow,
  TimeReport,
} from '../../protocol/report.js';
import type { TaskStatus } from '../../protocol/tasks.js';
import type { Calendar } from './calendar-days.js';
import type { AnswerVia } from '../../protocol/answers.js';
import { ANSWER_EVENT_TYPES, isAnswerEvent } from '../../protocol/answer-words.js';
import {
  addDurations,
  BUCKET_FIELD,
  countAnswer,
  isEmpty,
  pickDurations,
  zeroDurations,
} from './report-durations.js';

export { addDurations, zeroDurations } from './report-durations.js';

/**
 * Time tracking from state durations. Each `agent.stateChanged` closes the agent's previous
 * span; a span still open counts up to the end of the window; `exited`/`crashed` and
 * `agent.removed` count nothing after them. Spans are clipped to the window and split at
 * midnight of the calendar. Events are fed in log order, one at a time (a page at a time from
 * the event log), so memory grows with agents × days, not with events. A wait an answer ended
 * (`agent.approved`/`denied`/`answered`, recorded while the wait is open or just after it ended)
 * counts in `answeredBy` under who answered.
 */

export type TimeBucket = 'working' | 'waiting' | 'idle' | 'other';

/** The bucket of a state's time; null for the ended states, which count no time. */
export function bucketOf(state: AgentState): TimeBucket | null {
  switch (state) {
    case 'working':
      return 'working';
    case 'needs_permission':
    case 'needs_input':
      return 'waiting';
    case 'idle':
      return 'idle';
    case 'starting':
    case 'running':
      return 'other';
    case 'exited':
    case 'crashed':
      return null;
  }
}

export interface ReportAgentInfo {
  id: string;
  name: string;
  profile: string;
  workspaceId: string;
}

export interface ReportTaskInfo {
  id: string;
  title: string;
  status: TaskStatus;
  workspaceId: string;
  agents: readonly string[];
}

export interface ReportWindow {
  since: number;
  until: number;
}

/** The event types the report reads. */
export const REPORT_EVENT_TYPES = [
  'agent.created',
  'agent.stateChanged',
  'agent.removed',
  'workspace.created',
  ...ANSWER_EVENT_TYPES,
] as const satisfies readonly WtpEvent['type'][];

/** An answer recorded this long after a wait ended is still the one that ended it (it is recorded once the agent left the dialog). */
const ANSWER_AFTER_WAIT_MS = 60_000;

/** An agent's open span and wait: what its events leave behind, outside any window. */
interface AgentSpan {
  bucket: TimeBucket | null;
  /** When the open span started (also the last time seen for this agent). */
  at: number;
  /** When the open wait for a human started, if one is open. */
  waitFrom: number | null;
  /** Who answered the open wait, once an answer event said so. */
  answeredVia: AnswerVia | null;
  /** The last wait that ended unanswered, counted in the window: the day it counts on, and when it ended. */
  lastWait: { day: string; at: number } | null;
  removed: boolean;
  workspaceId: string | null;
}

interface AgentClock extends AgentSpan {
  days: Map<string, ReportDurations>;
}

/**
 * What the events read so far leave behind outside any window (a checkpoint of a replay): each
 * agent's open span, and the names the log gave agents and workspaces.
 */
export interface ReportReplayState {
  spans: ReadonlyMap<string, Readonly<AgentSpan>>;
  /** From `agent.created`. */
  agents: ReadonlyMap<string, ReportAgentInfo>;
  /** From `workspace.created` (the last one). */
  workspaces: ReadonlyMap<string, string>;
  /** From the first `agent.created` in a workspace. */
  workspacesOfAgents: ReadonlyMap<string, string>;
}

/** Accumulates state spans per agent per day; `build` turns them into the report. */
export class TimeReportBuilder {
  private readonly clocks = new Map<string, AgentClock>();
  /** Agents as the registry knows them now; the log's `agent.created` comes first. */
  private readonly known = new Map<string, ReportAgentInfo>();
  private readonly agents: Map<string, ReportAgentInfo>;
  /** Workspace names the registry knows; between the log's `workspace.created` and its agents'. */
  private readonly knownWorkspaces = new Map<string, string>();
  private readonly workspaces: Map<string, string>;
  private readonly workspacesOfAgents: Map<string, string>;

  /** `from`: a checkpoint's state, when the events are fed from there on. */
  constructor(
    private readonly window: ReportWindow,
    private readonly calendar: Calendar,
    from?: ReportReplayState,
  ) {
    for (const [id, span] of from?.spans ?? []) this.clocks.set(id, { ...span, days: new Map() });
    this.agents = new Map(from?.agents);
    this.workspaces = new Map(from?.workspaces);
    this.workspacesOfAgents = new Map(from?.workspacesOfAgents);
  }

  /** What the registry knows of an agent (its `agent.created` event, if read, wins). */
  agent(info: ReportAgentInfo): void {
    this.known.set(info.id, info);
  }

  /** A workspace's name as the registry knows it. */
  workspace(id: string, name: string): void {
    this.knownWorkspaces.set(id, name);
  }

  /** A copy of what the events read so far leave behind outside any window (for a checkpoint). */
  snapshot(): ReportReplayState {
    const spans = new Map<string, AgentSpan>();
    for (const [id, c] of this.clocks) {
      const { bucket, at, waitFrom, removed, workspaceId, answeredVia, lastWait } = c;
      spans.set(id, { bucket, at, waitFrom, removed, workspaceId, answeredVia, lastWait });
    }
    return {
      spans,
      agents: new Map(this.agents),
      workspaces: new Map(this.workspaces),
      workspacesOfAgents: new Map(this.workspacesOfAgents),
    };
  }

  private infoOf(id: string): ReportAgentInfo | undefined {
    return this.agents.get(id) ?? this.known.get(id);
  }

  private nameOf(id: string): string | undefined {
    return this.workspaces.get(id) ?? this.knownWorkspaces.get(id) ?? this.workspacesOfAgents.get(id);
  }

  /** Feeds one event, in log order; other types than REPORT_EVENT_TYPES are ignored. */
  add(e: WtpEvent): void {
    const ts = Date.parse(e.ts);
    switch (e.type) {
      case 'workspace.created':
        this.workspaces.set(e.data.workspace.id, e.data.workspace.name);
        return;
      case 'agent.created': {
        const a = e.data.agent;
        this.agents.set(a.id, { id: a.id, name: a.name, profile: a.profile, workspaceId: a.workspaceId });
        if (!this.workspacesOfAgents.has(a.workspaceId))
          this.workspacesOfAgents.set(a.workspaceId, a.workspace);
        return;
      }
      case 'agent.stateChanged':
        if (e.agentId !== null) this.change(e.agentId, bucketOf(e.data.to), ts, e.workspaceId);
        return;
      case 'agent.removed':
        if (e.agentId !== null) {
          this.change(e.agentId, null, ts, e.workspaceId);
          this.clock(e.agentId, ts, e.workspaceId).removed = true;
        }
        return;
      default:
        if (isAnswerEvent(e) && e.agentId !== null) this.answered(e.agentId, e.data.via, ts);
        return;
    }
  }

  /** An answer: it ends the open wait, or the one that ended just before it was recorded. */
  private answered(agentId: string, via: AnswerVia, ts: number): void {
    const c = this.clocks.get(agentId);
    if (!c) return;
    if (c.waitFrom !== null) {
      c.answeredVia = via;
    } else if (c.lastWait && ts - c.lastWait.at <= ANSWER_AFTER_WAIT_MS) {
      countAnswer(this.day(c, c.lastWait.day), via);
      c.lastWait = null;
    }
  }

  private clock(agentId: string, ts: number, workspaceId: string | null): AgentClock {
    let c = this.clocks.get(agentId);
    if (!c) {
      c = {
        bucket: null,
        at: ts,
        waitFrom: null,
        answeredVia: null,
        lastWait: null,
        days: new Map(),
        removed: false,
        workspaceId,
      };
      this.clocks.set(agentId, c);
    }
    return c;
  }

  /** The agent's time goes to `bucket` from `ts` on (null: counts nothing). */
  private change(agentId: string, bucket: TimeBucket | null, ts: number, workspaceId: string | null): void {
    const c = this.clock(agentId, ts, workspaceId);
    const at = Math.max(ts, c.at); // a clock set back never makes a span negative
    if (c.bucket !== null) this.span(c, c.bucket, c.at, at);
    if (c.waitFrom !== null && bucket !== 'waiting') {
      const day = this.wait(c, c.waitFrom, at);
      c.lastWait = day !== null && !c.answeredVia ? { day, at } : null;
      c.answeredVia = null;
      c.waitFrom = null;
    }
    if (bucket === 'waiting' && c.waitFrom === null) c.waitFrom = at;
    c.bucket = bucket;
    c.at = at;
  }

  private day(c: AgentClock, day: string): ReportDurations {
    let d = c.days.get(day);
    if (!d) {
      d = zeroDurations();
      c.days.set(day, d);
    }
    return d;
  }

  /** Adds [from, to) clipped to the window, split at day boundaries. */
  private span(c: AgentClock, bucket: TimeBucket, from: number, to: number): void {
    let s = Math.max(from, this.window.since);
    const e = Math.min(to, this.window.until);
    while (s < e) {
      const next = Math.min(this.calendar.nextDayStart(s), e);
      this.day(c, this.calendar.dayOf(s))[BUCKET_FIELD[bucket]] += next - s;
      s = next;
    }
  }

  /**
   * A wait for a human over [from, to): counted on the day its part inside the window starts
   * (with who answered it, when known). Returns that day, or null when it is outside the window.
   */
  private wait(c: AgentClock, from: number, to: number): string | null {
    const s = Math.max(from, this.window.since);
    const e = Math.min(to, this.window.until);
    if (s >= e) return null;
    const day = this.calendar.dayOf(s);
    const d = this.day(c, day);
    d.waits += 1;
    d.longestWaitMs = Math.max(d.longestWaitMs, e - s);
    if (c.answeredVia) countAnswer(d, c.answeredVia);
    return day;
  }

  /**
   * The report: open spans and waits count up to the end of the window. `workspace` (a name
   * or an id) keeps one workspace; an unknown one is WORKSPACE_NOT_FOUND.
   */
  build(tasks: readonly ReportTaskInfo[], opts: { workspace?: string | undefined } = {}): TimeReport {
    const until = this.window.until;
    const keep = this.workspaceFilter(opts.workspace);
    const name = (id: string): string => this.nameOf(id) ?? id;
    const taskOf = new Map<string, string>();
    for (const t of tasks) for (const a of t.agents) if (!taskOf.has(a)) taskOf.set(a, t.id);

    const agents: ReportAgentRow[] = [];
    const days = new Map<string, ReportDay>();
    const workspaces = new Map<string, ReportWorkspaceRow>();
    const totals = zeroDurations();
    for (const [id, clock] of this.clocks) {
      const c: AgentClock = { ...clock, days: new Map([...clock.days].map(([k, v]) => [k, { ...v }])) };
      if (c.bucket !== null) this.span(c, c.bucket, c.at, until);
      if (c.waitFrom !== null) this.wait(c, c.waitFrom, until);
      const info = this.infoOf(id);
      const workspaceId = info?.workspaceId ?? c.workspaceId ?? 'unknown';
      if (keep && !keep.has(workspaceId)) continue;
      const sum = zeroDurations();
      const ws = { workspaceId, workspace: name(workspaceId) };
      for (const [day, d] of c.days) {
        if (isEmpty(d)) continue;
        addDurations(sum, d);
        const key = `${day} ${workspaceId}`;
        const row = days.get(key) ?? { day, ...ws, ...zeroDurations() };
        days.set(key, addDurations(row, d));
      }
      if (isEmpty(sum)) continue;
      addDurations(totals, sum);
      const wsRow = workspaces.get(workspaceId) ?? { ...ws, ...zeroDurations() };
      workspaces.set(workspaceId, addDurations(wsRow, sum));
      agents.push({
        id,
        name: info?.name ?? id,
        profile: info?.profile ?? 'unknown',
        ...ws,
        task: taskOf.get(id) ?? null,
        removed: c.removed,
        ...sum,
      });
    }
    const byAgent = new Map(agents.map((a) => [a.id, a]));
    const taskRows: ReportTaskRow[] = [];
    for (const t of tasks) {
      if (keep && !keep.has(t.workspaceId)) continue;
      const ran = [...new Set(t.agents)].flatMap((a) => byAgent.get(a) ?? []);
      if (ran.length === 0) continue;
      const sum = zeroDurations();
      for (const a of ran) addDurations(sum, pickDurations(a));
      const ws = { workspaceId: t.workspaceId, workspace: name(t.workspaceId) };
      taskRows.push({
        id: t.id,
        title: t.title,
        status: t.status,
        ...ws,
        agents: ran.map((a) => a.id),
        ...sum,
      });
    }
    const byName = (a: { workspace: string }, b: { workspace: string }): number =>
      a.workspace.localeCompare(b.workspace);
    return {
      since: new Date(this.window.since).toISOString(),
      until: new Date(until).toISOString(),
      timeZone: this.calendar.timeZone,
      workspace: opts.workspace ?? null,
      totals,
      workspaces: [...workspaces.values()].sort(byName),
      days: [...days.values()].sort((a, b) => a.day.localeCompare(b.day) || byName(a, b)),
      tasks: taskRows.sort((a, b) => byName(a, b) || a.title.localeCompare(b.title) || cmp(a.id, b.id)),
      agents: agents.sort((a, b) => byName(a, b) || a.name.localeCompare(b.name) || cmp(a.id, b.id)),
    };
  }

  /** The workspace ids a name or id stands for (several if a name was reused); null: all. */
  private workspaceFilter(ref: string | undefined): Set<string> | null {
    if (ref === undefined) return null;
    const ids = new Set<string>();
    const all = new Set([
      ...this.workspaces.keys(),
      ...this.knownWorkspaces.keys(),
      ...this.workspacesOfAgents.keys(),
    ]);
    for (const id of all) if (id === ref || this.nameOf(id) === ref) ids.add(id);
    if (ids.size === 0) throw appError('WORKSPACE_NOT_FOUND', { ref });
    return ids;
  }
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The report of `events` (in log order) over the window: the builder in one call. */
export function timeReport(input: {
  events: Iterable<WtpEvent>;
  agents?: readonly ReportAgentInfo[];
  workspaces?: readonly { id: string; name: string }[];
  tasks?: readonly ReportTaskInfo[];
  window: ReportWindow;
  calendar: Calendar;
  workspace?: string;
}): TimeReport {
  const b = new TimeReportBuilder(input.window, input.calendar);
  for (const w of input.workspaces ?? []) b.workspace(w.id, w.name);
  for (const a of input.agents ?? []) b.agent(a);
  for (const e of input.events) b.add(e);
  return b.build(input.tasks ?? [], { workspace: input.workspace });
}
