import { z } from 'zod';
import {
  agentSchema,
  agentStateSchema,
  exitInfoSchema,
  stateDetailSchema,
  stateReasonSchema,
} from './agent.js';
import { isoTimeSchema } from './common.js';
import { answerEventSchema } from './answers.js';
import { fleetOriginSchema } from './fleet.js';
import { pendingRequestSchema } from './signals.js';
import { agentPermissionSchema, permissionModeSchema } from './permission-mode.js';
import { FLEET_REFUSAL_CODES } from './fleet-refusal.js';
import { workEventPayloads } from './work-events.js';
import { storageComponentSchema } from './storage.js';
import { workspaceSchema } from './workspace.js';
import { sandboxDenialSchema } from './sandbox.js';

/**
 * Who caused an event: a CLI command, another API client, the daemon, a host (its process, its
 * screen, status records), a policy, the user, the agent itself (its hooks), or another machine of
 * the fleet (an action sent through the fleet database, carried out here).
 */
export const EVENT_SOURCES = ['cli', 'api', 'daemon', 'host', 'policy', 'user', 'agent', 'fleet'] as const;
export const eventSourceSchema = z.enum(EVENT_SOURCES);
export type EventSource = z.infer<typeof eventSourceSchema>;

const payloads = {
  'agent.created': z
    // `pullRequest`, `permission` and `sandbox` are absent from events recorded before they existed.
    .object({ agent: agentSchema.partial({ pullRequest: true, permission: true, sandbox: true }) })
    .describe(
      'An agent was registered (`wtp new`, `POST /agents`, a workspace template, a task run), with its `agent.stateChanged` to `starting` in the same transaction.',
    ),
  'agent.stateChanged': z
    .object({
      from: agentStateSchema.nullable().describe('The state before; null for a new agent'),
      to: agentStateSchema.describe('The new state'),
      detail: stateDetailSchema.describe(
        'Why: the reason, and for activity states the signal and its evidence',
      ),
      pid: z.number().int().nullable().describe("The agent's process id, while it has one"),
      since: z
        .string()
        .datetime()
        .optional()
        .describe(
          "When the new state began: the agent's `stateSince`, which an answer's `expect.since` names (absent from events recorded before it existed)",
        ),
    })
    .describe(
      "An agent's state or its reason changed (lifecycle: spawned, exited, restarting…; activity: working, needs_permission…), or a waiting agent shows another dialog (`detail.request` names another target). Nothing is written when neither changed.",
    ),
  'agent.requestChanged': z
    .object({ request: pendingRequestSchema.describe('What the agent asks now (its `stateDetail.request`)') })
    .describe(
      'What a waiting agent asks became more complete without a state change: another source of the same dialog added to it (a hook with the edit’s diff after the status record that named the file).',
    ),
  'agent.permissionModeChanged': z
    .object({
      from: permissionModeSchema.nullable().describe('The mode before; null when it was not known'),
      permission: agentPermissionSchema.describe('The mode now, what made it so and what said it'),
    })
    .describe(
      "An agent's effective permission mode changed: its CLI reported another mode (a hook payload, the mode line on its screen: shift+tab, a command) or a new process started in another one. A source confirming the same mode writes nothing.",
    ),
  'agent.sandboxDenied': sandboxDenialSchema.describe(
    "An agent's sandbox refused a connection to a host not in its policy (its proxy) or a request to the daemon beyond its own hook route (its filter); repeats of the same target within 10 s are counted into one event. Refused file accesses are not reported on Linux (docs/sandbox.md).",
  ),
  'agent.exited': z
    .object({
      pid: z.number().int().nullable().describe('The process that ended'),
      exit: exitInfoSchema,
      ranMs: z.number().int().describe('How long it ran'),
    })
    .describe(
      "The agent's process ended, as its host reported it (source `host`), or its host was found gone (source `daemon`, exit unknown).",
    ),
  'agent.inputSent': z
    .object({
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
      from: fleetOriginSchema
        .optional()
        .describe('Sent from another machine of the fleet: which, and as which database role'),
    })
    .describe(
      'Text or keys were typed into the agent: `wtp send`, the API, a prompt, `wtp broadcast`, `wtp attach` or a dashboard terminal (one event per line or pause). The audit trail of injected input.',
    ),
  'agent.dialogKeysSent': z
    .object({
      keys: z.string().describe('The keys or text sent, cut to 2000 characters'),
      enter: z.boolean(),
      reason: stateReasonSchema.describe(
        'The dialog waited on: the reason of its state (permission, trust…)',
      ),
      tool: z.string().nullable().describe('The tool it asked for, when known'),
      about: z.string().nullable().describe('The command or path it asked about, when known'),
      unknownDialog: z.boolean().describe('The screen rules did not know the dialog (answered by hand)'),
      waitedMs: z.number().int().describe('How long the agent had waited'),
      from: fleetOriginSchema
        .optional()
        .describe('Sent from another machine of the fleet: which, and as which database role'),
    })
    .describe(
      "Keys were sent by hand to an agent's permission dialog (`wtp send --force` while it waited, or typed in a dashboard terminal or `wtp attach`): recorded as the user's answer to that dialog, not checked against the screen (the verified way is `wtp approve` / `deny`).",
    ),
  'agent.hookMissed': z
    .object({
      event: z.string().describe('The hook event that should have announced the dialog (PermissionRequest)'),
      announcedBy: z.string().describe('The source that announced it instead: status (OSC 7501) or screen'),
      waitedMs: z.number().int().describe('How long the daemon waited for the hook'),
    })
    .describe(
      'The agent CLI showed a permission dialog (its status record or screen said so) but the hook that announces each dialog never arrived: its hook call failed on the CLI’s side (a refused or reset connection), where the daemon cannot see the error. Shown by `wtp why`.',
    ),
  'agent.crashLoopDetected': z
    .object({ restarts: z.number().int(), windowMs: z.number().int() })
    .describe(
      'The restart policy gave up: `restart.crashLoopCount` automatic restarts within `restart.crashLoopWindowMs`; the agent is `crashed`.',
    ),
  'agent.removed': z
    .object({ name: z.string() })
    .describe(
      "An agent was removed (`wtp rm`, `DELETE /agents/:agent`, a removed workspace, a picked task's losing attempts).",
    ),
  ...workEventPayloads,
  'agent.hostConnected': z
    .object({ hostPid: z.number().int(), reattached: z.boolean() })
    .describe(
      "The agent's host connected: after its launch, or again after a daemon restart (`reattached`).",
    ),
  'agent.hostDisconnected': z
    .object({ hostPid: z.number().int().nullable(), hostAlive: z.boolean() })
    .describe(
      "The agent's host link closed; written once the daemon has settled whether the host process is still alive.",
    ),
  'agent.approved': answerEventSchema
    .extend({
      always: z.boolean().describe('Approved with "always" (the dialog stops asking)'),
      scope: z
        .string()
        .nullable()
        .describe('always: what the approval holds for: the option’s own text as the dialog drew it'),
      modeChange: z
        .boolean()
        .optional()
        .describe('always: the option changed the session’s permission mode (the user accepted that)'),
    })
    .describe(
      "The agent's permission dialog was approved (`wtp approve`, the dashboard, the plugin, or a policy rule), after the dialog on its screen was checked to be the one announced.",
    ),
  'agent.denied': answerEventSchema
    .extend({ message: z.string().nullable().describe('The reason, sent to the agent as its next prompt') })
    .describe(
      "The agent's permission dialog was denied (`wtp deny`, the dashboard, the plugin, or a policy rule).",
    ),
  'agent.answered': answerEventSchema
    .extend({
      text: z.string().describe('The answer: the option chosen, or the text typed'),
      option: z
        .number()
        .int()
        .nullable()
        .describe('The option number pressed, when the question offered options'),
    })
    .describe("The agent's question was answered (`wtp answer`, the dashboard, the plugin)."),
  'agent.attached': z
    .object({ client: z.string() })
    .describe('A terminal client attached to the agent (`wtp attach`, a dashboard terminal).'),
  'agent.detached': z.object({ client: z.string() }).describe('That client detached.'),
  'workspace.created': z
    .object({ workspace: workspaceSchema })
    .describe(
      'A workspace was created (`wtp workspace new`, or at first start for `default`, or for an adopted orphan).',
    ),
  'workspace.folderSet': z
    .object({ workspace: workspaceSchema, agent: z.string().describe('The agent whose repository it took') })
    .describe(
      'A workspace with no folder (`default` at first) took the repository of its first agent with a worktree (`wtp new --repo`), so that `wtp task add` there finds it.',
    ),
  'workspace.removed': z
    .object({ name: z.string() })
    .describe('A workspace was removed, or rolled back after a pane failed.'),
  'host.orphaned': z
    .object({
      hostPid: z.number().int(),
      childPid: z.number().int().nullable(),
      name: z.string().nullable().describe('The agent name the host reports, if any'),
      workspace: z.string().nullable(),
    })
    .describe(
      'A host connected whose agent this daemon does not know (its database was lost or the agent removed while the host was away); it is kept running.',
    ),
  'host.orphanStopped': z
    .object({ hostPid: z.number().int() })
    .describe('An orphan host was stopped (`wtp orphans stop`).'),
  'host.adopted': z
    .object({ hostPid: z.number().int(), name: z.string() })
    .describe(
      'An orphan host was registered again as an agent under its old id (`wtp orphans adopt`); no `agent.created` is written.',
    ),
  'daemon.started': z
    .object({
      pid: z.number().int(),
      version: z.string(),
      fresh: z
        .object({ agentDirs: z.number().int(), liveHosts: z.number().int() })
        .optional()
        .describe('`wtp up --fresh` started an empty database beside what the state directory held'),
    })
    .describe('The daemon started and is serving.'),
  'daemon.stopped': z
    .object({ pid: z.number().int(), stopAgents: z.boolean() })
    .describe(
      'The daemon shut down (`wtp down` or a termination signal), after its API and host socket closed.',
    ),
  'daemon.storageDegraded': z
    .object({
      component: storageComponentSchema,
      path: z.string(),
      code: z.string().describe('ENOSPC, EIO, SQLITE_FULL, …'),
      message: z.string(),
    })
    .describe(
      'A write path (the database, the daemon log, an output log, a state file) started failing (disk full, I/O error); once per path until it recovers.',
    ),
  'daemon.storageRecovered': z
    .object({
      component: storageComponentSchema,
      path: z.string(),
      failedWrites: z.number().int(),
      droppedBytes: z.number().int().describe('Bytes not written meanwhile (log lines, output)'),
      downMs: z.number().int().describe('How long writes failed'),
    })
    .describe('That path works again.'),
  'daemon.fleetLost': z
    .object({
      code: z.string().describe('FLEET_UNREACHABLE, FLEET_REFUSED, …'),
      message: z.string().describe('What failed (the database named without its password)'),
    })
    .describe(
      'The fleet database stopped answering this daemon: local work goes on, its events wait in the outbox; once until it is back.',
    ),
  'fleet.actionTaken': z
    .object({
      command: z.number().int().describe('The command’s id in the fleet database'),
      machine: z.string().describe('The machine that sent it'),
      role: z.string().describe('The PostgreSQL role that wrote it (the owner of that machine)'),
      route: z.string().describe('The API route it called here (e.g. answerAgent, sendInput)'),
      agent: z.string().nullable().describe('The agent it named'),
      status: z.number().int().describe('How this daemon’s API answered it (HTTP status)'),
      code: z.string().nullable().describe('The error code of a refusal'),
    })
    .describe(
      'Another machine of the fleet sent an action that this daemon carried out (or refused): who sent it, as which database role, and the outcome. The events it caused carry the same origin (`from`).',
    ),
  'mcp.toolCalled': z
    .object({
      tool: z.string().describe('The MCP tool (start_agent, send_prompt, merge, …)'),
      agent: z
        .string()
        .nullable()
        .describe('The agent it named (its id when it was found, else the name given); null for none'),
      ok: z.boolean().describe('Whether it was carried out'),
      code: z.string().nullable().describe('The error code of a refusal or failure (MCP_OUT_OF_SCOPE, …)'),
      ms: z.number().int().describe('How long it took'),
    })
    .describe(
      "An MCP tool was called (docs/mcp.md): by an agent (source `agent`, `agentId` the caller: a lead driving its team) or by a user's MCP client (source `api`), with the agent it named and the outcome. The events the call caused carry the same source.",
    ),
  'daemon.fleetRestored': z
    .object({
      backlog: z.number().int().describe('Events of this machine that waited and are published now'),
    })
    .describe('The fleet database answers again: this machine joined again and publishes what waited.'),
  'daemon.fleetReplaced': z
    .object({
      database: z.string().describe('The fleet database, without its password'),
      previous: z.string().describe('The identity of the database this machine joined before'),
      current: z.string().describe('The identity of the one it joined now'),
    })
    .describe(
      'FLEET_DATABASE_REPLACED: the fleet database is not the one this machine joined before — dropped and made again, restored, or another one. Its fleet tasks whose rows are gone are let go here (kept, listed as gone) and their slots freed.',
    ),
  'fleet.taskRefused': z
    .object({
      task: z.string().describe('The fleet task'),
      title: z.string(),
      createdBy: z.string().describe('The machine that added it'),
      code: z
        .enum(FLEET_REFUSAL_CODES)
        .describe(
          'Which of its fleet.acceptTasks refused it; invalid: the task’s row failed validation here',
        ),
      reason: z.string().describe('Why, in words (the config key that decides it)'),
    })
    .describe(
      'This machine will not run a task of the fleet (its fleet.acceptTasks — a shell or command, a bypass permission mode, …): it is not claimed here (or was let go at once); the refusal is in the fleet for every machine to see. Once per task and reason.',
    ),
} as const;

export type EventType = keyof typeof payloads;
export const EVENT_TYPES = Object.keys(payloads) as [EventType, ...EventType[]];
export type EventPayload<T extends EventType> = z.infer<(typeof payloads)[T]>;

const eventBase = {
  seq: z.number().int().describe('Position in the append-only event log; strictly increasing'),
  ts: isoTimeSchema,
  source: eventSourceSchema.describe('Who caused it'),
  agentId: z.string().nullable().describe('The agent it concerns, if any'),
  workspaceId: z.string().nullable().describe('The workspace it concerns, if any'),
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
  fleet: z
    .enum(['true', 'false'])
    .optional()
    .describe(
      'In a fleet, also what changes on the other machines (`fleet` messages: their events, their machines); live only, not replayed',
    ),
});

export const eventPageSchema = z.object({
  events: z.array(eventSchema),
  latestSeq: z.number().int(),
});
