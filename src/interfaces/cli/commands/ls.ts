import type { AgentState, AgentView } from '../../../protocol/agent.js';
import { actsUnasked } from '../../../protocol/permission-words.js';
import { prBadge } from '../../../protocol/pr-words.js';
import { requestWords } from '../../../protocol/request-words.js';
import { lastLine } from '../../../protocol/state-why.js';
import { costWords, shortTokens, tokenTotal } from '../../../protocol/usage-words.js';
import { teamName, teamRows } from '../../../protocol/team-tree.js';
import type { CliContext } from '../context.js';
import { bytes, clockTime, duration, paint, shortenHome, stateColor, stateLabel, table } from '../format.js';

/** `wtp ls`'s filters, validated. */
export interface LsQuery {
  workspace?: string | undefined;
  state?: AgentState | undefined;
  machine?: string | undefined;
  local?: boolean | undefined;
}

/**
 * `wtp ls`: the agents as a table, or as `--json`. Its own module, with nothing of the other
 * commands, because the launcher runs it without building the whole program (src/bin.ts): every
 * call to it pays only for its own code. It prints only once every request succeeded.
 */
export async function listAgents(ctx: CliContext, q: LsQuery): Promise<void> {
  const { agents } = await ctx.client().call('listAgents', {
    query: {
      workspace: q.workspace,
      state: q.state,
      machine: q.machine,
      local: q.local ? 'true' : undefined,
    },
  });
  if (ctx.json) ctx.emit('ls', { agents });
  else await printAgents(ctx, agents, q);
}

/** The agents as `wtp ls`'s table (or what no match means). */
export async function printAgents(ctx: CliContext, list: AgentView[], q: LsQuery): Promise<void> {
  if (list.length === 0) {
    ctx.line(await noMatch(ctx, q));
    return;
  }
  // Leads with their workers: each lead followed by the agents it started, as a tree.
  const tree = teamRows(list);
  const teamed = tree.some((r) => r.depth > 0);
  const agents = teamed ? tree.map((r) => r.agent) : list;
  const multiWs = new Set(agents.map((a) => a.workspace)).size > 1;
  // In a fleet: which machine runs each agent, and which machines are out of reach.
  const fleet = agents.some((a) => a.machine !== null);
  const away = fleet ? await unreachableMachines(ctx) : new Map<string, string>();
  const some = (has: (a: AgentView) => boolean): boolean => agents.some(has);
  const git = some((a) => a.worktree !== null);
  const cost = some((a) => a.usage !== undefined);
  // A column shows when `on`; the optional ones at the end only when some agent has a value.
  const columns: { head: string; on?: boolean; cell: (a: AgentView, i: number) => string | undefined }[] = [
    {
      head: 'MACHINE',
      on: fleet,
      cell: (a) => {
        const since = a.machine === null ? undefined : away.get(a.machine);
        return since === undefined ? (a.machine ?? '-') : `${a.machine} (unreachable since ${since})`;
      },
    },
    {
      head: 'NAME',
      cell: (a, i) => {
        const name = multiWs ? `${a.workspace}/${a.name}` : a.name;
        const row = tree[i];
        return teamed && row ? teamName(name, row) : name;
      },
    },
    { head: 'ID', cell: (a) => a.id },
    { head: 'PROFILE', cell: (a) => a.profile },
    { head: 'STATE', cell: (a) => stateLabel(a) },
    // The agents that act without asking, by their permission mode (`auto`, `bypass`…).
    {
      head: 'NO ASKING',
      cell: (a) => (a.permission && actsUnasked(a.permission.mode) ? a.permission.mode : undefined),
    },
    // Sandboxed agents (docs/sandbox.md), when there are any.
    { head: 'SANDBOX', cell: (a) => (a.sandbox ? 'yes' : undefined) },
    { head: 'PID', cell: (a) => (a.pid === null ? '-' : String(a.pid)) },
    { head: 'UPTIME', cell: (a) => duration(a.uptimeMs) },
    { head: 'CPU%', cell: (a) => (a.stats ? a.stats.cpuPercent.toFixed(1) : '-') },
    { head: 'RSS', cell: (a) => bytes(a.stats?.rssBytes) },
    // Branch and worktree disk use, when some agent works in a git worktree.
    { head: 'BRANCH', on: git, cell: (a) => a.worktree?.branch ?? '-' },
    { head: 'DISK', on: git, cell: (a) => bytes(a.worktreeBytes) },
    { head: 'PR', cell: (a) => (a.pullRequest ? prBadge(a.pullRequest) : undefined) },
    // What agents cost, when usage was read for some: money, or "unknown" without a price.
    { head: 'COST', on: cost, cell: (a) => costWords(a.usage) },
    { head: 'TOKENS', on: cost, cell: (a) => (a.usage ? shortTokens(tokenTotal(a.usage.tokens)) : '-') },
    { head: 'CWD', cell: (a) => shortenHome(a.cwd, ctx.env.userHome) },
    // What a waiting agent asks (`to run Bash: npm test`); what one that ended unasked said last.
    { head: 'ASKS', cell: asksText },
    {
      head: 'SAID',
      cell: (a) =>
        a.state === 'exited' || a.state === 'crashed' ? lastLine(a.stateDetail.lastWords) : undefined,
    },
  ];
  const cells = columns.map((c) => agents.map((a, i) => c.cell(a, i)));
  const shown = columns.flatMap((c, k) =>
    (c.on ?? cells[k]?.some((v) => v !== undefined) ?? false)
      ? [{ head: c.head, values: cells[k] ?? [] }]
      : [],
  );
  const header = shown.map((c) => c.head);
  const rows = agents.map((_, i) => shown.map((c) => c.values[i] ?? '-'));
  const paintCell = (r: number, col: number, s: string): string => {
    const agent = agents[r];
    if (agent === undefined) return s;
    if (header[col] === 'STATE') return paint(ctx.color, stateColor(agent), s);
    const mode = header[col] === 'NO ASKING' ? agent.permission?.mode : undefined;
    return mode !== undefined && actsUnasked(mode)
      ? paint(ctx.color, mode === 'bypass' ? 'red' : 'yellow', s)
      : s;
  };
  // On a narrow terminal the least needed columns go first; the name and state never.
  const fit = { width: ctx.width, keep: ['NAME', 'STATE', 'NO ASKING'], drop: LS_DROP, flex: 'ASKS' };
  ctx.line(table(header, rows, paintCell, fit));
}

/** `wtp ls`'s columns in the order they give way to a narrow terminal (ASKS is cut instead). */
const LS_DROP = [
  'CWD',
  'DISK',
  'TOKENS',
  'PID',
  'RSS',
  'ID',
  'CPU%',
  'PR',
  'UPTIME',
  'BRANCH',
  'SAID',
  'SANDBOX',
  'MACHINE',
  'PROFILE',
  'COST',
];

/** What `wtp ls` says when no agent matches: which filter left them out, and what else there is. */
async function noMatch(ctx: CliContext, q: LsQuery): Promise<string> {
  if (q.workspace === undefined && q.state === undefined)
    return 'no agents; start one with `wtp new shell` or `wtp new cmd -- <command>`';
  // Without the state filter: the agents left out only by it (or, for a workspace, every agent).
  const { agents } = await ctx.client().call('listAgents', {
    query: { workspace: q.state === undefined ? undefined : q.workspace },
  });
  const where = q.workspace === undefined ? '' : ` in workspace ${q.workspace}`;
  const n = `${agents.length} agent${agents.length === 1 ? '' : 's'}`;
  if (q.state === undefined) return `no agents${where} (${n} in other workspaces)`;
  const is = q.state.startsWith('needs_') ? q.state.replace('_', ' ') : `is ${q.state}`;
  return `no agent${where} ${is} (${n} in other states)`;
}

/** What a waiting agent asks, for `wtp ls`: a file in its folder named relative to it, one line. */
function asksText(a: AgentView): string | undefined {
  const r = a.stateDetail.request;
  if (r === undefined || (a.state !== 'needs_permission' && a.state !== 'needs_input')) return undefined;
  const inside = r.about?.startsWith(`${a.cwd}/`) === true;
  return requestWords(inside ? { ...r, about: r.about?.slice(a.cwd.length + 1) } : r, 80);
}

/** The fleet's machines that are out of reach, with the time of their last heartbeat. */
async function unreachableMachines(ctx: CliContext): Promise<Map<string, string>> {
  const { fleet } = await ctx.client().call('fleetStatus');
  return new Map(
    (fleet?.machines ?? []).flatMap((m) =>
      m.unreachableSince === null ? [] : [[m.name, clockTime(m.unreachableSince)] as const],
    ),
  );
}
