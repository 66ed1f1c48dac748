import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { hookToken } from '../src/interfaces/server/auth.js';
import {
  armPaint,
  CHROMIUM,
  firstLoad,
  launchChromium,
  longTasks,
  pageMemory,
  paintedAt,
  signedInContext,
  staticLoad,
  watchLongTasks,
} from './dashboard-page.js';
import { mapLimit, nowMs, sleep } from './proc.js';
import type { RepoPaths } from './repo-paths.js';
import { latencyBaseline, latencyResult, progress, ratio, type BenchResult } from './report.js';
import { disposeHome, makeHome } from './sandbox.js';
import { startSession, type Session } from './session.js';
import { stateEvents } from './state-latency.js';
import { percentile, round, summarize } from './stats.js';

export interface DashboardRuns {
  agents: number;
  loads: number;
  paints: number;
  streamSeconds: number;
  /** Hook calls per second while streaming (each flips one agent between working and idle). */
  streamRate: number;
}

const WARMUP = 5;
const PAINT_TIMEOUT_MS = 10_000;

/**
 * A `claude` program for many agents at once: answers `--version` like Claude Code 2.1.330 and
 * otherwise sleeps, so its state comes from the hooks the benchmark posts (a shell, not Node: a
 * hundred of them cost little).
 */
export function sleeperClaude(dir: string): string {
  const program = join(dir, 'claude');
  writeFileSync(
    program,
    '#!/bin/sh\n[ "$1" = --version ] && { echo "2.1.330 (Claude Code)"; exit 0; }\nexec sleep 3600\n',
  );
  chmodSync(program, 0o755);
  return program;
}

/** `n` `claude` agents named a-000, a-001, … running the sleeper (their states come from hooks). */
export function sleeperAgents(s: Session, n: number): Promise<{ id: string; name: string }[]> {
  const names = Array.from({ length: n }, (_, i) => `a-${String(i).padStart(3, '0')}`);
  return mapLimit(names, 4, async (name) => {
    const { agent } = await s.client.call('createAgent', {
      body: {
        profile: 'claude',
        cwd: s.home,
        name,
        wait: true,
        env: { CLAUDE_CONFIG_DIR: join(s.home, 'claude') },
      },
    });
    return { id: agent.id, name: agent.name };
  });
}

export interface Hooks {
  post(agentId: string, working: boolean): Promise<void>;
}

/** Hook calls as Claude Code makes them: UserPromptSubmit → working, Stop → idle. */
export async function hooks(s: Session): Promise<Hooks & { origin: string }> {
  const status = await s.client.call('status');
  if (status.api.tcp === null) throw new Error('the daemon does not listen on TCP');
  const apiToken = readFileSync(status.api.tokenFile, 'utf8').trim();
  const origin = status.api.tcp;
  return {
    origin,
    async post(agentId, working) {
      const res = await fetch(`${origin}/api/v1/hooks/${encodeURIComponent(agentId)}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${hookToken(apiToken, agentId)}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ hook_event_name: working ? 'UserPromptSubmit' : 'Stop', session_id: 'bench' }),
        signal: AbortSignal.timeout(5_000),
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`hook answered ${res.status}`);
    },
  };
}

/** The session cookie a one-time link sets, read from a context that followed it. */
export async function sessionCookie(browser: Browser, s: Session): Promise<{ name: string; value: string }> {
  const { url } = await s.client.call('dashboardLink');
  const ctx = await browser.newContext();
  try {
    const page = await ctx.newPage();
    await page.goto(url);
    const c = (await ctx.cookies()).find((x) => x.name.startsWith('wtp_session_'));
    if (!c) throw new Error('the sign-in link set no session cookie');
    return { name: c.name, value: c.value };
  } finally {
    await ctx.close();
  }
}

/** `loads` cold first loads (a fresh context each) of the dashboard and of the static floor. */
async function loads(
  browser: Browser,
  origin: string,
  cookie: { name: string; value: string },
  n: number,
  agents: number,
) {
  const dash: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < n; i++) {
    const ctx = await signedInContext(browser, origin, cookie);
    try {
      const page = await ctx.newPage();
      floor.push(await staticLoad(page, origin));
      const fresh = await ctx.newPage(); // the static page warmed nothing the dashboard uses
      dash.push(await firstLoad(fresh, `${origin}/dashboard/`, agents));
    } finally {
      await ctx.close();
    }
  }
  return { dash, floor };
}

async function paintFigure(
  page: Page,
  s: Session,
  h: Hooks,
  agents: { id: string; name: string }[],
  n: number,
) {
  const paint: number[] = [];
  const event: number[] = [];
  // The first rows are on screen (the list is virtualised: rows further down are not in the DOM).
  const onScreen = agents.slice(0, 10);
  const working = new Map<string, boolean>();
  for (let i = 0; i < WARMUP + n; i++) {
    const a = onScreen[i % onScreen.length];
    if (!a) throw new Error('no agents on screen');
    const to = !(working.get(a.id) ?? false);
    working.set(a.id, to);
    const events = await stateEvents(s, a.id);
    try {
      const arrived = events.to.arm(
        (e) => e.type === 'agent.stateChanged' && e.data.to === (to ? 'working' : 'idle'),
        `${a.name}`,
      );
      await armPaint(page, a.name, to ? 'working' : 'idle');
      const t0 = nowMs();
      await h.post(a.id, to);
      const [at, painted] = await Promise.all([arrived, paintedAt(page, PAINT_TIMEOUT_MS)]);
      if (i < WARMUP) continue;
      paint.push(painted - t0);
      event.push(at - t0);
    } finally {
      events.ws.close();
    }
  }
  return { paint, event };
}

/** Flips random agents between working and idle at `rate` hook calls per second for `seconds`. */
export async function stream(
  h: Hooks,
  agents: { id: string }[],
  seconds: number,
  rate: number,
): Promise<number> {
  const end = nowMs() + seconds * 1000;
  const working = new Map<string, boolean>();
  let sent = 0;
  while (nowMs() < end) {
    const a = agents[Math.floor(Math.random() * agents.length)];
    if (!a) break;
    const to = !(working.get(a.id) ?? false);
    working.set(a.id, to);
    const t = nowMs();
    await h.post(a.id, to);
    sent++;
    await sleep(Math.max(0, 1000 / rate - (nowMs() - t)));
  }
  return round(sent / seconds, 1);
}

const stats99 = (xs: number[]) => ({ ...summarize(xs, 1), p99: round(percentile(xs, 99), 1) });

/**
 * The dashboard in Debian's Chromium (playwright-core): state change → paint, first load, and the
 * page's memory with many agents streaming state changes. Agents are `claude` profile agents whose
 * program is a shell stand-in; their states come from hook calls, as Claude Code's do.
 */
export async function measureDashboard(
  paths: RepoPaths,
  runs: DashboardRuns,
): Promise<Record<string, BenchResult>> {
  if (!existsSync(CHROMIUM))
    throw new Error(`the dashboard figures need Debian's Chromium at ${CHROMIUM} (apt-get install chromium)`);
  const bin = makeHome('dash-bin');
  let s: Session | null = null;
  let browser: Browser | null = null;
  try {
    s = await startSession(paths, 'dashboard', {
      WTP_BACKEND: 'headless',
      WTP_CLAUDE_BIN: sleeperClaude(bin),
    });
    const h = await hooks(s);
    browser = await launchChromium();
    const cookie = await sessionCookie(browser, s);

    progress(`dashboard 1/4: first load with 0 agents (${runs.loads} cold loads)`);
    const empty = await loads(browser, h.origin, cookie, runs.loads, 0);
    const idlePage = await (await signedInContext(browser, h.origin, cookie)).newPage();
    await firstLoad(idlePage, `${h.origin}/dashboard/`, 0);
    await sleep(3_000);
    const memEmpty = await pageMemory(idlePage);
    await idlePage.context().close();

    progress(`dashboard: creating ${runs.agents} agents`);
    const agents = await sleeperAgents(s, runs.agents);

    progress(`dashboard 2/4: first load with ${runs.agents} agents (${runs.loads} cold loads)`);
    const full = await loads(browser, h.origin, cookie, runs.loads, runs.agents);

    progress(`dashboard 3/4: state change → paint (${runs.paints} samples)`);
    const page = await (await signedInContext(browser, h.origin, cookie)).newPage();
    await firstLoad(page, `${h.origin}/dashboard/`, runs.agents);
    const p = await paintFigure(page, s, h, agents, runs.paints);

    progress(`dashboard 4/4: page memory with ${runs.agents} agents streaming for ${runs.streamSeconds} s`);
    const before = await pageMemory(page);
    await watchLongTasks(page);
    const rate = await stream(h, agents, runs.streamSeconds, runs.streamRate);
    const jank = await longTasks(page);
    const after = await pageMemory(page);
    const rows = await page.locator('[data-testid="agent"]').count();
    await page.context().close();

    const ps = stats99(p.paint);
    const es = stats99(p.event);
    progress(
      `dashboard: paint p50 ${ps.p50} ms p99 ${ps.p99} ms; event p50 ${es.p50} ms; heap ${after.heapMiB} MiB`,
    );
    const load = (xs: number[], floor: number[], n: number): BenchResult =>
      latencyResult({
        samples: xs,
        baseline: latencyBaseline(
          'the daemon’s static sign-in-refused page (HTML, no script), loaded in the same fresh context: the floor of any page',
          floor,
        ),
        note: `Cold first load of /dashboard/ with ${n} agents: a fresh browser context each time (empty HTTP cache) holding the session cookie; navigation start → the first animation frame where the Fleet tab counts ${n}, ${n === 0 ? 'the empty message shows' : 'rows are rendered'} and the event stream says live (page.waitForFunction polling on requestAnimationFrame, the page's own performance.now()).`,
      });
    return {
      'dashboard.stateToPaint': latencyResult({
        samples: p.paint,
        baseline: latencyBaseline(
          'the same hook → agent.stateChanged on a Node WebSocket client of /api/v1/events (measured in the same iteration)',
          p.event,
        ),
        note: `Hook POST (UserPromptSubmit/Stop of a claude agent, ${runs.agents} agents in the fleet) → the page has produced the frame showing the new state: a MutationObserver armed in the page before the POST sees the row's state badge change (React commits it in a task of its own), and a task queued (MessageChannel) from the next requestAnimationFrame callback — once the frame showing the change has been rendered — takes performance.timeOrigin + now(); the benchmark takes its own timeOrigin + now() just before fetch() (one machine, one wall clock). ${WARMUP} unrecorded samples first; agents among the first ten rows (on screen).`,
        extra: { p99: ps.p99, baselineP99: es.p99 },
      }),
      'dashboard.firstLoad.0agents': load(empty.dash, empty.floor, 0),
      [`dashboard.firstLoad.${runs.agents}agents`]: load(full.dash, full.floor, runs.agents),
      [`dashboard.memory.${runs.agents}agents`]: {
        value: after.heapMiB,
        unit: 'MiB',
        baseline: { name: 'the same page with 0 agents, 3 s after it loaded', value: memEmpty.heapMiB },
        ratio: ratio(after.heapMiB, memEmpty.heapMiB),
        samples: 1,
        note: `JS heap in use (CDP Performance.getMetrics JSHeapUsedSize after HeapProfiler.collectGarbage) of a dashboard page showing ${runs.agents} agents after ${runs.streamSeconds} s of state changes streamed at ${rate} hook calls/s (each flips a random agent between working and idle). Long tasks (main-thread work over 50 ms) during the stream were counted with a PerformanceObserver.`,
        extra: {
          heapBeforeStreamMiB: before.heapMiB,
          domNodes: after.nodes,
          domNodesEmpty: memEmpty.nodes,
          rowsInDom: rows,
          achievedRatePerS: rate,
          longTasks: jank,
        },
      },
    };
  } finally {
    await browser?.close();
    if (s) disposeHome(s.home, paths.binWtp);
    disposeHome(bin, paths.binWtp);
  }
}
