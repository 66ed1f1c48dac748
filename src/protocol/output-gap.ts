/** Output gaps without zod (the dashboard's terminal imports this; pty.ts has the schema). */

/** Bytes [from, to) an output log lacks: its host could not write them (offsets after it are unchanged). */
export interface OutputGapView {
  from: number;
  to: number;
  /** "disk full", "I/O error", "not in the log", … */
  reason: string;
}

/**
 * The line shown where an output log has a gap, by `wtp logs` and the dashboard's scrollback:
 * `[wtp: 512 bytes not written: disk full]`.
 */
export function outputGapMarker(gap: OutputGapView): string {
  return `[wtp: ${gap.to - gap.from} bytes not written: ${gap.reason}]`;
}

/** Whether `v` looks like an output gap (the CLI checks it without zod). */
export function isOutputGap(v: unknown): v is OutputGapView {
  if (typeof v !== 'object' || v === null) return false;
  const g = v as Record<string, unknown>;
  return (
    Number.isInteger(g.from) &&
    Number.isInteger(g.to) &&
    typeof g.reason === 'string' &&
    (g.to as number) >= (g.from as number)
  );
}
