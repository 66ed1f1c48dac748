import { randomBytes } from 'node:crypto';
import type { ProgressMessage } from '../../protocol/forge.js';
import type { CliContext } from './context.js';
import type { LocalFlag } from './route-command.js';
import { openSocket } from './open-socket.js';
import { cellText } from '../../protocol/terminal-text.js';

/** How long the end of the progress may trail the answer (it is sent before it, on another socket). */
const TRAILING_MS = 5_000;

/** `--progress` / `--no-progress`: unset, git's progress shows when stderr is a terminal (as git does). */
export const PROGRESS_FLAGS: readonly LocalFlag[] = [
  { flags: '--progress', help: "show git's progress even when stderr is not a terminal" },
  { flags: '--no-progress', help: "never show git's progress" },
];

/**
 * A push's call (or a pull request's, which pushes first) with git's progress lines relayed to
 * stderr as they come: opens `/api/v1/progress` under a fresh id, sends the id with the request,
 * and once it answered, prints what is left up to the `done` the daemon sends after the last line.
 * Not shown (`--json`, or by the flags above) or when the socket cannot open: no id, nothing printed.
 */
export async function withPushProgress<R>(
  send: (more?: Record<string, unknown>) => Promise<R>,
  { local }: { local: Record<string, unknown> },
  ctx: CliContext,
): Promise<R> {
  // On a terminal a counter is written over in place, as git does; elsewhere only finished lines show.
  const tty = ctx.err.isTTY === true;
  if (ctx.json || !(typeof local.progress === 'boolean' ? local.progress : tty)) return send();
  const op = randomBytes(12).toString('hex');
  let markDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    markDone = resolve;
  });
  let over = false;
  // Listening from the socket's first frame (openSocket): one that came with the upgrade is not lost.
  const onMessage = (data: Buffer): void => {
    const msg = JSON.parse(data.toString('utf8')) as ProgressMessage;
    if (msg.type === 'done') {
      if (over) ctx.err.write('\n');
      over = false;
      markDone();
    } else if (tty) {
      ctx.err.write(`\r\x1b[K${cellText(msg.line)}${msg.partial ? '' : '\n'}`);
      over = msg.partial;
    } else if (!msg.partial) ctx.err.write(`${cellText(msg.line)}\n`);
  };
  const ws = await openSocket(ctx.client(), '/api/v1/progress', { op }, onMessage).catch(() => null);
  if (!ws) return send();
  if (ws.readyState === ws.CLOSED) markDone();
  else ws.on('close', () => markDone());
  try {
    const result = await send({ progress: op });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise<void>((r) => (timer = setTimeout(r, TRAILING_MS)))]);
    clearTimeout(timer);
    return result;
  } finally {
    ws.close();
  }
}
