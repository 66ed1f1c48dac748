/** Screen patterns several agent CLIs share (for their `detectors.ts`). */

/** A braille spinner glyph at the start of a row, then text ("⠋ Thinking"). */
export const BRAILLE_SPINNER = /^\s*[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] \S/u;
