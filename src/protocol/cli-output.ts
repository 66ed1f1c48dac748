import { z } from 'zod';
import { agentSchema, screenSchema } from './agent.js';
import { answerResultSchema } from './answers.js';
import { JSON_VERSION } from './common.js';
import { daemonStatusSchema } from './daemon.js';
import { dashboardLinkSchema } from './dashboard.js';
import {
  remoteDeviceListSchema,
  remotePairSchema,
  remoteRevokedSchema,
  remoteStatusSchema,
} from './remote.js';
import { doctorReportSchema } from './doctor.js';
import { errorBodySchema } from './errors.js';
import { eventSchema } from './events.js';
import { fleetStatusSchema } from './fleet.js';
import { forkResultSchema } from './fork.js';
import {
  checksFeedbackResultSchema,
  prCreateResultSchema,
  prStatusListSchema,
  pushResultSchema,
} from './forge.js';
import {
  agentDiffSchema,
  conflictReportSchema,
  gcResultSchema,
  mergeResultSchema,
  setupInfoSchema,
} from './git.js';
import { orphanListSchema, orphanStoppedSchema } from './orphans.js';
import { cliSupportSchema, profileInfoSchema, screenRecordSchema, whyResponseSchema } from './profiles.js';
import { outputGapSchema } from './pty.js';
import { pickResultSchema, taskComparisonSchema } from './task-compare.js';
import { taskSchema } from './tasks.js';
import { quotaHoldSchema } from './quota.js';
import { timeReportSchema } from './report.js';
import { budgetListSchema, costReportSchema } from './usage.js';
import { templateInfoSchema, templateUseSchema } from './template.js';
import { createdWorkspaceSchema, workspaceSchema, workspaceSummarySchema } from './workspace.js';

/**
 * `--json` output of every CLI command: a versioned contract (the WezTerm plugin and
 * scripts rely on it). Every document has `version`; errors are `{version, error}`.
 */
const v = { version: z.literal(JSON_VERSION) };

export const cliOutputSchemas = {
  error: z.object({ ...v, error: errorBodySchema }),
  ls: z.object({ ...v, agents: z.array(agentSchema) }),
  agent: z.object({
    ...v,
    agent: agentSchema,
    cli: cliSupportSchema
      .nullable()
      .optional()
      .describe('`wtp new`: the agent CLI’s version against the tested ones (see `wtp profiles`)'),
  }),
  removed: z.object({ ...v, removed: z.string() }),
  peek: z.object({ ...v, agent: z.string(), screen: screenSchema }),
  send: z.object({ ...v, agent: z.string(), bytes: z.number().int(), seq: z.number().int() }),
  logs: z.object({
    ...v,
    agent: z.string(),
    fromSeq: z.number().int(),
    toSeq: z.number().int(),
    data: z
      .string()
      .describe(
        'The output as UTF-8 text (escape sequences kept), with a `[wtp: N bytes not written: disk full]` line where the log has a gap',
      ),
    gaps: z
      .array(outputGapSchema)
      .describe('Byte ranges of [fromSeq, toSeq) the host could not write (disk full, I/O error)'),
  }),
  logChunk: z.object({ ...v, agent: z.string(), seq: z.number().int(), data: z.string() }),
  logGap: z
    .object({ ...v, agent: z.string(), ...outputGapSchema.shape })
    .describe('`logs -f --json`: the log has a gap here; the next chunk starts at `to`'),
  status: z.object({
    ...v,
    running: z.boolean(),
    daemon: daemonStatusSchema.nullable(),
    paths: z.object({ configDir: z.string(), stateDir: z.string(), socket: z.string() }),
  }),
  up: z.object({
    ...v,
    started: z.boolean().describe('Whether this `up` started the daemon'),
    alreadyRunning: z
      .boolean()
      .describe('A daemon ran already: `up` only reported it (and opened the --template workspace in it)'),
    daemon: daemonStatusSchema,
    workspace: workspaceSchema.optional().describe('With --template: the workspace it opened'),
    agents: z.array(agentSchema).optional().describe("With --template: the workspace's agents"),
    template: templateUseSchema
      .nullable()
      .optional()
      .describe('With --template: the template used and where it came from'),
  }),
  service: z.object({
    ...v,
    action: z.enum(['install', 'uninstall', 'status']),
    manager: z
      .enum(['systemd', 'launchd'])
      .describe('systemd (a user unit, Linux) or launchd (an agent, macOS)'),
    file: z.string().describe('The unit (or agent) file'),
    installed: z.boolean(),
    upToDate: z.boolean().describe('The file says what `wtp service install` would write now'),
    enabled: z.boolean().describe('Started at login'),
    active: z.boolean().describe('Running now, as the service manager says'),
    ran: z.array(z.array(z.string())).describe('The service manager commands run, each as its argv'),
  }),
  fleet: z.object({
    ...v,
    fleet: fleetStatusSchema
      .nullable()
      .describe('This daemon in its fleet; null: it is in none (store.fleet unset)'),
  }),
  fleetMigrate: z.object({
    ...v,
    database: z.string().describe('The fleet database, without its password'),
    applied: z
      .array(z.number().int())
      .describe('The schema versions this run applied (none: it was current)'),
    schema: z.number().int().describe('The schema version the database has now'),
  }),
  down: z.object({
    ...v,
    stopped: z.boolean().describe('Whether no daemon runs now'),
    wasRunning: z.boolean().describe('Whether a daemon ran (false: `down` had nothing to stop)'),
    pid: z.number().int().nullable().describe('The daemon that was stopped, if one ran'),
    stoppedAgents: z.number().int(),
  }),
  event: z.object({ ...v, event: eventSchema }),
  workspace: createdWorkspaceSchema.extend(v),
  workspaces: z.object({ ...v, workspaces: z.array(workspaceSummarySchema) }),
  workspaceFocus: z.object({
    ...v,
    workspace: workspaceSchema,
    paneId: z.string().nullable(),
    attach: z.array(z.string()).nullable().describe('For tmux: the command that attaches a terminal to it'),
  }),
  templates: z.object({
    ...v,
    templates: z.array(templateInfoSchema.extend({ error: z.string().nullable() })),
  }),
  template: z.object({
    ...v,
    template: templateInfoSchema,
    yaml: z.string(),
    panes: z.number().int(),
    note: z
      .string()
      .nullable()
      .describe('e.g. that the repository also has a template of this name (reachable as `repo:NAME`)'),
    repo: z.string().describe('The repository whose templates count (and for which approvals hold)'),
  }),
  templateValid: z.object({ ...v, valid: z.literal(true), file: z.string(), panes: z.number().int() }),
  why: whyResponseSchema.extend(v),
  profiles: z.object({ ...v, profiles: z.array(profileInfoSchema) }),
  recordScreen: z.object({
    ...v,
    file: z
      .string()
      .nullable()
      .describe('The corpus file written; null with `--out -` (the text went to stdout)'),
    expected: z.string().describe('The `state:` written: --state, else the detector’s verdict'),
    text: z.string().describe('The corpus file’s text (test/fixtures/screens/**.screen format)'),
    record: screenRecordSchema,
  }),
  doctor: doctorReportSchema.extend(v),
  init: z.object({
    ...v,
    path: z.string().describe('The file written: <repository>/.wezterm-parallel/config.yaml'),
    repo: z.string().nullable().describe('The repository’s top level; null with --here outside one'),
    overwritten: z.boolean().describe('An existing file was replaced (--force)'),
    setup: z
      .array(z.string())
      .describe('The setup commands written (guessed; empty: only commented examples)'),
    test: z.string().nullable().describe('The test command written, or null'),
    next: z.array(z.string()).describe('The commands that show and approve it; nothing runs before'),
  }),
  hook: z.object({ ...v, agent: z.string(), event: z.string() }),
  diff: agentDiffSchema.extend(v),
  commit: z.object({ ...v, agent: z.string(), commit: z.string().nullable() }),
  merge: mergeResultSchema.extend({ ...v, agent: z.string() }),
  conflicts: conflictReportSchema.extend(v),
  push: pushResultSchema.extend(v),
  pr: prCreateResultSchema.extend(v),
  prStatus: prStatusListSchema.extend(v),
  checksFeedback: checksFeedbackResultSchema.extend({ ...v, agent: z.string() }),
  gc: gcResultSchema.extend(v),
  setup: setupInfoSchema.extend(v),
  task: z.object({ ...v, task: taskSchema }),
  answers: z.object({
    ...v,
    answered: z.array(answerResultSchema).describe('Each answer given, in order'),
    refused: z
      .array(z.object({ agent: z.string(), error: errorBodySchema }))
      .describe('--all: agents not answered, and why (nothing was pressed for them)'),
  }),
  broadcast: z.object({
    ...v,
    sent: z.array(z.string()),
    skipped: z.array(z.object({ agent: z.string(), state: z.string() })),
  }),
  tasks: z.object({ ...v, tasks: z.array(taskSchema) }),
  report: timeReportSchema.extend(v),
  cost: costReportSchema.extend(v),
  budget: budgetListSchema.extend(v),
  taskCompare: taskComparisonSchema.extend(v),
  taskPick: pickResultSchema.extend(v),
  quota: z.object({ ...v, holds: z.array(quotaHoldSchema) }),
  orphans: orphanListSchema.extend(v),
  orphanStopped: orphanStoppedSchema.extend(v),
  resume: z.object({ ...v, resumed: z.array(quotaHoldSchema) }),
  dashboard: dashboardLinkSchema.extend({
    ...v,
    opened: z.boolean().describe('Whether a browser was started on it (false with --print-url)'),
  }),
  fork: forkResultSchema.extend(v),
  remote: remoteStatusSchema.extend(v),
  remotePair: remotePairSchema.extend(v),
  remoteDevices: remoteDeviceListSchema.extend(v),
  remoteRevoked: remoteRevokedSchema.extend(v),
  completion: z.object({
    ...v,
    shell: z.enum(['bash', 'zsh', 'fish']),
    script: z.string().describe('The completion script, as `wtp completion <shell>` prints it'),
  }),
} as const;

export type CliOutputName = keyof typeof cliOutputSchemas;
export type CliOutput<N extends CliOutputName> = z.infer<(typeof cliOutputSchemas)[N]>;
