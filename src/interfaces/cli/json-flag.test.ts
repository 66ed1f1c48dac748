import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { CliContext, NO_DAEMON } from './context.js';
import { buildProgram } from './main.js';
import { routeCommandOf } from './register-route-commands.js';

/** The commands without `--json`, each with its reason; `wtp --help` names the same ones. */
const WITHOUT_JSON: Record<string, string> = {
  'wtp attach': 'interactive: the terminal is the agent’s until Ctrl-]',
  'wtp workspace attach': 'interactive: runs tmux attach in this terminal',
  'wtp tui': 'interactive: the terminal UI',
  'wtp mcp': 'speaks MCP (JSON-RPC) on stdio: its output is already machine-readable',
  'wtp __complete': 'hidden: the shell completion scripts call it and read candidates, one per line',
};

const program = buildProgram(
  new CliContext({ version: '0.0.0', entry: '', nodePath: '', daemon: NO_DAEMON }),
);

/** Every command that runs (a leaf, or a group with a default command) with its path. */
function commands(c: Command, path = 'wtp'): { path: string; cmd: Command }[] {
  return c.commands.flatMap((s) => {
    const p = `${path} ${s.name()}`;
    return [...(s.commands.length === 0 ? [{ path: p, cmd: s }] : []), ...commands(s, p)];
  });
}
const takesJson = (c: Command) => c.options.some((o) => o.long === '--json');

describe('--json', () => {
  it('is taken by every command but the named exceptions', () => {
    const without = commands(program)
      .filter((c) => !takesJson(c.cmd))
      .map((c) => c.path);
    expect(without.sort()).toEqual(Object.keys(WITHOUT_JSON).sort());
  });

  it('is on every command declared over a route, by construction', () => {
    const declared = commands(program).filter((c) => routeCommandOf(c.cmd) !== undefined);
    expect(declared.length).toBeGreaterThan(10);
    for (const c of declared) expect(takesJson(c.cmd), c.path).toBe(true);
  });

  it('is named in `wtp --help` for each exception but the hidden one', () => {
    let help = '';
    program.configureOutput({ writeOut: (s) => (help += s) });
    program.outputHelp();
    for (const path of Object.keys(WITHOUT_JSON).filter((p) => !p.includes('__')))
      expect(help, path).toContain(`\`${path.replace(/^wtp /, '')}\``);
  });
});
