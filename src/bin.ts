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
  await runHook(
    new CliContext({ version: VERSION, entry, nodePath: process.execPath, daemon: NO_DAEMON }),
    call,
  );
  return true;
}

if (argv[0] === 'host') {
  const { runHost } = await import('./daemon/host-main.js');
  runHost(argv.slice(1));
} else if (!(await fastHook())) {
  const [{ runCli }, { VERSION }] = await Promise.all([
    import('./interfaces/cli/main.js'),
    import('./version.js'),
  ]);
  await runCli(argv, {
    version: VERSION,
    entry,
    nodePath: process.execPath,
    localAgentClis: async () => (await import('./daemon/agent-clis.js')).localAgentClis(),
    nativeAddons: async () => {
      const { nativeAddons, rebuildHint } = await import('./adapters/native-addons.js');
      const addons = nativeAddons();
      return { addons, fix: rebuildHint(addons.filter((a) => !a.ok)) };
    },
    sandboxProbe: async () => {
      const [{ probeSandbox }, { readEnv }] = await Promise.all([
        import('./adapters/sandbox/sandbox-probe.js'),
        import('./config/env.js'),
      ]);
      const p = probeSandbox(readEnv().path);
      return p.ok ? { ok: true, version: p.version, detail: `${p.tools.bwrap}, ${p.tools.socat}` } : p;
    },
    fleetMigrate: async () => (await import('./daemon/fleet-migrate.js')).migrateFleet(),
    daemon: {
      start: async (opts = {}) => {
        // Before the daemon's modules: node-pty's binding loads with its module, and would fail
        // there with a bare loader error instead of what to do about it.
        (await import('./adapters/native-addons.js')).assertNativeAddons();
        const { startDaemon } = await import('./daemon/main.js');
        return startDaemon({
          entry,
          ownsProcess: true,
          ...(opts.backend ? { backend: opts.backend } : {}),
          ...(opts.maxAgents === undefined ? {} : { maxAgents: opts.maxAgents }),
          ...(opts.fresh ? { fresh: true } : {}),
          ...(opts.port === undefined ? {} : { port: opts.port }),
        });
      },
      liveHosts: async (agentsDir) => {
        const [
          { liveHosts },
          { processAdapters },
          { chooseInspector },
          { readEnv },
          { loadConfig },
          { resolvePaths },
        ] = await Promise.all([
          import('./adapters/sqlite/state-dir-guard.js'),
          import('./daemon/process-adapters.js'),
          import('./config/process-inspector.js'),
          import('./config/env.js'),
          import('./config/load-config.js'),
          import('./config/paths.js'),
        ]);
        // The inspector a daemon started here uses: the hosts' identity tokens are of its kind.
        const env = readEnv();
        const config = await loadConfig(resolvePaths(env).configFile, env);
        const { inspector } = processAdapters(
          chooseInspector(env.processInspector, config.processInspector).kind,
        );
        return liveHosts({ agentsDir, identity: (pid) => inspector.identity(pid) });
      },
    },
  });
}
