import { accessSync, constants, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { isAppError } from '../../../protocol/app-error.js';
import { portInUseHelp } from '../../../config/port-in-use.js';
import type { WtpConfig } from '../../../config/schema.js';
import type { DaemonStatus } from '../../../protocol/daemon.js';
import type { AgentClis, DoctorCheck } from '../../../protocol/doctor.js';
import type { CliContext } from '../context.js';
import { check } from './probe.js';

/** The config as the daemon would load it; its defaults (and a failed check) when it is invalid. */
export async function configCheck(ctx: CliContext): Promise<{ check: DoctorCheck; config: WtpConfig }> {
  const file = ctx.paths.configFile;
  const { loadConfig } = await import('../../../config/load-config.js');
  try {
    const config = await loadConfig(file, ctx.env);
    const summary = existsSync(file) ? `${file}: valid` : `no ${file}: the defaults`;
    return { check: check('config', { status: 'ok', summary, path: file }), config };
  } catch (err) {
    const { configSchema } = await import('../../../config/schema.js');
    const issues = (err as { details?: { issues?: { path: string; line?: number | null }[] } }).details
      ?.issues;
    const lines = (issues ?? []).map((i) => `${i.path || '(top)'}${i.line ? ` (line ${i.line})` : ''}`);
    return {
      check: check('config', {
        status: 'fail',
        summary: (err as Error).message,
        fix: `edit ${file}${lines.length > 0 ? `: ${lines.join(', ')}` : ''} (the daemon does not start until it is valid)`,
        path: file,
      }),
      config: configSchema.parse({}),
    };
  }
}

/** Hooks: how Claude Code's hooks reach the daemon (agents.claudeHooks, api.tcp). */
export function hooksCheck(config: WtpConfig, clis: AgentClis): DoctorCheck {
  const withHooks = clis.agentClis.filter((c) => c.hooks !== null).map((c) => c.profile);
  const { claudeHooks } = config.agents;
  if (claudeHooks === 'http' && !config.api.tcp) {
    return check('hooks', {
      status: 'warn',
      summary:
        'agents.claudeHooks is http but api.tcp is off: hooks go through `wtp hook` (a process per call)',
      fix: 'set api.tcp: true (or agents.claudeHooks: command) in the config',
    });
  }
  const how = config.api.tcp ? 'http to the daemon when the CLI takes them, else `wtp hook`' : '`wtp hook`';
  return check('hooks', {
    status: 'ok',
    summary: `${withHooks.join(', ') || 'no agent CLI'} hooks: agents.claudeHooks ${claudeHooks} (${claudeHooks === 'command' ? '`wtp hook`' : how}); added per agent, your own settings untouched`,
  });
}

/** Trust: whether new folders' trust prompts are pre-accepted (agents.preTrust), and HOME writable. */
export function trustCheck(ctx: CliContext, config: WtpConfig, clis: AgentClis): DoctorCheck {
  const where = clis.agentClis.flatMap((c) => (c.trust ? [`${c.profile}: ${c.trust}`] : []));
  if (!config.agents.preTrust) {
    return check('trust', {
      status: 'warn',
      summary:
        'agents.preTrust is off: an agent CLI in a new folder stops at its trust prompt until you answer it (`wtp attach`)',
      fix: 'set agents.preTrust: true in the config to pre-accept it for the agent’s folder only',
    });
  }
  const home = ctx.env.userHome;
  try {
    accessSync(home, constants.W_OK);
  } catch {
    return check('trust', {
      status: 'warn',
      summary: `agents.preTrust is on, but HOME (${home}) is not writable: trust cannot be pre-accepted`,
      fix: `make ${home} writable for this user, or run the daemon with a HOME it can write`,
      path: home,
    });
  }
  return check('trust', {
    status: 'ok',
    summary: `agents.preTrust on: pre-accepted per agent folder (${where.join('; ') || 'no agent CLI needs it'})`,
  });
}

/** Whether a daemon answers for this WTP_HOME, and runs the version of this CLI. */
export async function daemonCheck(
  ctx: CliContext,
): Promise<{ check: DoctorCheck; status: DaemonStatus | null }> {
  let status: DaemonStatus;
  try {
    status = await ctx.client(3_000).call('status', {});
  } catch (err) {
    const stopped = isAppError(err) && err.code === 'DAEMON_NOT_RUNNING';
    return {
      status: null,
      check: check('daemon', {
        status: stopped ? 'warn' : 'fail',
        summary: stopped ? 'not running for this WTP_HOME' : `does not answer: ${(err as Error).message}`,
        fix: stopped
          ? 'start it: `wtp up --detach`'
          : `see its log (${ctx.paths.logFile}); stop it with \`wtp down\` (or the pid in ${ctx.paths.daemonFile}), then \`wtp up --detach\``,
        path: stopped ? null : ctx.paths.apiSocket,
      }),
    };
  }
  const same = status.version === ctx.deps.version;
  return {
    status,
    check: check('daemon', {
      status: same ? 'ok' : 'warn',
      summary: `running (pid ${status.pid}, ${status.version}, backend ${status.backend}: ${status.backendReason})${same ? '' : `; this CLI is ${ctx.deps.version}`}`,
      fix: same
        ? null
        : 'restart it to run this version: `wtp down`, then `wtp up --detach` (agents keep running)',
      version: status.version,
      path: ctx.paths.apiSocket,
    }),
  };
}

/** Whether 127.0.0.1:port can be listened on now. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The API's TCP port: the running daemon's, or whether the configured one is free to start on. */
export async function portCheck(
  ctx: CliContext,
  config: WtpConfig,
  status: DaemonStatus | null,
): Promise<DoctorCheck> {
  const { port, tcp } = config.api;
  const socketOnly = 'api.tcp off: the unix socket only';
  const ok = status
    ? status.api.tcp
      ? `API on ${status.api.tcp} (and the unix socket)`
      : socketOnly
    : !tcp
      ? socketOnly
      : port === 0
        ? 'api.port 0: any free port'
        : (await portFree(port))
          ? `127.0.0.1:${port} is free for the API`
          : null;
  if (ok !== null) return check('port', { status: 'ok', summary: ok });
  const h = portInUseHelp(port, { env: ctx.env, configFile: ctx.paths.configFile });
  return check('port', {
    status: 'fail',
    summary: `127.0.0.1:${port} (from ${h.from}) is in use by another program: the daemon cannot start`,
    fix: `${h.choose} To see who holds it: \`${h.whoHolds[0]}\` (or \`${h.whoHolds[1]}\`).`,
  });
}
