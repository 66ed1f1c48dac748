/** A mouse report (SGR mode 1006): a button pressed or released at a cell, or the wheel. */
export interface MouseEvent {
  kind: 'press' | 'release' | 'wheelUp' | 'wheelDown';
  /** 0 left, 1 middle, 2 right (presses and releases). */
  button: number;
  /** Cell, 0-based. */
  x: number;
  y: number;
}

/** One report, as Ink hands it on: alone, with or without its ESC (Ink strips it for `useInput`). */
const REPORT = /^\x1b?\[<(\d{1,4});(\d{1,4});(\d{1,4})([Mm])$/;

/** Whether this input is a mouse report: never a key, in any view or prompt. */
export function isMouseReport(input: string): boolean {
  return REPORT.test(input);
}

/**
 * The event in one report (`\x1b[<b;x;yM` press, `…m` release; b 64/65 the wheel), or null for
 * what is not one or what the TUI does not act on (drags, motion).
 */
export function parseMouse(input: string): MouseEvent | null {
  const m = REPORT.exec(input);
  if (!m) return null;
  const code = Number(m[1]);
  const at = { x: Number(m[2]) - 1, y: Number(m[3]) - 1 };
  if (code & 64) return { kind: code & 1 ? 'wheelDown' : 'wheelUp', button: 0, ...at };
  if (code & 32) return null;
  return { kind: m[4] === 'M' ? 'press' : 'release', button: code & 3, ...at };
}

/** Turns mouse reporting on (clicks and the wheel, SGR coordinates) and off. */
export const MOUSE_ON = '\x1b[?1000h\x1b[?1006h';
export const MOUSE_OFF = '\x1b[?1006l\x1b[?1000l';
