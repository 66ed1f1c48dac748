import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { openDashboard } from '../open-browser.js';
import { runAction } from '../run-action.js';

/** `wtp dashboard`: a one-time sign-in link to the web dashboard, opened in the browser or printed. */
export function registerDashboardCommand(program: Command, ctx: CliContext): void {
  program
    .command('dashboard')
    .description('open the web dashboard in the browser (signs it in with a one-time link)')
    .option('--print-url', 'print the one-time URL (valid once, for 60 s) instead of opening a browser')
    .option('--json', 'machine-readable output')
    .action((raw: { printUrl?: boolean; json?: boolean }) =>
      runAction(ctx, raw.json, async () => {
        const link = await ctx.client().call('dashboardLink', { body: {} });
        const result = raw.printUrl ? null : await openDashboard(ctx.paths.runDir, link.url, ctx.processEnv);
        const opened = result?.opened === true;
        if (ctx.json) return ctx.emit('dashboard', { ...link, opened });
        if (result === null) return ctx.line(link.url);
        if (result.opened) {
          ctx.line('Opened the dashboard in the browser.');
          return;
        }
        ctx.note(`Could not open a browser (${result.reason}). Open this URL (it works once, for 60 s):`);
        ctx.line(link.url);
      }),
    );
}
