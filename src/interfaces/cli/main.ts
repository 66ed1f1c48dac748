import { Command, CommanderError } from 'commander';
import { AppError } from '../../protocol/app-error.js';
import { registerAgentCommands } from './commands/agents.js';
import { registerAnswerCommands } from './commands/answers.js';
import { registerAttachCommand } from './commands/attach.js';
import { registerCompletionCommands } from './commands/completion.js';
import { registerDaemonCommands } from './commands/daemon.js';
import { registerServiceCommands } from './commands/service.js';
import { registerDashboardCommand } from './commands/dashboard.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerEventsCommand } from './commands/events.js';
import { registerInitCommand } from './commands/init.js';
import { registerFleetCommands } from './commands/fleet.js';
import { registerForkCommand } from './commands/fork.js';
import { registerForgeCommands } from './commands/forge.js';
import { registerGitCommands } from './commands/git.js';
import { registerMcpCommand } from './commands/mcp.js';
import { registerOrphanCommands } from './commands/orphans.js';
import { registerRemoteCommands } from './commands/remote.js';
import { registerTaskCommands } from './commands/tasks.js';
import { registerReportCommand } from './commands/report.js';
import { registerBudgetCommand } from './commands/budget.js';
import { registerRecordScreenCommand } from './commands/record-screen.js';
import { registerStateCommands } from './commands/state.js';
import { registerTemplateCommands } from './commands/template.js';
import { registerTuiCommand } from './commands/tui.js';
import { registerTerminalCommands } from './commands/terminal.js';
import { registerWorkspaceCommands } from './commands/workspace.js';
import { CliContext, type CliDeps } from './context.js';
import { printError } from './errors.js';

const EXAMPLES = `
Examples:
  wtp up --detach                      start the daemon in the background
  wtp new shell --name sh              an interactive shell agent
  wtp new cmd --name web --restart on-failure -- npm run dev
                                       a command; wtp's options go before --, the command after it
  wtp ls                               every agent, its state, CPU and memory
  wtp new claude --name api -p 'add a /health route'
                                       Claude Code; the prompt is typed once it is at its prompt
  wtp why api                          its state, the signal behind it, the last signals
  wtp approve api                      approve its permission dialog (checked against its screen)
  wtp send sh 'echo hello' --enter     type into an agent (audited; refused while it works)
  wtp peek sh                          its screen as text
  wtp attach sh                        interactive; Ctrl-] detaches
  wtp logs web -f                      its last 10 lines, then new output as it comes
  wtp dashboard                        the web dashboard in your browser (one-time sign-in link)
  wtp tui                              the fleet in this terminal (\`wtp\` alone does the same)
  wtp down                             stop the daemon, agents keep running

Every command but the interactive \`attach\`, \`workspace attach\` and \`tui\` (and \`mcp\`, which speaks MCP on
stdio) takes --json (a versioned document on stdout). Exit status: 0 ok, 1 error, 2 invalid arguments, 3 \`wtp status\` when the daemon is not
running.
WTP_HOME=/dir keeps every file (config, database, sockets, token, logs) in /dir.`;

/** Builds the `wtp` program (every command registered, errors handled by runAction). */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('wtp')
    .description('wezterm-parallel: run many coding agents in parallel, each in a real terminal')
    .version(ctx.deps.version, '-V, --version')
    .addHelpText('after', EXAMPLES)
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.out.write(s), writeErr: (s) => ctx.err.write(s) });
  registerDaemonCommands(program, ctx);
  registerServiceCommands(program, ctx);
  registerFleetCommands(program, ctx);
  registerAgentCommands(program, ctx);
  registerForkCommand(program, ctx);
  registerTerminalCommands(program, ctx);
  registerAnswerCommands(program, ctx);
  registerStateCommands(program, ctx);
  registerRecordScreenCommand(program, ctx);
  registerGitCommands(program, ctx);
  registerForgeCommands(program, ctx);
  registerTaskCommands(program, ctx);
  registerReportCommand(program, ctx);
  registerBudgetCommand(program, ctx);
  registerAttachCommand(program, ctx);
  registerEventsCommand(program, ctx);
  registerWorkspaceCommands(program, ctx);
  registerTemplateCommands(program, ctx);
  registerDashboardCommand(program, ctx);
  registerTuiCommand(program, ctx);
  registerOrphanCommands(program, ctx);
  registerRemoteCommands(program, ctx);
  registerMcpCommand(program, ctx);
  registerDoctorCommand(program, ctx);
  registerInitCommand(program, ctx);
  registerCompletionCommands(program, ctx);
  for (const c of program.commands)
    c.exitOverride().configureOutput({
      writeOut: (s) => ctx.out.write(s),
      writeErr: (s) => ctx.err.write(s),
    });
  return program;
}

/** The `wtp` command line; resolves to its exit status. */
export async function runCli(argv: string[], deps: CliDeps): Promise<number> {
  const ctx = new CliContext(deps);
  const program = buildProgram(ctx);
  // `wtp` alone on a terminal opens the terminal UI; in a script or a pipe it prints the help.
  if (argv.length === 0 && ctx.in.isTTY && ctx.out.isTTY) argv = ['tui'];
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    if (err.exitCode === 0) return 0; // --help, --version
    if (argv.includes('--json')) {
      ctx.json = true;
      const message = err.message.replace(/^error: /, '');
      printError(ctx, new AppError('INVALID_INPUT', message, { issues: [{ path: 'argv', message }] }));
    }
    return 2;
  }
  return ctx.exitCode ?? 0;
}
