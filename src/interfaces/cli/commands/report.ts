import type { Command } from 'commander';
import { fieldError } from '../route-flags.js';
import type { CliContext } from '../context.js';
import { reportText } from '../report-text.js';
import { costReportText } from '../cost-text.js';
import { runAction } from '../run-action.js';
import { whenOption } from '../time-window.js';

const WEEK_MS = 7 * 86_400_000;
const GROUPS = /^(agent|task|workspace|day|model|vendor)(,(agent|task|workspace|day|model|vendor))*$/;

type ReportFlags = { since?: string; until?: string; workspace?: string; cost?: boolean; by?: string };

const invalid = (flag: string, message: string) => fieldError(`${flag} ${message}.`, flag, message);

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
    .action((raw: ReportFlags & { json?: boolean }) =>
      runAction(ctx, raw.json, async () => {
        const now = Date.now();
        const by = raw.by?.replace(/\s+/g, '');
        if (by !== undefined && !GROUPS.test(by))
          throw invalid(
            '--by',
            'must be groups from agent, task, workspace, day, model, vendor, comma-separated',
          );
        const at = (when: string | undefined, flag: string) =>
          when === undefined ? undefined : whenOption(when, flag, now);
        const since = at(raw.since, '--since');
        const until = at(raw.until, '--until');
        const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());
        const query = { until: iso(until), workspace: raw.workspace };
        if (raw.cost === true || by !== undefined) {
          const r = await ctx.client().call('costReport', { query: { ...query, since: iso(since), by } });
          if (ctx.json) return ctx.emit('cost', r);
          return costReportText(r).forEach((l) => ctx.line(l));
        }
        const from = since ?? now - WEEK_MS;
        if (until !== undefined && until <= from) throw invalid('--until', 'must be later than --since');
        const r = await ctx
          .client()
          .call('timeReport', { query: { ...query, since: new Date(from).toISOString() } });
        if (ctx.json) return ctx.emit('report', r);
        for (const line of reportText(r)) ctx.line(line);
      }),
    );
}
