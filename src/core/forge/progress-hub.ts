/** One line of an operation's progress (`partial`: it will be written over); null once it has ended. */
export type ProgressListener = (line: string | null, partial: boolean) => void;

/**
 * Progress of long operations (a push), by an id the caller chose: lines go to whoever follows
 * that id (the CLI, through the WebSocket `/api/v1/progress`) and are kept nowhere.
 */
export class ProgressHub {
  private readonly listeners = new Map<string, Set<ProgressListener>>();

  /** Follows `op`; the returned function stops. */
  subscribe(op: string, listener: ProgressListener): () => void {
    const set = this.listeners.get(op) ?? new Set<ProgressListener>();
    set.add(listener);
    this.listeners.set(op, set);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(op) === set) this.listeners.delete(op);
    };
  }

  /** A reporter for `op` (a no-op without one): lines, then null when the operation ended. */
  reporter(op: string | undefined): (line: string | null, partial?: boolean) => void {
    if (op === undefined) return () => undefined;
    return (line, partial = false) => {
      for (const l of [...(this.listeners.get(op) ?? [])]) {
        try {
          l(line, partial);
        } catch {
          // a follower that fails must not stop the operation
        }
      }
    };
  }
}
