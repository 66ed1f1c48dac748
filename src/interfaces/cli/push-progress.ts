import { randomBytes } from 'node:crypto';
import type { ProgressMessage } from '../../protocol/forge.js';
import type { CliContext } from './context.js';
import { openSocket } from './open-socket.js';
import { cellText } from '../../protocol/terminal-text.js';

/** How long the end of the progress may trail the answer (it is sent before it, on another socket). */
const TRAILING_MS = 5_000;

/**
 * Runs a push (or a pull request, which pushes first) with git's progress lines relayed to
 * stderr as they come: opens `/api/v1/progress` under a fresh id, passes the id to `run`, and
 * once it answered, prints what is left up to the `done` the daemon sends after the last line.
 * Without `show` (or when the socket cannot open), `run` gets no id and nothing is printed.
 */
export async function withPushProgress<T>(
  ctx: CliContext,
  show: boolean,
  run: (op: string | undefined) => Promise<T>,
): Promise<T> {
  if (!show) return run(undefined);
  const op = randomBytes(12).toString('hex');
  let markDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    markDone = resolve;
  });
  // On a terminal a counter is written over in place, as git does; elsewhere only finished lines show.
  const tty = ctx.err.isTTY === true;
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
  if (!ws) return run(undefined);
  if (ws.readyState === ws.CLOSED) markDone();
  else ws.on('close', () => markDone());
  try {
    const result = await run(op);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise<void>((r) => (timer = setTimeout(r, TRAILING_MS)))]);
    clearTimeout(timer);
    return result;
  } finally {
    ws.close();
  }
}

/** Whether to show git's progress: `--progress` forces it, else when stderr is a terminal (as git does). */
export function showProgress(ctx: CliContext, asked: boolean | undefined): boolean {
  if (ctx.json) return false;
  return asked ?? ctx.err.isTTY === true;
}
