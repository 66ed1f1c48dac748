import { parseArgs } from 'node:util';
import { OutputLogWriter } from '../adapters/output-log/output-log-writer.js';
import { procfsSessionKiller } from '../adapters/procfs/procfs-inspector.js';
import { nodePtySpawner } from '../adapters/pty/node-pty-spawner.js';
import { environmentForChildren } from '../config/env.js';
import { AgentHost } from '../interfaces/host/agent-host.js';
import { VERSION } from '../version.js';

/** Composition root of `wtp host --agent ID --socket PATH --log-dir DIR …` (started by the daemon). */
export function runHost(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      agent: { type: 'string' },
      socket: { type: 'string' },
      'log-dir': { type: 'string' },
      'log-max-bytes': { type: 'string', default: String(16 * 1024 * 1024) },
      'buffer-max-bytes': { type: 'string', default: String(8 * 1024 * 1024) },
      cols: { type: 'string', default: '120' },
      rows: { type: 'string', default: '40' },
    },
    strict: true,
  });
  const int = (name: string, v: string | undefined): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) fail(`--${name} must be a positive integer`);
    return n;
  };
  if (!values.agent || !values.socket || !values['log-dir']) {
    fail('usage: wtp host --agent ID --socket PATH --log-dir DIR (started by the daemon, not by hand)');
  }
  const diag = (level: string, msg: string): void => {
    process.stderr.write(
      `${JSON.stringify({ time: new Date().toISOString(), level, pid: process.pid, msg })}\n`,
    );
  };
  const host = new AgentHost(
    {
      agentId: values.agent,
      socketPath: values.socket,
      hostVersion: VERSION,
      bufferMaxBytes: int('buffer-max-bytes', values['buffer-max-bytes']),
      baseEnv: environmentForChildren(),
      cols: int('cols', values.cols),
      rows: int('rows', values.rows),
    },
    {
      pty: nodePtySpawner,
      loadScreen: async () => {
        const { XtermScreen } = await import('../adapters/terminal/xterm-screen.js');
        return (cols, rows, startSeq) => new XtermScreen(cols, rows, startSeq);
      },
      log: new OutputLogWriter(values['log-dir'], int('log-max-bytes', values['log-max-bytes'])),
      killer: procfsSessionKiller,
      diag,
      exit: (code) => process.exit(code),
    },
  );
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => host.terminate());
  // The host's death would take the agent with it: log unexpected errors and keep serving the agent.
  process.on('uncaughtException', (err) =>
    diag('error', `uncaught exception (host keeps running): ${err.stack ?? String(err)}`),
  );
  process.on('unhandledRejection', (err) => diag('error', `unhandled rejection: ${String(err)}`));
  diag('info', `host started for agent ${values.agent}`);
  host.start();
}

function fail(message: string): never {
  process.stderr.write(`wtp host: ${message}\n`);
  process.exit(2);
}
