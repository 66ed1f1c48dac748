/**
 * The ```console blocks of a Markdown document, with the commands they run (`$ …` lines), the
 * output each shows, and the `<!-- doc-test: … -->` directives of the comment just before the
 * block; and writing updated outputs back. Pure (no I/O); test/docs/console-blocks.test.ts runs them.
 *
 * Directives, one per line of the comment (`@N` first: before the block's N-th command, else
 * before the first):
 *
 *   skip REASON            not run (WezTerm); each command is only checked to parse
 *   new-session [KIND]     a fresh daemon home, HOME and git repository; KIND `claude` adds the
 *                          scripted Anthropic server and the pinned Claude Code on PATH, `disk-full`
 *                          puts the daemon's home on a small tmpfs (syntax only where it cannot mount)
 *   up                     `wtp up --detach`, not shown
 *   sh: COMMAND            a hidden setup command (bash, in the repository; must exit 0)
 *   wait: COMMAND          run COMMAND until it exits 0 (bounded)
 *   wait-state NAME STATE  until `wtp ls --json` has the agent in that state (bounded)
 *   wait-task TASK STATUS  until `wtp task show TASK --json` has the task in that status (bounded)
 *   wait-sampled           until every agent with a pid has CPU and memory figures
 *   wait-usage NAME [N]    until the agent's usage was read from its CLI's session file (wtp ls: COST),
 *                          N tokens in all when given
 *   fill                   fill the filesystem of the daemon's home (disk-full sessions)
 */

export interface Directive {
  /** 1-based index of the command it runs before (1 = before the block). */
  before: number;
  name: string;
  /** The rest of the line. */
  arg: string;
}

export interface Command {
  /** 1-based line of the `$` in the document. */
  line: number;
  /** The command as bash gets it (continuation lines joined). */
  text: string;
  /** The output lines the document shows. */
  shown: string[];
  /** 0-based index of the first output line in the document's lines. */
  outputAt: number;
}

export interface ConsoleBlock {
  /** 1-based line of the opening fence. */
  line: number;
  directives: Directive[];
  commands: Command[];
}

const FENCE_OPEN = /^```console\s*$/;
const FENCE_CLOSE = /^```\s*$/;

/** The directives of the `<!-- doc-test: … -->` comment ending just before line index `fence`. */
function directivesBefore(lines: readonly string[], fence: number): Directive[] {
  let end = fence - 1;
  while (end >= 0 && lines[end]?.trim() === '') end--;
  if (!lines[end]?.trim().endsWith('-->')) return [];
  let start = end;
  while (start >= 0 && !lines[start]?.includes('<!--')) start--;
  const text = lines.slice(start, end + 1).join('\n');
  const m = /<!--\s*doc-test:([\s\S]*?)-->/.exec(text);
  if (!m) return [];
  return (m[1] ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => {
      const at = /^@(\d+)\s+/.exec(l);
      const rest = at ? l.slice(at[0].length) : l;
      const colon = /^(sh|wait):\s*/.exec(rest);
      const [name, ...args] = colon ? [colon[1] ?? '', rest.slice(colon[0].length)] : rest.split(/\s+/);
      return {
        before: at ? Number(at[1]) : 1,
        name: name ?? '',
        arg: colon ? (args[0] ?? '') : args.join(' '),
      };
    });
}

/** Every ```console block of a Markdown text. */
export function parseBlocks(markdown: string): ConsoleBlock[] {
  const lines = markdown.split('\n');
  const blocks: ConsoleBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!FENCE_OPEN.test(lines[i] ?? '')) continue;
    const block: ConsoleBlock = { line: i + 1, directives: directivesBefore(lines, i), commands: [] };
    let j = i + 1;
    for (; j < lines.length && !FENCE_CLOSE.test(lines[j] ?? ''); j++) {
      const l = lines[j] ?? '';
      if (l.startsWith('$ ')) {
        let text = l.slice(2);
        const line = j + 1;
        while (text.endsWith('\\') && j + 1 < lines.length)
          text = `${text.slice(0, -1)}\n${lines[++j] ?? ''}`;
        block.commands.push({ line, text, shown: [], outputAt: j + 1 });
      } else {
        const c = block.commands.at(-1);
        if (!c) throw new Error(`line ${j + 1}: a console block must start with a "$ " command line`);
        c.shown.push(l);
      }
    }
    blocks.push(block);
    i = j;
  }
  return blocks;
}

/** The document with the output of each command replaced (keyed by the command's `$` line). */
export function rewriteBlocks(markdown: string, outputs: ReadonlyMap<number, readonly string[]>): string {
  const lines = markdown.split('\n');
  const edits = parseBlocks(markdown)
    .flatMap((b) => b.commands)
    .filter((c) => outputs.has(c.line))
    .sort((a, b) => b.outputAt - a.outputAt); // from the end, so earlier indexes stay right
  for (const c of edits) lines.splice(c.outputAt, c.shown.length, ...(outputs.get(c.line) ?? []));
  return lines.join('\n');
}
