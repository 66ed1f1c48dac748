import { processEnvironment, readEnv } from './config/env.js';
import { runCli } from './interfaces/cli/main.js';
import { VERSION } from './version.js';

/** Where one `wtp` call runs: its entry file and, when not this process's, its environment and streams. */
export interface WtpIo {
  /** Absolute path of dist/wtp.js, which `up --detach` starts the daemon with. */
  entry: string;
  env?: NodeJS.ProcessEnv;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

/**
 * One `wtp` call but `host` and the hook fast path (src/bin.ts): the CLI with what it may start
 * (the daemon, doctor's probes) as lazy imports. Resolves to the exit status. The tests run their
 * commands through it in their own process (test/support/harness.ts).
 */
export async function runWtp(argv: string[], io: WtpIo): Promise<number> {
  const source = io.env ?? processEnvironment();
  return runCli(argv, {
    version: VERSION,
    entry: io.entry,
    nodePath: process.execPath,
    env: readEnv(source),
    processEnv: source,
    ...(io.stdin ? { stdin: io.stdin } : {}),
    ...(io.stdout ? { stdout: io.stdout } : {}),
    ...(io.stderr ? { stderr: io.stderr } : {}),
    localAgentClis: async () => (await import('./daemon/agent-clis.js')).localAgentClis(source),
    nativeAddons: async () => {
      const { nativeAddons, rebuildHint } = await import('./adapters/native-addons.js');
      const addons = nativeAddons();
      return { addons, fix: rebuildHint(addons.filter((a) => !a.ok)) };
    },
    sandboxProbe: async () => {
      const { probeSandbox } = await import('./adapters/sandbox/sandbox-probe.js');
      const p = probeSandbox(readEnv(source).path);
      return p.ok ? { ok: true, version: p.version, detail: `${p.tools.bwrap}, ${p.tools.socat}` } : p;
    },
    fleetMigrate: async () => (await import('./daemon/fleet-migrate.js')).migrateFleet(source),
    daemon: {
      start: async (opts = {}) => {
        // Before the daemon's modules: node-pty's binding loads with its module, and would fail
        // there with a bare loader error instead of what to do about it.
        (await import('./adapters/native-addons.js')).assertNativeAddons();
        const { startDaemon } = await import('./daemon/main.js');
        return startDaemon({
          entry: io.entry,
          env: readEnv(source),
          ownsProcess: true,
          ...(opts.backend ? { backend: opts.backend } : {}),
          ...(opts.maxAgents === undefined ? {} : { maxAgents: opts.maxAgents }),
          ...(opts.fresh ? { fresh: true } : {}),
          ...(opts.port === undefined ? {} : { port: opts.port }),
        });
      },
      liveHosts: async (agentsDir) => {
        const [{ liveHosts }, { processAdapters }, { chooseInspector }, { loadConfig }, { resolvePaths }] =
          await Promise.all([
            import('./adapters/sqlite/state-dir-guard.js'),
            import('./daemon/process-adapters.js'),
            import('./config/process-inspector.js'),
            import('./config/load-config.js'),
            import('./config/paths.js'),
          ]);
        // The inspector a daemon started here uses: the hosts' identity tokens are of its kind.
        const env = readEnv(source);
        const config = await loadConfig(resolvePaths(env).configFile, env);
        const { inspector } = processAdapters(
          chooseInspector(env.processInspector, config.processInspector).kind,
        );
        return liveHosts({ agentsDir, identity: (pid) => inspector.identity(pid) });
      },
    },
  });
}
