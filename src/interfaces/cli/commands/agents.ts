import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { AgentView, CreateAgentRequest } from '../../../protocol/agent.js';
import { AppError } from '../../../protocol/app-error.js';
import { AGENT_CLI_PROFILES, AGENT_STATES } from '../../../protocol/constants.js';
import { actsUnasked, modeName, PERMISSION_MODE_WORDS } from '../../../protocol/permission-words.js';
import { ask } from '../ask.js';
import type { CliContext } from '../context.js';
import { stateLabel, worktreeLine } from '../format.js';
import { registerRouteCommands } from '../register-route-commands.js';
import { routeCommand } from '../route-command.js';
import { runAction } from '../run-action.js';
import { listAgents } from './ls.js';
import { validateOptions } from '../validate.js';
import { cellText, visibleText } from '../../../protocol/terminal-text.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function describeStart(a: AgentView): { text: string; failed: boolean } {
  switch (a.state) {
    case 'running':
    case 'working':
    case 'needs_permission':
    case 'needs_input':
    case 'idle':
      return {
        // A wait on the user at once (a trust or mode warning) is said; working or idle is the start.
        text: `started ${a.name} (${a.id}), pid ${a.pid ?? '?'}${a.state.startsWith('needs_') ? `, ${stateLabel(a)}` : ''}`,
        failed: false,
      };
    case 'exited':
      // An agent CLI that fails during its start watch did not start: its own words say why.
      if (isAgentCli(a.profile) && a.stateDetail.exitCode !== 0)
        return {
          text: `${a.name} (${a.id}) exited at its start: ${stateLabel(a)}${saidLines(a)}\nRead all it printed with \`wtp logs ${a.name}\`.`,
          failed: true,
        };
      return { text: `${a.name} (${a.id}) ran and exited: ${stateLabel(a)}${saidLines(a)}`, failed: false };
    case 'crashed':
      return {
        text: `${a.name} (${a.id}) failed to start: ${a.stateDetail.message ?? a.stateDetail.reason}${saidLines(a)}`,
        failed: true,
      };
    case 'starting':
      return { text: `${a.name} (${a.id}) is starting (${a.stateDetail.reason})`, failed: false };
  }
}

/** An exit's last words, indented under the line that tells the exit. */
function saidLines(a: AgentView): string {
  const words = a.stateDetail.lastWords;
  return words === undefined
    ? ''
    : `\n${words
        .split('\n')
        .map((l) => `  it said: ${cellText(l)}`)
        .join('\n')}`;
}

const isAgentCli = (profile: string): boolean => (AGENT_CLI_PROFILES as readonly string[]).includes(profile);

/** `wtp stop`, `wtp restart` and `wtp rm`: one route each. */
const agentCommands = [
  routeCommand({
    name: 'stop',
    description: 'stop an agent: SIGTERM to its processes, SIGKILL after the grace delay',
    route: 'stopAgent',
    args: [{ field: 'params.agent' }],
    flags: [
      { field: 'body.graceMs', long: 'grace', value: 'ms' },
      { field: 'body.wait', help: 'return at once' },
    ],
    json: 'agent',
    jsonDoc: ({ agent }) => ({ agent }),
    print: (ctx, { agent }) => ctx.line(`${agent.name}: ${stateLabel(agent)}`),
  }),
  routeCommand({
    name: 'restart',
    description: 'stop the agent if it runs, then start it again (clears its crash-loop history)',
    route: 'restartAgent',
    args: [{ field: 'params.agent' }],
    json: 'agent',
    jsonDoc: ({ agent }) => ({ agent }),
    print: (ctx, { agent }) => ctx.line(describeStart(agent).text.replace(/^started/, 'restarted')),
  }),
  routeCommand({
    name: 'rm',
    description: 'remove an agent and its output log (refuses a live agent unless --force)',
    route: 'removeAgent',
    args: [{ field: 'params.agent' }],
    flags: [{ field: 'query.force', short: '-f', help: 'stop it first if it is running' }],
    json: 'removed',
    jsonDoc: (r) => ({ removed: r.removed }),
    print: (ctx, r, sent) => ctx.line(`removed ${sent.params.agent} (${r.removed})`),
  }),
];

export function registerAgentCommands(program: Command, ctx: CliContext): void {
  program
    .command('new')
    .description('start an agent: wtp new claude | wtp new shell | wtp new cmd -- <command> [args…]')
    .argument(
      '<profile>',
      `shell (your $SHELL), cmd (the command after --), or an agent CLI: ${AGENT_CLI_PROFILES.join(', ')} (found on PATH or through WTP_<NAME>_BIN)`,
    )
    .argument(
      '[argv...]',
      'for cmd: the command and its arguments (after --); for shell: extra shell arguments',
    )
    .option('-n, --name <name>', 'unique name in the workspace (default <profile>-<n>)')
    .option('-C, --cwd <dir>', 'working directory (default: the current directory)')
    .option('--restart <policy>', 'never | on-failure | always', 'never')
    .option('-e, --env <KEY=VALUE>', 'extra environment variable (repeatable)', collect, [])
    .option('-w, --workspace <name>', 'workspace (default: "default")')
    .option('--no-wait', 'return at once instead of waiting for the process to start')
    .option('-p, --prompt <text>', 'typed once the agent is at its prompt (agent CLIs) or quiet (others)')
    .option('-m, --model <model>', 'agent CLIs: the model')
    .option(
      '--repo <dir>',
      'git repository: the agent gets a worktree of its own there, on branch wtp/<name> (without it, the agent works in --cwd)',
    )
    .option('--base <ref>', 'with a repository: start the branch from this ref (default: the current branch)')
    .option('--branch <name>', 'with a repository: reuse this existing branch')
    .option('--no-worktree', 'with a repository: work in the repository itself')
    .option(
      '--permission-mode <mode>',
      'agent CLIs: permission/approval mode (claude: default, acceptEdits, plan, …)',
    )
    .option(
      '--auto-approve <rule>',
      "answer yes to what the rule allows, e.g. 'Bash(npm test*)', 'Write(src/**)' (repeatable; deny rules and more in the config's approvals:)",
      collect,
      [],
    )
    .option(
      '--sandbox',
      'run it in a sandbox: it writes only its worktree, its temporary folder and its CLI’s state, reads no keys or other worktrees, reaches only its API hosts (docs/sandbox.md); refused where none can be made',
    )
    .option('--no-sandbox', 'run it unsandboxed even when the config’s sandbox.profiles names its profile')
    .option(
      '--mcp',
      "agent CLIs: give it wezterm-parallel's MCP server (this agent only), so it can start and drive agents of its own: a team (docs/mcp.md)",
    )
    .option('--json', 'machine-readable output')
    .action(
      (
        profile: string,
        argv: string[],
        raw: {
          json?: boolean;
          repo?: string;
          base?: string;
          branch?: string;
          worktree?: boolean;
          mcp?: boolean;
        },
        cmd: Command,
      ) =>
        runAction(ctx, raw.json, async () => {
          const o = await validateOptions(cmd, 'new');
          const env = Object.fromEntries(
            o.env.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
          );
          const body = {
            profile,
            argv,
            cwd: resolve(o.cwd ?? process.cwd()),
            restart: o.restart,
            env,
            wait: o.wait,
            ...(o.name === undefined ? {} : { name: o.name }),
            ...(o.workspace === undefined ? {} : { workspace: o.workspace }),
            ...(o.prompt === undefined ? {} : { prompt: o.prompt }),
            ...(o.model === undefined ? {} : { model: o.model }),
            ...(o.permissionMode === undefined ? {} : { permissionMode: o.permissionMode }),
            ...(o.autoApprove.length === 0 ? {} : { approvals: { allow: o.autoApprove, deny: [] } }),
            ...(o.sandbox === undefined ? {} : { sandbox: o.sandbox }),
            ...(raw.repo === undefined ? {} : { repo: resolve(raw.repo) }),
            ...(raw.base === undefined ? {} : { base: raw.base }),
            ...(raw.branch === undefined ? {} : { branch: raw.branch }),
            ...(raw.worktree === false ? { worktree: false } : {}),
            ...(raw.mcp === true ? { mcp: true } : {}),
          };
          const { agent, cli } = await createApprovingSetup(ctx, body);
          const { text, failed } = describeStart(agent);
          // A CLI outside its tested versions (or never run here) still starts, with a warning.
          if (cli?.warning) ctx.note(`warning: ${cli.warning.replaceAll('<agent>', agent.name)}`);
          if (ctx.json) ctx.emit('agent', { agent, cli: cli ?? null });
          else {
            ctx.line(text);
            const wt = worktreeLine(agent, ctx.env.userHome);
            if (wt) ctx.line(wt);
          }
          // An agent that will act without asking says so at once.
          const p = agent.permission;
          if (p && actsUnasked(p.mode)) {
            ctx.note(
              `note: ${agent.name} starts in ${modeName(p)} mode: it ${PERMISSION_MODE_WORDS[p.mode]} (${p.originDetail})`,
            );
          }
          if (failed) ctx.exitCode = 1;
        }),
    );

  program
    .command('ls')
    .description(
      'list agents: name, id, profile, state, pid, cwd, uptime, CPU and memory of the process tree; NO ASKING: the permission mode of agents that act without asking; SAID: what one that failed printed last. Rows fit the terminal (or COLUMNS): the least needed columns give way, never the name or state',
    )
    .option('-w, --workspace <name>', 'only this workspace')
    .option('--state <state>', `only agents in this state (${AGENT_STATES.join(', ')})`)
    .option('--machine <name>', 'in a fleet: only the agents of this machine')
    .option('--local', "in a fleet: only this machine's agents")
    .option('--json', 'machine-readable output')
    .action((raw: { json?: boolean }, cmd: Command) =>
      runAction(ctx, raw.json, async () => {
        const q = await validateOptions(cmd, 'ls');
        await listAgents(ctx, q);
      }),
    );

  registerRouteCommands(program, ctx, agentCommands);
}

/**
 * Creates the agent; when the repository's setup script is not approved yet and a person is at the
 * terminal, shows the exact commands and asks once (the approval is stored by the script's hash).
 */
async function createApprovingSetup(ctx: CliContext, body: CreateAgentRequest) {
  try {
    return await ctx.client().call('createAgent', { body });
  } catch (err) {
    const d = err instanceof AppError && err.code === 'SETUP_NOT_APPROVED' ? err.details : undefined;
    if (!d || ctx.json || !ctx.canAsk) throw err;
    const commands = Array.isArray(d.commands) ? d.commands.map(String) : [];
    const modules = Array.isArray(d.submodules) ? (d.submodules as { path?: unknown; url?: unknown }[]) : [];
    const hashes = Array.isArray(d.hashes) ? d.hashes.map(String) : [String(d.hash)];
    // The repository's text, shown as it is (control characters as escapes) before it may run.
    if (commands.length > 0) {
      ctx.errorText(`The repository ${String(d.repo)} runs this setup in every new worktree:\n`, false);
      for (const c of commands) ctx.errorText(`  $ ${visibleText(c)}\n`, false);
    }
    if (modules.length > 0) {
      ctx.errorText(`The repository ${String(d.repo)} has submodules, fetched from:\n`, false);
      for (const m of modules)
        ctx.errorText(`  ${visibleText(String(m.path))}  ${visibleText(String(m.url))}\n`, false);
    }
    const answer = await ask(ctx, 'Approve it (now and until it changes)? [y/N] ');
    if (!/^y(es)?$/i.test(answer.trim())) throw err;
    await ctx.client().call('setupApprove', { body: { repo: String(d.repo), hashes } });
    return ctx.client().call('createAgent', { body });
  }
}
