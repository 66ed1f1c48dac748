import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { appError } from '../../../protocol/error-messages.js';
import { RECORD_STATES } from '../../../protocol/constants.js';
import { recordedScreenFile } from '../../../protocol/corpus-screen.js';
import type { CliContext } from '../context.js';
import { runAction } from '../run-action.js';
import { checkOptions } from '../check-options.js';
import { visibleText } from '../../../protocol/terminal-text.js';

/**
 * `wtp record-screen <agent>`: the agent's screen, as its screen detector reads it, saved as a
 * corpus file (test/fixtures/screens/) with the detector's verdict and the state the user says
 * it shows: what a user sends (or drops into the corpus) when a detector is wrong. The daemon
 * only reads (GET /agents/:agent/screen-record); this command writes the file.
 */
export function registerRecordScreenCommand(program: Command, ctx: CliContext): void {
  program
    .command('record-screen')
    .description(
      "save the agent's screen as a detector corpus file, with the detector's verdict and the state you expect",
    )
    .argument('<agent>', 'name, workspace/name or id')
    .option(
      '--state <state>',
      `the state the screen really shows (${RECORD_STATES.join(', ')}; default: the detector's verdict)`,
    )
    .option('--reason <reason>', "the reason it shows, e.g. permission, question (default: the detector's)")
    .option(
      '-o, --out <file>',
      'the file to write, - for stdout (default: <detector>-<state>-<time>.screen here)',
    )
    .option('--force', 'overwrite the file if it exists')
    .option('--json', 'machine-readable output')
    .action((ref: string, raw: { json?: boolean; force?: boolean }, cmd: Command) =>
      runAction(ctx, raw.json, async () => {
        const o = checkOptions(cmd, {
          state: { type: 'string', values: [...RECORD_STATES] },
          reason: {
            type: 'string',
            pattern: '^[a-z][a-z_]{0,39}$',
            patternMessage: 'must be a reason word such as permission or question',
          },
          out: { type: 'string', minLength: 1 },
        }) as { state?: (typeof RECORD_STATES)[number]; reason?: string; out?: string };
        const record = await ctx.client().call('agentScreenRecord', { params: { agent: ref } });
        const expected = o.state ?? record.verdict.state;
        const now = new Date();
        const text = recordedScreenFile(record, {
          expected,
          reason: o.reason ?? null,
          recordedAt: now.toISOString(),
        });
        const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
        const name = `${record.detector ?? record.agent.profile}-${expected}-${stamp}.screen`;
        const file = o.out === '-' ? null : resolve(o.out ?? name);
        if (file !== null) writeNew(file, text, raw.force === true, record.agent.name);
        if (ctx.json) return ctx.emit('recordScreen', { file, expected, text, record });
        if (file === null) return ctx.write(visibleText(text));
        const v = record.verdict;
        ctx.line(`saved ${file}`);
        ctx.line(
          `  screen:   ${record.screen.cols}x${record.screen.rows}, profile ${record.agent.profile}, CLI ${record.cliVersion ?? 'version unknown'}`,
        );
        ctx.line(
          `  detector: ${record.detector ?? 'none'} says ${v.state}${v.reason ? ` (${v.reason})` : ''}${v.evidence ? `: ${v.evidence}` : ''}`,
        );
        ctx.line(
          `  expected: ${expected}${expected === v.state ? ' (the detector agrees)' : ' (the detector disagrees: this file shows it wrong)'}`,
        );
        if (record.detector !== null)
          ctx.note(
            `to correct the detector, send this file, or copy it to test/fixtures/screens/${record.detector}/${record.cliVersion ?? 'synthetic'}/ in a clone and run \`npx vitest run test/integration/screen-corpus.test.ts\` (docs/states.md)`,
          );
      }),
    );
}

/** Writes a new file (0600: a screen can show secrets); FILE_EXISTS unless `force`. */
function writeNew(file: string, text: string, force: boolean, agent: string): void {
  try {
    writeFileSync(file, text, { mode: 0o600, flag: force ? 'w' : 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw appError('FILE_EXISTS', { path: file, agent });
    throw err;
  }
}
