import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { CliContext, NO_DAEMON } from './context.js';
import { buildProgram } from './main.js';

/** The real program, writing into a string; actions are replaced so parsing runs nothing. */
function program(): { root: Command; text: () => string } {
  let written = '';
  const sink = {
    write: (s: string) => ((written += s), true),
    isTTY: false,
  } as unknown as NodeJS.WriteStream;
  const ctx = new CliContext({
    version: '0.0.0',
    entry: '',
    nodePath: '',
    daemon: NO_DAEMON,
    stdout: sink,
    stderr: sink,
  });
  return { root: buildProgram(ctx), text: () => written };
}

function allCommands(c: Command): Command[] {
  return [c, ...c.commands.flatMap(allCommands)];
}

/** Every help screen (`wtp --help`, `wtp <command> --help`, …) as printed, examples included. */
function helpTexts(): string[] {
  const { root, text } = program();
  return allCommands(root).map((c) => {
    const before = text().length;
    c.configureHelp({ helpWidth: 10_000 }); // no wrapping inside an example
    c.outputHelp();
    return text().slice(before);
  });
}

/**
 * The `wtp …` command lines a help text shows: example lines (up to the two spaces before their
 * comment), backtick spans, and `a | b` alternatives in descriptions.
 */
function examplesIn(help: string): string[] {
  const found: string[] = [];
  const text = help.replace(/^Usage: .*$/gm, '');
  for (const m of text.matchAll(/(?<![\w-])wtp ([^`|)\n]*?)(?= {2,}|`|\||\)|$)/gm))
    // The shell's redirections (`> file`, `2>&1`) are not wtp's arguments.
    found.push(`wtp ${(m[1] ?? '').replace(/\s\d?>.*$/, '')}`.trim());
  return found;
}

/** Shell-like words (single and double quotes); a `<placeholder>` is one word, `[optional…]` none. */
function words(line: string): string[] {
  const text = line
    .replace(/<[^>]*>/g, 'X')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/…/g, '');
  return [...text.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

interface Parsed {
  command: Command;
  args: string[];
}

/** Parses `argv` with the real program; returns the command that would run and its arguments. */
async function parse(argv: string[]): Promise<Parsed | 'incomplete'> {
  const { root } = program();
  let parsed: Parsed | null = null;
  for (const c of allCommands(root))
    c.action((...a: unknown[]) => {
      const cmd = a.at(-1) as Command;
      parsed = { command: cmd, args: cmd.args };
    });
  try {
    await root.parseAsync(argv, { from: 'user' });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'commander.missingArgument' || code === 'commander.missingMandatoryOptionValue')
      return 'incomplete';
    throw err;
  }
  if (parsed === null) throw new Error(`no command ran for: wtp ${argv.join(' ')}`);
  return parsed;
}

/** The flags of a command and of the commands above it (`-n`, `--name`, `--no-wait`, …). */
function flagsOf(c: Command | null): string[] {
  if (c === null) return [];
  return [...c.options.flatMap((o) => [o.short, o.long]), ...flagsOf(c.parent)].filter(
    (f): f is string => typeof f === 'string',
  );
}

describe('help examples', () => {
  const examples = [...new Set(helpTexts().flatMap(examplesIn))];

  it('finds the examples of the main help and of the command descriptions', () => {
    expect(examples).toContain('wtp up --detach');
    expect(examples).toContain('wtp new cmd --name web --restart on-failure -- npm run dev');
    expect(examples).toContain('wtp new cmd -- <command> [args…]'); // `wtp new`'s description
    expect(examples).toContain('wtp template show'); // a backtick span in an option
    expect(examples.length).toBeGreaterThan(20);
  });

  it.each(examples)('%s parses, with no wtp option after `--`', async (example) => {
    const argv = words(example).slice(1);
    const parsed = await parse(argv);
    if (parsed === 'incomplete') {
      // Only a mention of a command (`wtp template show` printed …) may leave out what it needs.
      expect(argv.every((w) => /^[a-z-]+$/.test(w))).toBe(true);
      return;
    }
    const { command, args } = parsed;
    const dashdash = argv.indexOf('--');
    const afterDashdash = dashdash < 0 ? [] : argv.slice(dashdash + 1);
    const flags = new Set(flagsOf(command));
    expect(afterDashdash.filter((w) => flags.has(w))).toEqual([]);
    // Nothing before `--` that looks like an option ended up as an argument.
    const before = dashdash < 0 ? args : args.slice(0, args.length - afterDashdash.length);
    expect(before.filter((w) => w.startsWith('-'))).toEqual([]);
  });
});
