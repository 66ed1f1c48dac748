import type { EventEmitter } from 'node:events';
import type { Argument, Command, Help, Option } from 'commander';
import { readEnv } from '../../src/config/env.js';
import { CliContext, NO_DAEMON } from '../../src/interfaces/cli/context.js';
import { buildProgram } from '../../src/interfaces/cli/main.js';
import { anchor, code, generatedNote, table, text } from './markdown.js';

/**
 * docs/cli.md: every visible command of the real `wtp` program, walked through commander's own
 * objects (arguments, options, defaults, aliases, help texts), so a new command or option appears
 * with `npm run gen`. Hidden commands (`wtp hook`; `wtp host` is not a commander command at all)
 * are left out, as `--help` leaves them out.
 */
export function cliReference(): string {
  const program = referenceProgram();
  const help = program.createHelp();
  const commands = walk(program, help);
  const toc = commands.map((c) => `- [${code(c.path)}](#${anchor(c.path)}) — ${text(c.cmd.description())}`);
  return `${[
    '# `wtp` command reference',
    '',
    generatedNote('the commander program in src/interfaces/cli/ (tools/docs/cli-reference.ts)'),
    '',
    text(program.description()),
    '',
    `Usage: ${code(help.commandUsage(program))}. Every command takes ${code('-h, --help')}.`,
    '',
    ...optionsTable(program, help),
    ...helpTexts(program),
    '## Commands',
    '',
    ...toc,
    '',
    ...commands.flatMap((c) => section(c.path, c.cmd, help)),
  ].join('\n')}`;
}

interface Entry {
  path: string;
  cmd: Command;
}

/** Every visible command below `cmd`, depth first, in the order they were registered. */
function walk(cmd: Command, help: Help, prefix = 'wtp'): Entry[] {
  const visible = new Set(help.visibleCommands(cmd));
  return cmd.commands
    .filter((c) => visible.has(c))
    .flatMap((c) => {
      const path = `${prefix} ${c.name()}`;
      return [{ path, cmd: c }, ...walk(c, help, path)];
    });
}

function section(path: string, cmd: Command, help: Help): string[] {
  const aliases = cmd.aliases();
  const args = cmd.registeredArguments;
  return [
    `## ${code(path)}`,
    '',
    text(cmd.description()),
    '',
    `Usage: ${code(help.commandUsage(cmd))}`,
    '',
    ...(aliases.length === 0 ? [] : [`Aliases: ${aliases.map(code).join(', ')}`, '']),
    ...(args.length === 0 ? [] : [table(['argument', 'description'], args.map(argumentRow)), '']),
    ...optionsTable(cmd, help),
    ...helpTexts(cmd),
  ];
}

function argumentRow(a: Argument): string[] {
  const term = a.required
    ? `<${a.name()}${a.variadic ? '...' : ''}>`
    : `[${a.name()}${a.variadic ? '...' : ''}]`;
  const extra = [
    a.argChoices ? `one of ${a.argChoices.map(code).join(', ')}` : '',
    a.defaultValue === undefined ? '' : `default: ${defaultText(a.defaultValue, a.defaultValueDescription)}`,
  ].filter(Boolean);
  return [code(term), [text(a.description), ...extra].filter(Boolean).join('; ')];
}

/** The options of `cmd` but `--help`, with their defaults. */
function optionsTable(cmd: Command, help: Help): string[] {
  const options = help.visibleOptions(cmd).filter((o) => o.long !== '--help');
  if (options.length === 0) return [];
  return [table(['option', 'description', 'default'], options.map(optionRow)), ''];
}

function optionRow(o: Option): string[] {
  const notes = [
    o.mandatory ? 'required' : '',
    o.argChoices ? `one of ${o.argChoices.map(code).join(', ')}` : '',
    o.envVar ? `env ${code(o.envVar)}` : '',
  ].filter(Boolean);
  const hasDefault =
    o.defaultValue !== undefined && !(Array.isArray(o.defaultValue) && o.defaultValue.length === 0);
  return [
    code(o.flags),
    [text(o.description), ...notes].filter(Boolean).join('; '),
    hasDefault ? defaultText(o.defaultValue, o.defaultValueDescription) : '',
  ];
}

function defaultText(value: unknown, description: string | undefined): string {
  return description !== undefined ? text(description) : code(JSON.stringify(value));
}

/** What `addHelpText` adds to this command's help (examples and notes), as a code block. */
function helpTexts(cmd: Command): string[] {
  const blocks = ['beforeAll', 'before', 'after', 'afterAll'].flatMap((position) => {
    let out = '';
    // A Command is an EventEmitter (addHelpText listens for these events); the typings leave it out.
    (cmd as unknown as EventEmitter).emit(`${position}Help`, {
      error: false,
      command: cmd,
      write: (s: string) => (out += s),
    });
    return out.trim() === '' ? [] : [out.replace(/^\n+|\s+$/g, '')];
  });
  return blocks.flatMap((b) => ['```text', b, '```', '']);
}

/** The `wtp` program as the reference describes it: a fixed environment, no daemon. */
export function referenceProgram() {
  return buildProgram(
    new CliContext({
      version: '0.0.0',
      entry: '/wtp/dist/wtp.js',
      nodePath: '/usr/bin/node',
      daemon: NO_DAEMON,
      // A fixed environment: nothing in the reference depends on the machine that generated it.
      env: readEnv({ HOME: '/home/you' }),
    }),
  );
}
