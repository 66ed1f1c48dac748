import { spawnSync } from 'node:child_process';
import type WebSocket from 'ws';
import type { WtpEvent } from '../src/protocol/events.js';
import { answerModes, RAW_ENTER, type ActionTaken, type AnswerMode } from './answer-modes.js';
import { startPhoneRig, type PhoneMode } from './answer-phone.js';
import {
  maybeStats,
  pairLeave,
  schedule,
  withP99,
  type LeaveOutcome,
  type StateMove,
} from './answer-rounds.js';
import { nowMs, runTimed, sleep, until } from './proc.js';
import type { RepoPaths } from './repo-paths.js';
import { latencyBaseline, latencyResult, progress, type BenchResult } from './report.js';
import { withRigAgent, type RigAgent } from './rig-agent.js';
import { openWs } from './state-latency.js';
import { VENDOR_RIGS, type BenchScript, type Logged, type VendorRig } from './vendor-rigs.js';
import { round } from './stats.js';
import { screenShows, tally, turnMarker } from './vendor-turns.js';

/** CLI start → its first prompt answered and the agent idle. */
const START_MS = 180_000;
/** Prompt typed → the agent in needs_permission with the dialog on its screen. */
const ASK_MS = 60_000;
/** Action → the agent out of the dialog; after this the round counts as missed. */
const LEAVE_MS = 30_000;
/** Out of the dialog → the follow-up answer out and the agent idle again. */
const SETTLE_MS = 60_000;
/** The agent has been idle this long before each prompt. */
const GAP_MS = 300;
/** The dialog has been on screen (checked) this long before the action. */
const QUIET_MS = 300;
const SCREEN_POLL_MS = 50;
const DIGITS = 1;

/** The command the scripted server asks to run in turn `k` (unique: every dialog differs). */
const command = (k: number): string => `echo r${k} > f${k}.txt`;

interface Sample {
  mode: string;
  round: number;
  warmup: boolean;
  taken: ActionTaken;
  outcome: LeaveOutcome;
  /** Action → the tool's result answered by the model server: the tool ran (null: no sample). */
  ranMs: number | null;
}

/** One daemon's rounds: its config (beyond notifications off) and the modes it runs. */
interface RunPlan {
  label: string;
  config: string;
  /** The `notifications:` block, when not off. */
  notifications?: string;
  /** The modes it runs, the baseline first; `extra`: with the extra modes (the dashboard's). */
  modes: (all: AnswerMode[]) => AnswerMode[];
  extra: boolean;
}

/** Hooks held for the user's answer: Claude Code's default on a daemon listening on TCP. */
const HOOK_PLAN: RunPlan = { label: 'answers', config: '', modes: (all) => all, extra: true };
/**
 * The screen path: the same CLI with command hooks (`wtp hook`), which are never held, so every
 * answer reads the dialog and presses its key.
 */
const SCREEN_PLAN: RunPlan = {
  label: 'answers-screen',
  config: 'agents:\n  claudeHooks: command\n',
  modes: (all) => all.filter((m) => m.name === 'rawKey' || m.name === 'cli'),
  extra: false,
};

/** One daemon on tmux, one real Claude Code agent, every mode's rounds interleaved. */
async function runRounds(
  paths: RepoPaths,
  rig: VendorRig,
  o: { rounds: number; warmup: number },
  extraModes: (r: RigAgent) => Promise<AnswerMode[]>,
  plan: RunPlan,
): Promise<{ version: string | null; modes: AnswerMode[]; samples: Sample[] }> {
  /** Which turn each main-loop request body belongs to (the fake logs that very object). */
  const tags = new WeakMap<object, string>();
  const answered = new Map<string, number>();
  /** The turn in flight: its tool result carries no marker. */
  let turn = 0;
  const tag = (body: unknown, t: string): void => {
    if (typeof body === 'object' && body !== null) tags.set(body, t);
  };
  const script: BenchScript = (req) => {
    if (req.hasToolOutput) {
      tag(req.body, `done-${turn}`);
      return { text: 'Done.' };
    }
    const m = turnMarker(req.lastUserText);
    if (m?.kind === 'idle') tag(req.body, 'start');
    if (m?.kind !== 'perm') return { text: 'ok' };
    turn = m.turn;
    return { tool: rig.tool(command(m.turn)) };
  };
  const onAnswered = (logged: Logged): void => {
    const t = typeof logged.body === 'object' && logged.body !== null ? tags.get(logged.body) : undefined;
    if (t !== undefined && logged.answeredAt !== undefined && !answered.has(t))
      answered.set(t, logged.answeredAt);
  };
  const prompt = 'wtpbench-idle-0: answer with one word';
  const rigOptions = {
    label: plan.label,
    script,
    onAnswered,
    prompt,
    config: plan.config,
    ...(plan.notifications === undefined ? {} : { notifications: plan.notifications }),
  };
  return withRigAgent(paths, rig, rigOptions, async (r) => {
    const { session, id, name } = r;
    const events: StateMove[] = [];
    const { latestSeq } = await session.client.call('listEvents', { query: { limit: 1 } });
    const query = { types: 'agent.stateChanged', agent: id, since: latestSeq };
    const ws: WebSocket = await openWs(session, '/api/v1/events', query, 'hello', (data, isBinary, at) => {
      if (isBinary) return;
      const msg = JSON.parse(data.toString('utf8')) as { type: string; event?: WtpEvent };
      if (msg.type !== 'event' || msg.event?.type !== 'agent.stateChanged') return;
      const d = msg.event.data;
      events.push({ at, from: d.from, to: d.to, ...(d.detail.source ? { source: d.detail.source } : {}) });
    });
    const modes: AnswerMode[] = [];
    try {
      const extra = plan.extra ? await extraModes(r) : [];
      modes.push(...plan.modes([...answerModes(paths, session), ...extra]));
      const state = async (): Promise<string> =>
        (await session.client.call('getAgent', { params: { agent: id } })).agent.state;
      const untilIdle = (what: string): Promise<true> =>
        until(async () => ((await state()) === 'idle' ? true : undefined), SETTLE_MS, what);
      const shows = async (needles: string[]): Promise<true | undefined> => {
        const scr = await session.client.call('getScreen', { params: { agent: id } });
        return screenShows(scr.lines, needles) ? true : undefined;
      };
      /** A failed wait names the screen it was stuck on (the run stops there). */
      const stuck = async (err: unknown): Promise<never> => {
        const scr = await session.client.call('getScreen', { params: { agent: id } }).catch(() => null);
        const lines = scr ? scr.lines.filter((l) => l.trim() !== '').slice(-12) : ['(no screen)'];
        const why = err instanceof Error ? err.message : String(err);
        throw new Error(`${why}; state ${await state().catch(() => '?')}; screen ends:\n${lines.join('\n')}`);
      };

      await until(() => answered.get('start'), START_MS, 'claude: the start prompt answered').catch(stuck);
      await untilIdle('claude: idle after the start prompt').catch(stuck);

      const byName = new Map(modes.map((m) => [m.name, m]));
      const samples: Sample[] = [];
      const slots = schedule(
        modes.map((m) => m.name),
        o.warmup,
        o.rounds,
      );
      for (const [i, slot] of slots.entries()) {
        const k = i + 1;
        const mode = byName.get(slot.mode) as AnswerMode;
        await untilIdle(`claude: idle before turn ${k}`).catch(stuck);
        await sleep(GAP_MS);
        const promptAt = nowMs();
        await session.client.call('sendInput', {
          params: { agent: id },
          body: { text: `wtpbench-perm-${k}: run the command`, enter: true },
        });
        const asking = (): true | undefined =>
          events.some((e) => e.at >= promptAt && e.to === 'needs_permission') ? true : undefined;
        await until(asking, ASK_MS, `claude: needs_permission in turn ${k}`).catch(stuck);
        // The dialog drawn, as the answerer checks it (the screen the daemon reads).
        await until(
          () => shows([rig.dialog, command(k)]),
          ASK_MS,
          `the dialog of turn ${k}`,
          SCREEN_POLL_MS,
        ).catch(stuck);
        const readyAt = nowMs();
        await sleep(QUIET_MS);
        const taken = await mode.act({ id, name });
        const left = (): true | undefined =>
          events.some((e) => e.at >= taken.sentAt && e.from === 'needs_permission') ? true : undefined;
        if (taken.failed === undefined) await until(left, LEAVE_MS, 'left').catch(() => undefined);
        const outcome = pairLeave({ readyAt, sentAt: taken.sentAt, events });
        if (outcome.kind !== 'ok' && (await state()) === 'needs_permission') {
          // Not a sample: the dialog is approved by hand so that the next turn can start.
          await session.client.call('sendInput', { params: { agent: id }, body: { ...RAW_ENTER } });
        }
        await until(() => answered.get(`done-${k}`), SETTLE_MS, `claude: the follow-up of turn ${k}`).catch(
          stuck,
        );
        const ran = answered.get(`done-${k}`);
        const ranMs = outcome.kind === 'ok' && ran !== undefined ? ran - taken.sentAt : null;
        samples.push({ ...slot, taken, outcome, ranMs });
        progress(
          `answers: round ${slot.round}${slot.warmup ? ' (warm-up)' : ''} ${slot.mode}: ${brief(taken, outcome)}`,
        );
      }
      return { version: r.version, modes, samples };
    } finally {
      ws.close();
      for (const m of modes) await m.close?.();
    }
  });
}

function brief(t: ActionTaken, o: LeaveOutcome): string {
  const end = t.doneAt === undefined ? '' : `, action ended ${(t.doneAt - t.sentAt).toFixed(0)} ms`;
  const own = t.answererMs === undefined ? '' : `, answerer ${t.answererMs} ms`;
  if (t.failed !== undefined) return `FAILED ${t.failed}`;
  if (o.kind === 'ok') return `left for ${o.to} after ${o.ms.toFixed(0)} ms (${o.source}${end}${own})`;
  return o.kind === 'early'
    ? `left before the action (for ${o.to}): no sample`
    : 'MISSED: never left the dialog';
}

const NOTE =
  'Real pinned Claude Code (scripts/cli-pins.mjs, bench/vendor-rigs.ts) as a wtp `claude` agent (permission ' +
  'mode default) on tmux, one daemon in a temp WTP_HOME, notifications off, offline against the tests’ ' +
  'scripted Messages API (test/support/fake-anthropic.ts). Each turn the benchmark types a prompt (API ' +
  `sendInput) after the agent has been idle ${GAP_MS} ms; the server asks for a Bash command unique to the ` +
  'turn (`echo rK > fK.txt`); once the agent is in needs_permission (its events WebSocket) and the dialog ' +
  '(“Do you want to proceed?” and the command) shows on the screen the daemon reads (getScreen), it is left ' +
  `${QUIET_MS} ms, then approved by the mode; after approval the server answers “Done.” and the agent is idle ` +
  'again. Sample = the action’s start (performance.timeOrigin + now(): request sent, process spawned) → arrival ' +
  'of the agent.stateChanged out of needs_permission on a WebSocket subscribed to /api/v1/events (same process, ' +
  'same clock). The modes run round by round, interleaved, starting one mode further each round; warm-up rounds ' +
  'first. A round whose agent left the dialog before the action (early), never left it (missed) or whose action ' +
  'was refused is no sample; the dialog is then approved by hand. extra.failed must be 0.';

function figure(
  mode: AnswerMode,
  base: { mode: AnswerMode; samples: Sample[] },
  samples: Sample[],
  o: { version: string | null; rounds: number; warmup: number },
): BenchResult {
  const oks = (xs: Sample[]): number[] => xs.flatMap((s) => (s.outcome.kind === 'ok' ? [s.outcome.ms] : []));
  const counts = (xs: Sample[]): Record<string, number> => ({
    failed: xs.filter((s) => s.taken.failed !== undefined).length,
    early: xs.filter((s) => s.outcome.kind === 'early').length,
    missed: xs.filter((s) => s.taken.failed === undefined && s.outcome.kind === 'missed').length,
  });
  const ok = oks(samples);
  const baseOk = oks(base.samples);
  const ended = samples.flatMap((s) =>
    s.taken.doneAt === undefined ? [] : [s.taken.doneAt - s.taken.sentAt],
  );
  const own = samples.flatMap((s) => (s.taken.answererMs === undefined ? [] : [s.taken.answererMs]));
  const extra = {
    claudeCode: o.version,
    rounds: o.rounds,
    warmupRounds: o.warmup,
    p99: ok.length > 0 ? withP99(ok, DIGITS).p99 : null,
    baselineP99: baseOk.length > 0 ? withP99(baseOk, DIGITS).p99 : null,
    ...counts(samples),
    failures: tally(samples.flatMap((s) => (s.taken.failed === undefined ? [] : [s.taken.failed]))),
    baselineCounts: counts(base.samples),
    actionEnded: maybeStats(ended, DIGITS),
    answererMs: maybeStats(own, 0),
    leftFor: tally(samples.flatMap((s) => (s.outcome.kind === 'ok' ? [s.outcome.to] : []))),
    signals: tally(samples.flatMap((s) => (s.outcome.kind === 'ok' ? [s.outcome.source] : []))),
    baselineSignals: tally(base.samples.flatMap((s) => (s.outcome.kind === 'ok' ? [s.outcome.source] : []))),
  };
  const note = `Mode ${mode.name}: ${mode.what} → agent.stateChanged out of needs_permission. Baseline: ${base.mode.what}. extra.actionEnded = the action’s own end (response, process exit); extra.answererMs = the answerer’s own ms (AnswerResult.ms). ${NOTE}`;
  if (ok.length === 0)
    return { value: Number.NaN, unit: 'ms', samples: 0, failed: 'no round left the dialog', note, extra };
  return latencyResult({
    samples: ok,
    digits: DIGITS,
    ...(baseOk.length > 0 ? { baseline: latencyBaseline(base.mode.what, baseOk, DIGITS) } : {}),
    note,
    extra,
  });
}

/** A bare Node.js process start to its exit, `n` times: what any `wtp` command costs at least. */
async function bareNodeStarts(n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++)
    out.push(
      (
        await runTimed(process.execPath, ['-e', ''], {
          // The environment the CLI runs with (the session's is this one and its WTP_* names): a
          // variable node reads at its start (NODE_EXTRA_CA_CERTS: ~30 ms here) counts for both.
          env: Object.fromEntries(
            Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined),
          ),
          cwd: process.cwd(),
          timeoutMs: 10_000,
        })
      ).ms,
    );
  return out;
}

/**
 * `wtp approve` (a process each time) against the approve key in a running `wtp tui`, in the same
 * rounds: the goal is at most 1.5 times the TUI's time.
 */
function cliAgainstTui(
  of: (m: AnswerMode) => Sample[],
  modes: AnswerMode[],
  nodeStarts: number[],
  o: { version: string | null; rounds: number; warmup: number },
): BenchResult | null {
  const cli = modes.find((m) => m.name === 'cli');
  const tui = modes.find((m) => m.name === 'tui');
  if (!cli || !tui) return null;
  const oks = (xs: Sample[]): number[] => xs.flatMap((s) => (s.outcome.kind === 'ok' ? [s.outcome.ms] : []));
  const c = oks(of(cli));
  const t = oks(of(tui));
  const note = `\`wtp approve <agent>\` run as a process → agent.stateChanged out of needs_permission, against the approve key in a \`wtp tui\` that runs all along, same rounds. Goal: at most 1.5× the TUI's p50. ${NOTE}`;
  if (c.length === 0 || t.length === 0)
    return { value: Number.NaN, unit: 'ms', samples: 0, failed: 'no round left the dialog', note };
  const base = latencyBaseline(tui.what, t, DIGITS);
  const node = latencyBaseline(
    '`node -e ""` to its exit: a bare Node.js start, the floor of any command run as a Node process',
    nodeStarts,
    DIGITS,
  );
  const result = latencyResult({
    samples: c,
    digits: DIGITS,
    baseline: base,
    target: {
      text: `p50 at most 1.5× the TUI's (${round(base.value * 1.5, 1)} ms)`,
      below: base.value * 1.5,
    },
    note,
    extra: {
      claudeCode: o.version,
      rounds: o.rounds,
      warmupRounds: o.warmup,
      tuiP99: withP99(t, DIGITS).p99,
    },
  });
  return { ...result, otherBaselines: [{ ...node, ratio: round(result.value / node.value, 2) }] };
}

/**
 * Part `answers`: approving a real Claude Code's permission dialog — `answers.<mode>` for each
 * mode after the first (api, cli, and any `extraModes`), against the first (`rawKey`: the same
 * keystroke sent raw) measured in the same rounds. A missing CLI or tmux is reported as skipped.
 */
export async function measureAnswerLatency(
  paths: RepoPaths,
  o: { rounds: number; warmup: number },
  extraModes: (r: RigAgent) => Promise<AnswerMode[]> = () => Promise.resolve([]),
): Promise<Record<string, BenchResult>> {
  const rig = VENDOR_RIGS.find((x) => x.profile === 'claude') as VendorRig;
  const notMeasured = (key: string, why: string, failed: boolean): Record<string, BenchResult> => {
    progress(`answers ${failed ? 'failed' : 'skipped'}: ${why}`);
    const r: BenchResult = { value: Number.NaN, unit: 'ms', samples: 0, note: 'Not measured.' };
    return { [key]: failed ? { ...r, failed: why } : { ...r, skipped: why } };
  };
  if (spawnSync('tmux', ['-V']).status !== 0)
    return notMeasured('answers', 'tmux is not installed (the answers part runs Claude Code on tmux)', false);
  try {
    rig.binary();
  } catch (err) {
    return notMeasured('answers', err instanceof Error ? err.message : String(err), false);
  }
  progress(`answers: real Claude Code on tmux, ${o.warmup} warm-up + ${o.rounds} rounds of each mode`);
  try {
    const run = await runRounds(paths, rig, o, extraModes, HOOK_PLAN);
    const measured = run.samples.filter((s) => !s.warmup);
    const of = (m: AnswerMode): Sample[] => measured.filter((s) => s.mode === m.name);
    const [baseMode, ...others] = run.modes as [AnswerMode, ...AnswerMode[]];
    const base = { mode: baseMode, samples: of(baseMode) };
    const results: Record<string, BenchResult> = {};
    for (const m of others) {
      const f = figure(m, base, of(m), { version: run.version, ...o });
      results[`answers.${m.name}`] = f;
      progress(
        `answers: ${m.name} p50 ${f.value} ms p99 ${String(f.extra?.p99)} ms vs raw key p50 ${f.baseline?.value} ms p99 ${String(f.extra?.baselineP99)} ms`,
      );
    }
    const cliTui = cliAgainstTui(of, run.modes, await bareNodeStarts(o.rounds), {
      version: run.version,
      ...o,
    });
    if (cliTui) {
      results['answers.cliVsTui'] = cliTui;
      progress(
        `answers: wtp approve p50 ${cliTui.value} ms vs the TUI's key p50 ${cliTui.baseline?.value} ms`,
      );
    }
    progress('answers: the same CLI with command hooks (never held): the screen path');
    const screen = await runRounds(paths, rig, o, extraModes, SCREEN_PLAN);
    const cliOf = (xs: Sample[]): Sample[] => xs.filter((s) => !s.warmup && s.mode === 'cli');
    const f = ranFigure(cliOf(run.samples), cliOf(screen.samples), { version: run.version, ...o });
    results['answers.toolRan'] = f;
    progress(
      `answers: tool ran after wtp approve p50 ${f.value} ms (hook) vs ${f.baseline?.value} ms (screen)`,
    );
    Object.assign(results, await phoneFigures(paths, rig, o));
    return results;
  } catch (err) {
    return notMeasured('answers', err instanceof Error ? err.message : String(err), true);
  }
}

/**
 * `wtp approve` → the tool ran (its result answered by the model server), through the permission
 * hook held for the answer, against the same command on a daemon whose hooks are never held (the
 * screen: the dialog read, then Enter pressed). Two daemons, one after the other, in the same run.
 */
function ranFigure(
  hook: Sample[],
  screen: Sample[],
  o: { version: string | null; rounds: number; warmup: number },
): BenchResult {
  const ran = (xs: Sample[]): number[] => xs.flatMap((s) => (s.ranMs === null ? [] : [s.ranMs]));
  const channels = (xs: Sample[]): Record<string, number> =>
    tally(xs.flatMap((s) => (s.taken.channel === undefined ? [] : [s.taken.channel])));
  const extra = {
    claudeCode: o.version,
    rounds: o.rounds,
    warmupRounds: o.warmup,
    p99: ran(hook).length > 0 ? withP99(ran(hook), DIGITS).p99 : null,
    baselineP99: ran(screen).length > 0 ? withP99(ran(screen), DIGITS).p99 : null,
    channels: channels(hook),
    baselineChannels: channels(screen),
    noSample: hook.length - ran(hook).length,
    baselineNoSample: screen.length - ran(screen).length,
  };
  const note =
    '`wtp approve <agent>` (a process) → the scripted server answered the request that carries the tool’s ' +
    'result (the command ran, and Claude Code sent its output): through the PermissionRequest hook the daemon ' +
    'holds (agents.claudeHooks auto, http). Baseline: the same, on a second daemon with command hooks, which ' +
    'are never held, so the answer reads the dialog on the screen and presses Enter. The two daemons run one ' +
    'after the other in the same bench run, each with its own agent; extra.channels must be all hook and ' +
    `extra.baselineChannels all screen. ${NOTE}`;
  if (ran(hook).length === 0 || ran(screen).length === 0)
    return { value: Number.NaN, unit: 'ms', samples: 0, failed: 'no round ran its tool', note, extra };
  return latencyResult({
    samples: ran(hook),
    digits: DIGITS,
    baseline: latencyBaseline('the screen path (command hooks, not held)', ran(screen), DIGITS),
    note,
    extra,
  });
}

/**
 * A paired phone (`wtp remote`): the dialog → its push, and the notification's Approve → the tool
 * ran, against the raw key in the same rounds, on a third daemon whose only channel is Web Push.
 */
async function phoneFigures(
  paths: RepoPaths,
  rig: VendorRig,
  o: { rounds: number; warmup: number },
): Promise<Record<string, BenchResult>> {
  progress('answers: a paired phone, pushed each dialog, approving from the notification');
  const phone = await startPhoneRig();
  try {
    let mode: PhoneMode | null = null;
    const plan: RunPlan = {
      label: 'answers-phone',
      config: '',
      notifications: phone.notifications,
      modes: (all) => all.filter((m) => m.name === 'rawKey' || m.name === 'phone'),
      extra: true,
    };
    const run = await runRounds(paths, rig, o, async (r) => [(mode = await phone.mode(r))], plan);
    const of = (name: string): number[] =>
      run.samples.flatMap((s) => (!s.warmup && s.mode === name && s.ranMs !== null ? [s.ranMs] : []));
    const [tapped, raw] = [of('phone'), of('rawKey')];
    const pushed = (mode as PhoneMode | null)?.pushFigure();
    const note = `The notification’s Approve (${(mode as PhoneMode | null)?.what ?? 'phone'}) → the scripted server answered the request carrying the tool’s result (the command ran). Baseline: the same keystroke typed raw (mode rawKey) in the same rounds. ${NOTE}`;
    const extra = {
      claudeCode: run.version,
      rounds: o.rounds,
      warmupRounds: o.warmup,
      p99: maybeStats(tapped, DIGITS)?.p99 ?? null,
    };
    const ran: BenchResult =
      tapped.length === 0 || raw.length === 0
        ? { value: Number.NaN, unit: 'ms', samples: 0, failed: 'no round ran its tool', note, extra }
        : latencyResult({
            samples: tapped,
            digits: DIGITS,
            baseline: latencyBaseline('the raw key', raw, DIGITS),
            note,
            extra,
          });
    progress(
      `answers: phone push p50 ${pushed?.value} ms; tap → tool ran p50 ${ran.value} ms vs raw key ${ran.baseline?.value} ms`,
    );
    return {
      'remote.pushAfterDialog': pushed ?? {
        value: Number.NaN,
        unit: 'ms',
        samples: 0,
        failed: 'no phone mode',
        note,
      },
      'remote.approveToToolRan': ran,
    };
  } finally {
    await phone.close();
  }
}
