import { z } from 'zod';
import { machineUsageSchema } from './usage.js';
import { isoTimeSchema } from './common.js';
import type { WtpEvent } from './events.js';
import { withoutCredentials } from './url-credentials.js';

/**
 * One fleet across machines: daemons on several machines share a PostgreSQL database;
 * each owns its agents and publishes them there. These are the shapes the API and `--json` use.
 */

/** A machine's name in the fleet: the host name by default, `WTP_MACHINE` or `fleet.machine` otherwise. */
export const machineNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
    'a machine name: letters, digits, dot, underscore and dash, starting with a letter or digit, at most 63 characters',
  )
  .describe('A machine of the fleet');

export const fleetMachineSchema = z.object({
  name: machineNameSchema,
  local: z.boolean().describe('This daemon’s own machine'),
  version: z.string().describe('The wezterm-parallel version its daemon runs'),
  startedAt: isoTimeSchema.describe('When its daemon started'),
  heartbeatAt: isoTimeSchema.describe('Its last heartbeat (the database’s clock)'),
  reachable: z.boolean().describe('Whether its heartbeat is recent (within fleet.unreachableAfterMs)'),
  unreachableSince: isoTimeSchema
    .nullable()
    .describe('Since when it is unreachable: its last heartbeat; null while reachable'),
  ssh: z
    .string()
    .nullable()
    .describe('How `wtp attach machine/agent` reaches it (its fleet.ssh), or null when not configured'),
  capacity: z.number().int().describe('How many more task agents it may start now'),
  agents: z.number().int().describe('Its agents, as last published'),
  usage: machineUsageSchema
    .nullable()
    .optional()
    .describe('What it spent: today and since it counts, as it last published; null when none'),
});
export type FleetMachine = z.infer<typeof fleetMachineSchema>;

/** The fleet database's tables, as invalid rows are counted by. */
export const FLEET_TABLES = ['machines', 'agents', 'events', 'tasks', 'commands', 'results'] as const;
export type FleetTable = (typeof FLEET_TABLES)[number];

/** An invalid row as `wtp fleet` and `wtp doctor` report it (never the row itself). */
export const fleetInvalidRowSchema = z.object({
  table: z.enum(FLEET_TABLES),
  machine: z.string().nullable().describe('The machine whose row it is, when that much could be read'),
  key: z.string().describe('The row’s key (an agent’s or task’s id, an event’s seq), when it could be read'),
  issue: z.string().describe('What is wrong with it: the first problem found, or that it is too large'),
  at: z.string().describe('When it was last read (ISO time)'),
});
export type FleetInvalidRow = z.infer<typeof fleetInvalidRowSchema>;

/** The invalid rows this daemon skipped (a count per table, and the latest few). */
export const fleetRowHealthSchema = z.object({
  skipped: z
    .number()
    .int()
    .describe('Invalid rows skipped since the daemon started (each row once, however often read)'),
  byTable: z.record(z.string(), z.number().int()),
  recent: z
    .array(fleetInvalidRowSchema)
    .describe('The latest invalid rows, one per table and key, newest first'),
});
export type FleetRowHealth = z.infer<typeof fleetRowHealthSchema>;

export const fleetStatusSchema = z.object({
  machine: machineNameSchema.describe('This machine’s name in the fleet'),
  database: z.string().describe('The fleet database, without its password'),
  connected: z.boolean(),
  since: isoTimeSchema.describe('Since when it is connected (or not)'),
  error: z
    .object({ code: z.string(), message: z.string() })
    .nullable()
    .describe('Why it is not connected, when it is not'),
  backlog: z.number().int().describe('Events of this machine not yet published to the fleet (its outbox)'),
  publishedSeq: z.number().int().describe('The last local event the fleet has'),
  role: z.string().nullable().describe('The database role this daemon writes as'),
  ownership: z
    .enum(['per-machine', 'shared-role', 'unknown'])
    .describe(
      'per-machine: the database lets this role write only its own machine’s rows; shared-role: the role owns other machines too, so the database cannot tell them apart',
    ),
  machines: z.array(fleetMachineSchema),
  rows: fleetRowHealthSchema.describe(
    'Rows of the fleet database that failed validation and were skipped (FLEET_ROW_INVALID): written by another machine’s role, forged or from a version that writes them otherwise',
  ),
  identity: z
    .object({
      databaseId: z
        .string()
        .nullable()
        .describe('The database’s identity (made with its schema); null until joined'),
      replaced: z
        .object({
          previous: z.string(),
          current: z.string(),
          at: isoTimeSchema,
          released: z
            .number()
            .int()
            .describe('Fleet tasks of this machine let go because their rows were gone'),
        })
        .nullable()
        .describe(
          'FLEET_DATABASE_REPLACED: the database is not the one this machine joined before (dropped and made again, restored, or another one); null: the same',
        ),
    })
    .describe('Which database this is, and whether it changed under this machine'),
  tasks: z
    .object({
      error: z
        .object({ code: z.string(), message: z.string(), since: isoTimeSchema })
        .nullable()
        .describe('Why this machine cannot read or claim the fleet’s tasks now (null: it can)'),
      refused: z
        .number()
        .int()
        .describe('Tasks of its repositories this machine refuses (fleet.acceptTasks)'),
    })
    .describe('This machine’s share of the fleet’s task graph'),
});
export type FleetStatus = z.infer<typeof fleetStatusSchema>;

export const fleetResponseSchema = z.object({ fleet: fleetStatusSchema.nullable() });

/**
 * What the fleet view tells its listeners: another machine's event (its agents already updated),
 * the machines changed (reachable, version, capacity, agents), or everything was read again.
 */
export type FleetChange =
  | { kind: 'event'; machine: string; event: WtpEvent }
  | { kind: 'machines' }
  | { kind: 'tasks' }
  | { kind: 'reloaded' };

/**
 * The API routes another machine of the fleet may call on this machine's agents (a command in the
 * fleet database, carried out by this daemon's own API with its own checks). Nothing else: no
 * agent is created, removed or attached from afar.
 */
/**
 * Who sent an action from another machine of the fleet: its name and the database role that wrote
 * the command (row-level security lets a role send only as the machines it owns).
 */
export const fleetOriginSchema = z.object({
  machine: z.string().describe('The machine that sent the action'),
  role: z.string().describe('The PostgreSQL role that wrote its command (the owner of that machine)'),
});
export type FleetOrigin = z.infer<typeof fleetOriginSchema>;

export const FLEET_ROUTES = [
  'stopAgent',
  'restartAgent',
  'sendInput',
  'answerAgent',
  'agentMerge',
  'agentFeedback',
  'agentWhy',
  'getScreen',
  'agentDiff',
] as const;
export type FleetRoute = (typeof FLEET_ROUTES)[number];

export function isFleetRoute(route: string): route is FleetRoute {
  return (FLEET_ROUTES as readonly string[]).includes(route);
}

/**
 * The fleet database's URL as it may be shown: its password (in the user part, or a `password=`
 * or other secret parameter) replaced by `***` — src/protocol/url-credentials.ts.
 */
export function redactUrl(url: string): string {
  return withoutCredentials(url, 'mask');
}
