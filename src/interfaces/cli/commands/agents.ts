import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { AgentView } from '../../../protocol/agent.js';
import { parseApprovalRule } from '../../../protocol/approval-rule.js';
import type { Issue } from '../../../protocol/error-catalog.js';
import { AGENT_CLI_PROFILES } from '../../../protocol/constants.js';
import { actsUnasked, modeName, PERMISSION_MODE_WORDS } from '../../../protocol/permission-words.js';
import type { CliContext } from '../context.js';
import { stateLabel, worktreeLine } from '../format.js';
import { registerRouteCommands } from '../register-route-commands.js';
import { invalidArguments } from '../route-flags.js';
import { routeCommand } from '../route-command.js';
import { printAgents } from './ls.js';
import { cellText } from '../../../protocol/terminal-text.js';

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

/** `KEY=VALUE` pairs as the agent's environment, or the issue a pair makes. */
function envOf(pairs: string[], issues: Issue[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 1 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(pair.slice(0, eq)))
      issues.push({ path: '--env', message: 'must look like KEY=VALUE with a valid variable name' });
    else env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

const newCommand = routeCommand({
  name: 'new',
  description: 'start an agent: wtp new claude | wtp new shell | wtp new cmd -- <command> [args…]',
  route: 'createAgent',
  args: [
    {
      field: 'body.profile',
      help: `shell (your $SHELL), cmd (the command after --), or an agent CLI: ${AGENT_CLI_PROFILES.join(', ')} (found on PATH or through WTP_<NAME>_BIN)`,
    },
    {
      field: 'body.argv',
      help: 'for cmd: the command and its arguments (after --); for shell: extra shell arguments',
    },
  ],
  flags: [
    { field: 'body.name', short: '-n' },
    {
      field: 'body.cwd',
      short: '-C',
      value: 'dir',
      help: 'working directory (default: the current directory)',
      toValue: (t) => resolve(t),
      fallback: () => process.cwd(),
    },
    { field: 'body.restart', value: 'policy' },
    { field: 'body.workspace', short: '-w', value: 'name' },
    { field: 'body.wait', help: 'return at once instead of waiting for the process to start' },
    { field: 'body.prompt', short: '-p', value: 'text' },
    { field: 'body.model', short: '-m' },
    { field: 'body.repo', value: 'dir', toValue: (t) => resolve(t) },
    { field: 'body.base', value: 'ref' },
    { field: 'body.branch', value: 'name' },
    { field: 'body.worktree', off: true, help: 'with a repository: work in the repository itself' },
    { field: 'body.permissionMode', value: 'mode' },
    {
      field: 'body.sandbox',
      offHelp: 'run it unsandboxed even when the config’s sandbox.profiles names its profile',
    },
    { field: 'body.mcp' },
  ],
  local: [
    { flags: '-e, --env <KEY=VALUE>', help: 'extra environment variable (repeatable)', repeatable: true },
    {
      flags: '--auto-approve <rule>',
      help: "answer yes to what the rule allows, e.g. 'Bash(npm test*)', 'Write(src/**)' (repeatable; deny rules and more in the config's approvals:)",
      repeatable: true,
    },
  ],
  request: ({ body, local }) => {
    const issues: Issue[] = [];
    const env = envOf((local.env as string[] | undefined) ?? [], issues);
    const allow = (local.autoApprove as string[] | undefined) ?? [];
    for (const rule of allow) {
      const r = parseApprovalRule(rule);
      if (typeof r === 'string') issues.push({ path: '--auto-approve', message: r });
    }
    if (issues.length > 0) throw invalidArguments(issues);
    return { body: { ...body, env, ...(allow.length > 0 ? { approvals: { allow, deny: [] } } : {}) } };
  },
  json: 'agent',
  jsonDoc: ({ agent, cli }) => ({ agent, cli: cli ?? null }),
  failed: ({ agent }) => describeStart(agent).failed,
  print: (ctx, { agent }) => {
    ctx.line(describeStart(agent).text);
    const wt = worktreeLine(agent, ctx.env.userHome);
    if (wt) ctx.line(wt);
  },
  notes: (ctx, { agent, cli }) => {
    // A CLI outside its tested versions (or never run here) still starts, with a warning.
    if (cli?.warning) ctx.note(`warning: ${cli.warning.replaceAll('<agent>', agent.name)}`);
    // An agent that will act without asking says so at once.
    const p = agent.permission;
    if (p && actsUnasked(p.mode))
      ctx.note(
        `note: ${agent.name} starts in ${modeName(p)} mode: it ${PERMISSION_MODE_WORDS[p.mode]} (${p.originDetail})`,
      );
  },
});

const lsCommand = routeCommand({
  name: 'ls',
  description:
    'list agents: name, id, profile, state, pid, cwd, uptime, CPU and memory of the process tree; NO ASKING: the permission mode of agents that act without asking; SAID: what one that failed printed last. Rows fit the terminal (or COLUMNS): the least needed columns give way, never the name or state',
  route: 'listAgents',
  flags: [
    { field: 'query.workspace', short: '-w', value: 'name', help: 'only this workspace' },
    { field: 'query.state', help: 'only agents in this state' },
    { field: 'query.machine', value: 'name' },
    { field: 'query.local' },
  ],
  json: 'ls',
  print: (ctx, { agents }, { query }) =>
    printAgents(ctx, agents, { ...query, local: query?.local === 'true' }),
});

export function registerAgentCommands(program: Command, ctx: CliContext): void {
  registerRouteCommands(program, ctx, [newCommand, lsCommand]);
  registerRouteCommands(program, ctx, agentCommands);
}
