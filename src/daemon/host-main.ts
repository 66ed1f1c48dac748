import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect, parseArgs } from 'node:util';
import { CappedLog } from '../adapters/output-log/capped-log.js';
import { EmulatorNotes } from '../interfaces/host/emulator-notes.js';
import { OutputLogWriter } from '../adapters/output-log/output-log-writer.js';
import { processAdapters, type ProcessAdapters } from './process-adapters.js';
import { chooseInspector } from '../config/process-inspector.js';
import { hostRecordName } from '../adapters/sqlite/state-dir-guard.js';
import { nodePtySpawner } from '../adapters/pty/node-pty-spawner.js';
import { sandboxedSpawner } from '../adapters/sandbox/sandboxed-spawner.js';
import { probeSandbox, type SandboxProbe } from '../adapters/sandbox/sandbox-probe.js';
import { readEnv } from '../config/env.js';
import { AgentHost } from '../interfaces/host/agent-host.js';
import { DETECTORS, MODE_LINES, STREAM_READERS } from '../vendors/registry.js';
import { PaneTerminal } from '../interfaces/host/pane-terminal.js';
import { VERSION } from '../version.js';
import type { SandboxDenial } from '../protocol/sandbox.js';

/** The host's own diagnostics: at most this much on disk (two files). */
const HOST_LOG_MAX_BYTES = 1024 * 1024;

/**
 * Composition root of `wtp host --agent ID --socket PATH --log-dir DIR [--pane] …`, started
 * by the daemon: detached when headless, as the program of a WezTerm or tmux pane otherwise.
 */
export function runHost(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      agent: { type: 'string' },
      'process-inspector': { type: 'string' },
      socket: { type: 'string' },
      'log-dir': { type: 'string' },
      'log-max-bytes': { type: 'string', default: String(16 * 1024 * 1024) },
      'buffer-max-bytes': { type: 'string', default: String(8 * 1024 * 1024) },
      cols: { type: 'string', default: '120' },
      rows: { type: 'string', default: '40' },
      pane: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const int = (name: string, v: string | undefined): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) fail(`--${name} must be a positive integer`);
    return n;
  };
  if (!values.agent || !values.socket || !values['log-dir']) {
    fail(
      'usage: wtp host --agent ID --socket PATH --log-dir DIR [--pane] (started by the daemon, not by hand)',
    );
  }
  const logDir = values['log-dir'];
  try {
    mkdirSync(logDir, { recursive: true, mode: 0o700 });
  } catch {
    // a full disk: the agent runs anyway; its output log gets a gap (OutputLogWriter)
  }
  // Diagnostics go to a file (in a pane, stderr is the user's screen), capped as the output log is:
  // host.log and host.log.1, never more than HOST_LOG_MAX_BYTES together (issue 30).
  const diagLog = new CappedLog(join(logDir, 'host.log'), HOST_LOG_MAX_BYTES);
  const diag = (level: string, msg: string): void =>
    diagLog.append(`${JSON.stringify({ time: new Date().toISOString(), level, pid: process.pid, msg })}\n`);
  // Nothing a library prints reaches the pane or an uncapped file: console goes to the capped log.
  for (const [method, level] of [
    ['log', 'info'],
    ['info', 'info'],
    ['warn', 'warn'],
    ['error', 'error'],
    ['debug', 'info'],
  ] as const)
    console[method] = (...args: unknown[]) =>
      diag(
        level,
        args
          .map((a) => (typeof a === 'string' ? a : inspect(a)))
          .join(' ')
          .slice(0, 2000),
      );
  const emulator = new EmulatorNotes(diag);
  // The daemon's choice, passed on (a host from an earlier daemon gets none: the same rule as the daemon's).
  const processes = processAdapters(
    chooseInspector(values['process-inspector'] ?? readEnv().processInspector).kind,
  );
  writeHostRecord(logDir, diag, processes);
  const env = readEnv();
  const inPane = values.pane && process.stdin.isTTY && process.stdout.isTTY;
  const pane = inPane
    ? new PaneTerminal(
        process.stdin,
        process.stdout,
        env.tmux !== undefined,
        tmuxPaneOptions(env.tmux, env.tmuxPane),
      )
    : null;
  // A sandboxed agent (`wtp new --sandbox`) runs under bubblewrap; its denials reach the daemon through the host.
  let tools: SandboxProbe | null = null;
  let reportDenial: (denial: SandboxDenial) => void = () => undefined;
  const pty = sandboxedSpawner(nodePtySpawner, {
    tools: () => (tools ??= probeSandbox(env.path, { trial: false })),
    report: (denial) => reportDenial(denial),
  });
  const host = new AgentHost(
    {
      agentId: values.agent,
      socketPath: values.socket,
      hostVersion: VERSION,
      bufferMaxBytes: int('buffer-max-bytes', values['buffer-max-bytes']),
      cols: int('cols', values.cols),
      rows: int('rows', values.rows),
      term: pane ? (env.term ?? 'xterm-256color') : 'xterm-256color',
      pane,
      paneId: pane ? (env.weztermPane ?? env.tmuxPane ?? null) : null,
    },
    {
      pty,
      loadScreen: async () => {
        const { XtermScreen } = await import('../adapters/terminal/xterm-screen.js');
        return (cols, rows, startSeq) => new XtermScreen(cols, rows, startSeq, undefined, emulator);
      },
      log: new OutputLogWriter(logDir, int('log-max-bytes', values['log-max-bytes'])),
      killer: processes.killer,
      readers: { detectors: DETECTORS, streams: STREAM_READERS, modes: MODE_LINES },
      diag,
      emulator,
      exit: (code) => process.exit(code),
    },
  );
  reportDenial = (denial) => host.sandboxDenied(denial);
  // SIGHUP in a pane: the pane was closed by hand, or went with its tmux server (killed, crashed).
  let hungUp = false;
  process.on('SIGHUP', () => {
    if (hungUp) return;
    hungUp = true;
    if (!pane) return host.terminate();
    void tmuxServerAnswers(env.tmux).then((alive) => host.paneClosed(alive ? 'pane_closed' : 'mux_gone'));
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => host.terminate());
  // The host's death would take the agent with it: log unexpected errors and keep serving the agent.
  process.on('uncaughtException', (err) =>
    diag('error', `uncaught exception (host keeps running): ${err.stack ?? String(err)}`),
  );
  process.on('unhandledRejection', (err) => diag('error', `unhandled rejection: ${String(err)}`));
  diag('info', `host started for agent ${values.agent}${pane ? ' in a pane' : ' (headless)'}`);
  host.start();
}

/**
 * `host-<pid>.json` beside the agent's log while this host runs, so a daemon that lost its
 * database still sees that agents run here (DB_MISSING) instead of starting as if none did.
 */
function writeHostRecord(
  logDir: string,
  diag: (level: string, msg: string) => void,
  processes: ProcessAdapters,
): void {
  const file = join(logDir, hostRecordName(process.pid));
  try {
    writeFileSync(
      file,
      JSON.stringify({ pid: process.pid, identity: processes.inspector.identity(process.pid) }),
      {
        mode: 0o600,
      },
    );
  } catch (err) {
    diag('warn', `could not write ${file}: ${String(err)}`);
    return;
  }
  process.on('exit', () => rmSync(file, { force: true }));
}

/**
 * Whether the tmux server of `$TMUX` (`socket,pid,session`) still answers. A server being killed
 * stops accepting clients before it closes its panes, and ours keeps running with no session left
 * (`exit-empty off`), so a pane closed by hand is never mistaken for a server that went away.
 * Outside tmux (WezTerm) it answers true: a pane is gone by the user's hand.
 */
function tmuxServerAnswers(tmux: string | undefined): Promise<boolean> {
  if (tmux === undefined) return Promise.resolve(true);
  const pidComma = tmux.lastIndexOf(',', tmux.lastIndexOf(',') - 1);
  const socket = pidComma > 0 ? tmux.slice(0, pidComma) : tmux;
  return new Promise((resolve) =>
    execFile('tmux', ['-S', socket, 'list-sessions', '-F', '#{session_id}'], { timeout: 3_000 }, (err) =>
      resolve(err === null),
    ),
  );
}

function fail(message: string): never {
  process.stderr.write(`wtp host: ${message}\n`);
  process.exit(2);
}

/**
 * In tmux, the agent's state is also kept in the `@wtp_state` pane option (`tmux set-option
 * -p`; tmux finds its server through $TMUX), which the pane border of wezterm-parallel's tmux
 * server shows. Calls run one after another so a late `starting` never overwrites `running`.
 */
function tmuxPaneOptions(
  tmux: string | undefined,
  paneId: string | undefined,
): ((changed: Record<string, string>) => void) | undefined {
  if (paneId === undefined || tmux === undefined) return undefined;
  let queue = Promise.resolve();
  return (changed) => {
    const state = changed.wtp_state;
    if (state === undefined) return;
    const args = ['set-option', '-p', '-t', paneId, '@wtp_state', state.replace(/_/g, ' ')];
    queue = queue.then(
      () => new Promise<void>((resolve) => execFile('tmux', args, { timeout: 5_000 }, () => resolve())),
    );
  };
}
