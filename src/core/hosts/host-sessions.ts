import type { HostHello, HostMessage } from '../../protocol/host.js';
import type { Signal } from '../../protocol/signals.js';
import type { SandboxDenial } from '../../protocol/sandbox.js';
import type { HostDirectory } from './host-directory.js';
import type { AgentLifecycle } from '../lifecycle/lifecycle.js';
import type { OutputHub } from './output-hub.js';
import type { Clock, HostLink, Logger, TimerHandle } from '../ports/daemon.js';
import type { AgentRegistry } from '../model/registry.js';
import { isStorageFailure } from '../model/storage-errors.js';
import type { OutputLogReport } from '../model/storage-health.js';

/**
 * Routes what hosts send: hello, lifecycle messages (processed in order per agent),
 * and output. Output offsets are persisted before they are acknowledged, so a host
 * only forgets output the daemon has durably counted.
 */
export class HostSessions {
  private readonly queues = new Map<string, Promise<void>>();
  private timer: TimerHandle | null = null;

  constructor(
    private readonly lifecycle: AgentLifecycle,
    private readonly registry: AgentRegistry,
    private readonly hosts: HostDirectory,
    private readonly hub: OutputHub,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly ackIntervalMs: number,
    private readonly onSignal: (agentId: string, signal: Signal) => Promise<void> = () => Promise.resolve(),
    private readonly onOutputLog: (agentId: string, report: OutputLogReport) => void = () => undefined,
    private readonly onPermissionMode: (
      agentId: string,
      reading: { native: string; evidence: string; at: number },
    ) => Promise<void> = () => Promise.resolve(),
    private readonly onSandboxDenied: (agentId: string, denial: SandboxDenial) => Promise<void> = () =>
      Promise.resolve(),
    /** Its process ended: what it last said is decided before the exit is recorded. */
    private readonly onProcessEnded: (agentId: string) => Promise<void> = () => Promise.resolve(),
  ) {}

  /** A host said hello; resolves to whether it was accepted. */
  hello(link: HostLink, hello: HostHello): Promise<boolean> {
    return this.enqueue(hello.agentId, () => this.lifecycle.hostConnected(link, hello));
  }

  message(agentId: string, msg: HostMessage): void {
    switch (msg.type) {
      case 'spawned':
        void this.enqueue(agentId, () => this.lifecycle.childSpawned(agentId, msg.pid, msg.startedAt));
        return;
      case 'spawnFailed':
        void this.enqueue(agentId, () => this.lifecycle.spawnFailed(agentId, msg.message));
        return;
      case 'exited':
        void this.enqueue(agentId, async () => {
          await this.onProcessEnded(agentId);
          await this.lifecycle.childExited(agentId, msg.report);
        });
        return;
      case 'closing':
        void this.enqueue(agentId, () => {
          if (msg.reason === 'mux_gone') this.lifecycle.muxGone(agentId);
          else this.lifecycle.paneClosed(agentId);
          return Promise.resolve();
        });
        return;
      case 'resized': {
        // The pane was resized by the user: the agent's size follows it.
        const agent = this.registry.get(agentId);
        if (agent && (agent.cols !== msg.cols || agent.rows !== msg.rows)) {
          agent.cols = msg.cols;
          agent.rows = msg.rows;
          void this.registry.saveQuietly([agent]);
          this.hub.resized(agentId, msg.cols, msg.rows);
        }
        return;
      }
      case 'signal':
        void this.enqueue(agentId, () => this.onSignal(agentId, msg.signal));
        return;
      case 'outputLog':
        if (this.registry.get(agentId)) this.onOutputLog(agentId, msg);
        return;
      case 'permissionMode':
        void this.enqueue(agentId, () =>
          this.onPermissionMode(agentId, { native: msg.native, evidence: msg.evidence, at: msg.at }),
        );
        return;
      case 'sandboxDenied': {
        const denial = { kind: msg.kind, target: msg.target, count: msg.count };
        void this.enqueue(agentId, () => this.onSandboxDenied(agentId, denial));
        return;
      }
      case 'hello':
      case 'reply':
        return; // hello is handled by `hello`, replies by the link itself
    }
  }

  output(agentId: string, seq: number, data: Uint8Array): void {
    const agent = this.registry.get(agentId);
    if (agent) this.hub.push(agent, seq, data);
  }

  closed(agentId: string, link: HostLink): void {
    void this.enqueue(agentId, () => {
      this.lifecycle.hostDisconnected(agentId, link);
      return Promise.resolve();
    });
  }

  /** Periodically persists output offsets and then acknowledges them to the hosts. */
  start(): void {
    const loop = (): void => {
      void this.checkpoint().finally(() => {
        if (this.timer) this.timer = this.clock.setTimer(this.ackIntervalMs, loop);
      });
    };
    this.timer = this.clock.setTimer(this.ackIntervalMs, loop);
  }

  stop(): void {
    if (this.timer) this.clock.clearTimer(this.timer);
    this.timer = null;
  }

  async checkpoint(): Promise<void> {
    const agents = this.hub
      .takeDirty()
      .map((id) => this.registry.get(id))
      .filter((a) => a !== undefined);
    if (agents.length === 0) return;
    const seqs = agents.map((a) => [a.id, a.outputSeq] as const);
    try {
      await this.registry.saveOffsets(agents);
    } catch (err) {
      // A storage failure is reported (once) by the storage health, not on every checkpoint.
      if (!isStorageFailure(err))
        this.log.warn({ err }, 'could not persist output offsets; hosts keep their buffers');
      this.hub.markDirty(agents.map((a) => a.id)); // try again next time
      return;
    }
    for (const [id, seq] of seqs) this.hosts.get(id)?.send({ type: 'ack', seq });
  }

  private enqueue<T>(agentId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(agentId) ?? Promise.resolve();
    const run = prev.then(fn);
    const settled = run.then(
      () => undefined,
      (err: unknown) => this.log.error({ err, agentId }, 'host message handling failed'),
    );
    this.queues.set(agentId, settled);
    void settled.then(() => {
      if (this.queues.get(agentId) === settled) this.queues.delete(agentId);
    });
    return run;
  }
}
