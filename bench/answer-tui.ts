import { dirname, join } from 'node:path';
import type { AnswerMode } from './answer-modes.js';
import { nowMs } from './proc.js';
import { PtyTerminal } from './pty-terminal.js';
import type { RepoPaths } from './repo-paths.js';
import type { RigAgent } from './rig-agent.js';

const PAINT_MS = 30_000;
const OUTCOME_MS = 60_000;

/**
 * The `answers` part's TUI mode: `wtp tui` started once, as users start it (bin/wtp, NO_COLOR), its
 * one agent selected; each round presses the approve key `a`. `doneAt` is the TUI's own notice
 * that it approved (its AnswerResult); another notice makes the round no sample.
 */
export async function tuiMode(paths: RepoPaths, r: RigAgent): Promise<AnswerMode> {
  const tui = new PtyTerminal(join(paths.root, 'bin', 'wtp'), ['tui'], {
    cwd: r.session.home,
    env: {
      ...r.session.env,
      PATH: `${dirname(process.execPath)}:${r.session.env.PATH ?? ''}`,
      NO_COLOR: '1',
      TERM: 'xterm-256color',
    },
  });
  try {
    await tui.waitFor(
      (t) => t.includes(r.name) && t.includes('q quit'),
      PAINT_MS,
      'wtp tui: first paint',
      64 * 1024,
    );
  } catch (err) {
    await tui.close();
    throw err;
  }
  return {
    name: 'tui',
    what: 'the approve key `a` pressed in `wtp tui` (one process for the whole run, the agent selected)',
    act: async (a) => {
      const approved = `approved ${a.name}`;
      let refused: string | undefined;
      const outcome = tui.waitFor(
        (t) => {
          refused = /\[([A-Z][A-Z_]+)\]/.exec(t)?.[1];
          return t.includes(approved) || refused !== undefined;
        },
        OUTCOME_MS,
        'wtp tui: the answer’s notice',
        64 * 1024,
      );
      const sentAt = nowMs();
      tui.write('a');
      try {
        const doneAt = await outcome;
        return refused === undefined ? { sentAt, doneAt } : { sentAt, doneAt, failed: refused };
      } catch (err) {
        return { sentAt, doneAt: nowMs(), failed: err instanceof Error ? err.message : String(err) };
      }
    },
    close: () => tui.close(),
  };
}
