import { percentile, round } from '../stats.js';
import type { SoakRun } from './runner.js';

export interface Spread {
  samples: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { samples: 0, p50: null, p90: null, p99: null, max: null };
  return {
    samples: values.length,
    p50: round(percentile(values, 50)),
    p90: round(percentile(values, 90)),
    p99: round(percentile(values, 99)),
    max: round(Math.max(...values)),
  };
}

const sum = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0);

/** The figures of one soak run, as they go into the JSON document. */
export function soakFigures(run: SoakRun) {
  const { verdict, faults } = run;
  const incarnations = verdict.agents.flatMap((a) => a.log.incarnations);
  const streams = verdict.agents.map((a) => a.stream);
  const inFlight = incarnations.filter((i) => i.ending === 'hostKilled').map((i) => i.inFlight);
  const toAllHosts = faults.restarts.map((r) => r.toAllHostsMs).filter((x) => x !== null);
  const toRunning = faults.hostKills.map((k) => k.toRunningMs).filter((x) => x !== null);
  return {
    passed: verdict.passed,
    failures: verdict.failures,
    agents: {
      count: verdict.agents.length,
      lost: verdict.agents.filter((a) => !a.alive).length,
      incarnations: incarnations.length,
      endedWithoutHostKill: incarnations.filter((i) => i.ending === 'unexplained').length,
      wentCrashedOrExited: verdict.events.agentsDown,
      exitsNotMatchingHostKills: verdict.events.exitsNotMatchingHostKills,
    },
    faults: {
      daemonKills: faults.daemonKills.length,
      daemonDownMs: spread(faults.restarts.map((r) => r.downMs)),
      hostKills: faults.hostKills.length,
      hostKillsWhileDaemonDown: faults.hostKills.filter((k) => !k.daemonUp).length,
      hostKillsSkipped: faults.hostKillsSkipped,
    },
    lines: {
      written: sum(incarnations.map((i) => i.written)),
      inLog: sum(incarnations.map((i) => i.seen)),
      checked: sum(incarnations.map((i) => i.seen + i.lost.length)),
      lost: sum(incarnations.map((i) => i.lost.length)),
      duplicated: sum(incarnations.map((i) => i.duplicated)),
      outOfOrder: sum(incarnations.map((i) => i.outOfOrder)),
      neverWritten: sum(incarnations.map((i) => i.phantom)),
      garbledFragments: sum(verdict.agents.map((a) => a.log.garbled.length)),
      inFlightAtHostKill: sum(inFlight),
      maxInFlightAtOneHostKill: inFlight.length > 0 ? Math.max(...inFlight) : 0,
      linesCutByHostKill: sum(verdict.agents.map((a) => a.log.cutByHostKill)),
      logBytes: sum(verdict.agents.map((a) => a.log.bytes)),
    },
    stream: {
      bytes: sum(streams.map((s) => s.bytes)),
      connects: sum(streams.map((s) => s.connects)),
      agentsDifferingFromLog: streams.filter((s) => s.firstDifference !== null).length,
      agentsNotCaughtUp: streams.filter((s) => !s.caughtUp).length,
      agentsWithLineFaults: streams.filter((s) => !s.clean).length,
    },
    events: {
      stored: verdict.events.stored.events,
      latestSeq: verdict.events.stored.latestSeq,
      gaps: verdict.events.stored.gaps.length,
      duplicates: verdict.events.stored.duplicates.length,
      outOfOrder: verdict.events.stored.outOfOrder,
      live: {
        received: verdict.events.live.received,
        connects: verdict.events.live.connects,
        gaps: verdict.events.live.gaps.length,
        repeated: verdict.events.live.repeated,
        mismatched: verdict.events.live.mismatched.length,
      },
      daemonStarted: verdict.events.daemonStarted,
      hostsReattached: verdict.events.reattached,
    },
    timings: {
      'daemon.restartToApi': {
        ...spread(faults.restarts.map((r) => r.toApiMs)),
        unit: 'ms',
        note: '`wtp up --detach` started after a SIGKILL → it returned (the API answers), agents running meanwhile',
        baseline: {
          name: 'the first `wtp up --detach` of the run (fresh WTP_HOME, no agents)',
          value: round(run.coldStartMs),
        },
      },
      'daemon.restartToAllHosts': {
        ...spread(toAllHosts),
        unit: 'ms',
        note: '`wtp up --detach` started → every agent listed running with its host connected (polled every 25 ms)',
        notMeasured: faults.restarts.length - toAllHosts.length,
      },
      'host.killToRunning': {
        ...spread(toRunning),
        unit: 'ms',
        note: 'host SIGKILL → the agent runs again under a new connected host; includes the restart policy’s backoff (500 ms, doubling for quick exits); only kills with the daemon up throughout',
        notMeasured: faults.hostKills.length - toRunning.length,
      },
    },
    perAgent: verdict.agents.map((a) => ({
      name: a.name,
      incarnations: a.incarnations,
      hostKills: a.hostKills,
      lines: sum(a.log.incarnations.map((i) => i.seen)),
      logBytes: a.log.bytes,
      streamConnects: a.stream.connects,
    })),
  };
}
