import type { Terminal } from '@xterm/xterm';

/**
 * Stops the page's terminal from answering queries in the output (device attributes, cursor
 * position, mode and colour reports…). The agent's own terminal — its pane, or the host's
 * emulator when headless — already answers them; a second answer would arrive as typed input,
 * and replaying the log would answer queries long gone.
 */
export function silenceReplies(term: Terminal): void {
  const p = term.parser;
  const swallow = () => true;
  for (const prefix of [undefined, '>', '='])
    p.registerCsiHandler({ ...(prefix ? { prefix } : {}), final: 'c' }, swallow);
  p.registerCsiHandler({ final: 'n' }, swallow);
  p.registerCsiHandler({ prefix: '?', final: 'n' }, swallow);
  p.registerCsiHandler({ intermediates: '$', final: 'p' }, swallow);
  p.registerCsiHandler({ prefix: '?', intermediates: '$', final: 'p' }, swallow);
  p.registerCsiHandler({ prefix: '>', final: 'q' }, swallow);
  p.registerCsiHandler({ prefix: '?', final: 'u' }, swallow);
  p.registerDcsHandler({ intermediates: '$', final: 'q' }, swallow);
  p.registerDcsHandler({ intermediates: '+', final: 'q' }, swallow);
  for (const osc of [4, 10, 11, 12]) p.registerOscHandler(osc, (data) => data.includes('?'));
}

/** Modes a repaint turns on when the screen has them (what the host's serializer emits), off. */
const MODES_OFF =
  '\x1b[0m\x1b[?1l\x1b[?66l\x1b[?2004l\x1b[4l\x1b[?6l\x1b[?45l\x1b[?1004l\x1b[?7h\x1b[?9l\x1b[?1000l\x1b[?1002l\x1b[?1003l';

/**
 * Written before the screen's repaint: leave a full-screen program's screen, reset the modes the
 * replayed scrollback may have left on (the repaint sets the ones the screen really has), and
 * clear the screen — without pushing it into the scrollback, where the replay's lines above it
 * already lead up to the repainted screen.
 */
export const BEFORE_REPAINT = `\x1b[?1049l${MODES_OFF}\x1b[H\x1b[2J`;
