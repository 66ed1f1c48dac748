import { readFile } from 'node:fs/promises';

/** Each change: Ink's file (Ink 6), the text it replaces and with what, and the code it appends. */
const CHANGES = [
  {
    file: /[\\/]ink[\\/]build[\\/]output\.js$/,
    replace: [
      ['caches = new OutputCaches();', 'caches = framesCaches();'],
      // Ink's own get() stays, renamed and unused: the text patched here is its first line only.
      ['    get() {', '    get() {\n        return framesGet(this);\n    }\n    inkGet() {'],
    ],
    append: `
import { diffAnsiCodes as framesDiffCodes, ansiCodesToString as framesCodesText } from '@alcalzone/ansi-tokenize';
const MAX_LINES = 400;
let sharedCaches = null;
function framesCaches() {
  if (sharedCaches === null || sharedCaches.styledChars.size > MAX_LINES || sharedCaches.widths.size > 8 * MAX_LINES)
    sharedCaches = new OutputCaches();
  return sharedCaches;
}
const BLANK_CELL = Object.freeze({ type: 'char', value: ' ', fullWidth: false, styles: Object.freeze([]) });
/** Last frame's rows: what was written to each (its key) and the text it made. */
let lastWidth = -1;
let lastKeys = [];
let lastTexts = [];
/**
 * Ink's get(), row by row: the writes that land on each row are gathered first (clipped and
 * transformed as Ink does), and a row written exactly as in the last frame keeps its text without
 * building its cells again. A changed row is built by Ink's own steps.
 */
function framesGet(self) {
  const { width, height, caches } = self;
  if (width !== lastWidth) {
    lastWidth = width;
    lastKeys = [];
    lastTexts = [];
  }
  const rows = [];
  for (let y = 0; y < height; y++) rows.push([]);
  const clips = [];
  for (const operation of self.operations) {
    if (operation.type === 'clip') clips.push(operation.clip);
    if (operation.type === 'unclip') clips.pop();
    if (operation.type !== 'write') continue;
    const { text, transformers } = operation;
    let { x, y } = operation;
    let lines = text.split('\\n');
    const clip = clips.at(-1);
    if (clip) {
      const clipHorizontally = typeof clip?.x1 === 'number' && typeof clip?.x2 === 'number';
      const clipVertically = typeof clip?.y1 === 'number' && typeof clip?.y2 === 'number';
      if (clipHorizontally) {
        const width = caches.getWidestLine(text);
        if (x + width < clip.x1 || x > clip.x2) continue;
      }
      if (clipVertically) {
        if (y + lines.length < clip.y1 || y > clip.y2) continue;
      }
      if (clipHorizontally) {
        lines = lines.map((line) => {
          const from = x < clip.x1 ? clip.x1 - x : 0;
          const width = caches.getStringWidth(line);
          const to = x + width > clip.x2 ? clip.x2 - x : width;
          return sliceAnsi(line, from, to);
        });
        if (x < clip.x1) x = clip.x1;
      }
      if (clipVertically) {
        const from = y < clip.y1 ? clip.y1 - y : 0;
        const to = y + lines.length > clip.y2 ? clip.y2 - y : lines.length;
        lines = lines.slice(from, to);
        if (y < clip.y1) y = clip.y1;
      }
    }
    for (let index = 0; index < lines.length; index++) {
      // Ink skips every line from the first one that falls outside the frame.
      const row = rows[y + index];
      if (row === undefined) break;
      let line = lines[index];
      for (const transformer of transformers) line = transformer(line, index);
      row.push(x, line);
    }
  }
  const texts = [];
  for (let y = 0; y < height; y++) {
    const writes = rows[y];
    let key = '';
    for (let i = 0; i < writes.length; i += 2) key += writes[i] + ',' + writes[i + 1].length + ',' + writes[i + 1];
    if (y < 1000 && lastKeys[y] === key) {
      texts.push(lastTexts[y]);
      continue;
    }
    const text = framesRowText(writes, width, caches) ?? inkRowText(writes, width, caches);
    if (y < 1000) {
      lastKeys[y] = key;
      lastTexts[y] = text;
    }
    texts.push(text);
  }
  return { output: texts.join('\\n'), height };
}

/** A line's cells as Ink places them: each character, then a blank cell per extra column it takes. */
function lineCells(line, caches) {
  const cells = [];
  for (const character of caches.getStyledChars(line)) {
    cells.push(character);
    const characterWidth = Math.max(1, caches.getStringWidth(character.value));
    for (let k = 1; k < characterWidth; k++)
      cells.push({ type: 'char', value: '', fullWidth: false, styles: character.styles });
  }
  return cells;
}

/** A row as Ink builds it: a cell per column, each write's cells placed in turn, then the text. */
function inkRowText(writes, width, caches) {
  const cells = [];
  for (let x = 0; x < width; x++) cells.push(BLANK_CELL);
  for (let i = 0; i < writes.length; i += 2) {
    const x = writes[i];
    lineCells(writes[i + 1], caches).forEach((cell, k) => (cells[x + k] = cell));
  }
  return styledCharsToString(cells.filter((item) => item !== undefined)).trimEnd();
}

const NO_STYLES = Object.freeze([]);
/** Ink's diff of two cells' styles as text; none between equal styles (most neighbours), without its Sets. */
const toStyles = (from, to) => (sameStyles(from, to) ? '' : framesCodesText(framesDiffCodes(from, to)));
function sameStyles(a, b) {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].code !== b[i].code || a[i].endCode !== b[i].endCode) return false;
  return true;
}
let segments = new Map();

/** One write's line as Ink would turn its cells into text, kept: its cells, first and last styles. */
function segmentOf(line, caches) {
  let seg = segments.get(line);
  if (seg !== undefined) return seg;
  const cells = lineCells(line, caches);
  let body = '';
  for (let i = 0; i < cells.length; i++) body += (i > 0 ? toStyles(cells[i - 1].styles, cells[i].styles) : '') + cells[i].value;
  seg = { cells: cells.length, first: cells[0]?.styles ?? NO_STYLES, last: cells.at(-1)?.styles ?? NO_STYLES, body };
  if (segments.size >= 4000) segments = new Map();
  segments.set(line, seg);
  return seg;
}

/**
 * The same text as inkRowText from each write's kept text, when the writes lie side by side within
 * the row (the TUI's list, divider and preview): the styles between two writes are what Ink would
 * emit between their two cells. Writes that overlap, or start or end outside the row: null.
 */
function framesRowText(writes, width, caches) {
  const runs = [];
  for (let i = 0; i < writes.length; i += 2) {
    const seg = segmentOf(writes[i + 1], caches);
    if (seg.cells > 0) runs.push([writes[i], seg]);
  }
  runs.sort((a, b) => a[0] - b[0]);
  let out = '';
  let pos = 0;
  let prev = NO_STYLES;
  for (const [x, seg] of runs) {
    if (!Number.isInteger(x) || x < pos || x + seg.cells > width) return null;
    if (x > pos) {
      out += toStyles(prev, NO_STYLES) + ' '.repeat(x - pos);
      prev = NO_STYLES;
    }
    out += toStyles(prev, seg.first) + seg.body;
    prev = seg.last;
    pos = x + seg.cells;
  }
  if (pos < width) {
    out += toStyles(prev, NO_STYLES) + ' '.repeat(width - pos);
    prev = NO_STYLES;
  }
  return (out + toStyles(prev, NO_STYLES)).trimEnd();
}
`,
  },
  {
    file: /[\\/]ink[\\/]build[\\/]render-node-to-output\.js$/,
    replace: [['const currentWidth = widestLine(text);', 'const currentWidth = framesWidestLine(text);']],
    append: `
let textWidths = new Map();
function framesWidestLine(text) {
  let width = textWidths.get(text);
  if (width === undefined) {
    if (textWidths.size > 4000) textWidths = new Map();
    width = widestLine(text);
    textWidths.set(text, width);
  }
  return width;
}
`,
  },
  {
    // Ink keeps every text it ever wrapped or measured, keyed by the text: rows that change (ages,
    // states) grow it without end in a TUI left open for days. Bounded as the caches above. And a
    // truncated text of several lines is cut line by line, so that rows can share one text node.
    file: /[\\/]ink[\\/]build[\\/]wrap-text\.js$/,
    replace: [
      [
        'wrappedText = cliTruncate(text, maxWidth, { position });',
        "wrappedText = text.split('\\n').map((line) => cliTruncate(line, maxWidth, { position })).join('\\n');",
      ],
      ['const cache = {};', 'let cache = new Map();'],
      ['const cachedText = cache[cacheKey];', 'const cachedText = cache.get(cacheKey);'],
      [
        'cache[cacheKey] = wrappedText;',
        'if (cache.size >= 4000) cache = new Map();\n    cache.set(cacheKey, wrappedText);',
      ],
    ],
    append: '\nexport const framesCacheSize = () => cache.size;\n',
  },
  {
    // Ink's incremental writer moves up one line too few when the last frame ended in a newline
    // (every frame shorter than the terminal): the cursor is then on the line below the frame.
    file: /[\\/]ink[\\/]build[\\/]log-update\.js$/,
    replace: [
      [
        'buffer.push(ansiEscapes.cursorUp(previousVisible - 1));',
        "buffer.push(ansiEscapes.cursorUp(previousOutput.endsWith('\\n') ? previousVisible : previousVisible - 1));",
      ],
    ],
    append: '',
  },
  {
    // A text of many rows (a list drawn as one node) is measured at each change of any row: each
    // line's width is kept, so only the rows that changed are measured again.
    file: /[\\/]widest-line[\\/]index\.js$/,
    replace: [
      [
        'lineWidth = Math.max(lineWidth, stringWidth(line));',
        'lineWidth = Math.max(lineWidth, lineWidthOf(line));',
      ],
    ],
    append: `
let lineWidths = new Map();
function lineWidthOf(line) {
  let width = lineWidths.get(line);
  if (width === undefined) {
    if (lineWidths.size >= 4000) lineWidths = new Map();
    width = stringWidth(line);
    lineWidths.set(line, width);
  }
  return width;
}
export const framesCacheSize = () => lineWidths.size;
`,
  },
  {
    file: /[\\/]ink[\\/]build[\\/]measure-text\.js$/,
    replace: [
      ['const cache = new Map();', 'let cache = new Map();'],
      [
        'cache.set(text, dimensions);',
        'if (cache.size >= 4000) cache = new Map();\n    cache.set(text, dimensions);',
      ],
    ],
    append: '\nexport const framesCacheSize = () => cache.size;\n',
  },
];

/**
 * Ink measures and tokenizes every line of every frame anew, and turns every cell of the screen back
 * into text, diffing each pair of neighbours' styles: with 100 agents that was about half the TUI's
 * CPU per repaint and most of its garbage (docs/tui.md#performance). These build-time changes keep
 * a line's characters (placed by reference, never changed) and a text's width across frames, bounded;
 * and keep the text of a row written exactly as in the last frame, without building its cells.
 * The build fails if Ink's files no longer have the lines replaced.
 */
export const inkOutputCaches = {
  name: 'ink-output-caches',
  setup(b) {
    for (const c of CHANGES)
      b.onLoad({ filter: c.file }, async (args) => {
        let source = await readFile(args.path, 'utf8');
        for (const [from, to] of c.replace) {
          if (!source.includes(from))
            throw new Error(`${args.path}: no "${from}" (Ink changed): update scripts/ink-output-cache.mjs`);
          source = source.replace(from, to);
        }
        return { contents: source + c.append, loader: 'js' };
      });
  },
};
