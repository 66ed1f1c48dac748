import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AppError } from '../../../protocol/app-error.js';
import { PROFILE_NAMES } from '../../../protocol/constants.js';
import { appError } from '../../../protocol/error-messages.js';
import type { TaskView } from '../../../protocol/tasks.js';
import type { CliContext } from '../context.js';
import { table } from '../format.js';
import { registerRouteCommands } from '../register-route-commands.js';
import { routeCommand } from '../route-command.js';
import { statusWord, taskStatusWord } from '../../../protocol/task-status-word.js';
import { taskWhy } from '../task-text.js';
import { workspaceForCwd } from '../workspace-from-cwd.js';
import { quotaCommands, taskReviewCommands } from './task-review.js';
import { cellText } from '../../../protocol/terminal-text.js';

/** `claude`, `claude:opus`, `:opus` (the task's profile with another model). */
function variant(value: string): NonNullable<TaskView['variants']>[number] {
  const [profile = '', ...model] = value.split(':');
  const profiles = PROFILE_NAMES.join(', ');
  if (profile !== '' && !(PROFILE_NAMES as readonly string[]).includes(profile))
    throw new AppError('INVALID_INPUT', `--variant ${value}: unknown profile "${profile}" (${profiles}).`, {
      issues: [{ path: '--variant', message: `profile must be one of ${profiles}` }],
    });
  const m = model.join(':');
  return { ...(profile ? { profile: profile as TaskView['profile'] } : {}), ...(m ? { model: m } : {}) };
}

/** The workspace of the current directory, for a command given no --workspace (`usage`: what to run then). */
async function workspaceHere(ctx: CliContext, usage: string): Promise<string> {
  const { workspaces } = await ctx.client().call('listWorkspaces');
  return workspaceForCwd(process.cwd(), workspaces, usage);
}

/** A task's dependencies as people read them: each by title with its status word; done ones by id. */
function dependencyWords(t: TaskView): string {
  const open = new Map((t.blocked?.waitingOn ?? []).map((d) => [d.id, d]));
  return t.dependsOn
    .map((id) => {
      const d = open.get(id);
      return d === undefined ? `${id} (done)` : `${d.title} (${statusWord(d.status, d.waiting)}, ${id})`;
    })
    .join(', ');
}

function describe(ctx: CliContext, t: TaskView): void {
  // Titles, prompts and reasons are the user's (or an agent's) words: one line each, shown as they are.
  const c = cellText;
  const label = taskStatusWord(t);
  ctx.line(`${t.id}  ${c(t.title)}`);
  ctx.line(
    `  status:    ${label}${label === t.status ? '' : ` [${t.status}]`}${t.statusReason ? ` (${c(t.statusReason)})` : ''}`,
  );
  if (t.blocked) ctx.line(`  why:       ${c(t.blocked.message)}`);
  if (t.fleet) {
    const f = t.fleet;
    // The fleet's rows come from other machines: sanitized like everything else shown.
    ctx.line(
      `  fleet:     ${c(f.repo)} · added on ${c(f.createdBy)}${f.machine ? ` · held by ${c(f.machine)}` : ''}${f.gone ? ' · its row is gone from the fleet database (let go here)' : ''}`,
    );
    for (const r of f.refusals) ctx.line(`  refused:   by ${c(r.machine)} (${c(r.code)}): ${c(r.reason)}`);
    for (const r of f.runs) {
      ctx.line(
        `  run:       ${c(r.runId)} on ${c(r.machine)} ${r.status}${r.reason ? ` (${c(r.reason)})` : ''}`,
      );
    }
  }
  ctx.line(`  workspace: ${c(t.workspace)} · priority ${t.priority} · attempts ${t.attempts}`);
  if (t.dependsOn.length > 0) ctx.line(`  after:     ${c(dependencyWords(t))}`);
  if (t.profile) ctx.line(`  profile:   ${t.profile}${t.model ? ` (${c(t.model)})` : ''}`);
  if (t.labels.length > 0) ctx.line(`  labels:    ${t.labels.map(c).join(', ')}`);
  if (t.variants.length > 0)
    ctx.line(
      `  variants:  ${t.variants.map((v) => c(`${v.profile ?? ''}${v.model ? `:${v.model}` : ''}`)).join(', ')}`,
    );
  for (const r of t.runs) {
    const where = r.agent ?? `${r.agentId} (removed)`;
    const why = r.reason ? ` (${c(r.reason)})` : '';
    ctx.line(
      `  attempt ${r.attempt}${r.try > 1 ? ` try ${r.try}` : ''}: ${c(where)} ${r.profile} ${r.status}${why}`,
    );
  }
  for (const p of t.pullRequests) ctx.line(`  pull request: ${c(p.url)} (${p.state})`);
  if (t.fixChecks !== null) ctx.line(`  fix checks: up to ${t.fixChecks} time(s) by itself`);
  ctx.line(`  prompt:    ${c(t.prompt.split('\n')[0] ?? '')}${t.prompt.includes('\n') ? ' …' : ''}`);
}

/** `broadcast` to nobody is a failure a script can see (exit 1), with who was left out and why. */
function noIdleAgents(skipped: { agent: string; state: string }[], workspace: string | undefined) {
  return appError('NO_IDLE_AGENTS', {
    skipped,
    ...(workspace === undefined ? {} : { workspace }),
    ...(skipped.length === 0 ? {} : { leftOut: skipped.map((s) => `${s.agent} (${s.state})`) }),
  });
}

const taskRef = { field: 'params.task', help: 'id or title' } as const;
const moved = (ctx: CliContext, { task: t }: { task: TaskView }) =>
  ctx.line(`${t.id} is ${t.status}: ${cellText(t.title)}`);

/** `wtp task add|ls|show|move|cancel`: one route each. */
const taskCommands = [
  routeCommand({
    name: 'add',
    description: 'add a task',
    route: 'createTask',
    args: [{ field: 'body.title', help: 'a short title (also how other tasks can name it in --after)' }],
    flags: [
      { field: 'body.prompt', short: '-p', value: 'text', help: 'what the agent is asked to do' },
      { field: 'body.after', value: 'task', help: 'a task (id or title) this one waits for' },
      { field: 'body.priority', value: 'n', help: 'higher runs first (default 0)' },
      { field: 'body.profile', help: 'agent profile to run it with' },
      { field: 'body.model', short: '-m', help: 'the model' },
      {
        field: 'body.permissionMode',
        value: 'mode',
        help: "the agents' permission mode (e.g. claude: acceptEdits)",
      },
      { field: 'body.attempts', value: 'n', help: 'best of N: run N agents on it side by side (1-8)' },
      {
        field: 'body.variants',
        long: 'variant',
        value: 'profile[:model]',
        help: 'best of N: the profile/model of one attempt (repeatable; attempt k uses the k-th)',
        toValue: variant,
      },
      {
        field: 'body.retries',
        value: 'n',
        help: 'fresh agents for a failed attempt (0-5; default: config tasks.retries)',
      },
      {
        field: 'body.reuseIdle',
        long: 'reuse',
        help: 'give it to an idle agent of its profile in the workspace, if there is one',
      },
      {
        field: 'body.sandbox',
        help: 'its agents run in a sandbox (docs/sandbox.md): the recommended setup for unattended agents',
      },
      {
        field: 'body.fixChecks',
        value: 'n',
        help: "send its pull request's failing checks to its agent by itself, up to n times (0-5; default: config forge.fixChecks)",
      },
      { field: 'body.labels', short: '-l', long: 'label', help: 'a label' },
      {
        field: 'body.workspace',
        short: '-w',
        value: 'name',
        help: 'workspace (default: the one working on the current git repository or folder)',
      },
      {
        field: 'body.mcp',
        help: "its agents get wezterm-parallel's MCP server, as `wtp new --mcp` (docs/mcp.md)",
      },
    ],
    local: [{ flags: '--backlog', help: 'put it in the backlog instead of ready' }],
    request: async ({ body, local }, _words, ctx) => ({
      body: {
        ...body,
        workspace: body.workspace ?? (await workspaceHere(ctx, 'wtp task add … --workspace NAME')),
        ...(local.backlog === true ? { status: 'backlog' as const } : {}),
      },
    }),
    json: 'task',
    print: (ctx, { task: t }) => {
      ctx.line(
        `added ${t.id} (${taskStatusWord(t)}) to workspace ${cellText(t.workspace)}: ${cellText(t.title)}`,
      );
      if (t.blocked) ctx.line(`  ${cellText(t.blocked.message)}`);
    },
  }),
  routeCommand({
    name: 'ls',
    description: 'tasks, highest priority first',
    route: 'listTasks',
    flags: [
      { field: 'query.status', help: 'only this status' },
      { field: 'query.workspace', short: '-w', value: 'name', help: 'only this workspace' },
    ],
    json: 'tasks',
    print: (ctx, { tasks }) => {
      if (tasks.length === 0) return ctx.line('no tasks; add one with `wtp task add "title" --prompt "…"`');
      ctx.line(
        table(
          ['ID', 'STATUS', 'PRI', 'WORKSPACE', 'TITLE', 'WHY'],
          tasks.map((t) => [t.id, taskStatusWord(t), String(t.priority), t.workspace, t.title, taskWhy(t)]),
          undefined,
          { width: ctx.width, keep: ['STATUS', 'TITLE'], drop: ['WORKSPACE', 'PRI'], flex: 'WHY' },
        ),
      );
    },
  }),
  routeCommand({
    name: 'show',
    description: 'one task',
    route: 'getTask',
    args: [taskRef],
    json: 'task',
    print: (ctx, { task: t }) => describe(ctx, t),
  }),
  routeCommand({
    name: 'move',
    description: 'move a task to another status',
    route: 'moveTask',
    args: [taskRef, { field: 'body.status', help: '' }],
    json: 'task',
    print: moved,
  }),
  routeCommand({
    name: 'cancel',
    description: 'cancel a task',
    route: 'cancelTask',
    args: [taskRef],
    json: 'task',
    print: moved,
  }),
];

const broadcastCommand = routeCommand({
  name: 'broadcast',
  description: 'send a message to every idle agent; others are skipped (none idle: exit 1, NO_IDLE_AGENTS)',
  route: 'broadcast',
  args: [{ field: 'body.text', help: 'the message, typed with Enter' }],
  flags: [{ field: 'body.workspace', short: '-w', value: 'name' }],
  refuse: (r, sent) => (r.sent.length === 0 ? noIdleAgents(r.skipped, sent.body.workspace) : undefined),
  json: 'broadcast',
  print: (ctx, r) => {
    ctx.line(`sent to ${r.sent.join(', ')}`);
    for (const s of r.skipped) ctx.line(`  skipped ${s.agent} (${s.state})`);
  },
});

const importCommand = routeCommand({
  name: 'import',
  description: 'import a YAML plan of tasks with dependencies by name (all or nothing)',
  route: 'importPlan',
  args: [
    {
      field: 'body.file',
      optional: false,
      help: 'the plan (schemas/plan.schema.json; docs/examples/plan.yaml)',
    },
  ],
  flags: [
    {
      field: 'body.workspace',
      short: '-w',
      value: 'name',
      help: "workspace the tasks go to, over the plan's `workspace:` (default: the plan's, else the current directory's)",
    },
  ],
  request: async ({ body }, _words, ctx) => {
    const file = body.file ?? '';
    let yaml: string;
    try {
      yaml = readFileSync(file, 'utf8');
    } catch (err) {
      throw new AppError('INVALID_INPUT', `Cannot read ${file}: ${(err as Error).message}`, {
        issues: [{ path: '<file>', message: 'cannot be read' }],
      });
    }
    // Neither --workspace nor the plan names one: the current directory's.
    const here =
      body.workspace === undefined && !(await import('../plan-workspace.js')).planNamesWorkspace(yaml)
        ? { workspace: await workspaceHere(ctx, `wtp task import ${file} --workspace NAME`) }
        : {};
    return { body: { ...body, yaml, ...here } };
  },
  json: 'tasks',
  print: (ctx, { tasks }, { body: { file } }) => {
    ctx.line(
      `imported ${tasks.length} task(s) from ${cellText(file ?? '')} into workspace ${cellText(tasks[0]?.workspace ?? '?')}`,
    );
    const width = Math.max(0, ...tasks.map((t) => taskStatusWord(t).length));
    for (const t of tasks) ctx.line(`  ${t.id}  ${taskStatusWord(t).padEnd(width)}  ${cellText(t.title)}`);
  },
});

export function registerTaskCommands(program: Command, ctx: CliContext): void {
  const task = program
    .command('task')
    .description('the task graph: add, list, show, move, cancel, import, compare, pick');

  registerRouteCommands(task, ctx, [...taskCommands, importCommand, ...taskReviewCommands]);
  registerRouteCommands(program, ctx, [broadcastCommand, ...quotaCommands]);
}
