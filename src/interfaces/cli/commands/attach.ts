import type { Command } from 'commander';
import { WtpError } from '../../../client/wtp-error.js';
import type { CliContext } from '../context.js';
import { openSocket } from '../open-socket.js';
import { runAction } from '../run-action.js';

/** Detach keys: ctrl-a … ctrl-z and ctrl-] ctrl-\ ctrl-^ ctrl-_ (Ctrl-] by default, like telnet). */
export function detachByte(key: string): number | null {
  const m = /^ctrl-(.)$/i.exec(key.trim());
  if (!m?.[1]) return null;
  const ch = m[1].toLowerCase();
  if (ch >= 'a' && ch <= 'z') return ch.charCodeAt(0) - 96;
  const special: Record<string, number> = { ']': 0x1d, '\\': 0x1c, '^': 0x1e, _: 0x1f };
  return special[ch] ?? null;
}

/** `ctrl-]` → `Ctrl-]`, as the key is written on keyboards and in the help. */
function keyName(key: string): string {
  return `Ctrl-${key.trim().slice('ctrl-'.length).toUpperCase()}`;
}

/** Leaves the alternate screen and undoes modes an agent may have set (cursor, paste, mouse, colours). */
const RESTORE = '\x1b[?2004l\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?25h\x1b[0m\x1b[?1049l';

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
          throw new WtpError(
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
        const stdin = process.stdin;
        const stdout = ctx.out;
        if (!stdin.isTTY || !stdout.isTTY) {
          throw new WtpError(
            'ATTACH_NOT_TTY',
            '`wtp attach` needs an interactive terminal; use `wtp peek` or `wtp logs -f` in scripts.',
          );
        }
        const ws = await openSocket(ctx.client(), `/api/v1/agents/${encodeURIComponent(ref)}/pty`, {
          snapshot: true,
          input: raw.readOnly !== true,
          client: 'cli-attach',
        });
        // Before the alternate screen hides it; back in view (and in the scrollback) after detaching.
        ctx.err.write(
          `attached to ${ref}; detach with ${keyName(raw.detachKey)} (the agent keeps running)${raw.readOnly ? ', read-only' : ''}\n`,
        );
        let exitNote = `detached from ${ref} (it keeps running)`;
        let failure: WtpError | null = null;
        stdout.write(`\x1b]2;wtp attach ${ref} (${raw.detachKey} detaches)\x07\x1b[?1049h\x1b[H\x1b[2J`);
        stdin.setRawMode(true);
        stdin.resume();
        const sendSize = (): void => {
          if (raw.readOnly) return;
          ws.send(JSON.stringify({ type: 'resize', cols: stdout.columns, rows: stdout.rows }));
        };
        const onInput = (buf: Buffer): void => {
          const at = buf.indexOf(key);
          if (at >= 0) {
            if (at > 0 && !raw.readOnly) ws.send(buf.subarray(0, at), { binary: true });
            ws.close();
            return;
          }
          if (!raw.readOnly) ws.send(buf, { binary: true });
        };
        stdin.on('data', onInput);
        stdout.on('resize', sendSize);
        sendSize();
        await new Promise<void>((resolve) => {
          ws.on('message', (data: Buffer, isBinary: boolean) => {
            if (isBinary) {
              stdout.write(data);
              return;
            }
            const msg = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
            if (msg.type === 'snapshot' && typeof msg.data === 'string')
              stdout.write(`\x1b[H\x1b[2J${msg.data}`);
            else if (msg.type === 'exit') exitNote = `${ref} is ${String(msg.state)}`;
            else if (msg.type === 'error') failure = WtpError.fromBody(undefined, msg.error);
          });
          ws.on('close', () => resolve());
        });
        stdin.off('data', onInput);
        stdout.off('resize', sendSize);
        stdin.setRawMode(false);
        stdin.pause();
        stdout.write(RESTORE);
        if (failure) throw failure;
        ctx.err.write(`${exitNote}\n`);
      }),
    );
}
