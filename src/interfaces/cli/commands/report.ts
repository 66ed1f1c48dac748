import type { Command } from 'commander';
import { AppError } from '../../../protocol/app-error.js';
import type { CliContext } from '../context.js';
import { reportText } from '../report-text.js';
import { costReportText } from '../cost-text.js';
import { runAction } from '../run-action.js';
import { whenOption } from '../time-window.js';

const WEEK_MS = 7 * 86_400_000;

/** `wtp report`: time working, waiting for the user and idle, per workspace per day, task and agent. */
export function registerReportCommand(program: Command, ctx: CliContext): void {
  program
    .command('report')
    .description('time tracking: working, waiting for you and idle, per workspace per day, task and agent')
    .option('--since <when>', 'start: 30m, 24h, 7d, 2w, a date (2026-11-01) or an ISO time (default 7d)')
    .option('--until <when>', 'end, in the same forms (default now)')
    .option('-w, --workspace <name>', 'only this workspace')
    .option(
      '--cost',
      'what agents cost: tokens and money per agent, task, workspace and day (default since: all)',
    )
    .option('--by <groups>', 'with --cost: groups, comma-separated: agent,task,workspace,day,model,vendor')
    .option('--json', 'machine-readable output')
    .action(
      (raw: {
        since?: string;
        until?: string;
        workspace?: string;
        cost?: boolean;
        by?: string;
        json?: boolean;
      }) =>
        runAction(ctx, raw.json, async () => {
          const now = Date.now();
          if (raw.cost === true || raw.by !== undefined) return costReport(ctx, raw, now);
          const since = raw.since === undefined ? now - WEEK_MS : whenOption(raw.since, '--since', now);
          const until = raw.until === undefined ? undefined : whenOption(raw.until, '--until', now);
          if (until !== undefined && until <= since) {
            const message = 'must be later than --since';
            throw new AppError('INVALID_INPUT', `--until ${message}.`, {
              issues: [{ path: '--until', message }],
            });
          }
          const r = await ctx.client().call('timeReport', {
            query: {
              since: new Date(since).toISOString(),
              ...(until === undefined ? {} : { until: new Date(until).toISOString() }),
              ...(raw.workspace === undefined ? {} : { workspace: raw.workspace }),
            },
          });
          if (ctx.json) return ctx.emit('report', r);
          for (const line of reportText(r)) ctx.line(line);
        }),
    );
}

/** `wtp report --cost`: the cost report. */
async function costReport(
  ctx: CliContext,
  raw: { since?: string; until?: string; workspace?: string; by?: string },
  now: number,
): Promise<void> {
  const by = raw.by?.replace(/\s+/g, '');
  if (
    by !== undefined &&
    !/^(agent|task|workspace|day|model|vendor)(,(agent|task|workspace|day|model|vendor))*$/.test(by)
  ) {
    const message = 'must be groups from agent, task, workspace, day, model, vendor, comma-separated';
    throw new AppError('INVALID_INPUT', `--by ${message}.`, { issues: [{ path: '--by', message }] });
  }
  const since = raw.since === undefined ? undefined : whenOption(raw.since, '--since', now);
  const until = raw.until === undefined ? undefined : whenOption(raw.until, '--until', now);
  const r = await ctx.client().call('costReport', {
    query: {
      ...(since === undefined ? {} : { since: new Date(since).toISOString() }),
      ...(until === undefined ? {} : { until: new Date(until).toISOString() }),
      ...(raw.workspace === undefined ? {} : { workspace: raw.workspace }),
      ...(by === undefined ? {} : { by }),
    },
  });
  if (ctx.json) return ctx.emit('cost', r);
  for (const line of costReportText(r)) ctx.line(line);
}
