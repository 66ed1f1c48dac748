import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { appError } from '../../../protocol/error-messages.js';
import type { CliContext } from '../context.js';
import { runAction } from '../run-action.js';
import { ENV_VARS } from '../../../config/env.js';
import { agentBinVar as binVar } from '../../../protocol/constants.js';
import {
  LAUNCHD_LABEL,
  launchdPlist,
  SYSTEMD_UNIT,
  systemdEnvFile,
  systemdUnit,
  type ServiceSpec,
} from '../service/service-files.js';

interface Target {
  manager: 'systemd' | 'launchd';
  file: string;
  content: string;
  /** The file's mode: 0600 when it holds a secret (launchd), else 0644. */
  mode: number;
  /** systemd's EnvironmentFile (0600): its text when there are secret settings, else null (removed). */
  envFile: { path: string; content: string | null } | null;
  /** What `systemctl`/`launchctl` is asked for each action. */
  install: string[][];
  uninstall: string[][];
  enabled: string[] | null;
  active: string[];
  /** The environment `systemctl`/`launchctl` run in. */
  runEnv: NodeJS.ProcessEnv;
}

/**
 * The daemon's settings as `wtp service install` found them, for the service to start with: where it
 * keeps its state and reads its config, its port, log level, backend, machine name and agent CLIs
 * (a unit with PATH and WTP_HOME alone started another daemon than the user's). Paths are
 * made absolute: a service starts in another folder.
 */
function daemonEnv(ctx: CliContext): { env: Record<string, string>; secretEnv: Record<string, string> } {
  const e = ctx.env;
  const abs = (v: string | undefined) => (v === undefined ? undefined : resolve(v));
  const settings: [string, string | undefined][] = [
    ['PATH', e.path ?? '/usr/bin:/bin'],
    [ENV_VARS.home.name, abs(e.home)],
    [ENV_VARS.xdgConfigHome.name, abs(e.xdgConfigHome)],
    [ENV_VARS.xdgStateHome.name, abs(e.xdgStateHome)],
    [ENV_VARS.configFile.name, abs(e.configFile)],
    [ENV_VARS.apiPort.name, e.apiPort],
    [ENV_VARS.logLevel.name, e.logLevel],
    [ENV_VARS.backend.name, e.backend],
    [ENV_VARS.processInspector.name, e.processInspector],
    [ENV_VARS.machine.name, e.machine],
    ...Object.entries(e.agentBinaries).map(([p, v]): [string, string] => [binVar(p), v]),
  ];
  const env = Object.fromEntries(settings.filter((kv): kv is [string, string] => kv[1] !== undefined));
  // The fleet URL holds its role's password: kept out of the unit file.
  const secretEnv = e.fleetUrl === undefined ? {} : { [ENV_VARS.fleetUrl.name]: e.fleetUrl };
  return { env, secretEnv };
}

function target(ctx: CliContext): Target {
  const spec: ServiceSpec = {
    node: ctx.deps.nodePath,
    entry: ctx.deps.entry,
    ...daemonEnv(ctx),
    envFile: join(ctx.paths.stateDir, 'service.env'),
    logFile: join(ctx.paths.logDir, 'service.log'),
  };
  if (process.platform === 'darwin') {
    const domain = `gui/${process.getuid?.() ?? 0}`;
    const file = join(ctx.env.userHome, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`);
    return {
      manager: 'launchd',
      file,
      content: launchdPlist(spec),
      // launchd has no environment file: a plist with the fleet URL is the user's alone.
      mode: Object.keys(spec.secretEnv).length > 0 ? 0o600 : 0o644,
      envFile: null,
      install: [['launchctl', 'bootstrap', domain, file]],
      uninstall: [['launchctl', 'bootout', `${domain}/${LAUNCHD_LABEL}`]],
      enabled: null,
      active: ['launchctl', 'print', `${domain}/${LAUNCHD_LABEL}`],
      runEnv: ctx.processEnv,
    };
  }
  if (process.platform !== 'linux') throw appError('SERVICE_MANAGER_FAILED', { platform: process.platform });
  const config = ctx.env.xdgConfigHome ?? join(ctx.env.userHome, '.config');
  return {
    manager: 'systemd',
    file: join(config, 'systemd', 'user', SYSTEMD_UNIT),
    content: systemdUnit(spec),
    mode: 0o644,
    envFile: {
      path: spec.envFile,
      content: Object.keys(spec.secretEnv).length > 0 ? systemdEnvFile(spec) : null,
    },
    install: [
      ['systemctl', '--user', 'daemon-reload'],
      ['systemctl', '--user', 'enable', '--now', SYSTEMD_UNIT],
    ],
    uninstall: [
      ['systemctl', '--user', 'disable', '--now', SYSTEMD_UNIT],
      ['systemctl', '--user', 'daemon-reload'],
    ],
    enabled: ['systemctl', '--user', 'is-enabled', SYSTEMD_UNIT],
    active: ['systemctl', '--user', 'is-active', SYSTEMD_UNIT],
    runEnv: ctx.processEnv,
  };
}

/** Runs the service manager (argv, no shell); its first error line, or null when it succeeded. */
function run(
  [file = '', ...args]: string[],
  env: NodeJS.ProcessEnv,
): { ok: boolean; out: string; error: string | null } {
  const r = spawnSync(file, args, { env, encoding: 'utf8', timeout: 30_000 });
  if (r.error) return { ok: false, out: '', error: `${file} could not run: ${r.error.message}` };
  const error =
    r.status === 0 ? null : (r.stderr.trim().split('\n')[0] ?? '') || `exit ${r.status ?? r.signal}`;
  return { ok: r.status === 0, out: r.stdout.trim(), error };
}

function runAll(t: Target, commands: string[][]): string[][] {
  for (const c of commands) {
    const r = run(c, t.runEnv);
    if (r.error !== null)
      throw appError('SERVICE_MANAGER_FAILED', {
        command: c,
        file: t.file,
        commandLine: c.join(' '),
        error: r.error,
      });
  }
  return commands;
}

function state(t: Target) {
  const installed = existsSync(t.file);
  const upToDate = installed && readFileSync(t.file, 'utf8') === t.content;
  const enabled = t.enabled === null ? installed : installed && run(t.enabled, t.runEnv).out === 'enabled';
  const active =
    t.manager === 'launchd' ? run(t.active, t.runEnv).ok : run(t.active, t.runEnv).out === 'active';
  return { manager: t.manager, file: t.file, installed, upToDate, enabled, active };
}

/** Written beside itself with its mode from the start (never readable by others, even for a moment), then renamed. */
function writeReplacing(file: string, content: string, mode: number): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  writeFileSync(tmp, content, { mode, flag: 'wx' });
  chmodSync(tmp, mode);
  renameSync(tmp, file);
}

function install(ctx: CliContext, force: boolean): void {
  const t = target(ctx);
  if (existsSync(t.file) && readFileSync(t.file, 'utf8') !== t.content && !force)
    throw appError('SERVICE_FILE_EXISTS', { file: t.file });
  if (t.envFile?.content) writeReplacing(t.envFile.path, t.envFile.content, 0o600);
  else if (t.envFile) rmSync(t.envFile.path, { force: true });
  writeReplacing(t.file, t.content, t.mode);
  // launchd refuses to bootstrap what is loaded already: unload it first (an error here means it was not).
  if (t.manager === 'launchd') run(t.uninstall[0] ?? [], t.runEnv);
  const ran = runAll(t, t.install);
  const s = state(t);
  if (ctx.json) ctx.emit('service', { action: 'install', ...s, ran });
  else {
    ctx.line(`installed ${t.file}`);
    ctx.line(
      `the daemon starts at login and again after a failure (${t.manager}); ${s.active ? 'it runs now' : 'it is not running yet: see `wtp service status`'}`,
    );
  }
}

function uninstall(ctx: CliContext): void {
  const t = target(ctx);
  const ran = existsSync(t.file) ? runAll(t, t.uninstall.slice(0, 1)) : [];
  rmSync(t.file, { force: true });
  if (t.envFile) rmSync(t.envFile.path, { force: true });
  if (ran.length > 0) ran.push(...runAll(t, t.uninstall.slice(1)));
  const s = state(t);
  if (ctx.json) ctx.emit('service', { action: 'uninstall', ...s, ran });
  else
    ctx.line(
      ran.length > 0
        ? `removed ${t.file}; the daemon is stopped and no longer starts at login (agents keep running)`
        : `no service was installed (${t.file})`,
    );
}

function status(ctx: CliContext): void {
  const t = target(ctx);
  const s = state(t);
  if (ctx.json) return ctx.emit('service', { action: 'status', ...s, ran: [] });
  if (!s.installed) return ctx.line(`not installed (${t.manager}; \`wtp service install\` adds ${t.file})`);
  ctx.line(
    `${t.manager}  ${t.file}${s.upToDate ? '' : ' (differs from what install writes now: `wtp service install --force`)'}`,
  );
  ctx.line(`enabled  ${s.enabled ? 'yes: starts at login' : 'no'}`);
  ctx.line(`active   ${s.active ? 'yes' : 'no'}`);
}

export function registerServiceCommands(program: Command, ctx: CliContext): void {
  const service = program
    .command('service')
    .description(
      'run the daemon as a service: started at login and after a failure (a systemd user unit on Linux, a launchd agent on macOS)',
    );
  service
    .command('install')
    .description('write the unit (or agent) file, enable it and start the daemon')
    .option('--force', 'replace a service file that says something else')
    .option('--json', 'machine-readable output')
    .action((o: { force?: boolean; json?: boolean }) =>
      runAction(ctx, o.json, async () => install(ctx, o.force === true)),
    );
  service
    .command('uninstall')
    .description('stop the service and remove its file (agents keep running)')
    .option('--json', 'machine-readable output')
    .action((o: { json?: boolean }) => runAction(ctx, o.json, async () => uninstall(ctx)));
  service
    .command('status')
    .description('whether the service is installed, enabled and running')
    .option('--json', 'machine-readable output')
    .action((o: { json?: boolean }) => runAction(ctx, o.json, async () => status(ctx)));
}
