import type { IPty } from 'node-pty';

/** What of node-pty's read socket (a private field of its UnixTerminal) this guard touches. */
interface ReadSocket {
  destroy: (...args: unknown[]) => unknown;
  readonly readableEnded: boolean;
}

/** node-pty's timed destroy, held back until `release`. */
export interface TimedDestroyGuard {
  /** Lets the socket be destroyed again, and destroys it now if node-pty's timer already asked. */
  release(): void;
}

function readSocket(p: IPty): ReadSocket | null {
  const socket = (p as IPty & { _socket?: Partial<ReadSocket> })._socket;
  return socket && typeof socket.destroy === 'function' && typeof socket.readableEnded === 'boolean'
    ? (socket as ReadSocket)
    : null;
}

/**
 * On the agent's exit node-pty starts a 200 ms timer (DESTROY_SOCKET_TIMEOUT_MS in
 * unixTerminal.js, there for macOS terminals that never close) that destroys its read socket if the
 * terminal has not closed by then: whatever the kernel still held for us is dropped (reading
 * paused, the event loop starved). No public option turns it off, so the socket's `destroy()` is
 * held back, and `exited` told (node-pty has seen the exit), until `release`. Only the bare call the
 * timer makes is held, and never once the stream has ended. Returns null when node-pty's insides
 * are not as expected: its timer then applies as before.
 */
export function guardTimedDestroy(p: IPty, exited: () => void): TimedDestroyGuard | null {
  const socket = readSocket(p);
  if (!socket) return null;
  const hadOwn = Object.prototype.hasOwnProperty.call(socket, 'destroy');
  const destroy = socket.destroy;
  let asked = false;
  let active = true;
  socket.destroy = (...args: unknown[]): unknown => {
    if (!active || args.length > 0 || socket.readableEnded) return destroy.apply(socket, args);
    if (!asked) {
      asked = true;
      exited();
    }
    return socket;
  };
  return {
    release: () => {
      if (!active) return;
      active = false;
      if (hadOwn) socket.destroy = destroy;
      else delete (socket as Partial<ReadSocket>).destroy;
      if (asked) destroy.call(socket);
    },
  };
}
