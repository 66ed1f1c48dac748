import { z } from 'zod';
import { approvalsSchema } from '../protocol/approval-schema.js';
import { AGENT_STATES, BACKEND_CHOICES, PROFILE_NAMES } from '../protocol/constants.js';
import { acceptTasksSchema } from './accept-tasks-schema.js';
import { agentsConfigSchema, ms } from './agents-schema.js';
import { sandboxConfigSchema } from './sandbox-schema.js';
import { forgeConfigSchema } from './forge-schema.js';
import { budgetConfigSchema, costConfigSchema } from './cost-schema.js';
import { turnModelSchema } from './turn-model-schema.js';
import { mcpConfigSchema } from './mcp-schema.js';

/** Default TCP port of the API on 127.0.0.1. */
export const DEFAULT_API_PORT = 7537;

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const;

/** The config file (YAML): every field optional, defaults inside, unknown keys rejected. */
export const configSchema = z
  .strictObject({
    version: z.literal(1).default(1).describe('Config format version'),
    api: z
      .strictObject({
        port: z
          .number()
          .int()
          .min(0)
          .max(65_535)
          .default(DEFAULT_API_PORT)
          .describe('TCP port on 127.0.0.1 (bearer token required); 0 picks any free port'),
        tcp: z.boolean().default(true).describe('Also listen on TCP (the unix socket is always on)'),
      })
      .prefault({})
      .describe('HTTP + WebSocket API'),
    backend: z
      .enum(BACKEND_CHOICES)
      .default('auto')
      .describe(
        'Where agent panes live: auto (WezTerm when running inside it, else tmux when installed, else headless), wezterm, tmux or headless',
      ),
    processInspector: z
      .enum(['auto', 'procfs', 'portable'])
      .default('auto')
      .describe(
        'Where process facts come from: auto (procfs where /proc is readable, else portable), procfs (Linux /proc) or portable (`ps`, as on macOS); WTP_PROCESS_INSPECTOR overrides it',
      ),
    agents: agentsConfigSchema,
    sandbox: sandboxConfigSchema,
    restart: z
      .strictObject({
        backoffBaseMs: ms(500, 'First delay before an automatic restart'),
        backoffMaxMs: ms(30_000, 'Cap of the exponential restart delay'),
        crashLoopCount: z
          .number()
          .int()
          .min(1)
          .max(1000)
          .default(5)
          .describe('This many automatic restarts within crashLoopWindowMs mark the agent crashed'),
        crashLoopWindowMs: ms(60_000, 'Window of the crash-loop rule'),
        stableAfterMs: ms(10_000, 'A process that ran this long resets the backoff'),
      })
      .prefault({})
      .describe('Restart policy tunables'),
    logs: z
      .strictObject({
        level: z.enum(LOG_LEVELS).default('info').describe('Daemon log level'),
        maxBytes: z
          .number()
          .int()
          .min(65_536)
          .default(10 * 1024 * 1024)
          .describe('Size at which the daemon log rotates'),
        files: z.number().int().min(1).max(50).default(3).describe('Rotated daemon log files kept'),
      })
      .prefault({})
      .describe('Daemon log file'),
    git: z
      .strictObject({
        worktreesDir: z
          .string()
          .min(1)
          .optional()
          .describe(
            'Where agent worktrees are made (default: <state dir>/worktrees), outside any repository',
          ),
        portBase: z
          .number()
          .int()
          .min(1024)
          .max(65_000)
          .default(20_000)
          .describe('First port of the agents ranges'),
        portsPerAgent: z
          .number()
          .int()
          .min(1)
          .max(1000)
          .default(10)
          .describe('Ports per agent: WTP_PORT .. WTP_PORT_END'),
      })
      .prefault({})
      .describe('Worktrees and ports of agents in git repositories'),
    tasks: z
      .strictObject({
        maxAgentsPerWorkspace: z
          .number()
          .int()
          .min(1)
          .max(100)
          .default(3)
          .describe('Agents working on tasks at once, per workspace'),
        defaultProfile: z
          .enum(PROFILE_NAMES)
          .default('claude')
          .describe('Profile of tasks that name none (cmd runs the prompt as a shell command line)'),
        retries: z
          .number()
          .int()
          .min(0)
          .max(5)
          .default(1)
          .describe('How many times a failed attempt (crash, non-zero exit) starts again on a fresh agent'),
        pauseOnUsageLimit: z
          .boolean()
          .default(false)
          .describe(
            "When an agent hits its vendor's usage limit, pause (SIGSTOP, not kill) the vendor's other working agents until the resume",
          ),
      })
      .prefault({})
      .describe('Dispatching ready tasks to agents'),
    forge: forgeConfigSchema,
    cost: costConfigSchema,
    budget: budgetConfigSchema,
    states: z
      .strictObject({
        screenOverrideMs: ms(
          3_000,
          'A newer screen verdict that disagrees with the last hook wins after holding this long (Esc fires no Stop hook)',
        ),
        stallAfterMs: ms(
          300_000,
          'working with no output, no new signal and no CPU this long is marked stalled (still working)',
        ),
        stallCpuPercent: z
          .number()
          .min(0)
          .max(100)
          .default(2)
          .describe('CPU (percent of one core) under which a quiet working agent counts as stalled'),
        statusProtocol: z
          .boolean()
          .default(true)
          .describe(
            'Answer the OSC 7501 status query of agent CLIs (Claude Code) so they report their state; off: hooks and the screen decide',
          ),
        turnModel: turnModelSchema,
      })
      .prefault({})
      .describe('State engine rules: how signals become states (docs/states.md)'),
    stats: z
      .strictObject({
        intervalMs: z
          .number()
          .int()
          .min(200)
          .max(600_000)
          .default(2_000)
          .describe('How often CPU and memory of agents are sampled'),
      })
      .prefault({})
      .describe('Resource sampling'),
    notifications: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Notify when an agent needs you, finishes or crashes'),
        desktop: z
          .boolean()
          .default(true)
          .describe('Desktop notifications through notify-send, if installed'),
        toast: z.boolean().default(true).describe("WezTerm toast, shown by the plugin in the agent's window"),
        bell: z.boolean().default(true).describe("Terminal bell in the agent's pane"),
        webhook: z
          .strictObject({
            url: z
              .url({ protocol: /^https?$/ })
              .optional()
              .describe('ntfy-compatible URL to POST to, e.g. https://ntfy.sh/<topic>; none: no webhook'),
            token: z.string().min(1).optional().describe('Bearer token for the webhook (never logged)'),
            enabled: z.boolean().default(true).describe('Post to the webhook (only when url is set)'),
          })
          .prefault({})
          .describe('Webhook (ntfy) notifications'),
        command: z
          .strictObject({
            argv: z
              .array(
                z
                  .string()
                  .min(1)
                  .refine((a) => !a.includes('\0'), 'must not hold a NUL byte'),
              )
              .min(1)
              .optional()
              .describe(
                'Program and arguments run on each state change, never through a shell (write ["sh", "-c", "…"] for one); the agent and the change are in WTP_* environment variables. None: no command',
              ),
            states: z
              .array(z.enum(AGENT_STATES))
              .min(1)
              .default(['needs_permission', 'needs_input', 'idle', 'crashed'])
              .describe(
                'States whose arrival runs the command (idle: only a finished turn, right after working)',
              ),
            timeoutMs: z
              .number()
              .int()
              .min(1)
              .max(600_000)
              .default(10_000)
              .describe('A command still running then is killed (its process group: SIGTERM, then SIGKILL)'),
            enabled: z.boolean().default(true).describe('Run the command (only when argv is set)'),
          })
          .prefault({})
          .describe('A command run on state changes (a notification channel of your own)'),
        push: z
          .strictObject({
            enabled: z
              .boolean()
              .default(true)
              .describe('Push to paired devices that asked for it (`wtp remote`)'),
            extraServices: z
              .array(z.string().regex(/^[a-z0-9.-]+(:\d{1,5})?$/i, 'host or host:port'))
              .max(20)
              .default([])
              .describe(
                "Push services besides the browsers' own (FCM, Mozilla's, Apple's, Windows'): a self-hosted one, host or host:port",
              ),
            caFile: z
              .string()
              .optional()
              .describe('A PEM file of CA certificates trusted for the extra services, besides the system’s'),
          })
          .prefault({})
          .describe('Web Push to paired phones (docs/remote.md): straight to each browser’s push service'),
        dedupeMs: ms(30_000, 'The same agent, state and reason within this window is notified once'),
        maxPerMinute: z
          .number()
          .int()
          .min(1)
          .max(1000)
          .default(12)
          .describe('Notifications per channel per minute; more are dropped'),
      })
      .prefault({})
      .describe('Notifications when an agent needs permission or input, goes idle after working, or crashes'),
    store: z
      .strictObject({
        fleet: z
          .string()
          .regex(/^postgres(ql)?:\/\//, 'a PostgreSQL URL: postgres://user:password@host:5432/database')
          .nullable()
          .default(null)
          .describe(
            'The PostgreSQL database of a fleet this daemon joins (postgres://user:password@host:5432/db; TLS with ?sslmode=verify-full&sslrootcert=…); null: this machine alone, on its SQLite. WTP_FLEET_URL overrides it. The password is never logged nor put on a command line; keep this file private or leave it out and use ~/.pgpass',
          ),
      })
      .prefault({})
      .describe(
        'Where state is kept: always the local SQLite database; with `fleet`, also shared with other machines',
      ),
    fleet: z
      .strictObject({
        machine: z
          .string()
          .regex(
            /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
            'letters, digits, dot, underscore and dash (at most 63)',
          )
          .nullable()
          .default(null)
          .describe("This machine's name in the fleet; null: the host name. WTP_MACHINE overrides it"),
        ssh: z
          .string()
          .regex(/^[A-Za-z0-9_][A-Za-z0-9_.@:[\]-]*$/, 'an ssh destination such as me@build-box or build-box')
          .nullable()
          .default(null)
          .describe(
            'How other machines reach this one for `wtp attach machine/agent` (an ssh destination, e.g. me@build-box); null: not offered',
          ),
        heartbeatMs: ms(
          5_000,
          'Between two heartbeats of this machine (and publications of changed CPU and memory figures)',
        ),
        unreachableAfterMs: ms(15_000, 'A machine whose heartbeat is older is shown unreachable'),
        pollMs: ms(5_000, 'Between two reads of the other machines (a safety net under LISTEN/NOTIFY)'),
        commandTimeoutMs: ms(
          60_000,
          'How long an action on another machine’s agent may take before REMOTE_ACTION_TIMEOUT',
        ),
        leaseMs: ms(30_000, 'A task claimed by this machine stays its own this long after its last renewal'),
        eventRetentionMs: ms(
          86_400_000,
          "How long the fleet database keeps this machine's published events and finished commands (each machine's own database keeps its history; a daemon away for longer reads the fleet afresh)",
        ),
        taskSlots: z
          .number()
          .int()
          .min(0)
          .max(100)
          .default(3)
          .describe("Tasks of the fleet's graph this machine runs at once (0: it runs none)"),
        acceptTasks: acceptTasksSchema,
      })
      .prefault({})
      .describe('This machine in a fleet (with `store.fleet`)'),
    approvals: approvalsSchema.prefault({}),
    mcp: mcpConfigSchema,
    tui: z
      .strictObject({
        keys: z
          .record(z.string(), z.array(z.string().min(1)).min(1))
          .default({})
          .describe(
            'Keys per action, replacing its defaults, e.g. {approve: [y], deny: [N]} (`?` in the TUI and docs/tui.md list the actions)',
          ),
        detachKey: z
          .string()
          .regex(/^ctrl-([a-z\]\\^_])$/i, 'must be ctrl-a … ctrl-z, ctrl-], ctrl-\\, ctrl-^ or ctrl-_')
          .default('ctrl-]')
          .describe('Key that leaves an attached agent and returns to the list'),
        mouse: z
          .boolean()
          .default(true)
          .describe(
            'Clicks select agents and tasks, the wheel scrolls the preview; false leaves the mouse to the terminal (its own selection with no Shift)',
          ),
      })
      .prefault({})
      .describe('The terminal UI (`wtp tui`)'),
  })
  .describe('wezterm-parallel configuration (config.yaml)');

export type WtpConfig = z.output<typeof configSchema>;
export type WtpConfigInput = z.input<typeof configSchema>;
