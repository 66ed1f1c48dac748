import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hooks, sleeperAgents, stream } from './dashboard-figures.js';
import { nowMs, processCpuMs, runTimed, sleep, spawnTracked, stopChild } from './proc.js';
import { PtyTerminal } from './pty-terminal.js';
import { TUI_NODE_FLAGS } from './tui-flags.js';
import { latencyBaseline, latencyResult, memoryResult, progress, type BenchResult } from './report.js';
import type { RepoPaths } from './repo-paths.js';
import { disposeHome, makeHome } from './sandbox.js';
import { startSession, type Session } from './session.js';
import { percentile, round } from './stats.js';

export interface TuiRuns {
  agents: number;
  paints: number;
  presses: number;
  /** Hook calls per second streamed while keys are pressed. */
  streamRate: number;
}

const WARMUP = 3;
/** How long the bare Ink app redraws before its memory is read: about as long as the key presses take. */
const INK_FLOOR_MS = 8_000;
/** Characters of output kept while waiting: more than a whole frame (120×40 and its escapes). */
const FRAME_CAP = 64 * 1024;
/** The selection mark as the benchmark reads the PTY's bytes (latin1, one char per byte). */
const MARK = Buffer.from('▸ ').toString('latin1');

/** A recorded Claude Code 2.1.330 screen (120×40, its permission dialog for `npm test`). */
const SCREEN = join(
  'test',
  'fixtures',
  'screens',
  'claude',
  '2.1.330',
  'census-bash-npm-test-default-120.screen',
);
/** Colours the screen's lines take, as a real agent's screen has them (256-colour SGR, some bold). */
const PALETTE = [174, 246, 114, 75, 180, 252];

/**
 * A `claude` stand-in that draws the recorded screen, each line in colour (three SGR runs a line,
 * as dense as Claude Code's own), then sleeps: the TUI's preview has a real screen to show.
 */
function screenClaude(dir: string, root: string): string {
  const text = readFileSync(join(root, SCREEN), 'utf8');
  const body = text
    .slice(text.indexOf('\n---\n') + 5)
    .split('\n')
    .slice(0, 39);
  const sgr = (c: number, bold: boolean) => `\x1b[${bold ? '1;' : ''}38;5;${c}m`;
  const lines = body.map((l, i) => {
    const a = Math.floor(l.length / 3);
    const b = Math.floor((2 * l.length) / 3);
    const c = (k: number) => PALETTE[(i + k) % PALETTE.length] ?? 252;
    return `${sgr(c(0), i % 4 === 0)}${l.slice(0, a)}${sgr(c(1), false)}${l.slice(a, b)}${sgr(c(2), i % 3 === 0)}${l.slice(b)}\x1b[0m`;
  });
  const screen = join(dir, 'screen.ans');
  writeFileSync(screen, `\x1b[H\x1b[2J${lines.join('\r\n')}`);
  const program = join(dir, 'claude');
  writeFileSync(
    program,
    `#!/bin/sh\n[ "$1" = --version ] && { echo "2.1.330 (Claude Code)"; exit 0; }\ncat '${screen}'\nexec sleep 3600\n`,
  );
  chmodSync(program, 0o755);
  return program;
}

/** What a PTY's bytes say once CSI and OSC sequences are taken out (the colour TUI's rows). */
const plain = (text: string): string =>
  text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/\x1b\][^\x07\x1b]*(\x07|\x1b\\)/g, '');

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return round(Number(m?.[1] ?? 0) / 1024, 1);
}

/** Proportional set size: shared pages (node's own code, mapped by every node process) divided among their users. */
function pssMiB(pid: number): number {
  const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
  return round(Number(m?.[1] ?? 0) / 1024, 1);
}

/**
 * `wtp tui` in a PTY of its own (120×40), NO_COLOR so rows are plain text in its bytes, started as
 * users start it: the `wtp` command (bin/wtp, which gives the TUI its V8 flag), on this node.
 */
function startTui(paths: RepoPaths, s: Session, colour = false): PtyTerminal {
  const env: Record<string, string> = {
    ...s.env,
    PATH: `${dirname(process.execPath)}:${s.env.PATH ?? ''}`,
    TERM: 'xterm-256color',
  };
  if (colour) delete env.NO_COLOR;
  else env.NO_COLOR = '1';
  return new PtyTerminal(join(paths.root, 'bin', 'wtp'), ['tui'], { cwd: s.home, env });
}

/**
 * Key presses down the first ten rows and back up (the selection stays in view), each timed from
 * its write to the repaint that shows the new row selected; `colour`: read without the escapes.
 */
async function pressKeys(
  tui: PtyTerminal,
  names: string[],
  presses: number,
  colour: boolean,
): Promise<number[]> {
  const press: number[] = [];
  let at = 0; // the selected row
  for (let i = 0; i < WARMUP + presses; i++) {
    const down = Math.floor(i / 10) % 2 === 0;
    at += down ? 1 : -1;
    const row = names[at] ?? '';
    const selected = new RegExp(`${MARK}[^ ]+ ${row}`);
    const t0 = nowMs();
    tui.write(down ? 'j' : 'k');
    // The repaint that shows the new row selected: its mark, a state icon, then its name.
    const done = await tui.waitFor(
      (text) => selected.test(colour ? plain(text) : text),
      5_000,
      `${row} selected`,
      FRAME_CAP,
    );
    if (i >= WARMUP) press.push(done - t0);
    await sleep(20);
  }
  return press;
}

/** How much of one core (percent) process `pid` used while `work` ran, with what it returned. */
async function cpuDuring<T>(pid: number, work: () => Promise<T>): Promise<[T, number]> {
  const [cpu0, t0] = [processCpuMs(pid), nowMs()];
  const result = await work();
  return [result, round((100 * (processCpuMs(pid) - cpu0)) / (nowMs() - t0), 1)];
}

/** How long the TUI's CPU is read with states streaming and no key pressed. */
const STREAMING_MS = 5_000;

/** A key → a line redrawn by a bare node program: the floor of any key → repaint under this load. */
const ECHO = `process.stdin.setRawMode(true);let n=0;process.stdout.write('ready\\n');process.stdin.on('data',(d)=>{if(d[0]===3)process.exit(0);n++;process.stdout.write('\\x1b[H\\x1b[2Kkey '+n+'.\\n');});`;

async function bareKeyEcho(presses: number): Promise<number[]> {
  const echo = new PtyTerminal(process.execPath, ['-e', ECHO], {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '' },
  });
  const out: number[] = [];
  try {
    await echo.waitFor((t) => t.includes('ready'), 20_000, 'the bare key echo to start');
    for (let i = 1; i <= WARMUP + presses; i++) {
      const t0 = nowMs();
      const done = echo.waitFor((t) => t.includes(`key ${i}.`), 5_000, `bare echo of key ${i}`);
      echo.write('j');
      const at = await done;
      if (i > WARMUP) out.push(at - t0);
      await sleep(20);
    }
  } finally {
    await echo.close();
  }
  return out;
}

/** The first frame with the fleet in it: the last agent's row and the footer were drawn. */
const fullPaint = (last: string) => (text: string) => text.includes(last) && text.includes('q quit');

/**
 * The terminal UI against a fleet of `claude` agents (a shell stand-in drawing a recorded Claude
 * Code screen; their states come from hook calls, as Claude Code's do): start → first full paint
 * (vs `wtp ls`), key press → the repaint that shows the selection moved while states stream in,
 * without colour and with it, and the TUI's memory.
 */
export async function measureTui(paths: RepoPaths, runs: TuiRuns): Promise<Record<string, BenchResult>> {
  const bin = makeHome('tui-bin');
  let s: Session | null = null;
  try {
    s = await startSession(paths, 'tui', {
      WTP_BACKEND: 'headless',
      WTP_CLAUDE_BIN: screenClaude(bin, paths.root),
    });
    const session = s;
    progress(`tui: creating ${runs.agents} agents`);
    const agents = await sleeperAgents(session, runs.agents);
    const names = agents.map((a) => a.name);
    const last = names.at(-1) ?? '';

    progress(`tui 1/3: start → first full paint, ${runs.paints} runs, against \`wtp ls\``);
    const paint: number[] = [];
    const ls: number[] = [];
    for (let i = 0; i < WARMUP + runs.paints; i++) {
      const t0 = nowMs();
      const tui = startTui(paths, session);
      // 38 rows of list: with 100 agents the last one is not on screen; the footer and a row are.
      const at = await tui.waitFor(fullPaint('a-000'), 20_000, 'the TUI to paint the fleet', FRAME_CAP);
      await tui.close();
      const l = await runTimed(process.execPath, [paths.binWtp, 'ls'], {
        env: session.env,
        cwd: session.home,
        timeoutMs: 20_000,
      });
      if (l.code !== 0 || !l.stdout.includes(last)) throw new Error(`wtp ls failed: ${l.stderr}`);
      if (i < WARMUP) continue;
      paint.push(at - t0);
      ls.push(l.ms);
    }

    progress(
      `tui 2/3: key press → repaint, ${runs.presses} presses, states streaming at ${runs.streamRate}/s`,
    );
    const h = await hooks(session);
    const tui = startTui(paths, session);
    await tui.waitFor(fullPaint('a-000'), 20_000, 'the TUI to paint the fleet', FRAME_CAP);
    await sleep(1000);
    const restRss = rssMiB(tui.pid);
    let streaming = true;
    let rate = 0;
    const streamed = (async () => {
      while (streaming) rate = await stream(h, agents, 2, runs.streamRate);
    })();
    const [, cpuStreaming] = await cpuDuring(tui.pid, () => sleep(STREAMING_MS));
    const [press, cpuPresses] = await cpuDuring(tui.pid, () => pressKeys(tui, names, runs.presses, false));
    const rss = rssMiB(tui.pid);
    const pss = pssMiB(tui.pid);
    await tui.close();
    // The same in colour, as a user's terminal has it: the preview draws the agent's screen in SGR.
    progress(`tui 2/3: the same in colour`);
    const coloured = startTui(paths, session, true);
    await coloured.waitFor((t) => fullPaint('a-000')(plain(t)), 20_000, 'the colour TUI to paint', FRAME_CAP);
    await sleep(1000);
    const [, cpuStreamingColour] = await cpuDuring(coloured.pid, () => sleep(STREAMING_MS));
    const [pressColour, cpuPressesColour] = await cpuDuring(coloured.pid, () =>
      pressKeys(coloured, names, runs.presses, true),
    );
    await coloured.close();
    const bare = await bareKeyEcho(runs.presses);
    streaming = false;
    await streamed;

    progress('tui 3/3: memory baselines (a bare Ink app redrawing the screen, an idle node process)');
    const floor = new PtyTerminal(
      process.execPath,
      [...TUI_NODE_FLAGS, join(paths.root, 'bench', 'ink-floor.mjs'), paths.root],
      {
        cwd: paths.root,
        env: { ...process.env, NODE_ENV: 'production', TERM: 'xterm-256color' },
      },
    );
    await floor.waitFor((text) => text.includes('agent-37'), 20_000, 'the bare Ink app to draw', FRAME_CAP);
    await sleep(INK_FLOOR_MS);
    const floorRss = rssMiB(floor.pid);
    await floor.close();
    const idle = spawnTracked(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    await sleep(500);
    const idleRss = rssMiB(idle.pid ?? 0);
    await stopChild(idle, 1_000, 'idle node');

    const p99 = (xs: number[]) => round(percentile(xs, 99), 1);
    progress(
      `tui: first paint p50 ${percentile(paint, 50)} ms; key → repaint p99 ${p99(press)} ms; RSS ${rss} MiB`,
    );
    return {
      'tui.firstPaint': latencyResult({
        samples: paint,
        baseline: latencyBaseline(`\`wtp ls\` with the same ${runs.agents} agents, to its exit`, ls),
        target: { text: 'first paint < 400 ms', below: 400 },
        note: `\`wtp tui\` in a PTY (120×40, NO_COLOR) with ${runs.agents} agents: spawn → the first frame that draws the fleet (the first agent's row and the footer) read from the PTY; the TUI is then stopped and \`wtp ls\` timed to its exit. ${WARMUP} unrecorded runs first.`,
        extra: { p99: p99(paint), baselineP99: p99(ls) },
      }),
      'tui.keyToRepaint': latencyResult({
        samples: press,
        baseline: latencyBaseline(
          'a bare node program in a PTY of the same size (raw mode) that redraws one line per key, at the same time and load',
          bare,
        ),
        target: { text: 'p99 < 50 ms', below: 50, stat: 'p99' },
        note: `A key (j, or k on the way back) written to the TUI's PTY → the first bytes read back that draw the next agent's row selected, with ${runs.agents} agents whose states change ${rate} times a second (hook calls flipping random agents between working and idle). ${runs.presses} presses 20 ms apart, ${WARMUP} unrecorded first; the target is on p99. \`cpuPercentPresses\`: the TUI's CPU (user + system, percent of one core) during the presses; \`cpuPercentStreaming\`: during ${STREAMING_MS / 1000} s before them, states streaming and no key pressed.`,
        extra: {
          p99: p99(press),
          max: round(Math.max(...press), 1),
          baselineP99: p99(bare),
          achievedRatePerS: rate,
          cpuPercentPresses: cpuPresses,
          cpuPercentStreaming: cpuStreaming,
        },
      }),
      'tui.keyToRepaint.colour': latencyResult({
        samples: pressColour,
        baseline: latencyBaseline('the same key presses with NO_COLOR, same run (tui.keyToRepaint)', press),
        target: { text: 'p99 < 50 ms', below: 50, stat: 'p99' },
        note: `As tui.keyToRepaint, in colour (no NO_COLOR): the TUI's rows and the preview's copy of the selected agent's screen carry SGR escapes, read back without them. Every agent draws a recorded Claude Code 2.1.330 screen (${SCREEN}) in 256 colours, then sleeps.`,
        extra: {
          p99: p99(pressColour),
          max: round(Math.max(...pressColour), 1),
          baselineP99: p99(press),
          cpuPercentPresses: cpuPressesColour,
          cpuPercentStreaming: cpuStreamingColour,
        },
      }),
      [`tui.memory.${runs.agents}agents`]: memoryResult({
        values: [rss],
        baseline: {
          name: `a bare Ink app (bench/ink-floor.mjs: Ink and React only, ${TUI_NODE_FLAGS.join(' ')}) redrawing a 120×40 screen of text every 50 ms, after ${INK_FLOOR_MS / 1000} s`,
          value: floorRss,
        },
        target: { text: '< 80 MB RSS', below: 80 * 0.953674 },
        note: `VmRSS of the TUI process (started by the \`wtp\` command, so with ${TUI_NODE_FLAGS.join(' ')}) after the ${runs.presses} key presses, with ${runs.agents} agents listed, the selected agent's preview open and states streaming; \`atRestMiB\`: 1 s after its first full paint, before any key; \`pssMiB\`: its proportional set size then (node's code pages shared with the other node processes counted in part).`,
        extra: { atRestMiB: restRss, pssMiB: pss, idleNodeMiB: idleRss },
      }),
    };
  } finally {
    if (s) disposeHome(s.home, paths.binWtp);
    disposeHome(bin, paths.binWtp);
  }
}
