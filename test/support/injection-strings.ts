import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Strings that a shell, tmux's format expansion or an option parser would act on. Each that
 * can run something would create a file in `markers` (named for the trick) if it ever ran.
 */
export interface Injections {
  /** Every string, newline included. */
  all: string[];
  /** Those fit for a title (tmux refuses control characters in titles, so no newline). */
  titles: string[];
  /** Names of the files found in `markers`: any is a string that was executed. */
  ran(): string[];
}

export function injectionStrings(markers: string): Injections {
  mkdirSync(markers, { recursive: true });
  const m = (name: string): string => join(markers, name);
  const titles = [
    `#(touch ${m('tmux-job')})`,
    `$(touch ${m('dollar')})`,
    `\`touch ${m('backtick')}\``,
    `x; touch ${m('semicolon')}`,
    `x && touch ${m('and')} | touch ${m('pipe')}`,
    `'"; touch ${m('quotes')}; #`,
    '#{pane_id} #{session_name} #[fg=red] ##',
    '-x --help',
    '\\; trailing;',
  ];
  const all = [...titles, `x\ntouch ${m('newline')}`];
  return { all, titles, ran: () => (existsSync(markers) ? readdirSync(markers) : []) };
}
