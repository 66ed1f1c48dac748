import { IdleNodes, sampleMemory, type MemorySample } from './memory.js';
import { memoryResult, progress, type BenchResult } from './report.js';
import { sleep } from './proc.js';
import { mib, summarize } from './stats.js';
import { runningAgents, type Session } from './session.js';

/** How long after start (or after the agents are up) processes idle before they are measured. */
export const SETTLE_MS = 2_000;
/** The figure for one idle Claude Code process; an assumption, not measured here. */
const CLAUDE_CODE_IDLE_MIB = 210;

const pss = (xs: readonly MemorySample[]): number[] => xs.map((x) => mib(x.pssBytes));
const rss = (xs: readonly MemorySample[]): number[] => xs.map((x) => mib(x.rssBytes));
/** USS means of the measured processes and of the baseline, for the PSS figures' `extra`. */
const uss = (xs: readonly MemorySample[], base: readonly MemorySample[]): Record<string, number> => ({
  ussMiB: summarize(xs.map((x) => mib(x.ussBytes))).mean,
  baselineUssMiB: summarize(base.map((x) => mib(x.ussBytes))).mean,
});
const BARE = 'bare idle `node -e "setInterval(()=>{},1000)"`';
const PSS_NOTE =
  'PSS from /proc/<pid>/smaps_rollup (pages shared between processes are split among them, so ' +
  'the figure depends on how many Node processes run at the time, this benchmark included). ' +
  'extra.ussMiB is Private_Clean + Private_Dirty, which does not depend on sharing.';

/** Figure 2 (0 agents): the daemon and one bare idle Node, both measured SETTLE_MS after start. */
export async function measureIdleDaemon(s: Session): Promise<Record<string, BenchResult>> {
  const bare = new IdleNodes(1, s.env, s.home);
  try {
    await sleep(Math.max(0, s.readyAt + SETTLE_MS - Date.now()));
    await sleep(50); // the bare node started just after the daemon answered: give it the same 2 s
    const daemon = sampleMemory(s.daemonPid);
    const base = bare.sample();
    progress(`idle daemon: PSS ${mib(daemon.pssBytes)} MiB, RSS ${mib(daemon.rssBytes)} MiB`);
    const when = `Daemon with 0 agents, ${SETTLE_MS / 1000} s after \`wtp up --detach\` returned.`;
    return {
      'daemon.idle.pss.0agents': memoryResult({
        values: pss([daemon]),
        baseline: { name: `${BARE} PSS, started alongside`, value: summarize(pss(base)).mean },
        target: { text: '< 60 MB', below: 60 },
        note: `${when} ${PSS_NOTE}`,
        extra: uss([daemon], base),
      }),
      'daemon.idle.rss.0agents': memoryResult({
        values: rss([daemon]),
        baseline: { name: `${BARE} RSS, started alongside`, value: summarize(rss(base)).mean },
        note: when,
      }),
    };
  } finally {
    await bare.stop();
  }
}

/**
 * Figures 2 (10 agents) and 5: with `count` idle agents running, the daemon, every host and
 * `count` bare idle Node processes are measured together after SETTLE_MS.
 */
export async function measureWithAgents(s: Session, count: number): Promise<Record<string, BenchResult>> {
  const bare = new IdleNodes(count, s.env, s.home);
  try {
    await sleep(SETTLE_MS);
    const agents = await runningAgents(s);
    if (agents.length !== count) throw new Error(`expected ${count} running agents, found ${agents.length}`);
    // With agents.hostProcess workspace (the default) the agents share a host process: each counts once.
    const hostPids = [...new Set(agents.map((a) => a.hostPid))];
    const hosts = hostPids.map((pid) => {
      if (pid === null) throw new Error('an agent has no host pid');
      return sampleMemory(pid);
    });
    const daemon = sampleMemory(s.daemonPid);
    const base = bare.sample();
    const basePss = summarize(pss(base)).mean;
    const baseRss = summarize(rss(base)).mean;
    const hostPss = summarize(pss(hosts));
    progress(`${count} agents: host PSS mean ${hostPss.mean} MiB, daemon PSS ${mib(daemon.pssBytes)} MiB`);
    const when = `with ${count} idle agents (\`sleep 3600\`) running, ${SETTLE_MS / 1000} s after they all started`;
    const bareName = (what: string): string => `${BARE} ${what}, mean of ${count} run alongside`;
    return {
      [`daemon.idle.pss.${count}agents`]: memoryResult({
        values: pss([daemon]),
        baseline: { name: bareName('PSS'), value: basePss },
        target: { text: '< 60 MB', below: 60 },
        note: `Daemon ${when}. ${PSS_NOTE}`,
        extra: uss([daemon], base),
      }),
      [`daemon.idle.rss.${count}agents`]: memoryResult({
        values: rss([daemon]),
        baseline: { name: bareName('RSS'), value: baseRss },
        note: `Daemon ${when}.`,
      }),
      'host.pss': memoryResult({
        values: pss(hosts),
        baseline: { name: bareName('PSS'), value: basePss },
        target: { text: '< 20 MB', below: 20 },
        note: `PSS of each host process (distinct agents[].hostPid: ${hosts.length} for ${count} agents) ${when}; value is the mean, max is the largest. ${PSS_NOTE}`,
        extra: { maxMeetsTarget: hostPss.max < 20, ...uss(hosts, base) },
      }),
      'host.rss': memoryResult({
        values: rss(hosts),
        baseline: { name: bareName('RSS'), value: baseRss },
        note: `RSS of each host process ${when}; value is the mean, max the largest.`,
      }),
      'host.pss.vsClaudeCode': {
        value: hostPss.mean,
        unit: 'MiB',
        baseline: {
          name: `typical idle Claude Code process: ${CLAUDE_CODE_IDLE_MIB} MB, the issue's figure (ASSUMED, not measured)`,
          value: CLAUDE_CODE_IDLE_MIB,
          assumed: true,
        },
        ratio: Math.round((hostPss.mean / CLAUDE_CODE_IDLE_MIB) * 1000) / 1000,
        samples: hostPss.samples,
        note:
          'Mean host PSS measured here divided by an assumed (not measured) Claude Code footprint, ' +
          'taken as MiB: the overhead one host adds on top of the agent it runs.',
      },
    };
  } finally {
    await bare.stop();
  }
}
