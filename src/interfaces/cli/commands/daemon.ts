import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { AppError, isAppError } from '../../../protocol/app-error.js';
import { appError } from '../../../protocol/error-messages.js';
import type { DaemonStatus } from '../../../protocol/daemon.js';
import { checkOptions } from '../check-options.js';
import type { CliContext } from '../context.js';
import { duration, paint, shortenHome } from '../format.js';
import { printError, toAppError } from '../errors.js';
import { registerRouteCommands } from '../register-route-commands.js';
import { routeCommand } from '../route-command.js';
import type { RouteField } from '../route-field.js';
import { kebab } from '../route-flags.js';
import { runAction } from '../run-action.js';
import { down, noDaemon } from './daemon-down.js';
import { createWorkspace, printWorkspace, type CreatedWorkspace } from './workspace.js';
import { cellText } from '../../../protocol/terminal-text.js';

/** How long `up --detach` waits for the daemon's API. */
const START_TIMEOUT_MS = 15_000;
const POLL_MS = 25;

function printSummary(ctx: CliContext, s: DaemonStatus, started: boolean): void {
  const short = (p: string) => shortenHome(p, ctx.env.userHome);
  ctx.line(
    `${paint(ctx.color, 'bold', 'wezterm-parallel')} ${s.version} daemon ${started ? 'started' : 'already running'} (pid ${s.pid})`,
  );
  ctx.line(`  API        unix:${short(s.api.socket)} (mode 0600, no token needed)`);
  if (s.api.tcp) ctx.line(`             ${s.api.tcp} (bearer token in ${short(s.api.tokenFile)})`);
  ctx.line(
    `  Dashboard  ${s.dashboardUrl ? `${s.dashboardUrl} (sign in: wtp dashboard)` : 'off (needs api.tcp)'}`,
  );
  ctx.line(`  Backend    ${s.backend} (${s.backendReason})`);
  ctx.line(`  State dir  ${short(s.paths.stateDir)}`);
  ctx.line(`  Log        ${short(s.paths.logFile)}`);
}

/** `up`'s options, with --port and --max-agents made numbers by checkOptions. */
interface UpOptions {
  detach?: boolean;
  backend?: string;
  maxAgents?: number;
  template?: string;
  name?: string;
  fresh?: boolean;
  port?: number;
}

/** --port: 0 (any free port) to 65535; --max-agents: as the config's tasks.maxAgentsPerWorkspace. */
const UP_FIELDS: Record<string, RouteField> = {
  port: { type: 'integer', min: 0, max: 65_535 },
  maxAgents: { type: 'integer', min: 1, max: 100 },
};

/** What the daemon starts with (a detached `up` passes it on as flags). */
const startOptions = (o: UpOptions) => ({
  ...(o.backend === undefined ? {} : { backend: o.backend }),
  ...(o.maxAgents === undefined ? {} : { maxAgents: o.maxAgents }),
  ...(o.fresh ? { fresh: true } : {}),
  ...(o.port === undefined ? {} : { port: o.port }),
});

/** A workspace name from a folder name: letters, digits, - and _ only. */
function workspaceNameFor(dir: string): string {
  const name = basename(dir)
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^[-_]+/, '')
    .slice(0, 48);
  return name === '' ? 'workspace' : name;
}

/** `up --template T`: a workspace named after the current folder, from the template. */
function openTemplate(ctx: CliContext, o: UpOptions): Promise<CreatedWorkspace | null> {
  if (o.template === undefined) return Promise.resolve(null);
  return createWorkspace(ctx, {
    name: o.name ?? workspaceNameFor(process.cwd()),
    template: o.template,
  });
}

/**
 * `up --detach`: one document (or summary) with the daemon and the workspace it opened.
 * If the workspace fails, the daemon keeps running and the error says so.
 */
async function reportUp(ctx: CliContext, o: UpOptions, started: boolean, s: DaemonStatus): Promise<void> {
  let opened: CreatedWorkspace | null;
  try {
    opened = await openTemplate(ctx, o);
  } catch (err) {
    const e = toAppError(err);
    throw new AppError(
      e.code,
      `${e.message} (the daemon ${started ? 'was started and ' : ''}keeps running, pid ${s.pid})`,
      e.details,
    );
  }
  if (ctx.json) return ctx.emit('up', { started, alreadyRunning: !started, daemon: s, ...opened });
  printSummary(ctx, s, started);
  if (!started && o.backend !== undefined && o.backend !== 'auto' && o.backend !== s.backend)
    ctx.note(
      `--backend ${o.backend} was not applied: the running daemon uses ${s.backend} (\`wtp down\`, then \`wtp up --backend ${o.backend}\` to change it)`,
    );
  const tcp = s.api.tcp === null ? null : Number(new URL(s.api.tcp).port);
  if (!started && o.port !== undefined && o.port !== 0 && tcp !== o.port)
    ctx.note(
      `--port ${o.port} was not applied: the running daemon serves ${tcp === null ? 'no TCP port' : `port ${tcp}`} (\`wtp down\`, then \`wtp up --port ${o.port}\` to change it)`,
    );
  if (opened) printWorkspace(ctx, opened);
}

async function foreground(ctx: CliContext, o: UpOptions): Promise<void> {
  const d = await ctx.deps.daemon.start(startOptions(o)).catch(async (err: unknown) => {
    // Another `up` won the lock since the probe: that daemon is the one asked for.
    const s = toAppError(err).code === 'DAEMON_ALREADY_RUNNING' ? await runningStatus(ctx) : null;
    if (s === null) throw err;
    return reportUp(ctx, o, false, s).then(() => null);
  });
  if (d === null) return;
  const s = d.status();
  if (ctx.json) ctx.emit('up', { started: true, alreadyRunning: false, daemon: s });
  else {
    printSummary(ctx, s, true);
    ctx.line(
      'Press Ctrl-C to stop the daemon; agents keep running (`wtp down --stop-agents` stops them too).',
    );
  }
  // The daemon keeps running even if the workspace could not be opened. With --json each
  // document is one line: `up`, then the workspace (or its error).
  await openTemplate(ctx, o).then(
    (opened) => {
      if (opened && ctx.json) ctx.emit('workspace', opened);
      else if (opened) printWorkspace(ctx, opened);
    },
    (err: unknown) => printError(ctx, toAppError(err)),
  );
  const onSignal = (): void => {
    ctx.note('stopping the daemon (agents keep running)…');
    void d.stop();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  await d.closed;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}

/** The status of the daemon that runs for this WTP_HOME, or null when none answers. */
const runningStatus = (ctx: CliContext) => ctx.client(5_000).call('status').catch(noDaemon);

/**
 * `up` is safe to repeat, as `systemctl start` is: with a daemon running it says so (exit 0) and
 * opens the template's workspace in that daemon; otherwise it starts one.
 */
async function up(ctx: CliContext, o: UpOptions): Promise<void> {
  const running = await runningStatus(ctx);
  if (running) return reportUp(ctx, o, false, running);
  return o.detach ? detached(ctx, o) : foreground(ctx, o);
}

async function detached(ctx: CliContext, o: UpOptions): Promise<void> {
  mkdirSync(ctx.paths.logDir, { recursive: true, mode: 0o700 });
  const outPath = join(ctx.paths.logDir, 'daemon.out');
  const outFd = openSync(outPath, 'w', 0o600);
  const flags = Object.entries(startOptions(o)).flatMap(([k, v]) =>
    v === true ? [`--${kebab(k)}`] : [`--${kebab(k)}`, String(v)],
  );
  const child = spawn(ctx.deps.nodePath, [ctx.deps.entry, 'up', '--json', ...flags], {
    detached: true,
    env: ctx.processEnv,
    stdio: ['ignore', outFd, outFd],
    cwd: ctx.paths.stateDir,
  });
  closeSync(outFd);
  let exited: number | null = null;
  child.once('exit', (code) => {
    exited = code ?? 1;
  });
  child.unref();
  ctx.note(`starting the daemon in the background (pid ${child.pid ?? '?'})…`);
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      const s = await ctx.client(1_000).call('status');
      // Another `up` may have won the lock meanwhile: then the daemon answering is that one.
      await reportUp(ctx, o, s.pid === child.pid, s);
      return;
    } catch (err) {
      if (!isAppError(err) || (err.code !== 'DAEMON_NOT_RUNNING' && err.code !== 'DAEMON_UNREACHABLE'))
        throw err;
    }
    if (Date.now() > deadline) break;
    // A child that lost the lock to another `up` leaves the start to that daemon: wait for it.
    if (exited !== null && startFailure(outPath, exited).code !== 'DAEMON_ALREADY_RUNNING') break;
    await sleep(POLL_MS);
  }
  throw startFailure(outPath, exited);
}

/** The detached daemon prints a JSON error document when it fails; report that error as is. */
function startFailure(outPath: string, exitCode: number | null): AppError {
  let text = '';
  try {
    text = readFileSync(outPath, 'utf8');
  } catch {
    // nothing written, or not readable: the error below says where to look
  }
  for (const line of text.trim().split('\n').reverse()) {
    try {
      const doc = JSON.parse(line) as { error?: { code?: unknown } };
      if (doc.error && typeof doc.error.code === 'string') return AppError.fromBody(undefined, doc.error);
    } catch {
      // not JSON
    }
  }
  return appError('DAEMON_START_FAILED', {
    log: text.split('\n').slice(-20).join('\n'),
    output: outPath,
    exitCode,
    timeoutS: START_TIMEOUT_MS / 1000,
  });
}

/** `wtp status`; no daemon is an answer (exit 3), not an error. */
const statusCommand = routeCommand({
  name: 'status',
  description: 'is the daemon running, where, with which backend and why (exit 3 if not running)',
  route: 'status',
  timeoutMs: 5_000,
  call: async (send, _sent, ctx) => {
    const s = await send().catch(noDaemon);
    if (s === null) ctx.exitCode = 3;
    // Null for no daemon, which jsonDoc and print take.
    return s as DaemonStatus;
  },
  json: 'status',
  jsonDoc: (s: DaemonStatus | null, _sent, ctx) => ({
    running: s !== null,
    daemon: s,
    paths: { configDir: ctx.paths.configDir, stateDir: ctx.paths.stateDir, socket: ctx.paths.apiSocket },
  }),
  print: (ctx, s: DaemonStatus | null) => {
    const short = (p: string) => shortenHome(p, ctx.env.userHome);
    if (s === null) return ctx.line(`daemon     not running (state dir ${short(ctx.paths.stateDir)})`);
    const byState = Object.entries(s.agents.byState)
      .filter(([, n]) => n > 0)
      .map(([st, n]) => `${n} ${st}`)
      .join(', ');
    ctx.line(`daemon     running (pid ${s.pid}, up ${duration(s.uptimeMs)}, version ${s.version})`);
    ctx.line(`backend    ${s.backend} (${s.backendReason})`);
    for (const [name, b] of Object.entries(s.backends))
      ctx.line(`           ${b.available ? '+' : '-'} ${name}: ${b.reason}`);
    // A daemon of an earlier version does not say.
    if (s.processInspector) ctx.line(`processes  ${s.processInspector.kind} (${s.processInspector.reason})`);
    ctx.line(`api        unix:${short(s.api.socket)}${s.api.tcp ? ` · ${s.api.tcp}` : ''}`);
    ctx.line(`token      ${short(s.api.tokenFile)}`);
    ctx.line(
      `agents     ${s.agents.total} total${byState ? `: ${byState}` : ''} · ${s.agents.hostsConnected} host(s) connected`,
    );
    if (s.orphans > 0)
      ctx.line(
        `orphans    ${s.orphans} host(s) whose agent this daemon does not know keep running: see \`wtp orphans\``,
      );
    if (s.fleet) ctx.line(fleetLine(s.fleet));
    ctx.line(`state dir  ${short(s.paths.stateDir)}`);
    ctx.line(`log        ${short(s.paths.logFile)}`);
    for (const line of storageLines(s.storage, short)) ctx.line(line);
  },
});

export function registerDaemonCommands(program: Command, ctx: CliContext): void {
  program
    .command('up')
    .description('start the daemon (foreground; --detach to run it in the background)')
    .option('-d, --detach', 'run in the background and return once the API answers')
    .option('--backend <backend>', 'auto (default), wezterm, tmux or headless: where agent panes live')
    .option(
      '--max-agents <n>',
      'agents working on tasks at once per workspace (config tasks.maxAgentsPerWorkspace)',
    )
    .option('--port <port>', 'the API’s TCP port (over WTP_API_PORT and api.port; 0: any free port)')
    .option('-t, --template <template>', 'then open a workspace for the current folder from this template')
    .option('--name <name>', 'name of that workspace (default: the folder name)')
    .option(
      '--fresh',
      'start although the database is missing or empty while agent folders remain (DB_MISSING); running agents become orphans (`wtp orphans`)',
    )
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }, cmd: Command) =>
      runAction(ctx, opts.json, () => up(ctx, checkOptions(cmd, UP_FIELDS) as UpOptions)),
    );

  program
    .command('down')
    .description('stop the daemon; agents keep running unless --stop-agents')
    .option('--stop-agents', 'stop every agent first (SIGTERM, then SIGKILL after the grace delay)')
    .option('--json', 'machine-readable output')
    .action((opts: { stopAgents?: boolean; json?: boolean }) =>
      runAction(ctx, opts.json, () => down(ctx, opts.stopAgents === true)),
    );

  registerRouteCommands(program, ctx, [statusCommand]);
}

/** `wtp status`: one warning per failing write path (what, why, the fix), then what was lost. */
function storageLines(st: DaemonStatus['storage'], short: (p: string) => string): string[] {
  const c = st.counters;
  const lost = [
    c.daemonLogDroppedBytes > 0 ? `${c.daemonLogDroppedBytes} byte(s) of daemon log` : '',
    c.outputLogDroppedBytes > 0 ? `${c.outputLogDroppedBytes} byte(s) of agent output logs` : '',
    c.lostEvents > 0 ? `${c.lostEvents} event(s)` : '',
  ].filter((x) => x !== '');
  if (st.ok) return lost.length > 0 ? [`storage    ok (not written earlier: ${lost.join(', ')})`] : [];
  const lines = [`storage    WARNING: ${st.problems.length} write path(s) failing`];
  for (const p of st.problems) {
    lines.push(
      `           ! ${p.component} since ${p.since}: ${p.message.replaceAll(p.path, short(p.path))}`,
    );
    lines.push(`             fix: ${p.fix.replaceAll(p.path, short(p.path))}`);
  }
  if (c.unsavedChanges + c.unsavedEvents > 0)
    lines.push(
      `           unsaved: ${c.unsavedChanges} record(s), ${c.unsavedEvents} event(s) (kept in memory, written when the database works again)`,
    );
  if (lost.length > 0) lines.push(`           not written: ${lost.join(', ')}`);
  return lines;
}

/** `fleet      alpha, connected (3 machines, 1 unreachable)` or why it is not. */
function fleetLine(f: NonNullable<DaemonStatus['fleet']>): string {
  const away = f.machines.filter((m) => !m.reachable).length;
  const machines = `${f.machines.length} machine(s)${away > 0 ? `, ${away} unreachable` : ''}`;
  const backlog = f.backlog > 0 ? `, ${f.backlog} event(s) waiting in the outbox` : '';
  return f.connected
    ? `fleet      ${cellText(f.machine)} in ${cellText(f.database)}: connected (${machines}${backlog})`
    : `fleet      ${cellText(f.machine)} in ${cellText(f.database)}: NOT connected (${f.error?.code ?? 'joining'}${backlog}); local work goes on`;
}
