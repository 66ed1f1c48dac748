import { resolve } from 'node:path';
import type { Command } from 'commander';
import { fieldError } from '../route-flags.js';
import type { CliContext } from '../context.js';
import { bytes, table } from '../format.js';
import type { SetupInfo } from '../../../protocol/git.js';
import { registerRouteCommands } from '../register-route-commands.js';
import { routeCommand } from '../route-command.js';
import { runAction } from '../run-action.js';
import { printDiff } from './diff.js';
import { visibleText } from '../../../protocol/terminal-text.js';

const short = (sha: string | null): string => (sha ? sha.slice(0, 10) : '-');

const commitCommand = routeCommand({
  name: 'commit',
  description: 'commit what the agent left uncommitted in its worktree',
  route: 'agentCommit',
  args: [{ field: 'params.agent' }],
  flags: [{ field: 'body.message', short: '-m', value: 'text' }],
  json: 'commit',
  jsonDoc: ({ commit }, sent) => ({ agent: sent.params.agent, commit }),
  print: (ctx, { commit }, { params: { agent } }) =>
    ctx.line(commit ? `committed ${short(commit)} in ${agent}` : `${agent}: nothing to commit`),
});

const conflictsCommand = routeCommand({
  name: 'conflicts',
  description: 'conflict radar: which agent branches would conflict with each other or their base',
  route: 'conflicts',
  json: 'conflicts',
  print: (ctx, r) => {
    if (r.branches.length === 0) return ctx.line('no agent branches to compare');
    if (r.pairs.length > 0)
      ctx.line(
        table(
          ['A', 'B', 'PREDICTION', 'FILES'],
          r.pairs.map((p) => [
            p.a,
            p.b,
            p.conflicting ? 'CONFLICT' : p.overlapping.length > 0 ? 'overlap (merges cleanly)' : 'clean',
            p.conflicting
              ? p.conflicts
                  .map((c) => `${c.path} (${c.kind}${c.hunks.length ? ` ${c.hunks.join(',')}` : ''})`)
                  .join(', ')
              : p.overlapping.join(', '),
          ]),
        ),
      );
    const marked = r.mergeOrder.order.map((name) => {
      const b = r.branches.find((x) => x.agent === name);
      const marks = [b?.running ? 'running' : '', b?.uncommitted ? 'uncommitted' : ''].filter(Boolean);
      return marks.length > 0 ? `${name} (${marks.join(', ')})` : name;
    });
    if (marked.length > 0) ctx.line(`suggested merge order: ${marked.join(' → ')}`);
    for (const n of r.mergeOrder.notes) ctx.line(`  ${n}`);
  },
});

const gcCommand = routeCommand({
  name: 'gc',
  description: 'remove worktrees and branches of ended agents whose work is merged',
  route: 'gc',
  flags: [{ field: 'body.dryRun' }],
  json: 'gc',
  print: (ctx, r) => {
    const verb = r.dryRun ? 'would remove' : 'removed';
    for (const x of r.removed)
      ctx.line(`${verb} ${x.agent}: ${x.path}${x.branch ? ` (${x.branch})` : ''}, ${bytes(x.bytes)}`);
    for (const k of r.kept) ctx.line(`kept ${k.agent}: ${k.why}`);
    ctx.line(`${r.dryRun ? 'would free' : 'freed'} ${bytes(r.bytesFreed)}`);
  },
});

const mergeCommand = routeCommand({
  name: 'merge',
  description: "merge the agent's branch into its base (or --into), after an optional test command",
  route: 'agentMerge',
  args: [{ field: 'params.agent' }],
  flags: [
    { field: 'body.strategy', value: 's' },
    { field: 'body.into', value: 'branch' },
    { field: 'body.test', value: 'command' },
    { field: 'body.commit', value: 'message' },
  ],
  around: (ctx, { params: { agent }, body }) => {
    // Ctrl-C ends this command, not the daemon's merge: say so, and how to follow it; then end as
    // the signal would (exit 130). Set before the first word: a Ctrl-C right after it is caught.
    const interrupted = (): void => {
      const steps = [body.commit ? 'its commit' : null, body.test ? 'its test' : null, 'then the merge'];
      ctx.note(
        `interrupted: the merge of ${agent} goes on in the daemon (${steps.filter(Boolean).join(', ')}). Follow it with \`wtp events ${agent}\`; \`wtp diff ${agent}\` shows what is left to merge.`,
      );
      process.kill(process.pid, 'SIGINT');
    };
    process.once('SIGINT', interrupted);
    if (body.test) ctx.note(`running the test command in ${agent}'s worktree: ${body.test}`);
    return () => process.off('SIGINT', interrupted);
  },
  json: 'merge',
  jsonDoc: (r, { params }) => ({ ...r, agent: params.agent }),
  print: (ctx, r, { params: { agent }, body }) =>
    ctx.line(
      r.alreadyMerged
        ? `${agent}'s work is in ${r.target} already (${short(r.commit)}): nothing to merge`
        : `merged ${agent} into ${r.target} (${body.strategy ?? 'merge'}): ${short(r.commit)}`,
    ),
});

const AGENT = { field: 'params.agent', help: 'name, workspace/name or id' } as const;

const diffCommand = routeCommand({
  name: 'diff',
  description: "the agent's changes against its base: committed, uncommitted and untracked",
  route: 'agentDiff',
  args: [AGENT],
  flags: [{ field: 'query.stat', help: 'files and line counts only' }],
  json: 'diff',
  print: (ctx, r, { query }) => printDiff(ctx, r, query?.stat === 'true'),
});

const REPO = {
  value: 'dir',
  help: 'the repository, or the folder an agent works in (default: the current directory)',
  toValue: (t: string) => resolve(t),
  fallback: () => process.cwd(),
};
const printSetup = (ctx: CliContext, info: SetupInfo) => setupLines(info).forEach((l) => ctx.line(l));

/** `wtp setup show|approve`. */
const setupCommands = [
  routeCommand({
    name: 'show',
    description: "the setup script, submodules and agent CLIs' configuration, and whether each is approved",
    route: 'setupShow',
    flags: [{ field: 'query.repo', ...REPO }],
    json: 'setup',
    print: printSetup,
  }),
  routeCommand({
    name: 'approve',
    description: 'approve exactly what `wtp setup show` shows (each part by its hash)',
    route: 'setupApprove',
    flags: [
      { field: 'body.repo', ...REPO },
      {
        field: 'body.hashes',
        long: 'hash',
        value: 'sha256',
        help: 'approve: only the part with this hash, as `wtp setup show` printed it (repeatable; default: every part shown)',
      },
    ],
    // What shows nothing to approve is answered as `show` answers it.
    call: async (send, { body }, ctx) => {
      const info = await ctx.client().call('setupShow', { query: { repo: body.repo } });
      return !info.setup && !info.submodules && info.configs.length === 0 ? info : send();
    },
    json: 'setup',
    print: printSetup,
  }),
];

type FeedbackFlags = { force?: boolean; fromChecks?: boolean; json?: boolean };

/** diff, commit, merge, feedback, conflicts, gc and setup (DESIGN §6). */
export function registerGitCommands(program: Command, ctx: CliContext): void {
  registerRouteCommands(program, ctx, [diffCommand, commitCommand, mergeCommand]);
  program
    .command('feedback')
    .description('send review comments to the agent as a prompt (refused while it works unless --force)')
    .argument('<agent>', 'name, workspace/name or id')
    .argument('[text]', 'the comments (with --from-checks: added after the failing checks)')
    .option('--from-checks', "send its pull request's failing checks (asked for now), with their links")
    .option('-f, --force', 'type even while the agent is working')
    .option('--json', 'machine-readable output')
    .action((ref: string, text: string | undefined, raw: FeedbackFlags) =>
      runAction(ctx, raw.json, async () => {
        const params = { agent: ref };
        const force = raw.force === true;
        const sent = (r: { bytes: number; seq: number }) =>
          `sent ${r.bytes} byte(s) of feedback to ${ref} (event #${r.seq})`;
        if (raw.fromChecks) {
          const body = { force, ...(text === undefined ? {} : { text }) };
          const r = await ctx.client().call('agentChecksFeedback', { params, body });
          if (ctx.json) return ctx.emit('checksFeedback', { agent: ref, ...r });
          return ctx.line(`${sent(r)}: failing ${r.failing.join(', ')} (round ${r.round})`);
        }
        if (text === undefined)
          throw fieldError(
            'Give the comments to send, or --from-checks.',
            'text',
            'required without --from-checks',
          );
        const r = await ctx.client().call('agentFeedback', { params, body: { text, force } });
        if (ctx.json) return ctx.emit('send', { agent: ref, bytes: r.bytes, seq: r.seq });
        ctx.line(sent(r));
      }),
    );
  registerRouteCommands(program, ctx, [conflictsCommand, gcCommand]);
  const setup = program
    .command('setup')
    .description(
      "what of a repository runs only once approved (its setup script, submodules, agent CLIs' configuration): show it, approve it",
    );
  registerRouteCommands(setup, ctx, setupCommands);
}

const status = (approved: boolean, hash: string): string =>
  `${approved ? 'approved' : 'NOT approved'} (sha256 ${hash})`;

/**
 * What `wtp setup show` prints: each part of the repository that needs approval, its exact content
 * (control characters made visible: a file cannot hide a line from its reviewer) and its status.
 */
function setupLines(info: SetupInfo): string[] {
  const out: string[] = [];
  const others = info.submodules !== null || info.configs.length > 0;
  if (!info.setup && !others)
    out.push(`${info.repo}: no setup script (.wezterm-parallel/config.yaml, setup:)`);
  else if (!info.setup)
    out.push(`${info.repo}: no setup script; this runs or is fetched only once approved:`);
  else {
    for (const c of info.setup.commands) out.push(`  $ ${visibleText(c)}`);
    if (info.setup.test !== null) out.push(`  test: ${visibleText(info.setup.test)}`);
    for (const r of info.setup.approvals?.allow ?? []) out.push(`  approvals allow: ${visibleText(r)}`);
    for (const r of info.setup.approvals?.deny ?? []) out.push(`  approvals deny: ${visibleText(r)}`);
    out.push(status(info.setup.approved, info.setup.hash));
  }
  if (info.submodules) {
    out.push('submodules (fetched into new worktrees only once approved):');
    for (const e of info.submodules.entries) out.push(`  ${visibleText(e.path)}  ${visibleText(e.url)}`);
    out.push(status(info.submodules.approved, info.submodules.hash));
  }
  for (const c of info.configs) {
    out.push(`${c.cli} configuration (it runs or loads this once it trusts the folder):`);
    for (const f of c.files) {
      out.push(
        `  --- ${visibleText(f.path)} (${f.bytes} bytes${f.note === null ? '' : `; ${visibleText(f.note)}`})`,
      );
      if (f.text !== null)
        for (const l of f.text.replace(/\n$/, '').split('\n')) out.push(`    ${visibleText(l)}`);
    }
    out.push(
      c.problem !== null
        ? `cannot be approved: ${visibleText(c.problem)}; its agents get the CLI's own trust dialog (sha256 ${c.hash})`
        : status(c.approved, c.hash),
    );
  }
  return out;
}
