import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { runAction } from '../run-action.js';

/** The checks load only when `wtp doctor` runs (they reach config/ and zod). */
const doctor = () => import('../doctor/run-doctor.js');

export function registerDoctorCommand(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description(
      'check this machine and set-up: Node, tmux, git, WezTerm, the agent CLIs as the daemon finds them, hooks and trust, the daemon and its port, file modes, the WezTerm plugin, disk use; each problem with its fix (exit 1 when a check fails)',
    )
    .option('--json', 'machine-readable output')
    .action((raw: { json?: boolean }) =>
      runAction(ctx, raw.json, async () => {
        const { runDoctor, printReport } = await doctor();
        const report = await runDoctor(ctx);
        if (ctx.json) ctx.emit('doctor', report);
        else printReport(ctx, report);
        if (!report.ok) ctx.exitCode = 1;
      }),
    );
}
