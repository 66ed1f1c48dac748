import type { Clock, Logger } from '../ports/daemon.js';
import { requestWords } from '../../protocol/request-words.js';
import type { PendingRequest } from '../../protocol/signals.js';
import type { StateReason } from '../../protocol/state-reasons.js';

/** The `state` of a budget notification (budget.nearing, budget.reached: money, not an agent state). */
export const BUDGET_STATE = 'budget';

/** States worth telling the user about on every channel by default. */
export type NotifiableState = 'needs_permission' | 'needs_input' | 'idle' | 'crashed';
export const DEFAULT_NOTIFY_STATES: readonly NotifiableState[] = [
  'needs_permission',
  'needs_input',
  'idle',
  'crashed',
];
export const CHANNEL_NAMES = ['desktop', 'toast', 'bell', 'webhook', 'command', 'push'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];
export type Urgency = 'low' | 'normal' | 'critical';

/** One thing to tell the user about one agent, already worded. */
export interface AgentNotification {
  agentId: string;
  /** The agent's name. */
  agent: string;
  workspace: string;
  /** The state left and the state entered. */
  from: string;
  state: string;
  /** The state's reason, or a budget notice's own (`budget_reached:task`): the key that dedupes it. */
  reason?: string;
  /** What the signal behind the state said (`StateDetail.evidence`). */
  evidence?: string;
  /** The event-log seq of the state change. */
  seq?: number;
  /** How the process ended (exited, crashed). */
  exitCode?: number | null;
  signal?: string | null;
  title: string;
  message: string;
  urgency: Urgency;
  /** Epoch ms of the transition. */
  at: number;
}

/** A way to reach the user (notify-send, WezTerm toast, terminal bell, ntfy webhook, a command). */
export interface NotificationChannel {
  readonly name: ChannelName;
  /** The states it is for (default DEFAULT_NOTIFY_STATES); idle only ever after working. */
  readonly states?: readonly string[];
  /** Shown in the agent's own pane: nothing to show for a notice of no agent (a day's budget). */
  readonly inPane?: boolean;
  /** Rejects when delivery failed; the Notifier logs it. */
  send(n: AgentNotification): Promise<void>;
}

export interface NotifierSettings {
  enabled: boolean;
  channels: Record<ChannelName, boolean>;
  /** The same agent + state + reason within this window is sent once. */
  dedupeMs: number;
  /** Per channel, in a sliding minute. */
  maxPerMinute: number;
}

export interface NotifyResult {
  /** Channels that delivered it. */
  sent: string[];
  /** Channels that were tried and failed. */
  failed: string[];
  skipped: 'disabled' | 'duplicate' | 'rate_limited' | null;
}

export interface ChannelStats {
  sent: number;
  failed: number;
  /** Dropped by the rate limit. */
  dropped: number;
}

export interface NotifierStats {
  duplicates: number;
  channels: Record<string, ChannelStats>;
}

export interface TransitionInput {
  agentId: string;
  agent: string;
  workspace: string;
  from: string;
  to: string;
  reason?: StateReason | undefined;
  /** Evidence or the hook's own message ("Claude needs your permission to use Bash"). */
  message?: string | undefined;
  /** Tool asked for (permission). */
  tool?: string | undefined;
  /** What a waiting agent asks (`StateDetail.request`): its words come first. */
  request?: PendingRequest | undefined;
  /** When a usage limit resets (ISO time). */
  resetsAt?: string | undefined;
  /** How a crashed process ended. */
  exitCode?: number | null | undefined;
  signal?: string | null | undefined;
  /** What the signal behind the new state said. */
  evidence?: string | undefined;
  /** The event-log seq of the change. */
  seq?: number | undefined;
  at: number;
}

const MINUTE = 60_000;
const MAX_DETAIL = 200;

function isNotifiable(to: string): to is NotifiableState {
  return to === 'needs_permission' || to === 'needs_input' || to === 'idle' || to === 'crashed';
}

/** One line, at most MAX_DETAIL characters (hook messages can be long or multi-line). */
function oneLine(text: string | undefined): string {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > MAX_DETAIL ? `${flat.slice(0, MAX_DETAIL - 1)}…` : flat;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** "15:00" (local time) when within a day of `at`, else "2025-01-02 15:00"; unparseable: as given. */
export function formatResetTime(resetsAt: string, at: number): string {
  const d = new Date(resetsAt);
  if (Number.isNaN(d.getTime())) return oneLine(resetsAt);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (Math.abs(d.getTime() - at) < 86_400_000) return time;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

/** " (SIGTERM)", " (exit 1)" or nothing: how a process ended. */
function howEnded(input: TransitionInput): string {
  if (input.signal != null) return ` (${input.signal})`;
  return input.exitCode != null ? ` (exit ${input.exitCode})` : '';
}

/** Title, fallback message and urgency for a state and reason. */
function wording(input: TransitionInput): { title: string; fallback: string; urgency: Urgency } {
  const a = input.agent;
  const to = input.to;
  if (!isNotifiable(to)) {
    if (to === 'exited') {
      const title = input.reason === 'stopped' ? `${a} was stopped` : `${a} exited${howEnded(input)}`;
      return { title, fallback: `wtp logs ${a} shows its output`, urgency: 'low' };
    }
    return { title: `${a} is ${to}`, fallback: `wtp why ${a} tells why`, urgency: 'low' };
  }
  switch (to) {
    case 'needs_permission':
      return {
        title: `${a} needs your permission`,
        fallback: input.tool ? `wants to use ${input.tool}` : 'approve or deny in its pane',
        urgency: 'critical',
      };
    case 'needs_input':
      switch (input.reason) {
        case 'question':
          return { title: `${a} asks a question`, fallback: 'answer in its pane', urgency: 'normal' };
        case 'auth':
          return { title: `${a} needs you to sign in`, fallback: 'log in from its pane', urgency: 'normal' };
        case 'trust':
          return {
            title: `${a} waits for folder trust`,
            fallback: 'confirm you trust this folder in its pane',
            urgency: 'normal',
          };
        case 'usage_limit':
          return {
            title: input.resetsAt
              ? `${a} hit a usage limit (resets ${formatResetTime(input.resetsAt, input.at)})`
              : `${a} hit a usage limit`,
            fallback: 'it waits until the limit resets',
            urgency: 'normal',
          };
        case 'error':
          return { title: `${a} stopped on an error`, fallback: 'see its pane', urgency: 'normal' };
        case 'permission':
          return { title: `${a} needs your permission`, fallback: 'see its pane', urgency: 'critical' };
        default:
          return { title: `${a} needs your input`, fallback: 'see its pane', urgency: 'normal' };
      }
    case 'idle':
      if (input.reason === 'interrupted')
        return { title: `${a} was interrupted`, fallback: 'it waits at its prompt', urgency: 'low' };
      if (input.reason === 'error')
        return { title: `${a} stopped on an error`, fallback: 'see its pane', urgency: 'normal' };
      return { title: `${a} finished its turn`, fallback: 'it waits at its prompt', urgency: 'low' };
    case 'crashed': {
      const how = howEnded(input);
      const what =
        input.reason === 'crash_loop'
          ? 'keeps crashing'
          : input.reason === 'spawn_failed'
            ? 'could not start'
            : 'crashed';
      return { title: `${a} ${what}${how}`, fallback: 'restart it with wtp restart', urgency: 'critical' };
    }
  }
}

/**
 * The notification for an agent's state change, or null for a repeat of the same state (not a
 * transition). Which channels get it is theirs to say (`NotificationChannel.states`, by default
 * needs_permission, needs_input, crashed and idle): see `channelWants`.
 */
export function composeNotification(input: TransitionInput): AgentNotification | null {
  const { to } = input;
  if (input.from === to) return null;
  const w = wording(input);
  // What it asks, from the request ("asks to run Bash: npm test"), else the agent's own words.
  const waiting = to === 'needs_permission' || to === 'needs_input';
  const asked = waiting ? requestWords(input.request, MAX_DETAIL - 5) : undefined;
  const detail = (asked === undefined ? oneLine(input.message) : `asks ${asked}`) || w.fallback;
  const n: AgentNotification = {
    agentId: input.agentId,
    agent: input.agent,
    workspace: input.workspace,
    from: input.from,
    state: to,
    title: w.title,
    message: input.workspace ? `${detail} (workspace ${input.workspace})` : detail,
    urgency: w.urgency,
    at: input.at,
  };
  if (input.reason !== undefined) n.reason = input.reason;
  if (input.evidence !== undefined) n.evidence = input.evidence;
  if (input.seq !== undefined) n.seq = input.seq;
  if (input.exitCode !== undefined) n.exitCode = input.exitCode;
  if (input.signal !== undefined) n.signal = input.signal;
  return n;
}

/**
 * Whether a channel is for this notification: its state is one of the channel's states, and idle
 * only right after working (a finished turn, not the prompt an agent shows at startup).
 */
export function channelWants(ch: NotificationChannel, n: AgentNotification): boolean {
  if (ch.inPane && n.agentId === '') return false;
  // A budget nearing or reached: every channel that is not for chosen states only.
  if (n.state === BUDGET_STATE) return ch.states === undefined;
  if (n.state === 'idle' && n.from !== 'working') return false;
  return (ch.states ?? DEFAULT_NOTIFY_STATES).includes(n.state);
}

interface ChannelWindow {
  /** Send times within the last minute, oldest first. */
  times: number[];
  /** Until when a "rate limited" warning has been logged already. */
  warnedUntil: number;
  stats: ChannelStats;
}

/**
 * Sends agent notifications to the enabled channels: de-duplicated per agent, rate-limited
 * per channel, all channels at once; never throws (a failing channel is logged).
 */
export class Notifier {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly channels: readonly NotificationChannel[];
  private readonly settings: NotifierSettings;
  private readonly last = new Map<string, { key: string; at: number }>();
  private readonly windows = new Map<string, ChannelWindow>();
  private duplicates = 0;

  constructor(deps: {
    clock: Clock;
    log: Logger;
    channels: NotificationChannel[];
    settings: NotifierSettings;
  }) {
    this.clock = deps.clock;
    this.log = deps.log;
    this.channels = deps.channels;
    this.settings = deps.settings;
    for (const ch of this.channels) {
      this.windows.set(ch.name, { times: [], warnedUntil: 0, stats: { sent: 0, failed: 0, dropped: 0 } });
    }
  }

  /** The channels that are switched on (and present). */
  enabledChannels(): NotificationChannel[] {
    if (!this.settings.enabled) return [];
    return this.channels.filter((ch) => this.settings.channels[ch.name]);
  }

  async notify(n: AgentNotification): Promise<NotifyResult> {
    const enabled = this.enabledChannels().filter((ch) => channelWants(ch, n));
    if (enabled.length === 0) return { sent: [], failed: [], skipped: 'disabled' };
    const now = this.clock.now();
    // Per channel: a channel for more states sees transitions in between that the others do not.
    const fresh = enabled.filter((ch) => this.isFresh(ch.name, n, now));
    if (fresh.length === 0) {
      this.duplicates += 1;
      this.log.debug(
        { agentId: n.agentId, state: n.state, reason: n.reason },
        'duplicate notification dropped',
      );
      return { sent: [], failed: [], skipped: 'duplicate' };
    }

    const allowed = fresh.filter((ch) => this.admit(ch.name, now));
    if (allowed.length === 0) return { sent: [], failed: [], skipped: 'rate_limited' };

    const results = await Promise.allSettled(allowed.map((ch) => Promise.resolve().then(() => ch.send(n))));
    const sent: string[] = [];
    const failed: string[] = [];
    results.forEach((r, i) => {
      const ch = allowed[i] as NotificationChannel;
      const stats = this.windowOf(ch.name).stats;
      if (r.status === 'fulfilled') {
        stats.sent += 1;
        sent.push(ch.name);
      } else {
        stats.failed += 1;
        failed.push(ch.name);
        this.log.warn(
          { channel: ch.name, agentId: n.agentId, state: n.state, err: errorText(r.reason) },
          'notification channel failed',
        );
      }
    });
    return { sent, failed, skipped: null };
  }

  /** Forgets an agent (removed): its next notification is never a duplicate. */
  forget(agentId: string): void {
    for (const ch of this.channels) this.last.delete(`${ch.name}\u0000${agentId}`);
  }

  /** Not the same state and reason the channel was last sent for the agent within dedupeMs; records it. */
  private isFresh(channel: ChannelName, n: AgentNotification, now: number): boolean {
    const slot = `${channel}\u0000${n.agentId}`;
    const key = `${n.state}\u0000${n.reason ?? ''}`;
    const prev = this.last.get(slot);
    if (prev && prev.key === key && now - prev.at < this.settings.dedupeMs) return false;
    this.last.set(slot, { key, at: now });
    return true;
  }

  /** Counters for metrics. */
  stats(): NotifierStats {
    const channels: Record<string, ChannelStats> = {};
    for (const [name, w] of this.windows) channels[name] = { ...w.stats };
    return { duplicates: this.duplicates, channels };
  }

  /** Takes a slot in the channel's sliding minute, or counts a drop (warning once per window). */
  private admit(name: ChannelName, now: number): boolean {
    const w = this.windowOf(name);
    while (w.times.length > 0 && (w.times[0] as number) <= now - MINUTE) w.times.shift();
    if (w.times.length < this.settings.maxPerMinute) {
      w.times.push(now);
      return true;
    }
    w.stats.dropped += 1;
    if (now >= w.warnedUntil) {
      w.warnedUntil = now + MINUTE;
      this.log.warn(
        { channel: name, maxPerMinute: this.settings.maxPerMinute },
        'notifications rate limited; dropping until the minute passes',
      );
    }
    return false;
  }

  private windowOf(name: string): ChannelWindow {
    let w = this.windows.get(name);
    if (!w) {
      w = { times: [], warnedUntil: 0, stats: { sent: 0, failed: 0, dropped: 0 } };
      this.windows.set(name, w);
    }
    return w;
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
