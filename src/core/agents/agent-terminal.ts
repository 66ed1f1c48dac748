import type { Screen } from '../../protocol/agent.js';
import type { EventSource } from '../../protocol/events.js';
import type { FleetOrigin } from '../../protocol/fleet.js';
import type { HostSnapshot } from '../../protocol/host.js';
import { announcedAbout } from '../../protocol/agent-words.js';
import { appError } from '../../protocol/error-messages.js';
import type { AppError } from '../errors.js';
import type { HostDirectory } from '../hosts/host-directory.js';
import type { OutputHub, OutputListener } from '../hosts/output-hub.js';
import { readKept, replayLog } from '../hosts/output-log-reader.js';
import { agentEvent } from '../model/agent-event.js';
import type { AgentRecord } from '../model/agent-record.js';
import { hasProcess } from '../model/agent-state.js';
import type { AgentRegistry } from '../model/registry.js';
import { truncate, utf8Length } from '../model/text.js';
import type { Clock, HostLink, OutputGap, OutputLogs } from '../ports/daemon.js';

export interface TerminalDeps {
  registry: AgentRegistry;
  hosts: HostDirectory;
  output: OutputHub;
  logs: OutputLogs;
  clock: Clock;
  /** Input with its Enter went to the agent at `at`: whatever turn ended before, the next begins. */
  submitted: (agentId: string, at: number) => void;
  service: {
    /** Delay between typed text and the Enter that submits it (TUIs drop an Enter in the same burst). */
    submitDelayMs: number;
    /** How long screen and snapshot requests to a host may take. */
    hostRequestTimeoutMs: number;
  };
}

const AUDIT_TEXT_MAX = 2_000;
const CR = new Uint8Array([0x0d]);

/**
 * What reaches an agent's terminal and what comes out of it: typed input (audited, refused while
 * the agent works), raw keys and sizes of attached terminals, its screen, its logs and live output.
 */
export class AgentTerminal {
  constructor(private readonly t: TerminalDeps) {}

  /**
   * Types text into the agent (paste semantics), then Enter after a short delay. Audited.
   * Refused while the agent is `working` (typing would land in its turn) or waits on a permission
   * dialog (keys would answer it unchecked: `wtp approve`/`deny` do that, verified) unless `force`;
   * forced into a dialog, the keys are also recorded as an answer to it (`agent.dialogKeysSent`).
   */
  async sendInput(
    ref: string,
    text: string,
    enter: boolean,
    source: EventSource,
    force = false,
    raw = false,
    from?: FleetOrigin,
  ) {
    const agent = this.t.registry.resolve(ref);
    const link = this.requireLink(agent);
    if (agent.state === 'working' && !force) {
      const d = agent.stateDetail;
      throw appError('AGENT_BUSY', {
        agent: agent.name,
        state: agent.state,
        evidence: d.evidence ?? null,
        source: d.source ?? null,
        reason: d.reason,
      });
    }
    if (agent.state === 'needs_permission' && !force) throw inDialog(agent);
    link.send(raw ? { type: 'keys', text } : { type: 'paste', text });
    if (enter) {
      this.t.clock.setTimer(this.t.service.submitDelayMs, () => {
        if (this.t.hosts.get(agent.id) !== link) return;
        link.sendInput(CR);
        this.t.submitted(agent.id, this.t.clock.now());
      });
    }
    const bytes = utf8Length(text) + (enter ? 1 : 0);
    const cut = truncate(text, AUDIT_TEXT_MAX);
    const d = agent.stateDetail;
    const answered =
      agent.state === 'needs_permission'
        ? [
            agentEvent(agent, source, 'agent.dialogKeysSent', {
              keys: cut.text,
              enter,
              reason: d.reason,
              tool: d.tool ?? d.request?.tool ?? null,
              about: announcedAbout(d) ?? null,
              unknownDialog: d.request?.unknown === true,
              waitedMs: Math.max(0, this.t.clock.now() - agent.stateSince),
              ...(from === undefined ? {} : { from }),
            }),
          ]
        : [];
    const [event] = await this.t.registry.record([
      ...answered,
      agentEvent(agent, source, 'agent.inputSent', {
        text: cut.text,
        bytes,
        enter,
        truncated: cut.truncated,
        stateAtSend: agent.state,
        ...(force ? { forced: true } : {}),
        ...(raw ? { raw: true } : {}),
        ...(from === undefined ? {} : { from }),
      }),
    ]);
    return { bytes, seq: event?.seq ?? 0 };
  }

  /** Raw keystrokes from an attached terminal (not audited one by one; attach is). */
  typeRaw(agent: AgentRecord, bytes: Uint8Array): void {
    this.t.hosts.get(agent.id)?.sendInput(bytes);
  }

  /** Resizes a headless agent's terminal; in a pane, the pane decides the size (and reports it). */
  resize(agent: AgentRecord, cols: number, rows: number): void {
    if (agent.backend !== 'headless') return;
    if (agent.cols === cols && agent.rows === rows) return;
    agent.cols = cols;
    agent.rows = rows;
    void this.t.registry.saveQuietly([agent]);
    this.t.hosts.get(agent.id)?.send({ type: 'resize', cols, rows });
    this.t.output.resized(agent.id, cols, rows);
  }

  screen(ref: string): Promise<Screen> {
    const agent = this.t.registry.resolve(ref);
    return this.requireLink(agent).screen(this.t.service.hostRequestTimeoutMs);
  }

  snapshot(agent: AgentRecord): Promise<HostSnapshot> {
    return this.requireLink(agent).snapshot(this.t.service.hostRequestTimeoutMs);
  }

  /**
   * The output kept on disk: the last `tailBytes` offsets, or all of it. Gaps (bytes the host could
   * not write) are left out of `data` and listed, so offsets stay exact.
   */
  logs(ref: string, tailBytes: number | undefined) {
    const agent = this.t.registry.resolve(ref);
    const end = this.t.logs.end(agent.id);
    const got = readKept(
      this.t.logs,
      agent.id,
      tailBytes === undefined ? 0 : Math.max(0, end - tailBytes),
      end,
    );
    return { agent, ...got };
  }

  /**
   * Output from byte offset `from` (recent output from memory, older from the log),
   * followed by live output, delivered to `listener` without overlaps; where the log has a gap
   * (bytes its host could not write), `onGap` is told before the bytes after it.
   */
  follow(
    agent: AgentRecord,
    from: number,
    listener: OutputListener,
    onGap?: (gap: OutputGap) => void,
  ): () => void {
    let next = from;
    const pending: { seq: number; data: Uint8Array }[] = [];
    let caughtUp = false;
    const deliver = (seq: number, data: Uint8Array): void => {
      const end = seq + data.length;
      if (end <= next) return;
      if (seq > next) {
        // Output the daemon never received (a host killed before sending what it had logged; the
        // next host starts at the log's end) is in the log: read it, or a client counting bytes
        // would take what follows for what it missed.
        const gap = this.t.logs.read(agent.id, next, seq - next);
        if (gap.from === next && gap.data.length > 0) {
          listener(next, gap.data);
          next += gap.data.length;
        }
      }
      const part = seq < next ? data.subarray(next - seq) : data;
      listener(Math.max(seq, next), part);
      next = end;
    };
    const unsubscribe = this.t.output.subscribe(agent.id, (seq, data) => {
      if (caughtUp) deliver(seq, data);
      else pending.push({ seq, data });
    });
    const tailStart = this.t.output.tailStart(agent.id) ?? agent.outputSeq;
    if (next < tailStart) {
      const gap = (g: OutputGap): void => {
        if (g.to <= next) return;
        onGap?.({ ...g, from: Math.max(g.from, next) });
        next = g.to;
      };
      replayLog(this.t.logs, agent.id, next, tailStart, deliver, gap);
      // The log came up short (its host is not writing it: disk full): go on with what memory holds.
      if (next < tailStart && next > from) gap({ from: next, to: tailStart, reason: 'not in the log' });
      if (next < tailStart) next = tailStart;
    }
    const recent = this.t.output.readFrom(agent.id, next);
    if (recent && recent.length > 0) deliver(next, recent);
    caughtUp = true;
    for (const p of pending) deliver(p.seq, p.data);
    return unsubscribe;
  }

  async recordAttach(agent: AgentRecord, client: string, attached: boolean): Promise<void> {
    await this.t.registry.record([
      agentEvent(agent, 'user', attached ? 'agent.attached' : 'agent.detached', { client }),
    ]);
  }

  protected requireLink(agent: AgentRecord): HostLink {
    if (!hasProcess(agent.state)) {
      throw appError('AGENT_NOT_RUNNING', { agent: agent.name, state: agent.state });
    }
    const link = this.t.hosts.get(agent.id);
    if (!link) {
      throw appError('HOST_UNAVAILABLE', { agent: agent.name });
    }
    return link;
  }
}

/** AGENT_IN_DIALOG: what the agent waits on, and the verified ways to answer it. */
function inDialog(agent: AgentRecord): AppError {
  const d = agent.stateDetail;
  const about = announcedAbout(d);
  return appError('AGENT_IN_DIALOG', {
    agent: agent.name,
    state: agent.state,
    reason: d.reason,
    about: about ?? null,
    unknownDialog: d.request?.unknown === true,
  });
}
