import type { IBufferCell, IBufferLine } from '@xterm/headless';

/** The SGR parameters of a cell's colours and attributes ('' for the defaults). */
function sgrOf(cell: IBufferCell): string {
  const p: (string | number)[] = [];
  if (cell.isBold()) p.push(1);
  if (cell.isDim()) p.push(2);
  if (cell.isItalic()) p.push(3);
  if (cell.isUnderline()) p.push(4);
  if (cell.isInverse()) p.push(7);
  if (cell.isFgRGB()) {
    const c = cell.getFgColor();
    p.push(38, 2, (c >> 16) & 255, (c >> 8) & 255, c & 255);
  } else if (cell.isFgPalette()) {
    const c = cell.getFgColor();
    p.push(...(c < 8 ? [30 + c] : c < 16 ? [90 + c - 8] : [38, 5, c]));
  }
  if (cell.isBgRGB()) {
    const c = cell.getBgColor();
    p.push(48, 2, (c >> 16) & 255, (c >> 8) & 255, c & 255);
  } else if (cell.isBgPalette()) {
    const c = cell.getBgColor();
    p.push(...(c < 8 ? [40 + c] : c < 16 ? [100 + c - 8] : [48, 5, c]));
  }
  return p.join(';');
}

/**
 * Columns [0, width) of a terminal line as text with SGR sequences (none with `color: false`),
 * ending in a reset so lines stand alone. A wide character (CJK, emoji) that would be cut in half
 * at the edge is left out: the line never grows past `width` columns.
 */
export function lineToSgr(
  line: IBufferLine | undefined,
  width: number,
  color: boolean,
  cell: IBufferCell,
): string {
  if (!line) return '';
  let out = '';
  let current = '';
  let used = 0;
  for (let x = 0; x < Math.min(width, line.length); x++) {
    const c = line.getCell(x, cell);
    if (!c) break;
    const w = c.getWidth();
    if (w === 0) continue; // the second half of a wide character
    if (used + w > width) break;
    if (color) {
      const sgr = sgrOf(c);
      if (sgr !== current) {
        out += sgr === '' ? '\x1b[0m' : `\x1b[0;${sgr}m`;
        current = sgr;
      }
    }
    out += c.getChars() || ' ';
    used += w;
  }
  // Trailing blanks in the default colours are left out (blanks with a background are kept).
  if (current === '') return out.replace(/ +$/, '');
  return `${out}\x1b[0m`;
}
