import type { Command } from 'commander';
import type { PullRequestView, PushResult } from '../../../protocol/forge.js';
import { CHECK_ICONS, checksWords, prBadge, prRef, reviewWords } from '../../../protocol/pr-words.js';
import type { CliContext } from '../context.js';
import { table } from '../format.js';
import { showProgress, withPushProgress } from '../push-progress.js';
import { runAction } from '../run-action.js';
import { checkOptions } from '../check-options.js';
import { ROUTE_FIELDS } from '../route-fields.generated.js';

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
export function pushLine(r: PushResult): string {
  return `pushed ${r.branch} to ${r.remote} (${STATUS_WORDS[r.status]}): ${short(r.commit)}; upstream ${r.upstream}`;
}

interface PushFlags {
  remote?: string;
  commit?: string;
  progress?: boolean;
  json?: boolean;
}

/** push, pr, pr status: delivering agents' work where teams review it. */
export function registerForgeCommands(program: Command, ctx: CliContext): void {
  program
    .command('push')
    .description(
      "push the agent's branch to a remote and set its upstream (refuses uncommitted work and a branch that conflicts with its base)",
    )
    .argument('<agent>', 'name, workspace/name or id')
    .option('--remote <name>', 'the remote (default: config forge.remote, origin)')
    .option(
      '--force-with-lease',
      'replace the remote branch (after a rebase or amend) if it is where it was last seen',
    )
    .option('--commit <message>', 'commit uncommitted work first (otherwise it is refused)')
    .option('--progress', "show git's progress even when stderr is not a terminal")
    .option('--no-progress', "never show git's progress")
    .option('--json', 'machine-readable output')
    .action((ref: string, raw: PushFlags & { forceWithLease?: boolean }, cmd: Command) =>
      runAction(ctx, raw.json, async () => {
        const push = ROUTE_FIELDS.agentPush?.body;
        checkOptions(cmd, { remote: push?.remote, commit: push?.commit });
        const r = await withPushProgress(ctx, showProgress(ctx, raw.progress), (progress) =>
          ctx.client(LONG_CALL_MS).call('agentPush', {
            params: { agent: ref },
            body: {
              forceWithLease: raw.forceWithLease === true,
              ...(raw.remote === undefined ? {} : { remote: raw.remote }),
              ...(raw.commit === undefined ? {} : { commit: raw.commit }),
              ...(progress === undefined ? {} : { progress }),
            },
          }),
        );
        if (ctx.json) return ctx.emit('push', r);
        if (r.committed) ctx.line(`committed ${short(r.committed)} in ${r.agent}`);
        ctx.line(pushLine(r));
      }),
    );

  const pr = program
    .command('pr')
    .description(
      'pull requests (merge requests on GitLab) through gh or glab: `wtp pr NAME` opens one (pr create), `wtp pr status` follows its checks',
    );
  pr.command('create', { isDefault: true })
    .description(
      "push the agent's branch and open a pull request for it (gh, or glab for GitLab), described from its task, commits, diff stat and test result",
    )
    .argument('<agent>', 'name, workspace/name or id')
    .option('--title <text>', "the title (default: the task's title, else the commit's subject)")
    .option('--base <branch>', 'the branch it is for (default: the branch the agent started from)')
    .option('--draft', 'open it as a draft')
    .option('--remote <name>', 'the remote (default: config forge.remote, origin)')
    .option('--commit <message>', 'commit uncommitted work first (otherwise it is refused)')
    .option(
      '--test <command>',
      "run this in the worktree; its result goes in the body (default: the repository's approved test command)",
    )
    .option('--no-test', 'run no test command')
    .option('--progress', "show git's progress even when stderr is not a terminal")
    .option('--no-progress', "never show git's progress")
    .option('--json', 'machine-readable output')
    .action(
      (
        ref: string,
        raw: PushFlags & { title?: string; base?: string; draft?: boolean; test?: string | boolean },
      ) =>
        runAction(ctx, raw.json, async () => {
          const test =
            raw.test === false ? { test: null } : typeof raw.test === 'string' ? { test: raw.test } : {};
          const r = await withPushProgress(ctx, showProgress(ctx, raw.progress), (progress) =>
            ctx.client(LONG_CALL_MS).call('agentPrCreate', {
              params: { agent: ref },
              body: {
                draft: raw.draft === true,
                ...test,
                ...(raw.title === undefined ? {} : { title: raw.title }),
                ...(raw.base === undefined ? {} : { base: raw.base }),
                ...(raw.remote === undefined ? {} : { remote: raw.remote }),
                ...(raw.commit === undefined ? {} : { commit: raw.commit }),
                ...(progress === undefined ? {} : { progress }),
              },
            }),
          );
          if (ctx.json) return ctx.emit('pr', r);
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
        }),
    );
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
        if (ref !== undefined && list[0]) checkLines(ctx, list[0].pullRequest);
        for (const { agent, pullRequest: p } of list)
          if (p.pollError) ctx.note(`${agent}: the last poll failed: ${p.pollError} (${prBadge(p)})`);
      }),
    );
}

/** One line per check of one pull request: its state, name, what the forge said and its link. */
function checkLines(ctx: CliContext, p: PullRequestView): void {
  if (p.checks.length === 0) return;
  ctx.line(
    table(
      ['', 'CHECK', 'RESULT', 'DETAILS'],
      p.checks.map((c) => [
        CHECK_ICONS[c.state],
        c.workflow ? `${c.workflow} / ${c.name}` : c.name,
        c.conclusion,
        c.url ?? '-',
      ]),
    ),
  );
}
