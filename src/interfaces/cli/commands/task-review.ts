import type { TaskComparison } from '../../../protocol/task-compare.js';
import type { CliContext } from '../context.js';
import { duration, table } from '../format.js';
import { routeCommand } from '../route-command.js';

/** The comparison as a table, one column per attempt, then each attempt's test output if it failed. */
function compareText(ctx: CliContext, c: TaskComparison): void {
  ctx.line(`${c.task.id}  ${c.task.title}  (${c.task.status})`);
  if (c.attempts.length === 0) return ctx.line('no attempt has started yet');
  const col = (f: (a: TaskComparison['attempts'][number]) => string): string[] => c.attempts.map(f);
  const rows: string[][] = [
    ['agent', ...col((a) => a.run.agent ?? `${a.run.agentId} (removed)`)],
    ['profile', ...col((a) => `${a.run.profile}${a.run.model ? `:${a.run.model}` : ''}`)],
    ['status', ...col((a) => a.run.status + (a.tries > 1 ? ` (try ${a.tries})` : ''))],
    [
      'diff',
      ...col((a) => (a.diff ? `${a.diff.files} files +${a.diff.insertions} -${a.diff.deletions}` : '-')),
    ],
    [
      'test',
      ...col((a) =>
        a.test
          ? `${a.test.passed ? 'passed' : a.test.timedOut ? 'timed out' : `failed (${a.test.exitCode})`} ${duration(a.test.ms)}`
          : '-',
      ),
    ],
    ['time', ...col((a) => duration(a.ms))],
    ['working', ...col((a) => duration(a.time.working))],
    ['waiting', ...col((a) => duration(a.time.waiting))],
    ['states', ...col((a) => a.states.map((s) => s.state).join(' → ') || '-')],
  ];
  ctx.line(table(['', ...c.attempts.map((a) => `ATTEMPT ${a.attempt}`)], rows));
  for (const a of c.attempts) {
    if (a.diffError) ctx.line(`attempt ${a.attempt}: no diff: ${a.diffError}`);
    if (a.testSkipped) ctx.line(`attempt ${a.attempt}: no test: ${a.testSkipped}`);
    if (a.test && !a.test.passed)
      ctx.line(`attempt ${a.attempt} test output (end):\n${a.test.output.trimEnd()}`);
  }
  ctx.line(`pick one with: wtp task pick ${c.task.id} <attempt>`);
}

/** `wtp task compare` and `wtp task pick`: best of N. */
export const taskReviewCommands = [
  routeCommand({
    name: 'compare',
    description: "best of N side by side: each attempt's diff stat, test result, time and states",
    route: 'compareTaskTests',
    args: [{ field: 'params.task', help: 'id or title' }],
    flags: [
      {
        field: 'body.test',
        value: 'command',
        help: "run this in each attempt's worktree (default: the repository's approved test:)",
        offHelp: 'run no test command',
      },
    ],
    // `--no-test` (test: null) is the read-only route: it runs nothing.
    call: (send, { params, body }, ctx) =>
      body.test === null ? ctx.client().call('compareTask', { params }) : send(),
    json: 'taskCompare',
    print: compareText,
  }),
  routeCommand({
    name: 'pick',
    description: 'merge the winning attempt (the task becomes done) and remove the other attempts',
    route: 'pickAttempt',
    args: [
      { field: 'params.task', help: 'id or title' },
      { field: 'body.attempt', help: 'the attempt number shown by `wtp task compare`' },
    ],
    flags: [
      { field: 'body.strategy', help: 'merge strategy' },
      { field: 'body.test', value: 'command' },
      { field: 'body.keepOthers' },
    ],
    json: 'taskPick',
    print: (ctx, r) => {
      ctx.line(
        `merged ${r.merged.agent} into ${r.merged.target}${r.merged.commit ? ` (${r.merged.commit.slice(0, 10)})` : ''}; ${r.task.id} is ${r.task.status}`,
      );
      if (r.removed.length > 0) ctx.line(`removed ${r.removed.join(', ')}`);
      if (r.kept.length > 0) ctx.line(`kept ${r.kept.join(', ')}`);
    },
  }),
];

/** `wtp quota` and `wtp resume`: the usage-limit governor. */
export const quotaCommands = [
  routeCommand({
    name: 'quota',
    description: 'vendors whose tasks wait because an agent hit a usage limit',
    route: 'listQuota',
    json: 'quota',
    print: (ctx, { holds }) => {
      if (holds.length === 0) return ctx.line('no usage-limit holds: tasks dispatch to every vendor');
      ctx.line(
        table(
          ['VENDOR', 'SINCE', 'BY', 'RESETS', 'RESUMES', 'PAUSED'],
          holds.map((h) => [
            h.vendor,
            h.since,
            h.agent ?? h.agentId ?? '-',
            h.resetsAt ?? 'unknown',
            h.resumeAt ?? 'on `wtp resume`',
            String(h.paused.length),
          ]),
        ),
      );
    },
  }),
  routeCommand({
    name: 'resume',
    description: 'lift usage-limit holds now: continue paused agents and dispatch tasks again',
    route: 'resumeQuota',
    args: [
      {
        field: 'body.vendor',
        help: 'a vendor (anthropic, openai, …) or profile (claude, codex, …); default: all',
      },
    ],
    json: 'resume',
    print: (ctx, { resumed }, { body: { vendor } }) => {
      if (resumed.length === 0) return ctx.line(vendor ? `${vendor} was not held` : 'nothing was held');
      for (const h of resumed)
        ctx.line(
          `resumed ${h.vendor}${h.paused.length > 0 ? ` (continued ${h.paused.length} agent(s))` : ''}`,
        );
    },
  }),
];
