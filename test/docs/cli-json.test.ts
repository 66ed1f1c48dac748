import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { referenceProgram } from '../../tools/docs/cli-reference.js';
import { REPO } from '../support/harness.js';

/** What `wtp --help` (docs/cli.md is generated from it) and docs/api.md say about `--json`, against the program. */
describe('--json', () => {
  const program = referenceProgram();
  const help = program.createHelp();
  /** Every visible command that runs something (not a group of subcommands), by its path. */
  const leaves = (cmd: Command, prefix: string): [string, Command][] =>
    help
      .visibleCommands(cmd)
      .filter((c) => c.name() !== 'help') // commander's own
      .flatMap((c) =>
        c.commands.length > 0
          ? leaves(c, `${prefix} ${c.name()}`)
          : [[`${prefix} ${c.name()}`, c] as [string, Command]],
      );
  const without = leaves(program, 'wtp')
    .filter(([, c]) => !c.options.some((o) => o.long === '--json'))
    .map(([path]) => path);

  it('is taken by every command but the interactive ones the help and the API guide name', () => {
    expect(without.sort()).toEqual(['wtp attach', 'wtp mcp', 'wtp tui', 'wtp workspace attach']);
    const said =
      'Every command but the interactive `attach`, `workspace attach` and `tui` (and `mcp`, which speaks MCP on stdio) takes';
    for (const doc of ['docs/cli.md', 'docs/api.md'])
      expect(readFileSync(join(REPO, doc), 'utf8').replace(/\s+/g, ' '), doc).toContain(said);
  });
});
