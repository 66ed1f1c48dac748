import type { Command } from 'commander';
import type { PushResult } from '../../../protocol/forge.js';
import { CHECK_ICONS, checksWords, prBadge, prRef, reviewWords } from '../../../protocol/pr-words.js';
import type { CliContext } from '../context.js';
import { table } from '../format.js';
import { PROGRESS_FLAGS, withPushProgress } from '../push-progress.js';
import { runAction } from '../run-action.js';
import { registerRouteCommands } from '../register-route-commands.js';
import { routeCommand } from '../route-command.js';

/** A push or a pull request waits for git and the forge (the daemon bounds both). */
const LONG_CALL_MS = 45 * 60_000;

const short = (sha: string): string => sha.slice(0, 10);

const STATUS_WORDS: Record<PushResult['status'], string> = {
  new: 'new branch',
  updated: 'fast-forward',
  forced: 'replaced with --force-with-lease',
  'up-to-date': 'already up to date',
};

/** `pushed wtp/api to origin (new branch): 1a2b3c4d5e; upstream origin/wtp/api` */
function pushLine(r: PushResult): string {
  return `pushed ${r.branch} to ${r.remote} (${STATUS_WORDS[r.status]}): ${short(r.commit)}; upstream ${r.upstream}`;
}

const pushCommand = routeCommand({
  name: 'push',
  description:
    "push the agent's branch to a remote and set its upstream (refuses uncommitted work and a branch that conflicts with its base)",
  route: 'agentPush',
  args: [{ field: 'params.agent' }],
  flags: [
    { field: 'body.remote', value: 'name' },
    { field: 'body.forceWithLease' },
    { field: 'body.commit', value: 'message' },
  ],
  local: PROGRESS_FLAGS,
  timeoutMs: LONG_CALL_MS,
  call: withPushProgress,
  json: 'push',
  print: (ctx, r) => {
    if (r.committed) ctx.line(`committed ${short(r.committed)} in ${r.agent}`);
    ctx.line(pushLine(r));
  },
});

const prCreateCommand = routeCommand({
  name: 'create',
  isDefault: true,
  description:
    "push the agent's branch and open a pull request for it (gh, or glab for GitLab), described from its task, commits, diff stat and test result",
  route: 'agentPrCreate',
  args: [{ field: 'params.agent' }],
  flags: [
    {
      field: 'body.title',
      value: 'text',
      help: "the title (default: the task's title, else the first commit's subject)",
    },
    { field: 'body.base', value: 'branch' },
    { field: 'body.draft', help: 'open it as a draft' },
    { field: 'body.remote', value: 'name' },
    { field: 'body.commit', value: 'message' },
    {
      field: 'body.test',
      value: 'command',
      help: "run this in the worktree (sh -c); its result goes in the description (default: the repository's approved test command)",
      offHelp: 'run no test command',
    },
  ],
  local: PROGRESS_FLAGS,
  timeoutMs: LONG_CALL_MS,
  call: withPushProgress,
  json: 'pr',
  print: (ctx, r) => {
    const p = r.pullRequest;
    if (r.pushed.committed) ctx.line(`committed ${short(r.pushed.committed)} in ${r.agent}`);
    ctx.line(pushLine(r.pushed));
    const verb = r.created ? 'opened' : 'took the open';
    ctx.line(
      `${verb} ${p.forge === 'gitlab' ? 'merge' : 'pull'} request ${prRef(p)} for ${r.agent}: ${p.url}`,
    );
    ctx.line(`  ${p.head} → ${p.base}${p.draft ? ', draft' : ''}: ${p.title}`);
    if (r.test) {
      const how = r.test.timedOut
        ? 'timed out'
        : r.test.exitCode === 0
          ? 'passed'
          : `failed (exit ${r.test.exitCode})`;
      ctx.line(`  tests: ${r.test.command} ${how} (in the description)`);
    }
  },
});

/** push, pr, pr status: delivering agents' work where teams review it. */
export function registerForgeCommands(program: Command, ctx: CliContext): void {
  registerRouteCommands(program, ctx, [pushCommand]);
  const pr = program
    .command('pr')
    .description(
      'pull requests (merge requests on GitLab) through gh or glab: `wtp pr NAME` opens one (pr create), `wtp pr status` follows its checks',
    );
  registerRouteCommands(pr, ctx, [prCreateCommand]);
  pr.command('status')
    .description(
      "ask the forge now for the agent's pull request (or every open one): state, review decision, checks",
    )
    .argument('[agent]', 'name, workspace/name or id (default: every agent with a pull request)')
    .option('--json', 'machine-readable output')
    .action((ref: string | undefined, raw: { json?: boolean }) =>
      runAction(ctx, raw.json, async () => {
        const client = ctx.client(LONG_CALL_MS);
        const list =
          ref === undefined
            ? (await client.call('refreshPrs', { body: {} })).pullRequests
            : [await client.call('agentPrRefresh', { params: { agent: ref }, body: {} })];
        if (ctx.json) return ctx.emit('prStatus', { pullRequests: list });
        if (list.length === 0) return ctx.line('no pull requests (open one with wtp pr NAME)');
        ctx.line(
          table(
            ['AGENT', 'PR', 'STATE', 'REVIEW', 'CHECKS', 'URL'],
            list.map(({ agent, pullRequest: p }) => [
              agent,
              prRef(p),
              p.draft && p.state === 'open' ? 'draft' : p.state,
              reviewWords(p),
              checksWords(p),
              p.url,
            ]),
          ),
        );
        // One pull request: its checks, each with what the forge said and its link.
        const checks = ref === undefined ? [] : (list[0]?.pullRequest.checks ?? []);
        if (checks.length > 0)
          ctx.line(
            table(
              ['', 'CHECK', 'RESULT', 'DETAILS'],
              checks.map((c) => [
                CHECK_ICONS[c.state],
                c.workflow ? `${c.workflow} / ${c.name}` : c.name,
                c.conclusion,
                c.url ?? '-',
              ]),
            ),
          );
        for (const { agent, pullRequest: p } of list)
          if (p.pollError) ctx.note(`${agent}: the last poll failed: ${p.pollError} (${prBadge(p)})`);
      }),
    );
}
