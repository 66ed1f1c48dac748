import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { inspect, parseArgs } from 'node:util';
import { CappedLog } from '../adapters/output-log/capped-log.js';
import { OutputLogWriter } from '../adapters/output-log/output-log-writer.js';
import { nodePtySpawner } from '../adapters/pty/node-pty-spawner.js';
import { probeSandbox, type SandboxProbe } from '../adapters/sandbox/sandbox-probe.js';
import { sandboxedSpawner } from '../adapters/sandbox/sandboxed-spawner.js';
import { hostRecordName } from '../adapters/sqlite/state-dir-guard.js';
import { chooseInspector } from '../config/process-inspector.js';
import { readEnv } from '../config/env.js';
import { AgentHost } from '../interfaces/host/agent-host.js';
import { EmulatorNotes } from '../interfaces/host/emulator-notes.js';
import type { PaneTerminal } from '../interfaces/host/pane-terminal.js';
import { DETECTORS, MODE_LINES, STREAM_READERS } from '../vendors/registry.js';
import { VERSION } from '../version.js';
import { processAdapters, type ProcessAdapters } from './process-adapters.js';

/** The host's own diagnostics: at most this much on disk (two files). */
export const HOST_LOG_MAX_BYTES = 1024 * 1024;

export class HostArgsError extends Error {}

export interface HostArgs {
  agent: string;
  processInspector: string | undefined;
  socket: string;
  logDir: string;
  logMaxBytes: number;
  bufferMaxBytes: number;
  cols: number;
  rows: number;
  pane: boolean;
  /** `--group SOCKET`: this process holds several agents, added over SOCKET. */
  group: string | undefined;
  /** `--members FILE`: where a group lists its agents for the daemon. */
  members: string | undefined;
  /** A pane whose terminal a group serves (`--pane-id/-tty/-fifo/-term`, `--tmux-socket` in tmux). */
  paneTty: PaneTtyArgs | null;
}

export interface PaneTtyArgs {
  /** The terminal's id of the pane (tmux `%12`, WezTerm `12`). */
  id: string;
  /** The pane's terminal (`#{pane_tty}`), opened by the group. */
  tty: string;
  /** The FIFO the pane's holder reads: closed by the group, it closes the pane. */
  fifo: string;
  /** TERM inside the pane (tmux's `default-terminal`). */
  term: string;
  /** The tmux server's socket, for the pane border's state; none in WezTerm. */
  tmuxSocket?: string;
}

const PANE_ID = /^%?\d{1,9}$/;
/** A terminal device, nothing else: `/dev/pts/N` (Linux), `/dev/ttysNNN` (macOS). */
const TTY_PATH = /^\/dev\/(pts\/\d{1,7}|ttys\d{1,7})$/;
const TERM_NAME = /^[A-Za-z0-9._+-]{1,64}$/;

/** `wtp host` arguments; an agent added to a group brings the same ones, less the group's own. */
export function parseHostArgs(argv: string[], o: { group: boolean }): HostArgs {
  let values;
  try {
    ({ values } = parseArgs({
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
        'pane-id': { type: 'string' },
        'pane-tty': { type: 'string' },
        'pane-fifo': { type: 'string' },
        'pane-term': { type: 'string' },
        'tmux-socket': { type: 'string' },
        ...(o.group ? { group: { type: 'string' }, members: { type: 'string' } } : {}),
      },
      strict: true,
    }));
  } catch (err) {
    throw new HostArgsError(err instanceof Error ? err.message : String(err));
  }
  const int = (name: string, v: string | undefined): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new HostArgsError(`--${name} must be a positive integer`);
    return n;
  };
  const { agent, socket } = values;
  const logDir = values['log-dir'];
  if (!agent || !socket || !logDir)
    throw new HostArgsError(
      'usage: wtp host --agent ID --socket PATH --log-dir DIR [--pane] (started by the daemon, not by hand)',
    );
  const group = 'group' in values ? (values.group as string | undefined) : undefined;
  const members = 'members' in values ? (values.members as string | undefined) : undefined;
  if ((group === undefined) !== (members === undefined))
    throw new HostArgsError('--group and --members go together');
  const paneTty = parsePaneTty(values);
  if (paneTty && !values.pane) throw new HostArgsError('--pane-tty goes with --pane');
  if (group !== undefined && values.pane && !paneTty)
    throw new HostArgsError('a group holds headless agents and the panes it is given only');
  return {
    agent,
    processInspector: values['process-inspector'],
    socket,
    logDir,
    logMaxBytes: int('log-max-bytes', values['log-max-bytes']),
    bufferMaxBytes: int('buffer-max-bytes', values['buffer-max-bytes']),
    cols: int('cols', values.cols),
    rows: int('rows', values.rows),
    pane: values.pane ?? false,
    group,
    members,
    paneTty,
  };
}

function parsePaneTty(v: Record<string, string | boolean | undefined>): PaneTtyArgs | null {
  const str = (name: string): string | undefined => (typeof v[name] === 'string' ? v[name] : undefined);
  const [id, tty, fifo, term, tmuxSocket] = [
    'pane-id',
    'pane-tty',
    'pane-fifo',
    'pane-term',
    'tmux-socket',
  ].map(str);
  if ([id, tty, fifo, term, tmuxSocket].every((x) => x === undefined)) return null;
  if (id === undefined || tty === undefined || fifo === undefined || term === undefined)
    throw new HostArgsError('--pane-id, --pane-tty, --pane-fifo and --pane-term go together');
  if (!PANE_ID.test(id)) throw new HostArgsError('--pane-id must be a pane id (tmux %N, WezTerm N)');
  if (!TTY_PATH.test(tty)) throw new HostArgsError('--pane-tty must be a terminal device (/dev/pts/N)');
  if (!TERM_NAME.test(term)) throw new HostArgsError('--pane-term must be a terminal type name');
  if (!isAbsolute(fifo) || (tmuxSocket !== undefined && !isAbsolute(tmuxSocket)))
    throw new HostArgsError('--pane-fifo and --tmux-socket must be absolute paths');
  return { id, tty, fifo, term, ...(tmuxSocket === undefined ? {} : { tmuxSocket }) };
}

/** What the agents of one host process share. */
export interface HostShared {
  processes: ProcessAdapters;
  env: ReturnType<typeof readEnv>;
  /** bubblewrap's probe, made once per process on the first sandboxed spawn. */
  tools: () => SandboxProbe;
}

export function hostShared(processInspector: string | undefined, env = readEnv()): HostShared {
  // The daemon's choice, passed on (a host from an earlier daemon gets none: the same rule as the daemon's).
  const processes = processAdapters(chooseInspector(processInspector ?? env.processInspector).kind);
  let tools: SandboxProbe | null = null;
  return { processes, env, tools: () => (tools ??= probeSandbox(env.path, { trial: false })) };
}

export interface Member {
  host: AgentHost;
  diag: (level: 'info' | 'warn' | 'error', msg: string) => void;
  diagLog: CappedLog;
  /** Removes `host-<pid>.json` from the agent's folder. */
  removeRecord: () => void;
}

/** One agent's host: its log folder, diagnostics, record, sandbox and AgentHost, started. */
export function startMember(
  a: HostArgs,
  shared: HostShared,
  o: { pane: PaneTerminal | null; paneId: string | null; exit: (code: number) => void },
): Member {
  try {
    mkdirSync(a.logDir, { recursive: true, mode: 0o700 });
  } catch {
    // a full disk: the agent runs anyway; its output log gets a gap (OutputLogWriter)
  }
  // Diagnostics go to a file, capped as the output log is: host.log and host.log.1.
  const diagLog = new CappedLog(join(a.logDir, 'host.log'), HOST_LOG_MAX_BYTES);
  const diag = (level: 'info' | 'warn' | 'error', msg: string): void =>
    diagLog.append(`${JSON.stringify({ time: new Date().toISOString(), level, pid: process.pid, msg })}\n`);
  const emulator = new EmulatorNotes(diag);
  const removeRecord = writeHostRecord(a.logDir, diag, shared.processes);
  // A sandboxed agent (`wtp new --sandbox`) runs under bubblewrap; its denials reach the daemon through its host.
  let reportDenial: (denial: Parameters<AgentHost['sandboxDenied']>[0]) => void = () => undefined;
  const pty = sandboxedSpawner(nodePtySpawner, { tools: shared.tools, report: (d) => reportDenial(d) });
  const host = new AgentHost(
    {
      agentId: a.agent,
      socketPath: a.socket,
      hostVersion: VERSION,
      bufferMaxBytes: a.bufferMaxBytes,
      cols: a.cols,
      rows: a.rows,
      term: a.paneTty?.term ?? (o.pane ? (shared.env.term ?? 'xterm-256color') : 'xterm-256color'),
      pane: o.pane,
      paneId: o.paneId,
    },
    {
      pty,
      loadScreen: async () => {
        const { XtermScreen } = await import('../adapters/terminal/xterm-screen.js');
        return (cols, rows, startSeq) => new XtermScreen(cols, rows, startSeq, undefined, emulator);
      },
      log: new OutputLogWriter(a.logDir, a.logMaxBytes),
      killer: shared.processes.killer,
      readers: { detectors: DETECTORS, streams: STREAM_READERS, modes: MODE_LINES },
      diag,
      emulator,
      exit: o.exit,
    },
  );
  reportDenial = (denial) => host.sandboxDenied(denial);
  return { host, diag, diagLog, removeRecord };
}

/**
 * `host-<pid>.json` beside the agent's log while this host runs, so a daemon that lost its
 * database still sees that agents run here (DB_MISSING) instead of starting as if none did.
 */
function writeHostRecord(
  logDir: string,
  diag: (level: 'warn', msg: string) => void,
  processes: ProcessAdapters,
): () => void {
  const file = join(logDir, hostRecordName(process.pid));
  try {
    writeFileSync(
      file,
      JSON.stringify({ pid: process.pid, identity: processes.inspector.identity(process.pid) }),
      { mode: 0o600 },
    );
  } catch (err) {
    diag('warn', `could not write ${file}: ${String(err)}`);
    return () => undefined;
  }
  return () => rmSync(file, { force: true });
}

/** Every console method of this process writes to `log` (in a pane, stderr is the user's screen). */
export function routeConsole(log: CappedLog): void {
  const diag = (level: string, msg: string): void =>
    log.append(`${JSON.stringify({ time: new Date().toISOString(), level, pid: process.pid, msg })}\n`);
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
}

/** The host's death would take its agents with it: log unexpected errors and keep serving them. */
export function keepServing(diag: (level: 'error', msg: string) => void): void {
  process.on('uncaughtException', (err) =>
    diag('error', `uncaught exception (host keeps running): ${err.stack ?? String(err)}`),
  );
  process.on('unhandledRejection', (err) => diag('error', `unhandled rejection: ${String(err)}`));
}
