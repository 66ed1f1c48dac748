import { spawn } from 'node:child_process';
import { appError } from '../../../protocol/error-messages.js';
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../../../protocol/app-error.js';
import { tmuxSocketName } from '../../../config/paths.js';
import type { AgentView } from '../../../protocol/agent.js';
import { BACKEND_CHOICES } from '../../../protocol/constants.js';
import { didYouMean } from '../../../protocol/did-you-mean.js';
import type { WorkspaceView } from '../../../protocol/workspace.js';
import type { RouteResponse } from '../../../protocol/routes.js';
import { ask } from '../ask.js';
import type { CliContext } from '../context.js';
import { paint, shortenHome, stateColor, stateLabel, table, worktreeLine } from '../format.js';
import { registerRouteCommands } from '../register-route-commands.js';
import { routeCommand } from '../route-command.js';
import { runAction } from '../run-action.js';
import { templateDirs } from './template.js';
import { visibleText } from '../../../protocol/terminal-text.js';

/** A template argument that names a file (rather than a template) is read and sent inline. */
function templateArg(
  t: string | undefined,
): Partial<Record<'template' | 'templateYaml' | 'templateFile' | 'templatePath', string>> {
  if (t === undefined) return {};
  if (!(t.includes('/') || /\.ya?ml$/.test(t))) return { template: t };
  const path = resolve(t);
  if (!existsSync(path)) throw appError('TEMPLATE_NOT_FOUND', { path });
  const templateFile = basename(path).replace(/\.ya?ml$/, '');
  return { templateYaml: readFileSync(path, 'utf8'), templateFile, templatePath: path };
}

function attachCommand(ctx: CliContext, ws: WorkspaceView): string[] | null {
  return ws.backend === 'tmux'
    ? ['tmux', '-L', tmuxSocketName(ctx.paths.stateDir), 'attach-session', '-t', `=${ws.name}`]
    : null;
}

function agentRows(ctx: CliContext, agents: AgentView[]): string {
  return table(
    ['NAME', 'ID', 'PROFILE', 'STATE', 'PID', 'PANE'],
    agents.map((a) => [
      a.name,
      a.id,
      a.profile,
      stateLabel(a),
      a.pid === null ? '-' : String(a.pid),
      a.paneId ?? '-',
    ]),
    (r, col, s) => {
      const a = agents[r];
      return col === 3 && a ? paint(ctx.color, stateColor(a), s) : s;
    },
    { width: ctx.width, keep: ['STATE'], drop: ['PANE', 'PID', 'ID'] },
  );
}

export type CreatedWorkspace = RouteResponse<'createWorkspace'>;

/**
 * Creates a workspace through the API (shared with `up --template`). With `repo`, every agent of
 * the template gets a worktree of its own there; otherwise they work in place in `cwd` (default:
 * the current directory). A repository template that is not approved is refused by the daemon; at
 * a terminal, its file is shown and approved on "y".
 */
export async function createWorkspace(
  ctx: CliContext,
  o: { name: string; cwd?: string; repo?: string; template?: string; backend?: string; profile?: string },
): Promise<CreatedWorkspace> {
  if (o.repo !== undefined && o.cwd !== undefined) {
    throw new AppError(
      'INVALID_INPUT',
      'Give --repo (each agent gets a worktree and branch of its own there) or --cwd (agents work in place in that folder), not both.',
      { issues: [{ path: '--cwd', message: 'not with --repo' }] },
    );
  }
  const { templatePath, ...inline } = templateArg(o.template);
  const body = {
    name: o.name,
    repo: resolve(o.repo ?? o.cwd ?? '.'),
    worktrees: o.repo !== undefined,
    ...inline,
    ...(o.backend ? { backend: o.backend as (typeof BACKEND_CHOICES)[number] } : {}),
    ...(o.profile ? { profile: o.profile } : {}),
  };
  const create = async (): Promise<CreatedWorkspace> => {
    const created = await ctx.client().call('createWorkspace', { body });
    // The daemon got the file's content; the CLI knows where it read it.
    if (created.template?.source === 'file' && templatePath)
      return { ...created, template: { ...created.template, path: templatePath } };
    return created;
  };
  try {
    return await create();
  } catch (err) {
    const askable =
      err instanceof AppError && err.code === 'TEMPLATE_NOT_APPROVED' && !ctx.json && ctx.canAsk;
    if (!askable || !(await askApproval(ctx, err, body.repo))) throw err;
    return create();
  }
}

/** Shows the refused repository template and asks once; approves exactly what was shown. */
async function askApproval(ctx: CliContext, err: AppError, repo: string): Promise<boolean> {
  const d = err.details ?? {};
  const [name, path, hash] = [d.name, d.path, d.hash].map(String) as [string, string, string];
  const m = await import('../../../config/templates.js');
  const { templateHash } = await import('../../../config/template-approvals.js');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return false;
  }
  if (templateHash(text) !== hash) return false; // changed since the daemon read it
  ctx.errorText(`The repository's template ${name} (${path}) is not approved. It is:\n\n`, false);
  ctx.errorText(`${visibleText(text)}${text.endsWith('\n') ? '' : '\n'}\n`, false);
  const answer = await ask(
    ctx,
    `Approve it for ${repo} (sha256 ${hash.slice(0, 12)}…, until it changes)? [y/N] `,
  );
  if (!/^y(es)?$/i.test(answer.trim())) return false;
  m.approveTemplate(name, templateDirs(ctx, repo), hash);
  return true;
}

const SOURCE_WORDS = {
  builtin: 'built-in',
  user: 'yours',
  repo: 'the repository’s',
  file: 'a file',
} as const;

/** The human summary of a created workspace: its template's origin, its agents and how to see it. */
export function printWorkspace(ctx: CliContext, { workspace, agents, template }: CreatedWorkspace): void {
  ctx.line(
    `created workspace ${workspace.name} (${workspace.backend}${workspace.template ? `, template ${workspace.template}` : ''}) in ${shortenHome(workspace.repoPath ?? '', ctx.env.userHome)}`,
  );
  if (template) {
    const where = template.path ? `, ${shortenHome(template.path, ctx.env.userHome)}` : '';
    const approved = template.approved ? `, approved sha256 ${template.hash.slice(0, 12)}…` : '';
    ctx.line(`template ${template.name}: ${SOURCE_WORDS[template.source]}${where}${approved}`);
    if (template.note) ctx.line(`note: ${template.note}`);
  }
  if (agents.length > 0) ctx.line(agentRows(ctx, agents));
  for (const a of agents) {
    const line = worktreeLine(a, ctx.env.userHome);
    if (line) ctx.line(`${a.name}: ${line}`);
  }
  const attach = attachCommand(ctx, workspace);
  if (attach) ctx.line(`see it: wtp workspace attach ${workspace.name}   (${attach.join(' ')})`);
  if (workspace.backend === 'wezterm')
    ctx.line('it opened in a new WezTerm window, in workspace ' + workspace.name);
}

/** `wtp workspace ls|rm|switch`: one route each. */
const workspaceCommands = [
  routeCommand({
    name: 'ls',
    description: 'list workspaces',
    route: 'listWorkspaces',
    json: 'workspaces',
    print: (ctx, { workspaces }) =>
      ctx.line(
        table(
          ['NAME', 'BACKEND', 'TEMPLATE', 'AGENTS', 'REPO'],
          workspaces.map((w) => [
            w.name,
            w.backend,
            w.template ?? '-',
            String(w.agents),
            shortenHome(w.repoPath ?? '-', ctx.env.userHome),
          ]),
          undefined,
          { width: ctx.width, drop: ['TEMPLATE', 'BACKEND'], flex: 'REPO' },
        ),
      ),
  }),
  routeCommand({
    name: 'rm',
    description: 'remove a workspace with its agents and panes (refuses live agents unless --force)',
    route: 'removeWorkspace',
    args: [{ field: 'params.workspace', name: 'name', help: 'workspace name' }],
    flags: [{ field: 'query.force', short: '-f', help: 'stop its live agents first' }],
    json: 'removed',
    print: (ctx, _r, sent) => ctx.line(`removed workspace ${sent.params.workspace}`),
  }),
  routeCommand({
    name: 'switch',
    description: 'bring a workspace to the front (tmux: prints how to attach; WezTerm: activates its pane)',
    route: 'focusWorkspace',
    args: [{ field: 'params.workspace', name: 'name', help: 'workspace name' }],
    json: 'workspaceFocus',
    jsonDoc: (r, _sent, ctx) => ({
      workspace: r.workspace,
      paneId: r.paneId,
      attach: attachCommand(ctx, r.workspace),
    }),
    print: (ctx, r, sent) => {
      const name = sent.params.workspace;
      const attach = attachCommand(ctx, r.workspace);
      if (r.workspace.backend === 'wezterm') {
        ctx.line(
          `activated pane ${r.paneId ?? '-'} of ${name}. WezTerm's GUI switches workspaces only from inside WezTerm: use the plugin's picker (LEADER s).`,
        );
      } else if (attach) ctx.line(`attach with: wtp workspace attach ${name}   (${attach.join(' ')})`);
      else ctx.line(`${name} is headless: its agents have no panes; use \`wtp attach <agent>\``);
    },
  }),
];

export function registerWorkspaceCommands(program: Command, ctx: CliContext): void {
  const ws = program
    .command('workspace')
    .description('workspaces: a repository plus a layout of agents and panes');

  ws.command('new')
    .description('create a workspace (a WezTerm workspace or a tmux session), optionally from a template')
    .argument('<name>', 'workspace name')
    .option(
      '-C, --cwd <dir>',
      'the folder it works on; its agents work in place there (default: the current directory)',
    )
    .option(
      '--repo <dir>',
      'a git repository: every agent of the template gets a worktree of its own there, on branch wtp/<name>',
    )
    .option('-t, --template <template>', 'a template name (`wtp template ls`) or a YAML file')
    .option('--backend <backend>', `${BACKEND_CHOICES.join(', ')} (default: the daemon's)`)
    .option('--profile <profile>', 'profile of template agents that name none (default shell)')
    .option('--json', 'machine-readable output')
    .action((name: string, raw: Omit<Parameters<typeof createWorkspace>[1], 'name'> & { json?: boolean }) =>
      runAction(ctx, raw.json, async () => {
        const created = await createWorkspace(ctx, { name, ...raw });
        if (ctx.json) ctx.emit('workspace', created);
        else printWorkspace(ctx, created);
      }),
    );

  registerRouteCommands(ws, ctx, workspaceCommands);

  ws.command('attach')
    .description('attach this terminal to a tmux workspace (detach with the tmux prefix, then d)')
    .argument('<name>', 'workspace name')
    .action((name: string) =>
      runAction(ctx, false, async () => {
        const { workspaces } = await ctx.client().call('listWorkspaces');
        const w = workspaces.find((x) => x.name === name || x.id === name);
        if (!w) {
          const names = workspaces.map((x) => x.name);
          throw appError('WORKSPACE_NOT_FOUND', { ref: name, suggestion: didYouMean(name, names) });
        }
        const argv = attachCommand(ctx, w);
        if (!argv)
          throw new AppError(
            'INVALID_INPUT',
            `${name} is a ${w.backend} workspace; only tmux workspaces can be attached here.`,
            { issues: [{ path: 'workspace', message: `backend is ${w.backend}` }] },
          );
        const [file = 'tmux', ...args] = argv;
        const child = spawn(file, args, { env: ctx.processEnv, stdio: 'inherit' });
        const code = await new Promise<number>((r) => child.on('exit', (c) => r(c ?? 1)));
        if (code !== 0) ctx.exitCode = code;
      }),
    );
}
