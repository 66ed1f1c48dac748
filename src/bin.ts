import { fileURLToPath } from 'node:url';

/**
 * Entry point of `wtp` / `wezterm-parallel`. `wtp host …` goes straight to the host (it
 * must stay small), and `wtp hook …` as agent CLIs run it straight to the daemon; everything else
 * is the CLI, which gets the daemon as a lazy import.
 */
const entry = fileURLToPath(import.meta.url);
// `wtp ls | head` closes our stdout early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}
const argv = process.argv.slice(2);

/** `wtp hook …` in the forms agent CLIs run: without the CLI's program (commands/hook.ts says why). */
async function fastHook(): Promise<boolean> {
  if (argv[0] !== 'hook') return false;
  const [{ fastHookCall, runHook }, { CliContext, NO_DAEMON }, { VERSION }] = await Promise.all([
    import('./interfaces/cli/commands/hook.js'),
    import('./interfaces/cli/context.js'),
    import('./version.js'),
  ]);
  const call = fastHookCall(argv);
  if (call === null) return false;
  const ctx = new CliContext({ version: VERSION, entry, nodePath: process.execPath, daemon: NO_DAEMON });
  await runHook(ctx, call);
  if (ctx.exitCode !== undefined) process.exitCode = ctx.exitCode;
  return true;
}

if (argv[0] === 'host') {
  const { runHost } = await import('./daemon/host-main.js');
  runHost(argv.slice(1));
} else if (!(await fastHook())) {
  const { runWtp } = await import('./cli.js');
  process.exitCode = await runWtp(argv, { entry });
}
