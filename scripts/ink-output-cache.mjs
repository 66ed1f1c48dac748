import { readFile } from 'node:fs/promises';

/** Each change: Ink's file (Ink 6), the text it replaces and with what, and the code it appends. */
const CHANGES = [
  {
    file: /[\\/]ink[\\/]build[\\/]output\.js$/,
    replace: [
      ['caches = new OutputCaches();', 'caches = framesCaches();'],
      [
        `row.push({
                    type: 'char',
                    value: ' ',
                    fullWidth: false,
                    styles: [],
                });`,
        'row.push(BLANK_CELL);',
      ],
      [
        'const generatedOutput = output\n            .map(line => {',
        'const generatedOutput = output.map((line, rowIndex) => {',
      ],
      [
        'return styledCharsToString(lineWithoutEmptyItems).trimEnd();',
        'return framesRow(lineWithoutEmptyItems, rowIndex);',
      ],
    ],
    append: `
const MAX_LINES = 400;
let sharedCaches = null;
function framesCaches() {
  if (sharedCaches === null || sharedCaches.styledChars.size > MAX_LINES || sharedCaches.widths.size > 8 * MAX_LINES)
    sharedCaches = new OutputCaches();
  return sharedCaches;
}
const BLANK_CELL = Object.freeze({ type: 'char', value: ' ', fullWidth: false, styles: Object.freeze([]) });
let lastRows = [];
function framesRow(cells, y) {
  const last = lastRows[y];
  if (last !== undefined && last.cells.length === cells.length) {
    let same = true;
    for (let i = 0; i < cells.length && same; i++) same = last.cells[i] === cells[i];
    if (same) return last.text;
  }
  const text = styledCharsToString(cells).trimEnd();
  if (y < 1000) lastRows[y] = { cells, text };
  return text;
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
    // states) grow it without end in a TUI left open for days. Bounded as the caches above.
    file: /[\\/]ink[\\/]build[\\/]wrap-text\.js$/,
    replace: [
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
 * keep the text of a row whose cells are the same objects as last frame; and share one blank cell.
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
