import { closeSync, constants, fstatSync, openSync, rmSync } from 'node:fs';
import { isatty, ReadStream, WriteStream } from 'node:tty';

/** How often a group reads its panes' sizes: SIGWINCH goes to each pane's own process, not to it. */
const SIZE_POLL_MS = 250;

export interface PaneTty {
  input: ReadStream;
  output: WriteStream;
  /** Lets the pane go: its holder reads EOF from the FIFO, exits, and tmux closes the pane. */
  close(): void;
}

const watched = new Set<WriteStream>();
let poll: NodeJS.Timeout | null = null;

/** How long a pane's holder has to open its FIFO: less than the daemon waits for the reply. */
const HOLDER_OPEN_MS = 3_000;

/**
 * Opens the terminal of a tmux pane that a host group serves, and the FIFO its holder reads. The
 * FIFO is opened for writing once the holder has it open for reading (before, the open fails with
 * ENXIO), then unlinked: this process is its only writer, and nothing is left behind. It must be
 * this user's FIFO; the terminal must be this user's, and never becomes the group's controlling
 * terminal (O_NOCTTY). `gone` is called once when the terminal hangs up (the pane closed by hand
 * or with its server).
 */
export async function openPaneTty(tty: string, fifo: string, gone: () => void): Promise<PaneTty> {
  const fds: number[] = [];
  try {
    fds.push(await openForHolder(fifo));
    const f = fstatSync(fds[0] as number);
    if (!f.isFIFO() || f.uid !== process.getuid?.()) throw new Error(`${fifo} is not this user's FIFO`);
    rmSync(fifo, { force: true });
    for (let i = 0; i < 2; i++) fds.push(openSync(tty, constants.O_RDWR | constants.O_NOCTTY));
    const t = fstatSync(fds[1] as number);
    if (!isatty(fds[1] as number) || t.uid !== process.getuid?.())
      throw new Error(`${tty} is not this user's terminal`);
  } catch (err) {
    for (const fd of fds) closeSync(fd);
    throw err;
  }
  const [fifoFd, inFd, outFd] = fds as [number, number, number];
  const input = new ReadStream(inFd);
  const output = new WriteStream(outFd);
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    watched.delete(output);
    gone();
  };
  // A hung-up terminal reads EOF or EIO.
  input.on('end', end);
  input.on('error', end);
  output.on('error', () => undefined);
  watched.add(output);
  poll ??= setInterval(readSizes, SIZE_POLL_MS).unref();
  let closed = false;
  return {
    input,
    output,
    close: () => {
      if (closed) return;
      closed = true;
      ended = true;
      watched.delete(output);
      if (watched.size === 0 && poll) {
        clearInterval(poll);
        poll = null;
      }
      input.destroy();
      output.destroy();
      closeSync(fifoFd);
    },
  };
}

/**
 * `_refreshSize` is how Node itself rereads a terminal's size on SIGWINCH (the public
 * `getWindowSize` returns the cached one); it emits `resize` on a change, `error` on a hang-up.
 */
/** The FIFO opened for writing, once its reader has it open (ENXIO until then). */
async function openForHolder(fifo: string): Promise<number> {
  const deadline = Date.now() + HOLDER_OPEN_MS;
  for (;;) {
    try {
      return openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENXIO' || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

function readSizes(): void {
  for (const out of watched)
    if (!out.destroyed) (out as WriteStream & { _refreshSize(): void })._refreshSize();
}
