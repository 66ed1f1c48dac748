import { AGENT_STATES, type AgentState } from '../../protocol/constants.js';
import type { WtpEvent } from '../../protocol/events.js';
import type { StateCounts, StateTimeline } from '../../protocol/metrics.js';
import type { ReportWindow } from './time-report.js';

/**
 * Agents by state over time. The window [since, until) is cut into buckets of `bucketMs` from
 * `since` (the last one ends at `until` and may be shorter). A bucket's count for a state is the
 * time agents spent in that state inside the bucket divided by the bucket's length: the average
 * number of agents in the state over the bucket (two agents working for half of a bucket count
 * 1). An agent counts from its `agent.created` (in the state it was created in) or its first
 * state change, until its `agent.removed`. Events are fed in log order from the start of the log,
 * so the states at the window start come from the events before it.
 */

/** The event types the timeline reads. */
export const TIMELINE_EVENT_TYPES = [
  'agent.created',
  'agent.stateChanged',
  'agent.removed',
] as const satisfies readonly WtpEvent['type'][];

const STATE_INDEX = new Map<AgentState, number>(AGENT_STATES.map((s, i) => [s, i]));
const STATES = AGENT_STATES.length;

/** bucketMs for a window cut into `buckets`: the length divided, rounded up to a whole ms. */
export function bucketLength(window: ReportWindow, buckets: number): number {
  return Math.max(1, Math.ceil((window.until - window.since) / Math.max(1, buckets)));
}

/** Each agent's state and since when, as the events read so far leave them. */
export type OpenSpans = Map<string, { readonly state: AgentState; readonly at: number }>;

/** Accumulates agent-milliseconds per state per bucket; `build` turns them into averages. */
export class StateTimelineBuilder {
  readonly bucketMs: number;
  private readonly count: number;
  /** Agent-milliseconds, bucket-major: ms[bucket * STATES + state]. */
  private readonly ms: Float64Array;
  private readonly open: OpenSpans;

  /** `from`: the open spans of a checkpoint, when the events are fed from there on. */
  constructor(
    private readonly window: ReportWindow,
    buckets: number,
    from?: OpenSpans,
  ) {
    this.bucketMs = bucketLength(window, buckets);
    this.count = Math.max(0, Math.ceil((window.until - window.since) / this.bucketMs));
    this.ms = new Float64Array(this.count * STATES);
    this.open = new Map(from);
  }

  /** A copy of the open spans (for a checkpoint). */
  openSpans(): OpenSpans {
    return new Map(this.open);
  }

  /** Feeds one event, in log order; other types are ignored. */
  add(e: WtpEvent): void {
    if (e.agentId === null) return;
    const ts = Date.parse(e.ts);
    switch (e.type) {
      case 'agent.created':
        if (!this.open.has(e.agentId)) this.open.set(e.agentId, { state: e.data.agent.state, at: ts });
        return;
      case 'agent.stateChanged':
        this.close(e.agentId, ts);
        this.open.set(e.agentId, { state: e.data.to, at: Math.max(ts, this.open.get(e.agentId)?.at ?? ts) });
        return;
      case 'agent.removed':
        this.close(e.agentId, ts);
        this.open.delete(e.agentId);
        return;
      default:
        return;
    }
  }

  /** The timeline: spans still open count up to the end of the window. */
  build(): StateTimeline {
    const ms = this.ms.slice();
    for (const o of this.open.values()) this.span(ms, o.state, o.at, this.window.until);
    const points: StateTimeline['points'] = [];
    for (let b = 0; b < this.count; b++) {
      const t = this.window.since + b * this.bucketMs;
      const len = Math.min(this.bucketMs, this.window.until - t);
      const counts = {} as StateCounts;
      for (const s of AGENT_STATES) {
        counts[s] = Math.round(((ms[b * STATES + (STATE_INDEX.get(s) ?? 0)] ?? 0) / len) * 1000) / 1000;
      }
      points.push({ t, counts });
    }
    return {
      since: new Date(this.window.since).toISOString(),
      until: new Date(this.window.until).toISOString(),
      bucketMs: this.bucketMs,
      states: [...AGENT_STATES],
      points,
    };
  }

  /** Ends the agent's open span at `ts` (never before its start: a clock set back adds nothing). */
  private close(agentId: string, ts: number): void {
    const o = this.open.get(agentId);
    if (o) this.span(this.ms, o.state, o.at, Math.max(ts, o.at));
  }

  /** Adds [from, to) clipped to the window to the buckets it overlaps. */
  private span(ms: Float64Array, state: AgentState, from: number, to: number): void {
    const { since, until } = this.window;
    let s = Math.max(from, since);
    const e = Math.min(to, until);
    const k = STATE_INDEX.get(state) ?? 0;
    while (s < e) {
      const b = Math.floor((s - since) / this.bucketMs);
      const next = Math.min(since + (b + 1) * this.bucketMs, e);
      ms[b * STATES + k] = (ms[b * STATES + k] ?? 0) + (next - s);
      s = next;
    }
  }
}

/** The timeline of `events` (in log order) over the window: the builder in one call. */
export function stateTimeline(input: {
  events: Iterable<WtpEvent>;
  window: ReportWindow;
  buckets: number;
}): StateTimeline {
  const b = new StateTimelineBuilder(input.window, input.buckets);
  for (const e of input.events) b.add(e);
  return b.build();
}
