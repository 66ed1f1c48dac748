import type { PaneSpec } from '../../core/ports/panes.js';

/**
 * A string for an argument tmux expands as a format (`-s`, `-n`, `-c`, `select-pane -T`), made
 * inert: every run of `#` doubled (`##` is a literal `#`, so `#(cmd)`, `#{…}` and `#S` stay
 * text), except a run before `[`, which tmux's expansion passes through unchanged (a `#[style]`
 * is only read when drawn; what is inside is still expanded, and escaped here like the rest).
 * Option values set without `-F` (`@wtp_title`) and `-e` values are not expanded.
 */
export function literal(text: string): string {
  return text.replace(/#+/g, (run: string, at: number) => (text[at + run.length] === '[' ? run : run + run));
}

export function isSequence(cmd: string[] | string[][]): cmd is string[][] {
  return Array.isArray(cmd[0]);
}

/** `foo;` → `foo\;`: tmux would otherwise end the command there (research §3.2). */
export function escapeSemicolon(arg: string): string {
  return arg.endsWith(';') ? `${arg.slice(0, -1)}\\;` : arg;
}

/** The tmux pane of an id: `%12/4711` (a pane a host group serves) is pane `%12`. */
export const tmuxTarget = (paneId: string): string => paneId.split('/')[0] ?? paneId;

/**
 * Commands that tag a pane as ours (`@wtp_owned`: a window the user opens in our server is not),
 * with its agent id and title (`@wtp_agent`, `@wtp_title`, the pane title).
 */
export function tagCommands(id: string, spec: PaneSpec): string[][] {
  const tags: string[][] = [['set-option', '-p', '-t', id, '@wtp_owned', '1']];
  if (spec.agentId) tags.push(['set-option', '-p', '-t', id, '@wtp_agent', spec.agentId]);
  if (spec.title) {
    tags.push(
      ['set-option', '-p', '-t', id, '@wtp_title', spec.title],
      ['select-pane', '-t', id, '-T', literal(spec.title)],
    );
  }
  return tags;
}
