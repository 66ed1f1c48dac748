import { z } from 'zod';
import { agentStateSchema, backendSchema } from './agent.js';
import { isoTimeSchema } from './common.js';
import { storageStatusSchema } from './storage.js';
import { fleetStatusSchema } from './fleet.js';

export const healthSchema = z.object({ ok: z.literal(true), pid: z.number().int(), version: z.string() });

const delayMs = z.number().nonnegative();
export const loopDelaySchema = z.object({
  sinceMs: z
    .number()
    .int()
    .describe(
      'Since the last read, in ms; 0 on the first read (or a minute after the last), which starts sampling',
    ),
  resolutionMs: z.number().int().describe('The timer whose lateness is sampled fires this often'),
  samples: z.number().int(),
  minMs: delayMs,
  p50Ms: delayMs,
  p90Ms: delayMs,
  p99Ms: delayMs,
  maxMs: delayMs,
});
export type LoopDelay = z.infer<typeof loopDelaySchema>;

export const daemonStatusSchema = z.object({
  pid: z.number().int(),
  version: z.string(),
  startedAt: isoTimeSchema,
  uptimeMs: z.number().int(),
  backend: backendSchema,
  backendReason: z.string().describe('Why this backend was chosen'),
  processInspector: z
    .object({
      kind: z.enum(['procfs', 'portable']).describe('procfs: Linux /proc; portable: `ps` (Linux and macOS)'),
      reason: z.string().describe('Forced by WTP_PROCESS_INSPECTOR, or the automatic choice and why'),
    })
    .optional()
    .describe(
      'Where process facts (start times, CPU and memory, session members) come from (absent from daemons before 0.1.1)',
    ),
  backends: z
    .record(backendSchema, z.object({ available: z.boolean(), reason: z.string() }))
    .describe('Every backend: whether it can be used here, and why (not)'),
  api: z.object({
    socket: z.string().describe('Unix socket path (mode 0600)'),
    tcp: z.string().nullable().describe('http://127.0.0.1:<port>, bearer token required'),
    tokenFile: z.string(),
  }),
  dashboardUrl: z
    .string()
    .nullable()
    .describe('The web dashboard (sign in with the one-time link of `wtp dashboard`); null without TCP'),
  paths: z.object({
    configDir: z.string(),
    stateDir: z.string(),
    database: z.string(),
    logFile: z.string(),
  }),
  agents: z.object({
    total: z.number().int(),
    byState: z.record(agentStateSchema, z.number().int()),
    hostsConnected: z.number().int(),
  }),
  orphans: z
    .number()
    .int()
    .describe('Hosts whose agent the daemon does not know, kept running (`wtp orphans`)'),
  storage: storageStatusSchema,
  fleet: fleetStatusSchema
    .nullable()
    .default(null)
    .describe(
      'This daemon in a fleet (store.fleet): connected or not, its outbox, the machines; null without one',
    ),
});
export type DaemonStatus = z.infer<typeof daemonStatusSchema>;

export const shutdownRequestSchema = z.strictObject({
  stopAgents: z.boolean().default(false).describe('Stop every agent first (default: leave them running)'),
});
export const shutdownResponseSchema = z.object({ pid: z.number().int(), stoppedAgents: z.number().int() });
