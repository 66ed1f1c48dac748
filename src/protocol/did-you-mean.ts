/** Edit distance with transpositions (optimal string alignment), as commander's suggestions use. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      let best = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, ((d[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = best;
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/**
 * The known name `input` was most likely meant to be (`clade` → `claude`, `stopGraceMS` →
 * `stopGraceMs`), or null when none is close: case is ignored, and at most a third of the
 * name (and never more than 3 edits) may differ.
 */
export function didYouMean(input: string, known: readonly string[]): string | null {
  const wanted = input.toLowerCase();
  let best: { name: string; d: number } | null = null;
  for (const name of known) {
    if (name === input) continue;
    const d = distance(wanted, name.toLowerCase());
    const limit = Math.min(3, Math.max(1, Math.floor(Math.max(wanted.length, name.length) / 3)));
    if (d <= limit && (best === null || d < best.d)) best = { name, d };
  }
  return best?.name ?? null;
}

/** ` Did you mean "claude"?` (with a leading space), or '' when nothing is close. */
export function didYouMeanText(input: string, known: readonly string[]): string {
  const hit = didYouMean(input, known);
  return hit === null ? '' : ` Did you mean "${hit}"?`;
}
