import xtermHeadless from '@xterm/headless';
import type { IBufferCell, Terminal as HeadlessTerminal } from '@xterm/headless';

const { Terminal } = xtermHeadless;

/**
 * Renders what a terminal shows as an SVG "screenshot": the bytes a real program wrote to a PTY
 * are fed through @xterm/headless (the emulator the product uses), and every cell becomes SVG
 * text with its colours. Used for the README's images; the tests check its content.
 */

const CELL_W = 8.4;
const CELL_H = 17;
const FONT_SIZE = 14;
const PAD = 12;

/** xterm's default 16 colours (a dark theme close to WezTerm's default). */
const ANSI = [
  '#2e3436',
  '#cc0000',
  '#4e9a06',
  '#c4a000',
  '#3465a4',
  '#75507b',
  '#06989a',
  '#d3d7cf',
  '#555753',
  '#ef2929',
  '#8ae234',
  '#fce94f',
  '#729fcf',
  '#ad7fa8',
  '#34e2e2',
  '#eeeeec',
];
const DEFAULT_FG = '#d3d7cf';
const DEFAULT_BG = '#1d1f21';

function palette(n: number): string {
  if (n < 16) return ANSI[n] ?? DEFAULT_FG;
  if (n < 232) {
    const i = n - 16;
    const level = (v: number): number => (v === 0 ? 0 : 55 + v * 40);
    return rgb((level(Math.floor(i / 36)) << 16) | (level(Math.floor(i / 6) % 6) << 8) | level(i % 6));
  }
  const g = 8 + (n - 232) * 10;
  return rgb((g << 16) | (g << 8) | g);
}

function rgb(v: number): string {
  return `#${v.toString(16).padStart(6, '0')}`;
}

function colours(cell: IBufferCell): { fg: string; bg: string | null; bold: boolean } {
  let fg = cell.isFgRGB()
    ? rgb(cell.getFgColor())
    : cell.isFgPalette()
      ? palette(cell.getFgColor())
      : DEFAULT_FG;
  let bg: string | null = cell.isBgRGB()
    ? rgb(cell.getBgColor())
    : cell.isBgPalette()
      ? palette(cell.getBgColor())
      : null;
  if (cell.isInverse()) [fg, bg] = [bg ?? DEFAULT_BG, fg];
  return { fg, bg, bold: cell.isBold() !== 0 };
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A headless terminal of the given size; write a program's output to it, then `toSvg` it. */
export function createScreen(cols: number, rows: number): HeadlessTerminal {
  return new Terminal({ cols, rows, allowProposedApi: true, scrollback: 0 });
}

/** Resolves once everything written so far has been parsed. */
export function flushScreen(term: HeadlessTerminal): Promise<void> {
  return new Promise((resolve) => term.write('', resolve));
}

/** The visible screen as plain text lines (trailing blanks trimmed). */
export function screenText(term: HeadlessTerminal): string[] {
  const buf = term.buffer.active;
  const out: string[] = [];
  for (let y = 0; y < term.rows; y++) out.push(buf.getLine(buf.viewportY + y)?.translateToString(true) ?? '');
  return out;
}

/** The visible screen as an SVG image with a title bar. */
export function toSvg(term: HeadlessTerminal, title: string): string {
  const buf = term.buffer.active;
  const width = Math.round(term.cols * CELL_W + 2 * PAD);
  const top = 28;
  const height = Math.round(term.rows * CELL_H + top + PAD);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="'DejaVu Sans Mono','Menlo','Consolas',monospace" font-size="${FONT_SIZE}">`,
    `<rect width="100%" height="100%" rx="8" fill="${DEFAULT_BG}"/>`,
    `<circle cx="18" cy="14" r="5" fill="#ff5f56"/><circle cx="34" cy="14" r="5" fill="#ffbd2e"/><circle cx="50" cy="14" r="5" fill="#27c93f"/>`,
    `<text x="${width / 2}" y="18" fill="#8a8f98" font-size="12" text-anchor="middle">${escapeXml(title)}</text>`,
  ];
  const cell = buf.getNullCell();
  for (let y = 0; y < term.rows; y++) {
    const line = buf.getLine(buf.viewportY + y);
    if (!line) continue;
    const baseY = top + y * CELL_H;
    // Consecutive cells of one style make one <text>, stretched over exactly their cells.
    const runs: { x: number; cells: number; text: string; fg: string; bold: boolean }[] = [];
    const fills: { x: number; cells: number; bg: string }[] = [];
    for (let x = 0; x < term.cols; x++) {
      line.getCell(x, cell);
      const w = cell.getWidth();
      if (w === 0) continue; // the second half of a wide character
      const { fg, bg, bold } = colours(cell);
      const lastBg = fills.at(-1);
      if (bg && lastBg && lastBg.bg === bg && lastBg.x + lastBg.cells === x) lastBg.cells += w;
      else if (bg) fills.push({ x, cells: w, bg });
      const ch = cell.getChars() || ' ';
      const last = runs.at(-1);
      if (last && last.fg === fg && last.bold === bold) {
        last.text += ch;
        last.cells += w;
      } else runs.push({ x, cells: w, text: ch, fg, bold });
    }
    for (const f of fills) {
      parts.push(
        `<rect x="${(PAD + f.x * CELL_W).toFixed(1)}" y="${baseY}" width="${(f.cells * CELL_W).toFixed(1)}" height="${CELL_H}" fill="${f.bg}"/>`,
      );
    }
    for (const r of runs) {
      if (r.text.trim() === '') continue;
      parts.push(
        `<text x="${(PAD + r.x * CELL_W).toFixed(1)}" y="${(baseY + CELL_H - 4).toFixed(1)}" fill="${r.fg}"${r.bold ? ' font-weight="bold"' : ''} textLength="${(r.cells * CELL_W).toFixed(1)}" lengthAdjust="spacingAndGlyphs" xml:space="preserve">${escapeXml(r.text)}</text>`,
      );
    }
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
