import { cpus, freemem, loadavg, release, totalmem } from 'node:os';
import { dashboardMode } from './answer-dashboard.js';
import { measureAnswerLatency } from './answer-latency.js';
import { tuiMode } from './answer-tui.js';
import { answerOptions } from './answer-rounds.js';
import { measureColdStart } from './cold-start.js';
import { BusyLoad, contendedFigures, contentionNiceOption, contentionOption } from './contention.js';
import { measureDashboard } from './dashboard-figures.js';
import { measureStateTimeline } from './timeline-figures.js';
import { measureDaemonIdleCpu } from './daemon-cpu.js';
import { measureFleet } from './fleet-figures.js';
import { measureDiffStat } from './diff-latency.js';
import { measureHook } from './hook-latency.js';
import { measureDetectorAccuracy } from './detector-accuracy.js';
import { measureEchoLatency } from './echo-latency.js';
import { measureGit } from './git-figures.js';
import { measureLs } from './ls-latency.js';
import { measureMcpStart } from './mcp-latency.js';
import { measureLoopDelay } from './loop-delay.js';
import { measureLsWithOption } from './ls-option.js';
import { checkClocks, markerFile } from './marker.js';
import { measureIdleDaemon, measureWithAgents } from './memory-figures.js';
import { measureSessionMemory } from './session-memory.js';
import { runTimed } from './proc.js';
import { repoPaths } from './repo-paths.js';
import { measureQuadTmux } from './quad-layout.js';
import { progress, type BenchResult } from './report.js';
import { cleanupAll, disposeHome, installCleanupHandlers, pidsOfHome } from './sandbox.js';
import { createAgents, startSession } from './session.js';
import { spawnFigures } from './spawn-figures.js';
import { measureSpawn } from './spawn-latency.js';
import { measureSandbox } from './sandbox-figures.js';
import { measureStateLatency } from './state-latency.js';
import { measureTasks } from './task-figures.js';
import { measureTurnVerdicts } from './turn-verdicts.js';
import { measureThroughput } from './throughput.js';
import { measureTui } from './tui-figures.js';
import { measureVendorLatency, VENDOR_PROFILES } from './vendor-latency.js';
import { vendorOptions } from './vendor-turns.js';
import { measureUsageReading } from './usage-figures.js';

/** How many samples each figure takes (the N). */
const RUNS = {
  coldStart: 10,
  ls: 15,
  spawn: 10,
  memoryAgents: 10,
  lsAgents: 50,
  loopDelayWindows: 6,
  createConcurrency: 4,
  sessionCounts: [10, 50],
  quadTmux: 8,
  echo: 300,
  throughput: 3,
  throughputBytes: 100_000_000,
  stateHook: 200,
  stateScreen: 50,
  gitWorktree: 8,
  gitRadar: 3,
  gitGrowth: 3,
  gitDaemon: 5,
  taskSizes: [1_000, 2_000, 5_000, 10_000],
  taskMerge: 20,
  dashboardAgents: 100,
  dashboardLoads: 8,
  dashboardPaints: 200,
  dashboardStreamSeconds: 30,
  dashboardStreamRate: 50,
  timelineEvents: 1_000_000,
  timelineSamples: 5,
  vendorTurns: 5,
  vendorWarmup: 1,
  tui: { agents: 100, paints: 40, presses: 200, streamRate: 50 },
  answerRounds: 20,
  answerWarmup: 2,
  fleet: { events: 100, tasks: 60, slots: 4, loadEvents: 200 },
  sandbox: 10,
  mcpStart: 10,
} as const;

/** Backend of the session daemon of figures 2-5. */
const CORE_BACKEND = 'headless';

const names = (prefix: string, from: number, to: number): string[] =>
  Array.from({ length: to - from }, (_, i) => `${prefix}-${from + i}`);

/** Figures in the order (1-5), then the pane figures, then the extra ones; measurement order differs. */
function inReportOrder(results: Record<string, BenchResult>): Record<string, BenchResult> {
  const rank = (key: string): number => {
    const i = [
      'daemon.coldStart',
      'daemon.idle.pss',
      'daemon.idle.rss',
      'cli.ls',
      'spawn',
      'host.pss',
      'host.rss',
      'layout',
      'host',
      'state',
      'git',
      'tasks',
      'dashboard',
      'vendor',
      'answers',
      'fleet',
      'usage',
      'sandbox',
      'mcp',
      'session',
    ].findIndex((prefix) => key.startsWith(prefix));
    return i === -1 ? 99 : i;
  };
  return Object.fromEntries(Object.entries(results).sort(([a], [b]) => rank(a) - rank(b)));
}

const PARTS = [
  'core',
  'panes',
  'states',
  'git',
  'tasks',
  'dashboard',
  'vendors',
  'answers',
  'tui',
  'fleet',
  'usage',
  'sandbox',
  'mcp',
  'sessions',
] as const;

/**
 * The parts and their options, as `npm run -s bench -- --help` prints them: the one description of
 * what each part measures, built from PARTS, VENDOR_PROFILES and RUNS so it names them all.
 */
const USAGE = `Usage: npm run -s bench [-- --only <parts>] [part options]   (JSON on stdout, progress on stderr)
  --only <parts>       comma-separated, default all: ${PARTS.join(', ')}
                       core: daemon start, memory, wtp ls, spawn; panes: layout, echo, throughput;
                       states: hook/screen → state event, detector accuracy, end-of-turn verdicts'
                       precision and recall (test/fixtures/turn-ends/); git: worktrees, conflict
                       radar; tasks: 1k-10k task graphs; dashboard: state → paint, page load and memory;
                       vendors: each pinned real agent CLI on tmux against its scripted server —
                       answer → idle, tool call → needs_permission, an answer ending with a question →
                       needs_input (against answer → idle), next to when the CLI drew it,
                       and the detector accuracy per vendor, version and state; answers: the real
                       Claude Code on tmux — approving its permission dialog (answer API, wtp approve, dashboard click)
                       → the agent out of the dialog, against the same keystroke typed raw; a paired
                       phone: dialog → Web Push, the notification's Approve → the tool ran;
                       tui: wtp tui with 100 agents — first paint (vs wtp ls), key → repaint, memory;
                       fleet: three daemons on a private PostgreSQL — event → another daemon's view,
                       a task graph claimed by three (vs one alone), PostgreSQL load per agent event;
                       usage: CPU of reading agents' usage per 1,000 turns vs parsing the files alone
                       mcp: a lead's start_agent tool call (stdio, wtp mcp) → the worker's program
                       running, against wtp new through the CLI
                       sessions: memory per idle session at 10 and 50 agents (headless, tmux), one
                       host process per workspace (the default) against one per agent; the total
                       at 10 against ccmanager's (\`node scripts/ensure-cli.mjs ccmanager\` first)
  --vendors <list>     vendors part: which CLIs, default all: ${VENDOR_PROFILES.join(', ')}
                       (one not installed by scripts/ensure-cli.mjs is reported as skipped)
  --vendor-turns <n>   vendors part: recorded turns of each kind per CLI (default ${RUNS.vendorTurns})
  --vendor-warmup <n>  vendors part: unrecorded turns first (default ${RUNS.vendorWarmup})
  --answer-rounds <n>  answers part: measured rounds, each mode once per round (default ${RUNS.answerRounds})
  --answer-warmup <n>  answers part: unrecorded rounds first (default ${RUNS.answerWarmup})
  --contention [n]     then every part again with n busy processes spinning (default twice the
                       cores): each latency figure under contention, against its baseline measured
                       under the same contention and against itself quiet (the "contention" section)
  --contention-nice <k> the busy processes at nice k (0-19), as agents with agents.nice: k
  --help               this text
`;

function parts(argv: string[]): Record<(typeof PARTS)[number], boolean> {
  const i = argv.indexOf('--only');
  if (i < 0) {
    return {
      core: true,
      panes: true,
      states: true,
      git: true,
      tasks: true,
      dashboard: true,
      vendors: true,
      answers: true,
      tui: true,
      fleet: true,
      usage: true,
      sandbox: true,
      mcp: true,
      sessions: true,
    };
  }
  const only = (argv[i + 1] ?? '').split(',');
  const unknown = only.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length > 0 || only.length === 0) {
    throw new Error(`--only takes ${PARTS.join(', ')} (comma-separated), not "${argv[i + 1] ?? ''}"`);
  }
  return {
    core: only.includes('core'),
    panes: only.includes('panes'),
    states: only.includes('states'),
    git: only.includes('git'),
    tasks: only.includes('tasks'),
    dashboard: only.includes('dashboard'),
    vendors: only.includes('vendors'),
    answers: only.includes('answers'),
    tui: only.includes('tui'),
    fleet: only.includes('fleet'),
    usage: only.includes('usage'),
    sandbox: only.includes('sandbox'),
    mcp: only.includes('mcp'),
    sessions: only.includes('sessions'),
  };
}

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    process.stdout.write(USAGE);
    return;
  }
  const run = parts(process.argv.slice(2));
  const vendorRuns = vendorOptions(process.argv.slice(2), VENDOR_PROFILES, {
    turns: RUNS.vendorTurns,
    warmup: RUNS.vendorWarmup,
  });
  const answerRuns = answerOptions(process.argv.slice(2), {
    rounds: RUNS.answerRounds,
    warmup: RUNS.answerWarmup,
  });
  const paths = repoPaths();
  installCleanupHandlers(paths.binWtp);
  const startedAt = new Date();
  const loadBefore = loadavg();
  const busyProcesses = contentionOption(process.argv.slice(2));
  const busyNice = contentionNiceOption(process.argv.slice(2));
  let results: Record<string, BenchResult> = {};
  let contention: Record<string, unknown> | undefined;
  let clockCheck: Awaited<ReturnType<typeof checkClocks>> | null = null;
  let leftoversKilled = 0;
  try {
    await allParts();
    if (busyProcesses !== undefined) {
      // Every figure again, with N busy processes spinning on the cores the whole time.
      const quiet = results;
      results = {};
      progress(`contention: every part again with ${busyProcesses} busy processes`);
      const busy = new BusyLoad(busyProcesses, busyNice);
      await busy.ready();
      await allParts();
      const load = await busy.stop();
      contention = {
        busyProcesses,
        busyNice,
        ...load,
        note:
          `Each latency figure measured again while ${busyProcesses} processes (\`node -e 'for (;;);'\`, ` +
          `at nice ${busyNice}) spin on the ${cpus().length} cores: \`ratio\` is to its own baseline ` +
          'measured under the same contention, `ratioToQuiet` to the same figure measured quiet above.',
        results: contendedFigures(quiet, results),
      };
      results = quiet;
    }
  } finally {
    cleanupAll(paths.binWtp);
  }

  async function allParts(): Promise<void> {
    if (run.core) await core();
    if (run.panes) await panes();
    if (run.states) await states();
    if (run.git) await gitPart();
    if (run.tasks)
      Object.assign(
        results,
        await measureTasks(paths, { sizes: RUNS.taskSizes, mergeSamples: RUNS.taskMerge }),
      );
    if (run.dashboard) {
      Object.assign(
        results,
        await measureDashboard(paths, {
          agents: RUNS.dashboardAgents,
          loads: RUNS.dashboardLoads,
          paints: RUNS.dashboardPaints,
          streamSeconds: RUNS.dashboardStreamSeconds,
          streamRate: RUNS.dashboardStreamRate,
        }),
      );
      // The page figures first, then the event-log queries (a million events written to SQLite).
      Object.assign(
        results,
        await measureStateTimeline(paths.binWtp, RUNS.timelineEvents, RUNS.timelineSamples),
      );
    }
    if (run.vendors) await vendorsPart();
    if (run.answers)
      Object.assign(
        results,
        await measureAnswerLatency(paths, answerRuns, async (r) => [
          await dashboardMode(r),
          await tuiMode(paths, r),
        ]),
      );
    if (run.tui) Object.assign(results, await measureTui(paths, RUNS.tui));
    if (run.fleet) Object.assign(results, await measureFleet(paths, RUNS.fleet));
    if (run.usage) Object.assign(results, await measureUsageReading(paths));
    if (run.sandbox) Object.assign(results, await measureSandbox(paths, RUNS.sandbox));
    if (run.mcp) Object.assign(results, await measureMcpStart(paths, RUNS.mcpStart));
    if (run.sessions) {
      progress(`memory per session at ${RUNS.sessionCounts.join(' and ')} agents, both host designs`);
      Object.assign(results, await measureSessionMemory(paths, RUNS.sessionCounts, RUNS.createConcurrency));
    }
  }

  async function core(): Promise<void> {
    progress('1/5 daemon cold start');
    results['daemon.coldStart'] = await measureColdStart(paths, RUNS.coldStart);

    progress('starting the session daemon (wtp up --detach, headless backend)');
    // Figures 2-5 measure hosts without panes, as when they were first recorded; `auto` would pick
    // tmux wherever it is installed (the pane figures below use tmux explicitly).
    const s = await startSession(paths, 'session', { WTP_BACKEND: CORE_BACKEND });
    clockCheck = await checkClocks(markerFile(s.home, 'clock'), async (argv) => {
      await runTimed(argv[0] ?? 'sh', argv.slice(1), { env: s.env, cwd: s.home, timeoutMs: 5_000 });
    });

    progress('2/5 idle daemon memory (0 agents)');
    Object.assign(results, await measureIdleDaemon(s));
    results['daemon.idle.cpu.0agents'] = await measureDaemonIdleCpu(s, 0);

    progress('3/5 wtp ls --json with 0 agents');
    const ls0 = await measureLs(paths, s, 0, RUNS.ls);
    results['cli.ls.0agents'] = ls0.result;
    if (ls0.cpu) results['cli.ls.cpu.0agents'] = ls0.cpu;
    results['cli.ls.typedOption'] = await measureLsWithOption(paths, s, RUNS.ls);
    results['cli.diffStat'] = await measureDiffStat(paths, s, RUNS.ls);
    results['cli.hook'] = await measureHook(paths, s, RUNS.ls);

    progress('4/5 spawn latency');
    Object.assign(results, spawnFigures(await measureSpawn(paths, s, RUNS.spawn)));

    progress(`5/5 memory with ${RUNS.memoryAgents} idle agents`);
    await createAgents(s, names('idle', 0, RUNS.memoryAgents), ['sleep', '3600'], RUNS.createConcurrency);
    Object.assign(results, await measureWithAgents(s, RUNS.memoryAgents));
    results[`daemon.idle.cpu.${RUNS.memoryAgents}agents`] = await measureDaemonIdleCpu(s, RUNS.memoryAgents);

    progress(`3/5 wtp ls --json with ${RUNS.lsAgents} agents`);
    await createAgents(
      s,
      names('idle', RUNS.memoryAgents, RUNS.lsAgents),
      ['sleep', '3600'],
      RUNS.createConcurrency,
    );
    const lsMany = await measureLs(paths, s, RUNS.lsAgents, RUNS.ls);
    results[`cli.ls.${RUNS.lsAgents}agents`] = lsMany.result;
    if (lsMany.cpu) results[`cli.ls.cpu.${RUNS.lsAgents}agents`] = lsMany.cpu;
    results[`daemon.idle.cpu.${RUNS.lsAgents}agents`] = await measureDaemonIdleCpu(s, RUNS.lsAgents);
    progress(`daemon event-loop delay with ${RUNS.lsAgents} agents (${RUNS.loopDelayWindows} windows)`);
    results['daemon.loopDelay'] = await measureLoopDelay(s, RUNS.lsAgents, RUNS.loopDelayWindows);

    progress('stopping the session (wtp down --stop-agents)');
    leftoversKilled += disposeHome(s.home, paths.binWtp).length;
    if (pidsOfHome(s.home).length > 0) throw new Error(`processes of ${s.home} survived cleanup`);
  }

  async function panes(): Promise<void> {
    progress(`panes 1/3: quad workspace on tmux (${RUNS.quadTmux} runs)`);
    results['layout.quadTmux'] = await measureQuadTmux(paths, RUNS.quadTmux);

    progress(`panes 2/3: keystroke echo through a host in a pane (${RUNS.echo} samples)`);
    results['host.echoLatency'] = await measureEchoLatency(paths, RUNS.echo);

    progress(`panes 3/3: output throughput through a host in a pane (${RUNS.throughput} runs)`);
    results['host.throughput'] = await measureThroughput(paths, RUNS.throughputBytes, RUNS.throughput);
  }

  async function states(): Promise<void> {
    Object.assign(
      results,
      await measureStateLatency(paths, { hookSamples: RUNS.stateHook, screenSamples: RUNS.stateScreen }),
    );
    progress('states 3/3: screen detector accuracy over the regression corpus');
    results['state.detectorAccuracy'] = measureDetectorAccuracy(paths);
    Object.assign(results, await measureTurnVerdicts(paths));
  }

  async function vendorsPart(): Promise<void> {
    Object.assign(results, await measureVendorLatency(paths, vendorRuns));
    if (!run.states) {
      progress('vendors: screen detector accuracy over the regression corpus');
      results['state.detectorAccuracy'] = measureDetectorAccuracy(paths);
    }
  }

  async function gitPart(): Promise<void> {
    Object.assign(
      results,
      await measureGit(paths, {
        worktree: RUNS.gitWorktree,
        radar: RUNS.gitRadar,
        growth: RUNS.gitGrowth,
        daemon: RUNS.gitDaemon,
      }),
    );
  }
  const doc = {
    version: 1,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      platform: process.platform,
      arch: process.arch,
      kernel: release(),
      memTotalMiB: Math.round(totalmem() / 1048576),
      memFreeMiBAtEnd: Math.round(freemem() / 1048576),
      loadavgAtStart: loadBefore.map((x) => Math.round(x * 100) / 100),
      loadavgAtEnd: loadavg().map((x) => Math.round(x * 100) / 100),
      clockCheck,
    },
    runs: {
      startedAt: startedAt.toISOString(),
      durationS: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
      ...RUNS,
      vendorTurns: vendorRuns.turns,
      vendorWarmup: vendorRuns.warmup,
      vendors: vendorRuns.vendors,
      answerRounds: answerRuns.rounds,
      answerWarmup: answerRuns.warmup,
      parts: Object.entries(run)
        .filter(([, on]) => on)
        .map(([part]) => part),
      coreBackend: CORE_BACKEND,
      contention: busyProcesses ?? null,
      leftoverProcessesKilledAtEnd: leftoversKilled,
    },
    results: inReportOrder(results),
    ...(contention ? { contention } : {}),
  };
  process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
}

await main();
