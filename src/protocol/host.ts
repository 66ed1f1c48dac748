import { z } from 'zod';
import { exitInfoSchema, screenSchema } from './agent.js';
import { signalSchema } from './signals.js';
import { sandboxDenialSchema, sandboxSpawnSchema } from './sandbox.js';

const pidInfo = z.object({ pid: z.number().int(), startedAt: z.number().describe('epoch ms') });

/** Who the agent is, as the daemon told its host at the last spawn: enough to register it again. */
export const agentOriginSchema = z.object({
  name: z.string(),
  workspace: z.string(),
  profile: z.string(),
});
export type AgentOrigin = z.infer<typeof agentOriginSchema>;

/** The host's copy of what it last spawned, reported in its hello (never the environment). */
const spawnedInfo = agentOriginSchema.extend({
  command: z.string(),
  args: z.array(z.string()),
  cwd: z.string(),
});
export type SpawnedInfo = z.infer<typeof spawnedInfo>;

const exitReport = z.object({
  pid: z.number().int(),
  exit: exitInfoSchema,
  at: z.number().describe('epoch ms'),
});
export type ExitReport = z.infer<typeof exitReport>;

/** Host → daemon JSON messages. */
export const hostMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    protocol: z.number().int(),
    agentId: z.string(),
    hostPid: z.number().int(),
    hostVersion: z.string(),
    child: pidInfo.nullable().describe('The agent process, if one is alive'),
    pendingExit: exitReport.nullable().describe('An exit the daemon has not been told about yet'),
    outputSeq: z.number().int().describe('Total output bytes produced so far'),
    bufferedFrom: z.number().int().describe('Oldest byte offset still held in memory for resending'),
    cols: z.number().int(),
    rows: z.number().int(),
    pane: z
      .string()
      .nullable()
      .optional()
      .describe('The pane the host runs in ($WEZTERM_PANE, $TMUX_PANE), null when headless'),
    spawned: spawnedInfo
      .nullable()
      .optional()
      .describe(
        'What the host last spawned and for whom: a daemon that does not know the agent can register it again',
      ),
  }),
  z.object({ type: z.literal('spawned'), pid: z.number().int(), startedAt: z.number() }),
  z.object({
    type: z.literal('closing'),
    reason: z
      .enum(['pane_closed', 'mux_gone'])
      .describe(
        'pane_closed: the user closed the pane (a stop); mux_gone: the pane went with its whole multiplexer (the tmux server was killed or crashed): not a stop, the restart policy applies. Either way the agent is being stopped',
      ),
  }),
  z.object({
    type: z.literal('resized'),
    cols: z.number().int().min(1),
    rows: z.number().int().min(1),
  }),
  z.object({ type: z.literal('spawnFailed'), message: z.string() }),
  z.object({
    type: z.literal('signal'),
    signal: signalSchema.describe('What the status protocol or the screen says the agent is doing'),
  }),
  z.object({ type: z.literal('exited'), report: exitReport }),
  z
    .object({
      type: z.literal('permissionMode'),
      native: z
        .string()
        .max(100)
        .describe("The mode as the agent CLI's mode line names it (auto, acceptEdits…)"),
      evidence: z.string().max(500).describe('The screen row that says it'),
      at: z.number().describe('epoch ms'),
    })
    .describe(
      "The mode line on the agent's screen names another permission mode than it last did; sent only to a daemon whose welcome lists the `permissionMode` feature",
    ),
  z
    .object({
      type: z.literal('outputLog'),
      ok: z.boolean().describe('false while writes to the output log fail'),
      path: z.string().describe('The folder of the output log'),
      code: z.string().nullable().describe('The last write error (ENOSPC, EIO, …); null when ok'),
      message: z.string().nullable(),
      failedWrites: z.number().int().describe('Writes that failed since the host started'),
      droppedBytes: z
        .number()
        .int()
        .describe('Output bytes the host could not write since it started (gaps in the log)'),
      parseErrors: z
        .number()
        .int()
        .min(0)
        .optional()
        .describe(
          "Escape sequences of the agent's output the host's terminal emulator could not parse since the host started",
        ),
    })
    .describe(
      'The output log cannot be written (or can again), or the terminal emulator met sequences it cannot parse (at most every 5 s); sent only to a daemon whose welcome lists the `outputLog` feature',
    ),
  sandboxDenialSchema
    .extend({ type: z.literal('sandboxDenied'), at: z.number().describe('epoch ms') })
    .describe(
      "The agent's sandbox refused a connection (its proxy) or a request to the daemon (its filter); repeats of a target are counted and sent at most every 10 s. Sent only to a daemon whose welcome lists the `sandboxDenied` feature",
    ),
  z.object({
    type: z.literal('reply'),
    id: z.number().int(),
    ok: z.boolean(),
    result: z.unknown().optional(),
    error: z.string().optional(),
  }),
]);
export type HostMessage = z.infer<typeof hostMessageSchema>;
export type HostHello = Extract<HostMessage, { type: 'hello' }>;

export const spawnSpecSchema = z.object({
  command: z.string(),
  args: z.array(z.string()),
  cwd: z.string(),
  env: z.record(z.string(), z.string()).describe('The complete environment of the agent'),
  cols: z.number().int(),
  rows: z.number().int(),
  nice: z
    .number()
    .int()
    .min(0)
    .max(19)
    .optional()
    .describe("The agent process's nice value (config agents.nice); absent: the host's own"),
  sandbox: sandboxSpawnSchema
    .optional()
    .describe('Run the agent in this sandbox (`wtp new --sandbox`, docs/sandbox.md); absent: unsandboxed'),
  watch: z
    .object({
      detector: z.string().nullable().describe('Screen detector table to run (claude, codex, …), or null'),
      version: z.string().nullable().describe('Version of the agent CLI, to pick the detector rules'),
      statusProtocol: z.boolean().describe('Answer the OSC 7501 query and report status records'),
      stream: z
        .enum(['claude-stream-json'])
        .nullable()
        .optional()
        .describe('Structured output stream to read signals from (claude -p --output-format stream-json)'),
    })
    .optional()
    .describe('What the host watches for state signals; absent for shell and cmd'),
  origin: agentOriginSchema
    .optional()
    .describe('The agent this is, kept by the host for its hello (so a daemon that lost it can adopt it)'),
});
export type SpawnSpec = z.infer<typeof spawnSpecSchema>;

/** Daemon → host JSON messages (the host trusts these: same user, 0600 socket). */
export type DaemonMessage =
  | {
      type: 'welcome';
      resumeFrom: number;
      daemonVersion: string;
      /** Optional host messages this daemon understands (older daemons drop a host that sends others). */
      features?: HostFeature[];
    }
  | ({ type: 'spawn' } & SpawnSpec)
  | { type: 'resize'; cols: number; rows: number }
  /** Text with paste semantics: bracketed if the app enabled it, else newlines become CR. */
  | { type: 'paste'; text: string }
  /** Text written to the agent as keystrokes, without paste semantics (Esc, arrows, …). */
  | { type: 'keys'; text: string }
  | { type: 'signal'; signal: 'SIGTERM' | 'SIGKILL' | 'SIGINT' | 'SIGHUP'; graceMs: number }
  | { type: 'shutdown' }
  /** Stops (SIGSTOP) or continues (SIGCONT) every process of the agent's session: the quota governor. */
  | { type: 'pause'; paused: boolean }
  /** The agent's state, for the pane's user vars (WezTerm tab bar). */
  | { type: 'state'; state: string; agent: string; workspace: string }
  /** A notification shown in the pane: WezTerm toast (user var `wtp_notify`) and/or the bell. */
  | { type: 'notify'; title: string; message: string; toast: boolean; bell: boolean }
  | { type: 'ack'; seq: number }
  | { type: 'request'; id: number; method: HostRequestMethod };

export type HostRequestMethod = 'screen' | 'snapshot';

/**
 * `outputLog`: the host reports output-log write failures and recoveries; `permissionMode`: the
 * permission mode its agent's screen shows; `sandboxDenied`: what its agent's sandbox refused.
 */
export type HostFeature = 'outputLog' | 'permissionMode' | 'sandboxDenied';

/** Result of the `screen` request. */
export const hostScreenResultSchema = screenSchema;
/** Result of the `snapshot` request: escape sequences repainting the screen, for attach. */
export const hostSnapshotResultSchema = z.object({
  data: z.string(),
  cols: z.number().int(),
  rows: z.number().int(),
  seq: z.number().int().describe('Output offset the snapshot reflects'),
});
export type HostSnapshot = z.infer<typeof hostSnapshotResultSchema>;
