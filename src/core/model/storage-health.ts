import type { NewEvent } from '../../protocol/events.js';
import {
  STORAGE_COMPONENTS,
  type StorageComponent,
  type StorageProblem,
  type StorageStatus,
} from '../../protocol/storage.js';
import { AppError } from '../errors.js';
import type { Clock, Logger, TimerHandle } from '../ports/daemon.js';
import { describeStorageCode, storageFix } from './storage-errors.js';

/** One failed write, as a writer reports it. */
export interface StorageFailure {
  component: StorageComponent;
  agentId?: string | null;
  path: string;
  code: string;
  message?: string;
  /** Bytes this write could not put on disk (log lines); counted, not shown as an error. */
  droppedBytes?: number;
}

/** What a host reports about its agent's output log (the `outputLog` host message). */
export interface OutputLogReport {
  ok: boolean;
  path: string;
  code: string | null;
  message: string | null;
  failedWrites: number;
  droppedBytes: number;
  /** Escape sequences of the agent's output its host's terminal emulator could not parse. */
  parseErrors?: number | undefined;
}

export interface StorageHealthDeps {
  clock: Clock;
  log: Logger;
  /** Records events (through the registry, which keeps them while the database fails); else `attach`. */
  record?: (events: NewEvent[]) => void;
  /** How often a failing write path is tried again (its probe) while nothing else writes. */
  probeMs: number;
  /** Unsaved records and events, and events lost, as the registry counts them. */
  unsaved?: () => { changes: number; events: number; lost: number };
}

interface OpenProblem {
  component: StorageComponent;
  agentId: string | null;
  path: string;
  code: string;
  since: number;
  failedWrites: number;
  droppedBytes: number;
  /** Escape sequences of the agent's output its host's terminal emulator could not parse. */
  parseErrors?: number | undefined;
}

/**
 * Whether the daemon can write its state, its log and the agents' output logs. Writers report
 * failures and recoveries here; a failing path is logged once, announced with
 * `daemon.storageDegraded`, shown by `wtp status` (and the status API) until it works again, then
 * logged and announced with `daemon.storageRecovered`. Probes registered per component try the
 * write again every `probeMs` while it fails, so recovery needs no restart and no new traffic.
 */
export class StorageHealth {
  private readonly open = new Map<string, OpenProblem>();
  private readonly probes = new Map<StorageComponent, () => void>();
  private readonly failedWrites = Object.fromEntries(STORAGE_COMPONENTS.map((c) => [c, 0])) as Record<
    StorageComponent,
    number
  >;
  private daemonLogDropped = 0;
  private outputLogDropped = 0;
  /** Per agent: the dropped-bytes count its host reported last (hosts count since they started). */
  private readonly reported = new Map<string, number>();
  private timer: TimerHandle | null = null;

  private ledger: {
    record?: ((events: NewEvent[]) => void) | undefined;
    unsaved?: (() => { changes: number; events: number; lost: number }) | undefined;
  };

  constructor(private readonly d: StorageHealthDeps) {
    this.ledger = { record: d.record, unsaved: d.unsaved };
  }

  /** The registry that records this health's events and counts what it could not save. */
  attach(ledger: {
    record: (events: NewEvent[]) => void;
    unsaved: () => { changes: number; events: number; lost: number };
  }): void {
    this.ledger = ledger;
  }

  /** A write failed. The first failure of a path is logged and announced; later ones are counted. */
  failed(f: StorageFailure): void {
    const agentId = f.agentId ?? null;
    const k = key(f.component, agentId);
    this.failedWrites[f.component] += 1;
    if (f.component === 'daemonLog') this.daemonLogDropped += f.droppedBytes ?? 0;
    const known = this.open.get(k);
    if (known) {
      known.failedWrites += 1;
      known.droppedBytes += f.droppedBytes ?? 0;
      known.code = f.code;
      return;
    }
    // Registered before logging: the log may be what fails, and it reports here again.
    const problem: OpenProblem = {
      component: f.component,
      agentId,
      path: f.path,
      code: f.code,
      since: this.d.clock.now(),
      failedWrites: 1,
      droppedBytes: f.droppedBytes ?? 0,
    };
    this.open.set(k, problem);
    const message = this.describe(problem);
    this.d.log.error(
      { component: f.component, agentId, path: f.path, code: f.code, err: f.message },
      `storage: ${message}`,
    );
    this.ledger.record?.([
      {
        type: 'daemon.storageDegraded',
        source: 'daemon',
        agentId,
        workspaceId: null,
        data: { component: f.component, path: f.path, code: f.code, message },
      },
    ]);
    this.armProbe();
  }

  /** A write on a failing path worked again: logged and announced once. */
  recovered(component: StorageComponent, agentId: string | null = null, droppedBytes?: number): void {
    const k = key(component, agentId);
    const problem = this.open.get(k);
    if (!problem) return;
    this.open.delete(k);
    if (droppedBytes !== undefined) problem.droppedBytes = droppedBytes;
    const downMs = Math.max(0, this.d.clock.now() - problem.since);
    this.d.log.warn(
      {
        component,
        agentId,
        path: problem.path,
        failedWrites: problem.failedWrites,
        droppedBytes: problem.droppedBytes,
        downMs,
      },
      `storage: ${component} writes work again after ${problem.failedWrites} failed write(s)` +
        (problem.droppedBytes > 0 ? `; ${problem.droppedBytes} byte(s) were not written` : ''),
    );
    this.ledger.record?.([
      {
        type: 'daemon.storageRecovered',
        source: 'daemon',
        agentId,
        workspaceId: null,
        data: {
          component,
          path: problem.path,
          failedWrites: problem.failedWrites,
          droppedBytes: problem.droppedBytes,
          downMs,
        },
      },
    ]);
    if (this.open.size === 0) this.disarmProbe();
  }

  /** A host's report on its agent's output log. */
  outputLog(agentId: string, r: OutputLogReport): void {
    const last = this.reported.get(agentId) ?? 0;
    // A new host counts from zero again.
    this.outputLogDropped += r.droppedBytes >= last ? r.droppedBytes - last : r.droppedBytes;
    this.reported.set(agentId, r.droppedBytes);
    const k = key('outputLog', agentId);
    if (r.ok) {
      this.recovered('outputLog', agentId, this.open.get(k) ? r.droppedBytes : undefined);
      return;
    }
    const known = this.open.get(k);
    if (known) {
      this.failedWrites.outputLog += Math.max(0, r.failedWrites - known.failedWrites);
      known.failedWrites = r.failedWrites;
      known.droppedBytes = r.droppedBytes;
      known.code = r.code ?? known.code;
      return;
    }
    this.failed({
      component: 'outputLog',
      agentId,
      path: r.path,
      code: r.code ?? 'EIO',
      droppedBytes: r.droppedBytes,
      ...(r.message === null ? {} : { message: r.message }),
    });
    const opened = this.open.get(k);
    if (opened) {
      this.failedWrites.outputLog += Math.max(0, r.failedWrites - 1);
      opened.failedWrites = r.failedWrites;
      opened.droppedBytes = r.droppedBytes;
    }
  }

  /** The agent is gone: its output log's problem goes with it. */
  forgetAgent(agentId: string): void {
    this.open.delete(key('outputLog', agentId));
    this.reported.delete(agentId);
    if (this.open.size === 0) this.disarmProbe();
  }

  isFailing(component: StorageComponent, agentId: string | null = null): boolean {
    return this.open.has(key(component, agentId));
  }

  /** STORAGE_FULL / STORAGE_FAILED when `component` fails now (creations are refused up front). */
  assertWritable(component: StorageComponent, what: string): void {
    const p = this.open.get(key(component, null));
    if (!p) return;
    const full = p.code === 'ENOSPC' || p.code === 'EDQUOT' || p.code === 'SQLITE_FULL';
    throw new AppError(
      full ? 'STORAGE_FULL' : 'STORAGE_FAILED',
      `Cannot ${what}: ${this.describe(p)} ${storageFix(p.code, p.path)}`,
      { component, path: p.path, errorCode: p.code, since: new Date(p.since).toISOString() },
    );
  }

  /** Tries `probe` every `probeMs` while `component` fails (it reports the recovery itself). */
  onProbe(component: StorageComponent, probe: () => void): void {
    this.probes.set(component, probe);
  }

  status(): StorageStatus {
    const unsaved = this.ledger.unsaved?.() ?? { changes: 0, events: 0, lost: 0 };
    // In a fixed order (the components' order, then the agent), not the order they failed in:
    // which of two paths fails first is a race, and `wtp status` should read the same each time.
    const rank = (c: StorageComponent) => STORAGE_COMPONENTS.indexOf(c);
    const open = [...this.open.values()].sort(
      (a, b) => rank(a.component) - rank(b.component) || (a.agentId ?? '').localeCompare(b.agentId ?? ''),
    );
    const problems: StorageProblem[] = open.map((p) => ({
      component: p.component,
      agentId: p.agentId,
      path: p.path,
      code: p.code,
      message: this.describe(p),
      fix: storageFix(p.code, p.path),
      since: new Date(p.since).toISOString(),
      failedWrites: p.failedWrites,
      droppedBytes: p.droppedBytes,
    }));
    return {
      ok: problems.length === 0,
      problems,
      counters: {
        failedWrites: { ...this.failedWrites },
        daemonLogDroppedBytes: this.daemonLogDropped,
        outputLogDroppedBytes: this.outputLogDropped,
        unsavedChanges: unsaved.changes,
        unsavedEvents: unsaved.events,
        lostEvents: unsaved.lost,
      },
    };
  }

  dispose(): void {
    this.disarmProbe();
  }

  private describe(p: OpenProblem): string {
    const why = describeStorageCode(p.code);
    switch (p.component) {
      case 'database': {
        const u = this.ledger.unsaved?.();
        const kept =
          u && u.changes + u.events > 0 ? ` (${u.changes} record(s) and ${u.events} event(s) so far)` : '';
        return `the database ${p.path} cannot be written (${why}): new agents, workspaces and tasks are refused; agents keep running and their state changes are kept in memory${kept} and written when it works again.`;
      }
      case 'daemonLog':
        return `the daemon log ${p.path} cannot be written (${why}): log lines are dropped (${p.droppedBytes} byte(s) so far).`;
      case 'outputLog':
        return `the output log of agent ${p.agentId ?? '?'} (${p.path}) cannot be written (${why}): the agent keeps running and streaming; ${p.droppedBytes} byte(s) are missing from its log, where a gap marker will show.`;
      case 'stateFile':
        return `${p.path} cannot be written (${why}).`;
    }
  }

  private armProbe(): void {
    if (this.timer) return;
    this.timer = this.d.clock.setTimer(this.d.probeMs, () => {
      this.timer = null;
      for (const p of [...this.open.values()]) {
        if (p.agentId === null) this.probes.get(p.component)?.();
      }
      if (this.open.size > 0) this.armProbe();
    });
  }

  private disarmProbe(): void {
    if (this.timer) this.d.clock.clearTimer(this.timer);
    this.timer = null;
  }
}

const key = (component: StorageComponent, agentId: string | null): string =>
  agentId === null ? component : `${component}:${agentId}`;
