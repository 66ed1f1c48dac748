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
  let agents = list;
  if (agents.length === 0) {
    ctx.line(await noMatch(ctx, q));
    return;
  }
  // Leads with their workers: each lead followed by the agents it started, as a tree.
  const tree = teamRows(agents);
  const teamed = tree.some((r) => r.depth > 0);
  if (teamed) agents = tree.map((r) => r.agent);
  const nameOf = (a: AgentView, i: number): string => {
    const name = multiWs ? `${a.workspace}/${a.name}` : a.name;
    const row = tree[i];
    return teamed && row ? teamName(name, row) : name;
  };
  const multiWs = new Set(agents.map((a) => a.workspace)).size > 1;
  // In a fleet: which machine runs each agent, and which machines are out of reach.
  const fleet = agents.some((a) => a.machine !== null);
  const away = fleet ? await unreachableMachines(ctx) : new Map<string, string>();
  const machineCell = (a: AgentView): string => {
    const since = a.machine === null ? undefined : away.get(a.machine);
    return since === undefined ? (a.machine ?? '-') : `${a.machine} (unreachable since ${since})`;
  };
  // Branch and worktree disk use, when some agent works in a git worktree.
  const git = agents.some((a) => a.worktree !== null);
  // Pull requests and their checks, when some agent has one.
  const prs = agents.some((a) => a.pullRequest !== null);
  // What waiting agents ask, when one's request says (a last column: `to run Bash: npm test`).
  const asks = agents.map((a) => asksText(a));
  const anyAsks = asks.some((w) => w !== undefined);
  // What an agent that ended unasked said last (`exited(1)`: its refusal, its error).
  const said = agents.map((a) =>
    a.state === 'exited' || a.state === 'crashed' ? lastLine(a.stateDetail.lastWords) : undefined,
  );
  const anySaid = said.some((w) => w !== undefined);
  // The agents that act without asking, by their permission mode (`auto`, `bypass`…).
  const unasked = agents.map((a) =>
    a.permission && actsUnasked(a.permission.mode) ? a.permission.mode : undefined,
  );
  const anyUnasked = unasked.some((m) => m !== undefined);
  // What agents cost, when usage was read for some: money, or "unknown" without a price.
  const cost = agents.some((a) => a.usage !== undefined);
  // Sandboxed agents (docs/sandbox.md), when there are any.
  const anySandbox = agents.some((a) => a.sandbox !== null);
  const rows = agents.map((a, i) => [
    ...(fleet ? [machineCell(a)] : []),
    nameOf(a, i),
    a.id,
    a.profile,
    stateLabel(a),
    ...(anyUnasked ? [unasked[i] ?? '-'] : []),
    ...(anySandbox ? [a.sandbox ? 'yes' : '-'] : []),
    a.pid === null ? '-' : String(a.pid),
    duration(a.uptimeMs),
    a.stats ? a.stats.cpuPercent.toFixed(1) : '-',
    bytes(a.stats?.rssBytes),
    ...(git ? [a.worktree?.branch ?? '-', bytes(a.worktreeBytes)] : []),
    ...(prs ? [a.pullRequest ? prBadge(a.pullRequest) : '-'] : []),
    ...(cost ? [costWords(a.usage), a.usage ? shortTokens(tokenTotal(a.usage.tokens)) : '-'] : []),
    shortenHome(a.cwd, ctx.env.userHome),
    ...(anyAsks ? [asks[i] ?? '-'] : []),
    ...(anySaid ? [said[i] ?? '-'] : []),
  ]);
  ctx.line(
    table(
      [
        ...(fleet ? ['MACHINE'] : []),
        'NAME',
        'ID',
        'PROFILE',
        'STATE',
        ...(anyUnasked ? ['NO ASKING'] : []),
        ...(anySandbox ? ['SANDBOX'] : []),
        'PID',
        'UPTIME',
        'CPU%',
        'RSS',
        ...(git ? ['BRANCH', 'DISK'] : []),
        ...(prs ? ['PR'] : []),
        ...(cost ? ['COST', 'TOKENS'] : []),
        'CWD',
        ...(anyAsks ? ['ASKS'] : []),
        ...(anySaid ? ['SAID'] : []),
      ],
      rows,
      (r, col, s) => {
        const agent = agents[r];
        const stateCol = fleet ? 4 : 3;
        if (anyUnasked && col === stateCol + 1 && unasked[r] !== undefined)
          return paint(ctx.color, unasked[r] === 'bypass' ? 'red' : 'yellow', s);
        return col === stateCol && agent ? paint(ctx.color, stateColor(agent), s) : s;
      },
      // On a narrow terminal the least needed columns go first; the name and state never.
      { width: ctx.width, keep: ['NAME', 'STATE', 'NO ASKING'], drop: LS_DROP, flex: 'ASKS' },
    ),
  );
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
