import { readFile } from 'node:fs/promises';

/** Each change: Ink's file (Ink 6), the line it replaces, with what, and the code it appends. */
const CHANGES = [
  {
    file: /[\\/]ink[\\/]build[\\/]output\.js$/,
    line: 'caches = new OutputCaches();',
    with: 'caches = framesCaches();',
    append: `
const MAX_LINES = 400;
let sharedCaches = null;
function framesCaches() {
  if (sharedCaches === null || sharedCaches.styledChars.size > MAX_LINES || sharedCaches.widths.size > 8 * MAX_LINES)
    sharedCaches = new OutputCaches();
  return sharedCaches;
}
`,
  },
  {
    file: /[\\/]ink[\\/]build[\\/]render-node-to-output\.js$/,
    line: 'const currentWidth = widestLine(text);',
    with: 'const currentWidth = framesWidestLine(text);',
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
];

/**
 * Ink measures and tokenizes every line of every frame anew: its Output keeps its caches (a
 * line's styled characters, a string's width) for one frame, and each text's widest line is
 * measured again at every render. In the TUI with 100 agents that was about half its CPU per
 * repaint, and much of its garbage (docs/tui.md#performance). These build-time changes keep both
 * across frames, bounded: a line's characters are placed by reference and never changed, and the
 * same text has the same width. The build fails if Ink's files no longer have the lines replaced.
 */
export const inkOutputCaches = {
  name: 'ink-output-caches',
  setup(b) {
    for (const c of CHANGES)
      b.onLoad({ filter: c.file }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (!source.includes(c.line))
          throw new Error(`${args.path}: no "${c.line}" (Ink changed): update scripts/ink-output-cache.mjs`);
        return { contents: source.replace(c.line, c.with) + c.append, loader: 'js' };
      });
  },
};
