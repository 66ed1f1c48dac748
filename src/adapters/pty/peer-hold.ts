import { closeSync, constants as fsConstants, openSync, readFileSync, writeSync } from 'node:fs';
import { MarkerCut, newDrainMarker } from './drain-marker.js';

/** A marker write refused (the terminal's buffer full, or output stopped) is tried again this soon. */
const MARKER_RETRY_MS = 10;
/** Nothing read for this long after the agent went: the marker is not coming (output left stopped). */
const GIVE_UP_MS = 1_000;
/** Reading paused (a full pane) for this long after the agent went: the exit is reported anyway. */
const PAUSED_GIVE_UP_MS = 10_000;

/** Whether `pid` has exited: reaped, or on Linux a zombie that node-pty has not reaped yet. */
function hasExited(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
  if (process.platform !== 'linux') return false; // node-pty's timed destroy tells us instead
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.charAt(stat.lastIndexOf(')') + 2) === 'Z';
  } catch {
    return true; // reaped meanwhile
  }
}

/**
 * The terminal's other end, held open until all the agent wrote is read: otherwise its exit hangs the
 * terminal up at once, libuv takes the hang-up for the end of output, and the last bytes not yet moved
 * to the reading side are lost (a node-pty bug; `logs -f` lost last lines under load). Once the agent
 * is gone (SIGCHLD, or node-pty's timed destroy), a marker no one else can write goes in through this
 * end: the terminal keeps bytes in order, so once it is read so is the rest, with no timing guess. If
 * it never comes (output stopped with ^S, or flushed elsewhere), the hold ends after GIVE_UP_MS
 * without output, and only what is still unread is lost: an exit is always reported.
 */
export class PeerHold {
  /** Every hold waiting for its agent to go; one SIGCHLD listener serves them all. */
  private static readonly held = new Set<PeerHold>();
  private static readonly onChild = (): void => {
    for (const h of PeerHold.held) h.check();
  };
  private fd: number | null;
  private readonly marker = newDrainMarker();
  /** Set once the agent is gone and the marker is on its way. */
  private cut: MarkerCut | null = null;
  private written = 0;
  /** Counts the waits for the marker: a wait that ends superseded gives nothing up. */
  private waits = 0;
  private paused = false;
  private retry: NodeJS.Timeout | null = null;
  private giveUp: NodeJS.Timeout | null = null;

  /**
   * Holds the terminal at `path` (its pts) for the agent `pid`; `released` is called once, when the
   * hold is let go. Null when it cannot be opened: output is then read as before, with the race.
   */
  static open(path: string | undefined, pid: number, released: () => void): PeerHold | null {
    if (!path) return null;
    let fd: number;
    try {
      // Non-blocking: a marker write must never stop the event loop (output stopped, buffer full).
      fd = openSync(path, fsConstants.O_RDWR | fsConstants.O_NOCTTY | fsConstants.O_NONBLOCK);
    } catch {
      return null;
    }
    const hold = new PeerHold(fd, pid, released);
    // The agent's SIGCHLD may have come before anyone listened (the listener goes with the last hold).
    hold.check();
    return hold;
  }

  private constructor(
    fd: number,
    private readonly pid: number,
    private readonly released: () => void,
  ) {
    this.fd = fd;
    if (PeerHold.held.size === 0) process.on('SIGCHLD', PeerHold.onChild);
    PeerHold.held.add(this);
  }

  /** The agent is gone (node-pty has seen its exit): send the marker. */
  gone(): void {
    if (this.fd === null || this.cut) return;
    this.cut = new MarkerCut(this.marker);
    this.writeMarker();
    this.waitForMarker();
  }

  /** Output read from the terminal: what of it is the agent's, to pass on. */
  data(chunk: Buffer): Buffer {
    if (!this.cut) return chunk;
    const out = this.cut.cut(chunk);
    if (this.cut.found) this.release();
    else {
      this.writeMarker();
      this.waitForMarker();
    }
    return out;
  }

  pause(): void {
    this.paused = true;
    this.waitForMarker();
  }

  resume(): void {
    this.paused = false;
    this.writeMarker();
    this.waitForMarker();
  }

  /** The terminal closed: lets go, and returns the bytes held back in case they began the marker. */
  end(): Buffer {
    this.release();
    return this.cut?.flush() ?? Buffer.alloc(0);
  }

  release(): void {
    if (PeerHold.held.delete(this) && PeerHold.held.size === 0) process.off('SIGCHLD', PeerHold.onChild);
    if (this.retry) clearTimeout(this.retry);
    if (this.giveUp) clearTimeout(this.giveUp);
    this.retry = this.giveUp = null;
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
    this.released();
  }

  /** A child changed state: the marker goes once the agent is gone (a stop or continue is not an exit). */
  private check(): void {
    if (this.fd !== null && !this.cut && hasExited(this.pid)) this.gone();
  }

  private writeMarker(): void {
    if (this.fd === null || !this.cut || this.written >= this.marker.length) return;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    try {
      this.written += writeSync(this.fd, this.marker, this.written);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') {
        this.release(); // the terminal refuses it for good: no marker to wait for
        return;
      }
    }
    if (this.written < this.marker.length) {
      this.retry = setTimeout(() => {
        this.retry = null;
        this.writeMarker();
      }, MARKER_RETRY_MS);
    }
  }

  /** (Re)starts the wait after which the marker is given up; it ends only after a poll for output. */
  private waitForMarker(): void {
    if (this.fd === null || !this.cut) return;
    if (this.giveUp) clearTimeout(this.giveUp);
    const wait = ++this.waits;
    this.giveUp = setTimeout(
      () => {
        setImmediate(() => {
          if (this.waits === wait) this.release();
        });
      },
      this.paused ? PAUSED_GIVE_UP_MS : GIVE_UP_MS,
    );
  }
}
