import type { AgentView } from '../../protocol/agent.js';
import type { MachineUsage } from '../../protocol/usage.js';
import type { WtpEvent } from '../../protocol/events.js';
import type { FleetInvalidRow, FleetRefusalCode } from '../../protocol/fleet-rows.js';

/**
 * What the core needs from the fleet database (`src/adapters/postgres/`). Each machine's
 * daemon owns its agents: it publishes them (and its events) there and reads the others'. Every
 * method may throw an AppError with a FLEET_* code when the database cannot be reached or refuses.
 */

/** What a machine says of itself on joining and at every heartbeat. */
export interface MachineAnnouncement {
  name: string;
  /** Identifies this machine's local event log (a new database on the machine is a new log). */
  logId: string;
  version: string;
  startedAt: number;
  ssh: string | null;
  /** Task agents it may still start. */
  capacity: number;
  /** Remote URLs of the repositories of its workspaces (tasks are matched by them). */
  repos: string[];
  /** What it spent, or null when it reads no usage. */
  usage?: MachineUsage | null;
}

/** A machine as the database has it. Times are the database's clock (epoch ms). */
export interface MachineRow {
  name: string;
  /** Its local event log: a new one restarts its event numbers. */
  logId: string;
  version: string;
  startedAt: number;
  heartbeatAt: number;
  /** The database's clock when this was read: reachability is judged on one clock. */
  readAt: number;
  ssh: string | null;
  capacity: number;
  repos: string[];
  agents: number;
  /** What it spent, as it last published it; null when it publishes none. */
  usage?: MachineUsage | null;
}

/** One publication: local events after the fleet's cursor, and the agents they touched as they are now. */
export interface PublishBatch {
  events: WtpEvent[];
  /** Agents to write (their views now). */
  agents: AgentView[];
  /** Agents removed here. */
  removed: string[];
}

/** Where this machine stands in the fleet when it joins. */
export interface JoinResult {
  /**
   * The last local event the fleet has: where publishing goes on. A new machine (or one whose local
   * log was replaced) starts at `latestSeq`: its history before it joined is not published.
   */
  publishedSeq: number;
  /** The role this daemon writes as. */
  role: string;
  /** Whether that role owns other machines too (then the database cannot tell them apart). */
  sharedRole: boolean;
  /**
   * The database's identity (a random id its schema was made with, migration 0004): another one
   * than this machine last joined means the database was dropped and made again, or replaced.
   */
  databaseId: string;
}

/** This machine's side: joins, heartbeats, and drains its outbox into the fleet. */
export interface FleetPublisher {
  /** Registers the machine (refused with FLEET_MACHINE_TAKEN when another role owns the name). */
  join(me: MachineAnnouncement, latestSeq: number): Promise<JoinResult>;
  heartbeat(me: MachineAnnouncement): Promise<void>;
  /** Writes a batch and moves the cursor to its last event, in one transaction; tells the fleet. */
  publish(batch: PublishBatch): Promise<void>;
  /** Makes the fleet's copy of this machine's agents exactly `agents` (after a join). */
  resync(agents: AgentView[]): Promise<void>;
  /**
   * Deletes this machine's published events, and its finished commands, older than `keepMs`: the
   * fleet database keeps a window, not the history (each machine's SQLite has that).
   */
  prune(keepMs: number): Promise<{ events: number; commands: number }>;
}

/** A remote event, with the machine it comes from; null when its row was invalid (skipped, reported). */
export interface FleetEventRow {
  machine: string;
  /** Its number in that machine's log: the cursor moves past an invalid event too. */
  seq: number;
  event: WtpEvent | null;
}

/** The other machines' agents, and how far each machine's events go, read at one moment. */
export interface FleetSnapshot {
  agents: { machine: string; view: AgentView }[];
  /** Per machine: its local log and its last published event. */
  cursors: Map<string, { logId: string; seq: number }>;
}

/** The other machines' side, read. */
export interface FleetReader {
  machines(): Promise<MachineRow[]>;
  /** The other machines' agents and event cursors, consistent with each other. */
  snapshot(except: string): Promise<FleetSnapshot>;
  /** Some agents, by id (absent: removed). */
  agentsById(ids: string[]): Promise<{ machine: string; view: AgentView }[]>;
  /** Events of other machines after their cursor, oldest first per machine, at most `limit`. */
  eventsAfter(cursors: ReadonlyMap<string, number>, except: string, limit: number): Promise<FleetEventRow[]>;
  /**
   * Calls the handlers as the database announces things (a machine published; a command for a
   * machine; a command's result); `lost` when the listening connection broke (it is then closed:
   * listen again). Returns how to stop listening.
   */
  listen(on: FleetNotifications, lost: (err: Error) => void): Promise<() => Promise<void>>;
}

export interface FleetNotifications {
  published?(machine: string): void;
  command?(target: string): void;
  result?(sender: string, id: number): void;
  /** A task was added or changed (payload: its id). */
  tasks?(id: string): void;
}

/** An API call for the machine that owns an agent: one of the routes it takes from the fleet. */
export interface FleetCall {
  route: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
}

/** What the owner answered: the HTTP status and body its own API gave. */
export interface CallResult {
  status: number;
  body: unknown;
}

export interface CommandRow {
  id: number;
  sender: string;
  /** The database role that owns the sender (who wrote the command). */
  senderRole: string;
  call: FleetCall;
  /** Its sender has stopped waiting: not carried out. */
  expired: boolean;
}

/** Actions on other machines' agents, written to the database and carried out by their owners. */
export interface FleetCommands {
  /** Writes a command for `target` (dropped unanswered after `expiresInMs`); returns its id. */
  send(target: string, call: FleetCall, expiresInMs: number): Promise<number>;
  /** Where a command this machine sent stands. */
  result(
    id: number,
  ): Promise<{ status: 'pending' | 'running' | 'done' | 'expired'; result: CallResult | null }>;
  /** Commands for this machine, marked running as they are taken: none is carried out twice. */
  take(limit: number): Promise<CommandRow[]>;
  /** The result of a command taken (null: it expired, not carried out); tells its sender. */
  finish(id: number, sender: string, result: CallResult | null): Promise<void>;
  /** Commands an earlier daemon of this machine took and never finished: given up on. */
  abandonRunning(): Promise<number>;
}

/** An invalid row the adapter skipped (never the row itself): what the daemon counts and reports. */
export type InvalidRowReport = Omit<FleetInvalidRow, 'at'>;

export interface FleetPort {
  publisher: FleetPublisher;
  reader: FleetReader;
  commands: FleetCommands;
  tasks: FleetTasks;
  close(): Promise<void>;
}

/** How a run of a fleet task stands: `lost` when its lease lapsed, `refused` when its late result was. */
export type FleetRunStatus = 'running' | 'review' | 'done' | 'failed' | 'cancelled' | 'lost' | 'refused';

/** One claim of a fleet task by one machine. */
export interface FleetRun {
  runId: string;
  machine: string;
  startedAt: number;
  endedAt: number | null;
  status: FleetRunStatus;
  reason: string | null;
}

/** What a fleet task says about how it runs (as a local task's options), and where it was added. */
export interface FleetTaskSpec {
  prompt: string;
  profile: string | null;
  model: string | null;
  permissionMode: string | null;
  attempts: number;
  retries: number | null;
  labels: string[];
  /** The workspace it was added in, on the machine that added it. */
  workspace: string;
}

export type FleetTaskStatus = 'backlog' | 'ready' | 'running' | 'review' | 'done' | 'failed' | 'cancelled';

/** A machine's refusal of a task (its `fleet.acceptTasks`), as the fleet has it. */
export interface FleetRefusal {
  machine: string;
  code: FleetRefusalCode;
  reason: string;
  at: number;
}

/** A task of the fleet's graph (times: the database's clock, epoch ms). */
export interface FleetTaskRow {
  id: string;
  /** The repository it works on, by remote URL: a machine with a clone of it may run it. */
  repo: string;
  title: string;
  spec: FleetTaskSpec;
  deps: string[];
  priority: number;
  status: FleetTaskStatus;
  statusReason: string | null;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  /** The machine that holds it (a live lease while it runs), its run, until when. */
  leaseMachine: string | null;
  leaseUntil: number | null;
  runId: string | null;
  runs: FleetRun[];
  /** The machines that will not run it, and why. */
  refusals: FleetRefusal[];
}

/** The fleet's tasks as read. */
export interface FleetTaskList {
  rows: FleetTaskRow[];
  /** Ids of rows that failed validation: not gone, only unreadable (nothing is decided on them). */
  unreadable: string[];
}

export type NewFleetTask = Pick<FleetTaskRow, 'id' | 'repo' | 'title' | 'spec' | 'deps' | 'priority'> & {
  status: 'backlog' | 'ready';
};

/** The fleet's task graph: added by any machine, claimed under a lease by one. */
export interface FleetTasks {
  /** Adds tasks in one transaction (their dependencies must be fleet tasks); tells the claimers. */
  add(tasks: NewFleetTask[]): Promise<void>;
  /** Every task: the valid rows, and the ids of those that failed validation (skipped, reported). */
  list(): Promise<FleetTaskList>;
  /**
   * Claims up to `limit` tasks for this machine: ready ones of these repositories whose dependencies
   * are done, and running ones whose lease lapsed (their run is marked lost) — each by one machine
   * only (FOR UPDATE SKIP LOCKED), highest priority first, under a new run and a lease of `leaseMs`;
   * with `only`, among those tasks alone (the ones this machine's acceptance policy takes).
   */
  claim(repos: string[], limit: number, leaseMs: number, only?: string[]): Promise<FleetTaskRow[]>;
  /** Says (or says again) why this machine will not run these tasks. */
  refuse(refusals: { task: string; code: FleetRefusalCode; reason: string }[]): Promise<void>;
  /** Takes back this machine's refusals of these tasks (it would run them now). */
  withdraw(tasks: string[]): Promise<void>;
  /** Renews the leases of these runs while they are this machine's and live; returns those renewed. */
  renew(runIds: string[], leaseMs: number): Promise<string[]>;
  /**
   * A run's result: accepted only from the machine that holds it under that very run, and (while
   * running) a live lease; false: refused (the run is marked refused). A task already in that
   * status under that run (moved there by a user) takes it as said.
   */
  report(
    id: string,
    runId: string,
    status: 'review' | 'done' | 'failed' | 'cancelled',
    reason: string,
  ): Promise<boolean>;
  /**
   * A user's move from `from` to `to` (false: it had moved on meanwhile); a given-back task lets go
   * of its run. Only the machine that added the task, or the one that holds it, may move it
   * (FLEET_TASK_NOT_YOURS otherwise: the database refuses it too).
   */
  move(id: string, from: FleetTaskStatus, to: FleetTaskStatus, reason: string): Promise<boolean>;
}
