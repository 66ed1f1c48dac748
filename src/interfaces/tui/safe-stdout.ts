import { TerminalFilter, type TerminalTextOptions } from '../../protocol/terminal-text.js';

/**
 * What Ink itself writes besides text and colours: cursor moves and erases (`ESC[2A`, `ESC[G`,
 * `ESC[2K`, `ESC[2J`…), the cursor hidden and shown (`?25`), synchronized updates (`?2026`).
 */
const INK_CSI = (params: string, final: string): boolean =>
  /^\d*(;\d*)?$/.test(params)
    ? 'ABCDEFGHJKST'.includes(final)
    : /^\?(25|2026)$/.test(params) && (final === 'h' || final === 'l');

const FRAME: TerminalTextOptions = { controls: 'drop', sgr: 'all', keepCr: true, allowCsi: INK_CSI };

/**
 * The TUI's stdout as Ink sees it: every frame goes through the terminal sanitizer, so
 * what a view forgot to make safe is still dropped — an OSC (which Ink keeps in text), a DCS, a
 * terminal query, a mode switch. Colours and Ink's own cursor moves pass. The TUI's own sequences
 * (the alternate screen, the mouse) are written to the real stdout, not through this.
 */
export function guardedStdout(stdout: NodeJS.WriteStream): NodeJS.WriteStream {
  const filter = new TerminalFilter(FRAME);
  const write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return (stdout.write as (c: string, ...r: unknown[]) => boolean)(filter.push(text), ...rest);
  };
  return new Proxy(stdout, {
    get(target, prop) {
      if (prop === 'write') return write;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
