/** Modes a repaint turns on when the screen has them (what the host's serializer emits), off. */
const MODES_OFF =
  '\x1b[0m\x1b[?1l\x1b[?66l\x1b[?2004l\x1b[4l\x1b[?6l\x1b[?45l\x1b[?1004l\x1b[?7h\x1b[?9l\x1b[?1000l\x1b[?1002l\x1b[?1003l';

/**
 * Written before the screen's repaint (a pty socket's `snapshot`) by a terminal that replayed the
 * scrollback first (the dashboard's, the TUI's preview): leave a full-screen program's screen, reset
 * the modes the replayed scrollback may have left on (the repaint sets the ones the screen really
 * has), and clear the screen — without pushing it into the scrollback, where the replay's lines
 * above it already lead up to the repainted screen.
 */
export const BEFORE_REPAINT = `\x1b[?1049l${MODES_OFF}\x1b[H\x1b[2J`;
