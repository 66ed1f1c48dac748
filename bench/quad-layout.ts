import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmuxSocketName } from '../src/config/paths.js';
import { nowMs, runTimed, sleep } from './proc.js';
import { QuadBaseline } from './quad-baseline.js';
import type { RepoPaths } from './repo-paths.js';
import { latencyBaseline, latencyResult, progress, type BenchResult } from './report.js';
import { disposeHome } from './sandbox.js';
import { startSession, type Session } from './session.js';
import { summarize } from './stats.js';
import { TmuxServer } from './tmux.js';

const POLL_MS = 5;
const CLI_TIMEOUT_MS = 60_000;
const READY_TIMEOUT_MS = 30_000;
const GONE_TIMEOUT_MS = 10_000;
const TARGET_RATIO = 2;

/** Milliseconds from spawning `workspace new`, to: */
interface WtpSample {
  /** the API shows 4 agents running with their hosts connected (the figure); */
  ms: number;
  /** the CLI exited; */
  cliMs: number;
  /** the daemon recorded the workspace (CLI start-up and request); */
  workspaceCreatedMs: number;
  /** the daemon recorded the last agent (before that agent's own pane was made); */
  lastAgentCreatedMs: number;
  /** the last host reported its agent spawned. */
  lastAgentStartedMs: number;
}

interface CliOutput {
  workspace: { createdAt: string };
  agents: { createdAt: string; startedAt: string | null }[];
}

/** True once the workspace has its four agents running, each with its host connected. */
async function allUp(s: Session, name: string): Promise<boolean> {
  const { agents } = await s.client.call('listAgents');
  const mine = agents.filter((a) => a.workspace === name);
  if (mine.some((a) => a.backend !== 'tmux')) throw new Error(`workspace ${name} is not on the tmux backend`);
  return mine.length === 4 && mine.every((a) => a.state === 'running' && a.hostConnected);
}

async function viaWtp(paths: RepoPaths, s: Session, tmux: TmuxServer, repo: string, name: string) {
  const args = [paths.binWtp, 'workspace', 'new', name, '--cwd', repo, '--template', 'quad', '--json'];
  const t0 = nowMs();
  const cli = runTimed(process.execPath, args, { env: s.env, cwd: repo, timeoutMs: CLI_TIMEOUT_MS });
  let finished = false;
  void cli.then(
    () => (finished = true),
    () => (finished = true),
  );
  let ready = 0;
  for (;;) {
    if (await allUp(s, name)) {
      ready = nowMs();
      break;
    }
    const run = finished ? await cli : null;
    if (run && run.code !== 0)
      throw new Error(`wtp workspace new exited with ${run.code}: ${run.stderr}${run.stdout}`);
    if (nowMs() - t0 > READY_TIMEOUT_MS) throw new Error(`workspace ${name}: agents not up in time`);
    await sleep(POLL_MS);
  }
  const run = await cli;
  if (run.code !== 0)
    throw new Error(`wtp workspace new exited with ${run.code}: ${run.stderr}${run.stdout}`);
  const rm = await runTimed(process.execPath, [paths.binWtp, 'workspace', 'rm', name, '--force', '--json'], {
    env: s.env,
    cwd: repo,
    timeoutMs: CLI_TIMEOUT_MS,
  });
  if (rm.code !== 0) throw new Error(`wtp workspace rm exited with ${rm.code}: ${rm.stderr}${rm.stdout}`);
  await tmux.waitSessionGone(name, GONE_TIMEOUT_MS);
  const out = JSON.parse(run.stdout) as CliOutput;
  const since = (iso: string | null): number => (iso === null ? Number.NaN : Date.parse(iso) - t0);
  const last = (xs: (string | null)[]): number => Math.max(...xs.map(since));
  return {
    ms: ready - t0,
    cliMs: run.ms,
    workspaceCreatedMs: since(out.workspace.createdAt),
    lastAgentCreatedMs: last(out.agents.map((a) => a.createdAt)),
    lastAgentStartedMs: last(out.agents.map((a) => a.startedAt)),
  } satisfies WtpSample;
}

/**
 * Figure layout.quadTmux: `wtp workspace new qN --template quad` on the tmux backend until the
 * four hosts are connected, against the same tmux commands with a bare Node program per pane.
 */
export async function measureQuadTmux(paths: RepoPaths, runs: number): Promise<BenchResult> {
  const s = await startSession(paths, 'tmux', { WTP_BACKEND: 'tmux', SHELL: '/bin/sh' });
  const repo = join(s.home, 'repo');
  mkdirSync(repo);
  const daemonTmux = new TmuxServer(tmuxSocketName(s.home), s.env, repo);
  const base = await QuadBaseline.start(s.home, repo, s.env);
  try {
    const baseOnce = async (name: string): Promise<{ ms: number; commandsMs: number }> => {
      const r = await base.open(name);
      await base.close(name);
      return r;
    };
    progress('quad (tmux): warm-up (not recorded)');
    await viaWtp(paths, s, daemonTmux, repo, 'qwarm');
    await baseOnce('bwarm');
    const wtp: WtpSample[] = [];
    const bare: { ms: number; commandsMs: number }[] = [];
    for (let i = 0; i < runs; i++) {
      const w = await viaWtp(paths, s, daemonTmux, repo, `q${i}`);
      const b = await baseOnce(`b${i}`);
      wtp.push(w);
      bare.push(b);
      progress(
        `quad (tmux) ${i + 1}/${runs}: wtp ${w.ms.toFixed(1)} ms, tmux + bare node ${b.ms.toFixed(1)} ms`,
      );
    }
    const p50 = (xs: number[]): number => summarize(xs).p50;
    const phase = (k: keyof WtpSample): number => p50(wtp.map((x) => x[k]));
    const r = latencyResult({
      samples: wtp.map((x) => x.ms),
      baseline: latencyBaseline(
        "the same tmux calls (the product's TmuxMux, driven by the benchmark) on a tmux server of our own, " +
          'each pane running `node -e` that connects to a unix socket of the benchmark and writes one line; ' +
          'until all four connected',
        bare.map((x) => x.ms),
      ),
      note:
        'From spawning `node bin/wtp.js workspace new qN --cwd R --template quad --json` until the API ' +
        `(WtpClient over run/api.sock, polled every ${POLL_MS} ms) lists the workspace's 4 agents \`running\` ` +
        'with hostConnected; daemon started once (`wtp up --detach`) with WTP_BACKEND=tmux and SHELL=/bin/sh ' +
        'in a fresh WTP_HOME, so each agent is /bin/sh under `node dist/wtp.js host … --pane` in a pane of ' +
        'its dedicated tmux server. Each run uses a new name and is removed afterwards (`wtp workspace rm ' +
        'qN --force`, then until `tmux has-session` fails), so the tmux server starts anew every run. ' +
        "Baseline: the same tmux calls in the same order, made by the product's own TmuxMux adapter " +
        'from the benchmark process for the steps planLayout() gives for the built-in quad template ' +
        '(new-session -d -s bN -n bN -x 160 -y 48 -c R -e WTP_AGENT_ID=… -P -F …, then set-environment ' +
        '-u, the server options, and per pane one call setting @wtp_agent, @wtp_title and the title; ' +
        'split-window -d -h -l 50% of a1, -v -l 50% of a1, -v -l 50% of a2), each awaited, on its own ' +
        '`tmux -L` server, also started anew each run, until the four pane programs connected. Both sides pay four Node start-ups in ' +
        "panes; the difference is the CLI's start-up, the daemon's work (API, database, template, " +
        "host protocol) and the hosts' own work (bigger bundle, node-pty spawn of the agent, hello/" +
        'welcome/spawn, a `tmux set-option @wtp_state` per state change). Runs alternate; one unrecorded warm-up of each first. extra.phasesMsP50: medians ' +
        'of the times (ms after the spawn of the CLI) the daemon recorded the workspace and the last ' +
        "agent, and the last agent's startedAt, from the CLI's --json output (epoch ms, same clock).",
      extra: {
        phasesMsP50: {
          workspaceRecorded: phase('workspaceCreatedMs'),
          lastAgentRecorded: phase('lastAgentCreatedMs'),
          lastAgentSpawned: phase('lastAgentStartedMs'),
          allHostsConnectedSeen: phase('ms'),
          cliExited: phase('cliMs'),
        },
        baselinePhasesMsP50: {
          lastTmuxCommandReturned: p50(bare.map((x) => x.commandsMs)),
          allPanesConnected: p50(bare.map((x) => x.ms)),
        },
      },
    });
    return {
      ...r,
      target: `< ${TARGET_RATIO}x baseline`,
      meetsTarget: (r.ratio ?? Number.NaN) < TARGET_RATIO,
    };
  } finally {
    await base.stop();
    disposeHome(s.home, paths.binWtp);
    daemonTmux.kill();
  }
}
