import type { AgentView } from '../../protocol/agent.js';
import type { NewEvent, WtpEvent } from '../../protocol/events.js';
import type { FleetChange, FleetStatus } from '../../protocol/fleet.js';
import { appError } from '../../protocol/error-messages.js';
import type { Clock, EventLog, IdGenerator, Logger } from '../ports/daemon.js';
import type { TaskService } from '../tasks/task-service.js';
import { FleetTaskBoard } from './fleet-task-board.js';
import { FleetTaskRunner } from './fleet-task-runner.js';
import type { FleetPort, MachineAnnouncement } from '../ports/fleet.js';
import { FleetActions, resultOf } from './fleet-actions.js';
import type { AcceptanceContext, AcceptancePolicy } from './fleet-acceptance.js';
import { FleetMirror } from './fleet-mirror.js';
import { FleetOutbox } from './fleet-outbox.js';
import type { FleetRowAudit } from './fleet-row-audit.js';

export interface FleetSettings {
  machine: string;
  /** Fleet tasks this machine runs at once, and how long a claim holds unrenewed. */
  taskSlots: number;
  leaseMs: number;
  /** How long the fleet database keeps published events. */
  retentionMs: number;
  /** How long an action on another machine's agent may take (a merge: `mergeTimeoutMs`). */
  commandTimeoutMs: number;
  mergeTimeoutMs: number;
  /** The database as it may be shown (no password). */
  database: string;
  heartbeatMs: number;
  unreachableAfterMs: number;
  pollMs: number;
}

export interface FleetDeps {
  port: FleetPort;
  log: EventLog;
  subscribe(listener: (e: WtpEvent) => void): () => void;
  /** Every local agent's view now. */
  agents(): AgentView[];
  announce(): Omit<MachineAnnouncement, 'name' | 'capacity' | 'repos'>;
  /** The local task service: claimed fleet tasks run as its tasks. */
  tasks: Pick<
    TaskService,
    'adopt' | 'record' | 'setStatus' | 'release' | 'list' | 'get' | 'add' | 'importPlan' | 'move' | 'cancel'
  >;
  /** What this machine runs of the fleet's tasks (config fleet.acceptTasks), and how tasks are read. */
  accept: { policy: AcceptancePolicy; ctx: AcceptanceContext };
  /** The identity of the fleet database this machine last joined (kept in its own database). */
  identity?: { remembered(): string | null; remember(id: string): void };
  /** The invalid rows the adapter skipped (it tells this audit). */
  audit: FleetRowAudit;
  /** This machine's repositories by remote URL → the local workspace that has it. */
  repos(): Map<string, string>;
  /** The remote URL of a local workspace's repository (AppError when it has none). */
  repoOf(workspace: string | undefined): Promise<string>;
  ids: IdGenerator;
  record(events: NewEvent[]): Promise<unknown>;
  clock: Clock;
  logger: Logger;
  settings: FleetSettings;
}

/**
 * This daemon in a fleet: what it publishes (the outbox) and what it sees of the other
 * machines (the mirror). Local work never depends on it: it starts in the background, and the
 * database being away only shows in its status.
 */
export class Fleet {
  readonly outbox: FleetOutbox;
  readonly mirror: FleetMirror;
  readonly actions: FleetActions;
  readonly runner: FleetTaskRunner;
  readonly board: FleetTaskBoard;
  readonly machine: string;
  private readonly listeners = new Set<(c: FleetChange) => void>();

  constructor(private readonly d: FleetDeps) {
    this.machine = d.settings.machine;
    this.outbox = new FleetOutbox({
      fleet: d.port.publisher,
      log: d.log,
      subscribe: d.subscribe,
      agents: d.agents,
      announce: () => ({
        ...d.announce(),
        name: d.settings.machine,
        capacity: this.runner.capacity(),
        repos: [...d.repos().keys()],
      }),
      record: d.record,
      lost: (err) => this.mirror.linkLost(err),
      ...(d.identity ? { identity: d.identity } : {}),
      database: d.settings.database,
      clock: d.clock,
      logger: d.logger,
      settings: {
        heartbeatMs: d.settings.heartbeatMs,
        retryMaxMs: 30_000,
        batch: 500,
        retentionMs: d.settings.retentionMs,
      },
    });
    this.mirror = new FleetMirror({
      reader: d.port.reader,
      me: d.settings.machine,
      notifications: {
        command: (target) => this.actions.commandFor(target),
        result: (sender, id) => this.actions.resultFor(sender, id),
        tasks: () => this.runner.changed(),
      },
      clock: d.clock,
      logger: d.logger,
      settings: { pollMs: d.settings.pollMs, unreachableAfterMs: d.settings.unreachableAfterMs, batch: 500 },
    });
    this.actions = new FleetActions({
      commands: d.port.commands,
      mirror: this.mirror,
      me: d.settings.machine,
      clock: d.clock,
      logger: d.logger,
      record: d.record,
      settings: {
        timeoutMs: d.settings.commandTimeoutMs,
        mergeTimeoutMs: d.settings.mergeTimeoutMs,
        pollMs: d.settings.pollMs,
      },
    });
    this.board = new FleetTaskBoard({
      tasks: d.port.tasks,
      local: d.tasks,
      machine: d.settings.machine,
      repoOf: d.repoOf,
      ids: d.ids,
      changed: () => this.tell({ kind: 'tasks' }),
    });
    this.runner = new FleetTaskRunner({
      tasks: d.port.tasks,
      local: d.tasks,
      machine: d.settings.machine,
      accept: d.accept,
      record: d.record,
      repos: d.repos,
      subscribe: d.subscribe,
      seen: (rows) => this.board.seen(rows),
      clock: d.clock,
      logger: d.logger,
      settings: { slots: d.settings.taskSlots, leaseMs: d.settings.leaseMs, pollMs: d.settings.pollMs },
    });
    this.mirror.subscribe((c) => this.tell(c));
  }

  start(): void {
    this.outbox.start();
    this.mirror.start();
    this.runner.start();
  }

  async stop(): Promise<void> {
    await this.runner.stop();
    await this.actions.stop();
    await this.outbox.stop();
    await this.mirror.stop();
    await this.d.port.close();
  }

  subscribe(listener: (c: FleetChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private tell(c: FleetChange): void {
    for (const l of [...this.listeners]) {
      try {
        l(c);
      } catch {
        // a failing listener must not stop the others
      }
    }
  }

  status(): FleetStatus {
    const s = this.outbox.status();
    const tasks = this.runner.health();
    return {
      machine: this.machine,
      database: this.d.settings.database,
      connected: s.connected,
      since: new Date(s.since).toISOString(),
      error: s.error,
      backlog: s.backlog,
      publishedSeq: s.publishedSeq,
      role: s.role,
      ownership: s.role === null ? 'unknown' : s.sharedRole ? 'shared-role' : 'per-machine',
      machines: this.mirror.machines(),
      rows: this.d.audit.health(),
      identity: {
        databaseId: s.databaseId,
        replaced: s.replaced
          ? {
              previous: s.replaced.previous,
              current: s.replaced.current,
              at: new Date(s.replaced.at).toISOString(),
              released: tasks.gone,
            }
          : null,
      },
      tasks: {
        error: tasks.error ? { ...tasks.error, since: new Date(tasks.error.since).toISOString() } : null,
        refused: tasks.refused,
      },
    };
  }

  /**
   * Sends an agent route to the machine that owns the agent `input.params.agent` names, when no
   * agent of this machine has that name (`isLocal`); undefined: this machine answers it.
   */
  forward(
    route: string,
    input: { params: Record<string, string>; query: unknown; body: unknown },
    isLocal: (ref: string) => boolean,
  ): Promise<unknown> | undefined {
    const ref = input.params.agent;
    if (ref === undefined || isLocal(ref)) return undefined;
    const agent = this.resolve(ref);
    if (!agent || agent.machine === null) return undefined;
    const machine = agent.machine;
    const call = {
      route,
      params: { agent: agent.id },
      query: (input.query ?? {}) as Record<string, string>,
      body: input.body ?? null,
    };
    return this.actions.send(machine, call).then((r) => resultOf(machine, r));
  }

  /**
   * The remote agent `ref` names: its id, `machine/name` or `machine/workspace/name`, or a bare
   * name no local agent has (one remote agent of that name; several: AGENT_AMBIGUOUS). Null: none.
   */
  resolve(ref: string): AgentView | null {
    const agents = this.mirror.list();
    const byId = agents.find((a) => a.id === ref);
    if (byId) return byId;
    const parts = ref.split('/');
    const matches = agents.filter((a) =>
      parts.length === 3
        ? a.machine === parts[0] && a.workspace === parts[1] && a.name === parts[2]
        : parts.length === 2
          ? (a.machine === parts[0] && a.name === parts[1]) ||
            (a.workspace === parts[0] && a.name === parts[1])
          : a.name === ref,
    );
    if (matches.length <= 1) return matches[0] ?? null;
    // The places as the CLI prints them; each agent's parts for a client to pick from.
    throw appError('AGENT_AMBIGUOUS', {
      ref,
      candidates: matches.map((a) => `${a.machine}/${a.workspace}/${a.name}`),
      agents: matches.map((a) => ({ id: a.id, machine: a.machine, workspace: a.workspace, name: a.name })),
    });
  }
}
