import { z } from 'zod';
import { agentSchema, agentStateSchema, exitInfoSchema, stateDetailSchema } from './agent.js';
import { isoTimeSchema } from './common.js';
import { RUN_STATUSES, taskSchema, taskStatusSchema } from './tasks.js';
import { errorBodySchema } from './errors.js';
import { storageComponentSchema } from './storage.js';
import { workspaceSchema } from './workspace.js';

/**
 * Who caused an event: a CLI command, another API client, the daemon, a host (its process, its
 * screen, status records), a policy, the user, or the agent itself (its hooks).
 */
export const EVENT_SOURCES = ['cli', 'api', 'daemon', 'host', 'policy', 'user', 'agent'] as const;
export const eventSourceSchema = z.enum(EVENT_SOURCES);
export type EventSource = z.infer<typeof eventSourceSchema>;

const payloads = {
  'agent.created': z.object({ agent: agentSchema }),
  'agent.stateChanged': z.object({
    from: agentStateSchema.nullable(),
    to: agentStateSchema,
    detail: stateDetailSchema,
    pid: z.number().int().nullable(),
  }),
  'agent.exited': z.object({
    pid: z.number().int().nullable(),
    exit: exitInfoSchema,
    ranMs: z.number().int(),
  }),
  'agent.inputSent': z.object({
    text: z.string().describe('The injected text, cut to 2000 characters'),
    bytes: z.number().int(),
    enter: z.boolean(),
    truncated: z.boolean(),
    stateAtSend: agentStateSchema.optional().describe('The agent state when the input was typed'),
    forced: z.boolean().optional().describe('Typed into a working agent with --force'),
    raw: z.boolean().optional().describe('Sent as keystrokes, not as a paste'),
    via: z
      .string()
      .optional()
      .describe('Typed in a live terminal: which one (e.g. dashboard); absent for `wtp send` and the API'),
  }),
  'agent.crashLoopDetected': z.object({ restarts: z.number().int(), windowMs: z.number().int() }),
  'agent.removed': z.object({ name: z.string() }),
  // `blocked` is what held the task when it was made (absent from events recorded before it existed).
  'task.created': z.object({ task: taskSchema.partial({ blocked: true }) }),
  'task.statusChanged': z.object({
    task: z
      .string()
      .optional()
      .describe('The task id (absent from events recorded before version 0.1 named it)'),
    from: taskStatusSchema,
    to: taskStatusSchema,
    reason: z.string(),
  }),
  'task.attemptStarted': z.object({
    task: z.string(),
    attempt: z.number().int(),
    try: z.number().int(),
    profile: z.string(),
    model: z.string().nullable(),
    reused: z.boolean(),
  }),
  'task.attemptEnded': z.object({
    task: z.string(),
    attempt: z.number().int(),
    try: z.number().int(),
    status: z.enum(RUN_STATUSES),
    reason: z.string(),
  }),
  'quota.exhausted': z.object({
    vendor: z.string().describe('anthropic, openai, google, …'),
    resetsAt: z.string().nullable().describe('When the vendor says the limit resets, as it said it'),
    resumeAt: isoTimeSchema.nullable().describe('When dispatching resumes by itself; null: on `wtp resume`'),
    paused: z.array(z.string()).describe('Agents paused (SIGSTOP) until the resume'),
  }),
  'quota.resumed': z.object({
    vendor: z.string(),
    by: z.enum(['reset', 'user']),
    resumed: z.array(z.string()).describe('Paused agents continued (SIGCONT)'),
  }),
  'agent.committed': z.object({ commit: z.string(), message: z.string() }),
  'agent.diffChanged': z.object({
    files: z.number().int().describe('Files the agent changed against its base'),
    insertions: z.number().int(),
    deletions: z.number().int(),
  }),
  'agent.merged': z.object({
    strategy: z.enum(['merge', 'squash', 'rebase']),
    target: z.string(),
    commit: z.string(),
    test: z.string().nullable().describe('The test command that passed first, if any'),
  }),
  'conflict.predicted': z.object({
    a: z.string().describe('Agent name (or the base branch)'),
    b: z.string(),
    files: z.array(z.string()),
  }),
  'conflict.cleared': z.object({ a: z.string(), b: z.string() }),
  'agent.setupRan': z.object({
    commands: z.array(z.string()),
    ok: z.boolean(),
    ms: z.number().int(),
    output: z.string().nullable().describe('The end of the output when it failed'),
  }),
  'agent.hostConnected': z.object({ hostPid: z.number().int(), reattached: z.boolean() }),
  'agent.hostDisconnected': z.object({ hostPid: z.number().int().nullable(), hostAlive: z.boolean() }),
  'agent.attached': z.object({ client: z.string() }),
  'agent.detached': z.object({ client: z.string() }),
  'workspace.created': z.object({ workspace: workspaceSchema }),
  'workspace.removed': z.object({ name: z.string() }),
  'host.orphaned': z.object({
    hostPid: z.number().int(),
    childPid: z.number().int().nullable(),
    name: z.string().nullable().describe('The agent name the host reports, if any'),
    workspace: z.string().nullable(),
  }),
  'host.orphanStopped': z.object({ hostPid: z.number().int() }),
  'host.adopted': z.object({ hostPid: z.number().int(), name: z.string() }),
  'daemon.started': z.object({
    pid: z.number().int(),
    version: z.string(),
    fresh: z
      .object({ agentDirs: z.number().int(), liveHosts: z.number().int() })
      .optional()
      .describe('`wtp up --fresh` started an empty database beside what the state directory held'),
  }),
  'daemon.stopped': z.object({ pid: z.number().int(), stopAgents: z.boolean() }),
  'daemon.storageDegraded': z.object({
    component: storageComponentSchema,
    path: z.string(),
    code: z.string().describe('ENOSPC, EIO, SQLITE_FULL, …'),
    message: z.string(),
  }),
  'daemon.storageRecovered': z.object({
    component: storageComponentSchema,
    path: z.string(),
    failedWrites: z.number().int(),
    droppedBytes: z.number().int().describe('Bytes not written meanwhile (log lines, output)'),
    downMs: z.number().int().describe('How long writes failed'),
  }),
} as const;

export type EventType = keyof typeof payloads;
export const EVENT_TYPES = Object.keys(payloads) as [EventType, ...EventType[]];
export type EventPayload<T extends EventType> = z.infer<(typeof payloads)[T]>;

const eventBase = {
  seq: z.number().int().describe('Position in the append-only event log; strictly increasing'),
  ts: isoTimeSchema,
  source: eventSourceSchema,
  agentId: z.string().nullable(),
  workspaceId: z.string().nullable(),
};

function eventVariant<T extends EventType>(type: T) {
  return z.object({ ...eventBase, type: z.literal(type), data: payloads[type] });
}

/** Any stored event; `data` is validated against the schema of its `type`. */
export const eventSchema: z.ZodType<WtpEvent> = z.discriminatedUnion(
  'type',
  EVENT_TYPES.map((t) => eventVariant(t)) as unknown as [
    ReturnType<typeof eventVariant<EventType>>,
    ...ReturnType<typeof eventVariant<EventType>>[],
  ],
) as unknown as z.ZodType<WtpEvent>;

/** A stored event. `data` is typed by `type`. */
export type WtpEvent = { [T in EventType]: EventRecord<T> }[EventType];
export interface EventRecord<T extends EventType> {
  seq: number;
  ts: string;
  source: EventSource;
  agentId: string | null;
  workspaceId: string | null;
  type: T;
  data: EventPayload<T>;
}

/** An event before the log assigns its sequence number and time. */
export type NewEvent = { [T in EventType]: Omit<EventRecord<T>, 'seq' | 'ts'> }[EventType];

export const eventsQuerySchema = z.strictObject({
  since: z.coerce.number().int().min(0).default(0).describe('Replay events with seq greater than this'),
  types: z
    .string()
    .optional()
    .describe('Comma-separated event types to receive, e.g. agent.stateChanged,agent.exited'),
  agent: z.string().optional().describe('Only events of this agent id'),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});

/** Messages the server sends on `/api/v1/events`. */
export const eventsServerMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    latestSeq: z.number().int(),
    resumeFrom: z.number().int().describe('The `since` the replay started after'),
  }),
  z.object({ type: z.literal('event'), event: eventSchema }),
  z.object({ type: z.literal('error'), error: errorBodySchema }),
]);
export type EventsServerMessage = z.infer<typeof eventsServerMessageSchema>;

export const eventPageSchema = z.object({
  events: z.array(eventSchema),
  latestSeq: z.number().int(),
});
