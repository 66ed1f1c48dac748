import type { StateReason } from '../../protocol/state-reasons.js';
import type { EventSource } from '../../protocol/events.js';
import { agentEvent } from '../model/agent-event.js';
import type { AgentRecord } from '../model/agent-record.js';
import type { Clock, TimerHandle } from '../ports/daemon.js';
import type { AgentRegistry } from '../model/registry.js';
import { truncate } from '../model/text.js';
import { announcedAbout } from '../../protocol/agent-words.js';

/** What keystrokes from a live terminal amount to. */
export type KeyKind = 'report' | 'interrupt' | 'text';

// Reports a terminal sends by itself: focus in/out, SGR and X10 mouse.
const REPORT = /^(?:\x1b\[[IO]|\x1b\[<\d+;\d+;\d+[Mm]|\x1b\[M[\s\S]{3})+$/;

/**
 * Sorts what a terminal sent: terminal reports (focus, mouse), the keys that stop an agent
 * (Esc, Ctrl-C), or text and other keys.
 */
export function classifyKeys(text: string): KeyKind {
  if (text === '\x1b' || text === '\x03') return 'interrupt';
  if (REPORT.test(text)) return 'report';
  return 'text';
}

/** Why typed keys were held back. */
export interface HeldInput {
  state: 'working';
  evidence: string | null;
  source: string | null;
}

export interface TerminalInputDeps {
  registry: AgentRegistry;
  clock: Clock;
  /** Writes keystrokes to the agent's terminal. */
  write(agent: AgentRecord, bytes: Uint8Array): void;
}

/** Typed text is recorded once typing pauses this long (or at Enter, or when the terminal closes). */
export const AUDIT_QUIET_MS = 1_500;
const AUDIT_TEXT_MAX = 2_000;

/**
 * Keys typed into a live terminal. With `guard` (the safe-input path, the dashboard's): while the
 * agent is `working`, typed text is held back so it cannot land in the agent's turn — Esc and
 * Ctrl-C, which stop it, and the terminal's own reports always pass — until the user chooses to
 * type anyway (`force`, which lasts until the agent's state changes). Without it (`wtp attach`,
 * a terminal of its own) every key passes. Either way what is typed is audited as
 * `agent.inputSent` events, one per line or pause, rather than one per keystroke.
 */
export class TerminalInput {
  private forcedSince: number | null = null;
  private pending: {
    text: string;
    bytes: number;
    stateAtSend: AgentRecord['state'];
    forced: boolean;
    /** The permission dialog the keys went into, as it was when the first one was typed. */
    dialog: DialogAtKeys | null;
  } | null = null;
  private timer: TimerHandle | null = null;

  constructor(
    private readonly d: TerminalInputDeps,
    private readonly agent: AgentRecord,
    private readonly via: string,
    private readonly source: EventSource = 'user',
    private readonly guard = true,
  ) {}

  /** Types the keys, or holds them back and says why. */
  type(bytes: Uint8Array, text: string): HeldInput | null {
    const kind = classifyKeys(text);
    const forced = this.forcedSince !== null && this.forcedSince === this.agent.stateSince;
    const intoTurn = this.guard && kind === 'text' && this.agent.state === 'working';
    if (intoTurn && !forced) {
      const d = this.agent.stateDetail;
      return { state: 'working', evidence: d.evidence ?? d.reason, source: d.source ?? null };
    }
    this.d.write(this.agent, bytes);
    if (kind !== 'report') this.audit(text, bytes.length, intoTurn);
    return null;
  }

  /** Lets typed text through while the agent stays in its current state. */
  force(): void {
    this.forcedSince = this.agent.stateSince;
  }

  /** Records what is still unrecorded (the terminal closed). */
  close(): void {
    this.flush();
  }

  private audit(text: string, bytes: number, forced: boolean): void {
    const p = this.pending;
    if (p && (p.stateAtSend !== this.agent.state || p.forced !== forced)) this.flush();
    this.pending ??= {
      text: '',
      bytes: 0,
      stateAtSend: this.agent.state,
      forced,
      dialog: dialogNow(this.agent, this.d.clock.now()),
    };
    this.pending.text += text;
    this.pending.bytes += bytes;
    if (this.timer) this.d.clock.clearTimer(this.timer);
    this.timer = null;
    if (text.endsWith('\r')) this.flush();
    else this.timer = this.d.clock.setTimer(AUDIT_QUIET_MS, () => this.flush());
  }

  private flush(): void {
    if (this.timer) this.d.clock.clearTimer(this.timer);
    this.timer = null;
    const p = this.pending;
    this.pending = null;
    if (!p) return;
    const enter = p.text.endsWith('\r');
    const cut = truncate(enter ? p.text.slice(0, -1) : p.text, AUDIT_TEXT_MAX);
    // Keys typed into a permission dialog answer it, as `wtp send --force` does: recorded as such.
    const answered = p.dialog
      ? [agentEvent(this.agent, this.source, 'agent.dialogKeysSent', { keys: cut.text, enter, ...p.dialog })]
      : [];
    void this.d.registry
      .record([
        ...answered,
        agentEvent(this.agent, this.source, 'agent.inputSent', {
          text: cut.text,
          bytes: p.bytes,
          enter,
          truncated: cut.truncated,
          stateAtSend: p.stateAtSend,
          ...(p.forced ? { forced: true } : {}),
          raw: true,
          via: this.via,
        }),
      ])
      .catch(() => undefined);
  }
}

type DialogAtKeys = {
  reason: StateReason;
  tool: string | null;
  about: string | null;
  unknownDialog: boolean;
  waitedMs: number;
};

/** The permission dialog the agent waits on now, or null. */
function dialogNow(agent: AgentRecord, now: number): DialogAtKeys | null {
  if (agent.state !== 'needs_permission') return null;
  const d = agent.stateDetail;
  return {
    reason: d.reason,
    tool: d.tool ?? d.request?.tool ?? null,
    about: announcedAbout(d) ?? null,
    unknownDialog: d.request?.unknown === true,
    waitedMs: Math.max(0, now - agent.stateSince),
  };
}
