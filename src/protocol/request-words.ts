import type { PendingRequest } from './signals.js';

/** Tools that run a shell command (Claude Code, Qwen Code and Gemini CLI, Copilot CLI, OpenCode, Codex). */
const SHELL_TOOLS = new Set(['Bash', 'run_shell_command', 'bash', 'shell', 'exec_command']);

/** One line (commands and questions may span lines), at most `max` characters. */
export function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * What a waiting agent asks, as the words after "asks": `to run Bash: npm test`, `to use Write:
 * /p/out.txt`, `to use Bash`, `about "npm test"` (a target without its tool, from the screen),
 * `“Which colour?” (Red · Blue)`, `to choose: Red · Blue`; undefined when the request names
 * nothing but its kind. `wtp ls` (its ASKS column), notifications and the dashboard inbox say it.
 */
export function requestWords(r: PendingRequest | undefined, max = 200): string | undefined {
  if (r === undefined) return undefined;
  const options = r.options?.length ? r.options.join(' · ') : undefined;
  if (r.kind === 'question') {
    if (r.question !== undefined) {
      return oneLine(`“${oneLine(r.question, max)}”${options === undefined ? '' : ` (${options})`}`, max);
    }
    return options === undefined ? undefined : oneLine(`to choose: ${options}`, max);
  }
  const verb = r.tool !== undefined && SHELL_TOOLS.has(r.tool) ? 'run' : 'use';
  if (r.tool !== undefined) {
    return oneLine(`to ${verb} ${r.tool}${r.about === undefined ? '' : `: ${r.about}`}`, max);
  }
  return r.about === undefined ? undefined : oneLine(`about "${r.about}"`, max);
}
