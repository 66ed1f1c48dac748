import type { WtpConfig } from '../config/schema.js';
import type { Core } from '../core/create-core.js';
import { Fleet } from '../core/fleet/fleet.js';
import { FleetRowAudit } from '../core/fleet/fleet-row-audit.js';
import type { Clock, IdGenerator, Logger } from '../core/ports/daemon.js';
import { RepoRemotes } from './repo-remotes.js';
import { VERSION } from '../version.js';
import { PROFILE_NAMES, type ProfileName } from '../protocol/constants.js';

/**
 * This daemon in a fleet, when `store.fleet` (or WTP_FLEET_URL) names one: the
 * PostgreSQL adapter (loaded only then), the outbox and the mirror, started in the background — a
 * database that does not answer never holds the daemon's start or its local work.
 */
export async function startFleet(o: {
  config: Readonly<WtpConfig>;
  machine: string | null;
  core: Core;
  logId: string;
  /** The fleet database's identity as this machine last joined it (its own SQLite keeps it). */
  identity: { remembered(): string | null; remember(id: string): void };
  ids: IdGenerator;
  clock: Clock;
  log: Logger;
}): Promise<{ fleet: Fleet; stop(): void } | null> {
  const url = o.config.store.fleet;
  if (url === null || o.machine === null) return null;
  const { PgFleet } = await import('../adapters/postgres/pg-fleet.js');
  const audit = new FleetRowAudit({ clock: o.clock, logger: o.log });
  const port = new PgFleet(
    url,
    o.machine,
    (err) => o.log.warn({ err: err.message }, 'a fleet database connection failed'),
    (row) => audit.add(row),
  );
  const { core, config } = o;
  const profiles = core.profileCatalog;
  const startedAt = o.clock.now();
  const remotes = new RepoRemotes(() => core.registry.listWorkspaces());
  await remotes.refresh();
  // Workspaces come and go: their remotes are read again as often as the fleet is.
  const timer = setInterval(() => void remotes.refresh().catch(() => undefined), config.fleet.pollMs);
  timer.unref();
  const fleet = new Fleet({
    port,
    log: core.events,
    subscribe: (listener) => core.bus.subscribe(listener),
    agents: () => core.service.list(),
    announce: () => ({
      logId: o.logId,
      version: VERSION,
      startedAt,
      ssh: config.fleet.ssh,
      usage: core.costs.machineUsage(),
    }),
    tasks: core.tasks,
    repos: () => remotes.repos(),
    repoOf: (ws) => remotes.repoOf(ws, (ref) => core.registry.findWorkspace(ref)),
    ids: o.ids,
    record: (events) => core.registry.record(events),
    accept: {
      policy: config.fleet.acceptTasks,
      ctx: {
        defaultProfile: config.tasks.defaultProfile,
        modeOf: (profile, native) => {
          if (!(PROFILE_NAMES as readonly string[]).includes(profile)) return null;
          return profiles.get(profile as ProfileName).permissions?.modes[native] ?? null;
        },
      },
    },
    identity: o.identity,
    audit,
    clock: o.clock,
    logger: o.log,
    settings: {
      machine: o.machine,
      database: port.database,
      heartbeatMs: config.fleet.heartbeatMs,
      taskSlots: config.fleet.taskSlots,
      leaseMs: config.fleet.leaseMs,
      retentionMs: config.fleet.eventRetentionMs,
      commandTimeoutMs: config.fleet.commandTimeoutMs,
      mergeTimeoutMs: Math.max(config.fleet.commandTimeoutMs, 30 * 60_000),
      unreachableAfterMs: config.fleet.unreachableAfterMs,
      pollMs: config.fleet.pollMs,
    },
  });
  o.log.info({ machine: o.machine, database: port.database }, 'joining the fleet');
  fleet.start();
  return { fleet, stop: () => clearInterval(timer) };
}
