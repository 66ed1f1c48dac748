import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AppError } from '../../../protocol/app-error.js';
import type { CliContext } from '../context.js';
import { checkOptions } from '../check-options.js';
import { runAction } from '../run-action.js';

/** The agent's MCP token from its file (0600, written by the daemon for `wtp new --mcp`). */
function readToken(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AppError('INVALID_INPUT', `Cannot read the MCP token file ${file}: ${(err as Error).message}`, {
      issues: [{ path: '--token-file', message: 'cannot be read' }],
    });
  }
  const token = text.trim();
  if (token === '' || token.length > 128 || /\s/.test(token)) {
    throw new AppError('INVALID_INPUT', `The MCP token file ${file} does not hold a token.`, {
      issues: [{ path: '--token-file', message: 'no token in it' }],
    });
  }
  return token;
}

/** `wtp mcp`: wezterm-parallel's MCP server over stdio (docs/mcp.md). */
export function registerMcpCommand(program: Command, ctx: CliContext): void {
  program
    .command('mcp')
    .description(
      "wezterm-parallel's MCP server over stdio, for an agent CLI (or any MCP client) to launch: its tools start and drive agents (docs/mcp.md)",
    )
    .option(
      '--token-file <file>',
      "the agent's MCP token (`wtp new --mcp` registers this command with it); without it, the user's own tools over the unix socket",
    )
    .option('--socket <path>', "the daemon's unix socket (default: this WTP_HOME's)")
    .action((_raw: unknown, cmd: Command) =>
      runAction(ctx, false, async () => {
        const nonEmpty = { type: 'string', minLength: 1 } as const;
        const opts = checkOptions(cmd, { tokenFile: nonEmpty, socket: nonEmpty }) as {
          tokenFile?: string;
          socket?: string;
        };
        const token = opts.tokenFile === undefined ? null : readToken(opts.tokenFile);
        // The MCP SDK is loaded by this command only, never by the rest of the CLI.
        const { runMcpRelay } = await import('../mcp-relay.js');
        await runMcpRelay({
          socketPath: opts.socket ?? ctx.paths.apiSocket,
          token,
          stdin: ctx.in,
          stdout: ctx.out,
          log: (line) => ctx.err.write(`${ctx.safe(line, false)}\n`),
        });
      }),
    );
}
