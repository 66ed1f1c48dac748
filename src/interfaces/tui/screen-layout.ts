/** Where things are on the TUI's screen: what it draws and where a click lands agree. */

/** The first row to show so that `selected` is in view, kept near the middle as the list moves. */
export function windowStart(total: number, selected: number, height: number): number {
  if (total <= height || selected < 0) return 0;
  return Math.min(total - height, Math.max(0, selected - Math.floor(height / 2)));
}

/** Side by side from this width; above and below under it. */
const SIDE_BY_SIDE = 120;

/**
 * Where the list and the preview are: the header is line 0, the body starts at line 1, then the
 * notice line and the footer; one line is left free so Ink never clears the screen to repaint (it
 * does when a frame fills it).
 */
export function layout(width: number, height: number) {
  const bodyH = Math.max(3, height - 4);
  const side = width >= SIDE_BY_SIDE;
  const listW = side ? Math.floor(width * 0.5) : width;
  const listH = side ? bodyH : Math.max(3, Math.floor(bodyH * 0.45));
  return {
    bodyH,
    side,
    listW,
    listH,
    previewW: side ? width - listW - 1 : width,
    previewH: side ? bodyH : bodyH - listH,
    /** The preview's first line and column on the screen. */
    previewTop: side ? 1 : 1 + listH,
    previewLeft: side ? listW + 1 : 0,
  };
}

/** The index in a list of `total` rows (windowed around `selected`) of the row at screen line `y`, or -1. */
export function rowAt(y: number, total: number, selected: number, height: number): number {
  const line = y - 1;
  if (line < 0 || line >= height) return -1;
  const i = windowStart(total, selected, height) + line;
  return i < total ? i : -1;
}
