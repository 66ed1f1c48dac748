/**
 * Panels a CLI draws at the right of its rows (Claude Code's changes panel, OpenCode's side
 * panel), found on each screen and cut off before the rules read the rows (RuleSet.panelBorder,
 * RuleSet.panelGap).
 */

/** A panel border is this far from the left at least, and on this share of the non-empty rows. */
const PANEL_MIN_COLUMN = 40;
const PANEL_SHARE = 0.6;

/**
 * The rows without the panel a CLI draws at their right behind `border`: the column where most
 * non-empty rows hold the border (a row of the panel's own text may not); each row is cut there.
 * Rows with no such column are returned as they are.
 */
export function withoutPanel(lines: readonly string[], border: string): readonly string[] {
  const counts = new Map<number, number>();
  let filled = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    filled += 1;
    for (let at = line.indexOf(border, PANEL_MIN_COLUMN); at >= 0; at = line.indexOf(border, at + 1)) {
      counts.set(at, (counts.get(at) ?? 0) + 1);
    }
  }
  let column = -1;
  for (const [at, n] of counts) if (n >= filled * PANEL_SHARE && (column < 0 || at < column)) column = at;
  if (column < 0 || filled < 4) return lines;
  return lines.map((l) => (l.charAt(column) === border ? l.slice(0, column) : l));
}

/** A gapped panel's text begins this many blank columns past the rows beside it, in this many rows. */
const PANEL_GAP = 2;
const PANEL_GAP_ROWS = 3;

/**
 * The rows without a panel a CLI draws at their right with no border: the column where the most
 * rows (PANEL_GAP_ROWS at least) begin text after PANEL_GAP blank columns, blank on every row. A
 * wide character is one column in the screen's text, so a row holding some may seem to cross the
 * panel's column: the rows are then left whole, as with no panel.
 */
export function withoutGapPanel(lines: readonly string[]): readonly string[] {
  const starts = new Map<number, number>();
  for (const line of lines) {
    let blank = 0;
    for (let at = 0; at < line.length; at += 1) {
      if (line[at] === ' ') blank += 1;
      else {
        if (blank >= PANEL_GAP && at >= PANEL_MIN_COLUMN) starts.set(at, (starts.get(at) ?? 0) + 1);
        blank = 0;
      }
    }
  }
  let column = -1;
  let most = PANEL_GAP_ROWS - 1;
  for (const [at, n] of starts) {
    if (
      (n > most || (n === most && at < column)) &&
      lines.every((l) => l.slice(at - PANEL_GAP, at).trim() === '')
    ) {
      column = at;
      most = n;
    }
  }
  return column < 0 ? lines : lines.map((l) => (l.length > column ? l.slice(0, column) : l));
}
