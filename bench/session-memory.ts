import { join } from 'node:path';
import { ccmanagerPss, type CcmanagerPss } from './ccmanager-memory.js';
import { IdleNodes, sampleMemory } from './memory.js';
import { SETTLE_MS } from './memory-figures.js';
import { childrenOf, parentOf, processes, sleep } from './proc.js';
import { progress, type BenchResult } from './report.js';
import type { RepoPaths } from './repo-paths.js';
import { disposeHome } from './sandbox.js';
import { createAgents, runningAgents, startSession, type Session } from './session.js';
import { mib, summarize } from './stats.js';
import { BENCH_PINS } from '../scripts/cli-pins.mjs';
import { startFakeWezterm } from '../test/support/fake-wezterm.js';

const CCMANAGER_VERSION = BENCH_PINS.ccmanager.version;

/** The issue's goal: each idle session past the first costs at most this much PSS. */
const GOAL_MIB = 3;
/**
 * An idle session whose terminal is full: 200 coloured lines of 100 characters (a screen and the
 * emulator's whole scrollback), then nothing; an idle agent CLI's screen is no fuller.
 */
const FULL_THEN_IDLE = [
  'sh',
  '-c',
  'i=0; while [ $i -lt 200 ]; do printf "\\033[3%dm%0100d\\033[0m\\n" $((i % 7)) $i; i=$((i+1)); done; exec sleep 3600',
];

type Backend = 'headless' | 'tmux' | 'wezterm';

/** The panes' holders (`cat` on a FIFO in the session's state dir), which a host group serves. */
function holderPids(s: Session): number[] {
  return processes()
    .filter((p) => p.cmd.startsWith(`cat\0${s.home}/`))
    .map((p) => p.pid);
}

/**
 * On tmux, the tmux server and what each pane runs that is not a host (a group's holder): the
 * server is the parent of the panes, found through an agent's pane pid's parent.
 */
function tmuxPids(s: Session, hostPids: Set<number>, agentPids: Set<number>): number[] {
  const holders = holderPids(s);
  const server = parentOf(holders[0] ?? [...hostPids][0] ?? 0);
  if (server === null) throw new Error('no tmux server found');
  const others = childrenOf(server).filter((p) => !hostPids.has(p.pid) && !agentPids.has(p.pid));
  return [server, ...others.map((p) => p.pid)];
}

/** PSS of the daemon, of every distinct host process of the running agents, of the panes' holders and of a tmux server, in MiB. */
async function managerPss(
  s: Session,
  count: number,
  backend: Backend,
): Promise<{ total: number; hosts: number; processes: number }> {
  await sleep(SETTLE_MS);
  const agents = await runningAgents(s);
  if (agents.length !== count) throw new Error(`expected ${count} running agents, found ${agents.length}`);
  const hostPids = new Set<number>();
  for (const a of agents) {
    if (a.hostPid === null) throw new Error(`agent ${a.name} has no host pid`);
    hostPids.add(a.hostPid);
  }
  let hosts = 0;
  for (const pid of hostPids) hosts += sampleMemory(pid).pssBytes;
  const agentPids = new Set(agents.map((a) => a.pid ?? 0));
  // WezTerm is the user's terminal, there anyway: its panes' holders are counted, not WezTerm.
  const mux =
    backend === 'tmux' ? tmuxPids(s, hostPids, agentPids) : backend === 'wezterm' ? holderPids(s) : [];
  for (const pid of mux) hosts += sampleMemory(pid).pssBytes;
  const daemon = sampleMemory(s.daemonPid).pssBytes;
  return { total: mib(daemon + hosts), hosts: mib(hosts), processes: hostPids.size };
}

/**
 * Memory per idle session (a full screen, then `sleep 3600`), headless, on tmux and on WezTerm's
 * stand-in: the daemon, its hosts, the panes' holders and the tmux server, with 1, 10 and 50 agents
 * in one workspace, once with the default `agents.hostProcess: workspace` (one host process for
 * the workspace) and once with `agent` (a process per agent, the design before). Per extra
 * session = (total at N − total at 1) / (N − 1), against a bare idle Node process measured beside
 * it: the floor for any design with a process per session.
 */
export async function measureSessionMemory(
  paths: RepoPaths,
  counts: readonly number[],
  concurrency: number,
): Promise<Record<string, BenchResult>> {
  const out: Record<string, BenchResult> = {};
  progress(`memory per session: ccmanager with ${CCMANAGER_SESSIONS} idle sessions`);
  const cc = await ccmanagerPss(FULL_THEN_IDLE, CCMANAGER_SESSIONS).catch((err: unknown): CcmanagerPss => ({
    ok: false,
    why: String(err),
    failed: true,
  }));
  progress(
    cc.ok
      ? `  ccmanager: ${cc.at1} MiB with 1 session, ${cc.atN} with ${cc.count}`
      : `  ccmanager skipped: ${cc.why}`,
  );
  for (const backend of ['headless', 'tmux', 'wezterm'] as const)
    Object.assign(out, await sessionMemory(paths, counts, concurrency, backend, cc));
  return out;
}

/** What a figure counts beyond the daemon and the hosts. */
const MUX_WORDS: Record<Backend, string> = {
  headless: '',
  tmux: ', the tmux server and every pane’s holder,',
  wezterm: ' and every pane’s holder (not WezTerm, the user’s terminal; here its stand-in),',
};

/** ccmanager selects a worktree by a digit: at most ten sessions. */
const CCMANAGER_SESSIONS = 10;

/** wtp's total at ccmanager's session count against ccmanager's, the same sessions in the same run. */
function againstCcmanager(backend: Backend, total: number, cc: CcmanagerPss): BenchResult {
  const note =
    `PSS of the daemon and every host process${MUX_WORDS[backend]} with ${CCMANAGER_SESSIONS} idle ${backend} agents (agents.hostProcess workspace), ` +
    `against ccmanager's process with ${CCMANAGER_SESSIONS} sessions of the same program, one per worktree, started from its menu: neither counts the sessions' own programs.`;
  if (!cc.ok)
    return {
      value: Number.NaN,
      unit: 'MiB',
      samples: 0,
      ...(cc.failed ? { failed: cc.why } : { skipped: cc.why }),
      note,
    };
  return {
    value: total,
    unit: 'MiB',
    baseline: {
      name: `ccmanager ${CCMANAGER_VERSION} (its process), the same ${cc.count} sessions, same run`,
      value: cc.atN,
    },
    ratio: Math.round((total / cc.atN) * 100) / 100,
    samples: 1,
    target: "below ccmanager's",
    meetsTarget: total < cc.atN,
    note,
    extra: { ccmanagerOneSessionMiB: cc.at1 },
  };
}

async function sessionMemory(
  paths: RepoPaths,
  counts: readonly number[],
  concurrency: number,
  backend: Backend,
  cc: CcmanagerPss,
): Promise<Record<string, BenchResult>> {
  const out: Record<string, BenchResult> = {};
  const perExtra: Record<string, Record<number, number>> = {};
  const totals: Record<string, Record<number, number>> = {};
  let bareMean = 0;
  for (const mode of ['workspace', 'agent'] as const) {
    progress(`memory per session (${backend}): agents.hostProcess ${mode}, ${counts.join('/')} idle agents`);
    // WezTerm is not on this machine: its stand-in (test/support/fake-wezterm.ts) runs the panes.
    const wezterm =
      backend === 'wezterm'
        ? await startFakeWezterm(join(paths.root, 'test', 'fixtures', 'fake-wezterm'))
        : null;
    const s = await startSession(
      paths,
      `mem-${backend}-${mode}`,
      {
        WTP_BACKEND: backend,
        ...(wezterm ? { PATH: wezterm.env.PATH ?? '', WEZTERM_UNIX_SOCKET: wezterm.socket } : {}),
      },
      `agents:\n  hostProcess: ${mode}\n`,
    ).catch(async (err: unknown) => {
      await wezterm?.stop();
      throw err;
    });
    const bare = new IdleNodes(3, s.env, s.home);
    try {
      let made = 0;
      const at: Record<number, { total: number; processes: number }> = {};
      for (const n of [1, ...counts]) {
        const names = Array.from({ length: n - made }, (_, i) => `m-${made + i}`);
        await createAgents(s, names, FULL_THEN_IDLE, concurrency);
        made = n;
        at[n] = await managerPss(s, n, backend);
        progress(`  ${n} agents: daemon + hosts ${at[n]?.total} MiB in ${at[n]?.processes} host process(es)`);
      }
      bareMean = summarize(bare.sample().map((m) => mib(m.pssBytes))).mean;
      perExtra[mode] = {};
      totals[mode] = {};
      for (const n of counts) {
        perExtra[mode][n] = Math.round((((at[n]?.total ?? 0) - (at[1]?.total ?? 0)) / (n - 1)) * 100) / 100;
        totals[mode][n] = at[n]?.total ?? 0;
      }
    } finally {
      await bare.stop();
      disposeHome(s.home, paths.binWtp);
      await wezterm?.stop();
    }
  }
  for (const n of counts) {
    const value = perExtra.workspace?.[n] ?? 0;
    const before = perExtra.agent?.[n] ?? 0;
    const key = `session.pss.perExtra.${backend === 'headless' ? '' : `${backend}.`}${n}agents`;
    out[key] = {
      value,
      unit: 'MiB',
      baseline: {
        name: 'a bare idle Node process, PSS (the floor of a process per session)',
        value: bareMean,
      },
      ratio: Math.round((value / bareMean) * 100) / 100,
      otherBaselines: [
        {
          name: 'agents.hostProcess agent (a host process per agent), same run',
          value: before,
          ratio: Math.round((value / before) * 100) / 100,
        },
        ...(cc.ok && n === cc.count
          ? [
              {
                name: `ccmanager ${CCMANAGER_VERSION}, the same sessions, same run (its process)`,
                value: Math.round(((cc.atN - cc.at1) / (cc.count - 1)) * 100) / 100,
                ratio: Math.round((value / ((cc.atN - cc.at1) / (cc.count - 1))) * 100) / 100,
              },
            ]
          : []),
      ],
      samples: 1,
      target: `≤ ${GOAL_MIB} MiB`,
      meetsTarget: value <= GOAL_MIB,
      note:
        `PSS of the daemon and every host process${MUX_WORDS[backend]} with ${n} idle ${backend} agents in one workspace (each drew 200 coloured lines, then sleeps), less ` +
        'that with 1, divided by the agents added: agents.hostProcess workspace (the default). ' +
        'otherBaselines: the same with agents.hostProcess agent. extra: the totals at this count.',
      extra: {
        totalMiB: totals.workspace?.[n] ?? 0,
        totalProcessPerAgentMiB: totals.agent?.[n] ?? 0,
      },
    };
    if (n === CCMANAGER_SESSIONS) {
      const total = `session.pss.total.${backend === 'headless' ? '' : `${backend}.`}${n}agents`;
      out[total] = againstCcmanager(backend, totals.workspace?.[n] ?? 0, cc);
    }
  }
  return out;
}
