import { z } from 'zod';
import { agentSchema } from './agent.js';
import { machineUsageSchema } from './usage.js';
import { eventSchema } from './events.js';
import { storedAgentView, storedEvent } from './stored-state-detail.js';
import { FLEET_ROUTES, machineNameSchema } from './fleet.js';
export { FLEET_TABLES, type FleetInvalidRow, type FleetTable } from './fleet.js';
import { FLEET_REFUSAL_CODES, type FleetRefusalCode } from './fleet-refusal.js';
import {
  attemptsSchema,
  labelsSchema,
  prioritySchema,
  retriesSchema,
  taskModelSchema,
  taskPermissionModeSchema,
  taskProfileSchema,
  taskStatusSchema,
  titleSchema,
  promptSchema,
} from './tasks.js';

/**
 * The rows of the fleet database as a daemon reads them. Any machine's role writes
 * them, so they are input like any request: every row is validated against these schemas, and an
 * invalid one — forged, cut short, oversized, carrying terminal escapes, or from a version that
 * says things otherwise — is skipped, counted and reported (`wtp fleet`, `wtp doctor`), never shown
 * or acted on as it is.
 */

/** The largest JSON document one row may carry (an agent's view, an event, a task's spec). */
export const MAX_FLEET_DOCUMENT_BYTES = 256 * 1024;

/** C0 controls but tab and newline, DEL and C1 (ESC, CSI…): what a terminal would act on. */
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
/** The same in one line of text: newlines too. */
const LINE_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const NO_CONTROL = 'must not contain control characters (a terminal escape, a newline)';

/** One line of text (a name, a version, a title): no control character, at most `max` long. */
export const fleetLine = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !LINE_CONTROL.test(s), NO_CONTROL);

/** Text of several lines (a prompt, a reason): no control character but tab and newline. */
export const fleetText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !TERMINAL_CONTROL.test(s), 'must not contain terminal control characters (ESC, C1)');

/**
 * Every string, and every key, of a JSON value that holds ESC, a C1 control or NUL (an agent's
 * view, an event): what a terminal or a log would act on. Iterative, for deep values.
 */
export function escapedPaths(value: unknown): (string | number)[][] {
  const bad = /[\u0000\u001b\u0080-\u009f]/;
  const found: (string | number)[][] = [];
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: value, path: [] }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { v, path } = next;
    if (typeof v === 'string') {
      if (bad.test(v)) found.push(path);
    } else if (Array.isArray(v)) {
      v.forEach((item: unknown, i) => stack.push({ v: item, path: [...path, i] }));
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, item] of Object.entries(v)) {
        if (bad.test(k)) found.push([...path, k]);
        stack.push({ v: item, path: [...path, k] });
      }
    }
  }
  return found;
}

/** A schema that also refuses terminal escapes anywhere in the value. */
function unescaped<T extends z.ZodType>(schema: T): T {
  return schema.superRefine((value, ctx) => {
    for (const path of escapedPaths(value)) {
      ctx.addIssue({ code: 'custom', path, message: 'must not contain ESC, C1 or NUL characters' });
    }
  });
}

const epochMs = z.number().finite();
const sshDestination = z
  .string()
  .max(255)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.@:[\]-]*$/, 'an ssh destination such as me@build-box');

/** A row of `wtp.machines` (with its agents counted and the database's clock). */
export const fleetMachineRowSchema = z.object({
  name: machineNameSchema,
  logId: fleetLine(200),
  version: fleetLine(64),
  startedAt: epochMs,
  heartbeatAt: epochMs,
  readAt: epochMs,
  ssh: sshDestination.nullable(),
  capacity: z.number().int().min(0).max(100_000),
  repos: z.array(fleetLine(2048)).max(1000),
  agents: z.number().int().min(0),
  /** What it spent, as it published it; null before it published any. */
  usage: machineUsageSchema.nullable(),
});

/**
 * A row of `wtp.agents`: an agent of another machine, as that machine published it. A state reason
 * of another version reads as `unknown` (stored-state-detail.ts): the agent is shown, not skipped.
 */
export const fleetAgentRowSchema = z.object({
  machine: machineNameSchema,
  view: z.preprocess(storedAgentView, unescaped(agentSchema)),
});

/** A row of `wtp.events`: an event of another machine (its own seq), its state reasons read so too. */
export const fleetEventRowSchema = z.object({
  machine: machineNameSchema,
  event: z.preprocess(storedEvent, unescaped(eventSchema)),
});

/** A fleet task's id, as `wtp task` makes them (`tk-…`) or a plan names them. */
export const fleetTaskIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, underscore and dash');

/** What a fleet task says about how it runs. */
export const fleetTaskSpecSchema = z.object({
  prompt: promptSchema.and(fleetText(100_000)),
  profile: taskProfileSchema.nullable(),
  model: taskModelSchema.nullable(),
  permissionMode: taskPermissionModeSchema.nullable(),
  attempts: attemptsSchema,
  retries: retriesSchema.nullable(),
  labels: z.array(fleetLine(50)).pipe(labelsSchema),
  workspace: fleetLine(100),
});

export const FLEET_RUN_STATUSES = [
  'running',
  'review',
  'done',
  'failed',
  'cancelled',
  'lost',
  'refused',
] as const;

/** One claim of a fleet task by one machine. */
export const fleetRunSchema = z.object({
  runId: fleetLine(100),
  machine: machineNameSchema,
  startedAt: epochMs,
  endedAt: epochMs.nullable(),
  status: z.enum(FLEET_RUN_STATUSES),
  reason: fleetText(2000).nullable(),
});

export { FLEET_REFUSAL_CODES, type FleetRefusalCode };

/** A machine's refusal of a task, as the fleet has it. */
export const fleetRefusalSchema = z.object({
  machine: machineNameSchema,
  code: z.enum(FLEET_REFUSAL_CODES),
  reason: fleetText(1000),
  at: epochMs,
});

/** A row of `wtp.tasks`, with the refusals of it. */
export const fleetTaskRowSchema = z.object({
  id: fleetTaskIdSchema,
  repo: fleetLine(2048),
  title: titleSchema.and(fleetLine(200)),
  spec: fleetTaskSpecSchema,
  deps: z.array(fleetTaskIdSchema).max(100),
  priority: prioritySchema,
  status: taskStatusSchema,
  statusReason: fleetText(2000).nullable(),
  createdBy: machineNameSchema,
  createdAt: epochMs,
  updatedAt: epochMs,
  leaseMachine: machineNameSchema.nullable(),
  leaseUntil: epochMs.nullable(),
  runId: fleetLine(100).nullable(),
  // Checked entry by entry by the reader (PgTasks.rows): one machine's bad run or refusal drops
  // that entry, not the task (a machine may write its own runs and refusals of anyone's task).
  runs: z.array(z.unknown()).max(1000),
  refusals: z.array(z.unknown()).max(1000),
});

/** An API call another machine sent in `wtp.commands`: one of the routes it may call, and its input. */
export const fleetCallSchema = z.object({
  route: z.enum(FLEET_ROUTES),
  params: z.record(z.string().max(64), fleetLine(200)),
  query: z.record(z.string().max(64), fleetLine(1000)),
  body: z.unknown(),
});

/** What the target of a command answered. */
export const fleetCallResultSchema = z.object({
  status: z.number().int().min(100).max(599),
  body: z.unknown(),
});
