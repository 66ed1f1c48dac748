import type { Command } from 'commander';
import { AppError } from '../../../protocol/app-error.js';
import { appError } from '../../../protocol/error-messages.js';
import type { CliContext } from '../context.js';
import { attachSession, detachByte, keyName } from '../attach-session.js';
import { runAction } from '../run-action.js';
import { remoteAttach } from '../remote-attach.js';

export function registerAttachCommand(program: Command, ctx: CliContext): void {
  program
    .command('attach')
    .description('interactive terminal of an agent; Ctrl-] detaches (the agent keeps running)')
    .argument('<agent>', 'name, workspace/name or id')
    .option(
      '--detach-key <key>',
      'key that detaches: ctrl-] (default), ctrl-\\, ctrl-^, ctrl-_ or ctrl-a … ctrl-z',
      'ctrl-]',
    )
    .option('--read-only', 'watch without typing')
    .action((ref: string, raw: { detachKey: string; readOnly?: boolean }) =>
      runAction(ctx, false, async () => {
        const key = detachByte(raw.detachKey);
        if (key === null) {
          throw new AppError(
            'INVALID_INPUT',
            `--detach-key: "${raw.detachKey}" is not a ctrl key such as ctrl-]`,
            {
              issues: [
                {
                  path: '--detach-key',
                  message: 'must be ctrl-a … ctrl-z, ctrl-], ctrl-\\, ctrl-^ or ctrl-_',
                },
              ],
            },
          );
        }
        if (!ctx.in.isTTY || !ctx.out.isTTY) {
          throw appError('ATTACH_NOT_TTY', {});
        }
        // Another machine's agent (a fleet): its terminal is reached over SSH, where that machine says.
        const remote = await remoteAttach(ctx, ref, raw);
        if (remote !== null) {
          ctx.exitCode = await remote;
          return;
        }
        // Said before the alternate screen hides it; back in view (and in the scrollback) after detaching.
        const note = attachSession(ctx.client(), ref, {
          detachKey: raw.detachKey,
          readOnly: raw.readOnly === true,
          stdin: ctx.in,
          stdout: ctx.out,
          client: 'cli-attach',
          opened: () =>
            ctx.errorText(
              `attached to ${ref}; detach with ${keyName(raw.detachKey)} (the agent keeps running)${raw.readOnly ? ', read-only' : ''}\n`,
              false,
            ),
        });
        ctx.errorText(`${await note}\n`, false);
      }),
    );
}
