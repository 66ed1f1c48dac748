import { spawnSync } from 'node:child_process';
import type WebSocket from 'ws';
import type { WtpEvent } from '../src/protocol/events.js';
import { nowMs, sleep, until } from './proc.js';
import type { RepoPaths } from './repo-paths.js';
import { latencyBaseline, latencyResult, progress, ratio, type BenchResult } from './report.js';
import { XtermScreen } from '../src/adapters/terminal/xterm-screen.js';
import { openWs } from './state-latency.js';
import { withRigAgent } from './rig-agent.js';
import { VENDOR_RIGS, type BenchScript, type Logged, type VendorRig } from './vendor-rigs.js';
import {
  pairTurn,
  spread,
  tally,
  turnMarker,
  screenShows,
  type StateArrival,
  type TurnKind,
  type TurnOutcome,
} from './vendor-turns.js';
import { PROFILES } from '../src/vendors/registry.js';

/** The scripted server waits this long before each measured answer: the CLI shows it is working. */
const THINK_MS = 1_000;
/** The agent has been idle this long before each prompt (its screen is quiet). */
const GAP_MS = 500;
/** CLI start → its first prompt answered and the agent idle (OpenCode took 53 s under load). */
const START_MS = 180_000;
/** Prompt typed → the scripted answer went out. */
const ANSWER_MS = 60_000;
/** Answer out → the state event; after this the turn counts as missed. */
const STATE_MS = 30_000;
/** The state event → the CLI's drawing of the answer, when that was not seen yet. */
const DRAWN_MS = 5_000;
/** Approval → the follow-up answer out and the agent idle again. */
const SETTLE_MS = 60_000;
const DIGITS = 1;

export const VENDOR_PROFILES = VENDOR_RIGS.map((r) => r.profile);

/**
 * The agent's screen as a terminal shows it: its output (pty WebSocket, from a snapshot on) fed to
 * the host's own emulator (@xterm/headless). A watch gets the arrival time of the output chunk
 * after which every needle is on the screen (diff renderers such as ratatui, opentui or ink draw
 * only the cells that change, often between other updates, so the bytes alone do not show it).
 */
class ScreenWatch {
  private term: XtermScreen | null = null;
  private watch: { needles: string[]; at: number | null } | null = null;
  private queue: Promise<void> = Promise.resolve();

  /** A text message of the pty WebSocket (`snapshot`, `size`). */
  control(msg: { type: string; data?: string; cols?: number; rows?: number }): void {
    if (msg.type === 'snapshot' && msg.cols !== undefined && msg.rows !== undefined) {
      this.term = new XtermScreen(msg.cols, msg.rows, 0, 0);
      this.term.write(new TextEncoder().encode(msg.data ?? ''), 0);
    } else if (msg.type === 'size' && msg.cols !== undefined && msg.rows !== undefined) {
      this.term?.resize(msg.cols, msg.rows);
    }
  }

  /** Output bytes that arrived at `at`; checked once the emulator has parsed them (in order). */
  output(data: Buffer, at: number): void {
    const term = this.term;
    if (!term) return;
    term.write(data, 0);
    this.queue = this.queue.then(async () => {
      await term.settled();
      const w = this.watch;
      if (w && w.at === null && screenShows(term.screen().lines, w.needles)) w.at = at;
    });
  }

  /** The returned record gets `at` once every needle shows on the screen. */
  reset(needles: readonly string[]): { at: number | null } {
    const w = { needles: [...needles], at: null };
    this.watch = w;
    return w;
  }

  dispose(): void {
    this.term?.dispose();
  }
}

interface VendorRun {
  version: string | null;
  idle: TurnOutcome[];
  perm: TurnOutcome[];
  /** Turns that end with a plain-text question (issue 36); empty for a CLI whose turn ends are not read. */
  ask: TurnOutcome[];
}

/** The question an `ask` turn's answer ends with (the rules read it as one: final-question). */
const ASKED = 'Which one should I use, Postgres or SQLite?';

/** One vendor: its scripted server, one daemon on tmux, one agent, the turns. */
async function runVendor(
  paths: RepoPaths,
  rig: VendorRig,
  turns: number,
  warmup: number,
): Promise<VendorRun> {
  // A fresh random word per turn: a diff renderer skips cells that already hold the same character,
  // so a word sharing letters with the previous turn's (drawn at the same place) may never show whole.
  const tokens = new Map<string, string>();
  const token = (kind: TurnKind, turn: number): string => {
    const key = `${kind}-${turn}`;
    let t = tokens.get(key);
    if (t === undefined) {
      const letters = Array.from({ length: 8 }, () =>
        String.fromCharCode(97 + Math.floor(Math.random() * 26)),
      );
      t = `${kind === 'idle' ? 'Q' : kind === 'perm' ? 'P' : 'A'}${turn}${letters.join('')}`;
      tokens.set(key, t);
    }
    return t;
  };
  /** Which turn each main-loop request body belongs to (the fakes log that very object). */
  const tags = new WeakMap<object, string>();
  const answers = new Map<string, number>();
  /** The permission turn in flight: a tool result belongs to it (its user text need not carry the marker). */
  let permTurn = 0;
  const script: BenchScript = (req) => {
    const m = turnMarker(req.lastUserText);
    if (req.hasToolOutput) {
      if (typeof req.body === 'object' && req.body !== null) tags.set(req.body, `done-${permTurn}`);
      return { text: 'Done.' };
    }
    if (!m) return { text: 'ok' };
    if (typeof req.body === 'object' && req.body !== null) tags.set(req.body, `${m.kind}-${m.turn}`);
    if (m.kind === 'idle') return { text: `Answer ${token('idle', m.turn)}`, delayMs: THINK_MS };
    if (m.kind === 'ask') return { text: `Answer ${token('ask', m.turn)}.\n\n${ASKED}`, delayMs: THINK_MS };
    return { tool: rig.tool(`touch ${token('perm', m.turn)}.txt`), delayMs: THINK_MS };
  };
  const sockets: WebSocket[] = [];
  const screen = new ScreenWatch();
  const onAnswered = (logged: Logged): void => {
    const tag = typeof logged.body === 'object' && logged.body !== null ? tags.get(logged.body) : undefined;
    if (tag !== undefined && logged.answeredAt !== undefined && !answers.has(tag))
      answers.set(tag, logged.answeredAt);
  };
  const prompt = 'wtpbench-idle-0: answer with one word';
  const label = `vendor-${rig.profile}`;
  return withRigAgent(paths, rig, { label, script, onAnswered, prompt }, async ({ session, id, version }) => {
    try {
      const events: StateArrival[] = [];
      const { latestSeq } = await session.client.call('listEvents', { query: { limit: 1 } });
      const query = { types: 'agent.stateChanged', agent: id, since: latestSeq };
      sockets.push(
        await openWs(session, '/api/v1/events', query, 'hello', (data, isBinary, at) => {
          if (isBinary) return;
          const msg = JSON.parse(data.toString('utf8')) as { type: string; event?: WtpEvent };
          if (msg.type !== 'event' || msg.event?.type !== 'agent.stateChanged') return;
          const d = msg.event.data;
          events.push({
            at,
            to: d.to,
            reason: d.detail.reason,
            ...(d.detail.source === undefined ? {} : { source: d.detail.source }),
            ...(d.detail.evidence === undefined ? {} : { evidence: d.detail.evidence }),
          });
        }),
      );
      const ptyPath = `/api/v1/agents/${encodeURIComponent(id)}/pty`;
      const ptyQuery = { snapshot: 'true', scrollback: 0, input: 'false', client: 'bench' };
      sockets.push(
        await openWs(session, ptyPath, ptyQuery, 'ready', (data, isBinary, at) => {
          if (isBinary) screen.output(data, at);
          else screen.control(JSON.parse(data.toString('utf8')) as { type: string });
        }),
      );
      const state = async (): Promise<string> =>
        (await session.client.call('getAgent', { params: { agent: id } })).agent.state;
      const untilIdle = (ms: number, what: string): Promise<true> =>
        until(async () => ((await state()) === 'idle' ? true : undefined), ms, what);
      const send = (text: string, o: { enter?: boolean; raw?: boolean; force?: boolean }): Promise<unknown> =>
        session.client.call('sendInput', { params: { agent: id }, body: { text, ...o } });

      await until(() => answers.get('idle-0'), START_MS, `${rig.profile}: the start prompt answered`);
      await untilIdle(START_MS, `${rig.profile}: idle after the start prompt`);

      const asks = PROFILES.get(rig.profile).turnEnd !== undefined;
      const target = { idle: 'idle', perm: 'needs_permission', ask: 'needs_input' } as const;
      const prompt = { idle: 'answer with one word', perm: 'touch the file', ask: 'ask me which database' };
      const turn = async (kind: TurnKind, k: number): Promise<TurnOutcome> => {
        await untilIdle(SETTLE_MS, `${rig.profile}: idle before turn ${kind} ${k}`);
        await sleep(GAP_MS);
        const drawn = screen.reset(kind === 'perm' ? [rig.dialog, token('perm', k)] : [token(kind, k)]);
        if (kind === 'perm') permTurn = k;
        const sentAt = nowMs();
        await send(`wtpbench-${kind}-${k}: ${prompt[kind]}`, { enter: true });
        const answeredAt = await until(
          () => answers.get(`${kind}-${k}`),
          ANSWER_MS,
          `${rig.profile}: answer ${kind} ${k}`,
        );
        const arrived = (): true | undefined =>
          events.some((e) => e.to === target[kind] && e.at >= answeredAt) ? true : undefined;
        await until(arrived, STATE_MS, 'state').catch(() => undefined);
        await until(() => drawn.at ?? undefined, DRAWN_MS, 'drawn').catch(() => undefined);
        const outcome = pairTurn({ target: target[kind], sentAt, answeredAt, drawnAt: drawn.at, events });
        if (kind === 'perm') {
          await send(rig.approve.text, { raw: rig.approve.raw, force: true });
          await until(
            () => answers.get(`done-${k}`),
            SETTLE_MS,
            `${rig.profile}: the approved tool's follow-up`,
          );
        }
        if (kind === 'ask' && (await state()) === 'needs_input') {
          // Replied as a user would (wtp answer): its next turn ends with plain text, idle.
          await session.client.call('answerAgent', {
            params: { agent: id },
            body: { action: 'answer', via: 'cli', text: `reply ${k}: use Postgres` },
          });
        }
        return outcome;
      };

      /** A failed wait names the screen it was stuck on (the run stops there). */
      const withScreen = async (p: Promise<TurnOutcome>): Promise<TurnOutcome> => {
        try {
          return await p;
        } catch (err) {
          const scr = await session.client.call('getScreen', { params: { agent: id } }).catch(() => null);
          const lines = scr ? scr.lines.filter((l) => l.trim() !== '').slice(-12) : ['(no screen)'];
          const why = err instanceof Error ? err.message : String(err);
          throw new Error(
            `${why}; state ${await state().catch(() => '?')}; screen ends:\n${lines.join('\n')}`,
          );
        }
      };
      const run: VendorRun = { version, idle: [], perm: [], ask: [] };
      for (let k = 1; k <= warmup + turns; k++) {
        const idle = await withScreen(turn('idle', k));
        const perm = await withScreen(turn('perm', k));
        const ask = asks ? await withScreen(turn('ask', k)) : null;
        progress(
          `vendors: ${rig.profile} turn ${k}${k <= warmup ? ' (warm-up)' : ''}: ${brief(idle)}; ${brief(perm)}${ask ? `; ${brief(ask)}` : ''}`,
        );
        if (k <= warmup) continue;
        run.idle.push(idle);
        run.perm.push(perm);
        if (ask) run.ask.push(ask);
      }
      return run;
    } finally {
      for (const ws of sockets) ws.close();
      screen.dispose();
    }
  });
}

function brief(o: TurnOutcome): string {
  if (o.kind === 'ok')
    return `${o.toState.toFixed(0)} ms (${o.source}; drawn ${o.toDrawn === null ? '?' : o.toDrawn.toFixed(0)} ms)`;
  if (o.kind === 'early') return `early by ${o.before.toFixed(0)} ms (${o.source})`;
  return 'missed';
}

const LATENCY_NOTE =
  'Real pinned CLI (scripts/cli-pins.mjs) as a wtp agent of its profile on tmux (one daemon per vendor, ' +
  'temp WTP_HOME, notifications off), offline against the tests’ scripted server for its wire format ' +
  '(test/support/fake-*.ts). Each turn the benchmark types a prompt (API sendInput) after the agent has been ' +
  `idle ${GAP_MS} ms; the server waits ${THINK_MS} ms (the CLI shows it is working), then answers. Sample = ` +
  'the answer’s last byte handed to the socket (the fake’s answeredAt, response `finish`) → arrival of the ' +
  'agent.stateChanged on an events WebSocket (same process, same clock: performance.timeOrigin + now()). ' +
  'Baseline = the same answer → the CLI drawing it: the output chunk after which its text shows on the ' +
  'agent’s screen (pty WebSocket, read-only follower from a snapshot, fed to @xterm/headless as the host ' +
  'does; rows compared without whitespace), which is what a user sees without wtp. extra.wtpAddsAfterCliDrew = event − drawing, per turn. extra.signals counts the event’s ' +
  'detail.source (hook, status, screen) and extra.evidence lists what it said.';

function figure(
  run: VendorRun,
  outcomes: TurnOutcome[],
  what: { state: string; answer: string; drawn: string },
): BenchResult {
  const ok = outcomes.filter((o) => o.kind === 'ok');
  const toState = ok.map((o) => o.toState);
  const toDrawn = ok.flatMap((o) => (o.toDrawn === null ? [] : [o.toDrawn]));
  const added = ok.flatMap((o) => (o.added === null ? [] : [o.added]));
  const extra = {
    version: run.version,
    state: what.state,
    turns: outcomes.length,
    missed: outcomes.filter((o) => o.kind === 'missed').length,
    early: outcomes.filter((o) => o.kind === 'early').length,
    notDrawn: ok.length - toDrawn.length,
    toState: spread(toState, DIGITS),
    cliDrew: spread(toDrawn, DIGITS),
    wtpAddsAfterCliDrew: spread(added, DIGITS),
    signals: tally(outcomes.map((o) => (o.kind === 'missed' ? 'missed' : o.source))),
    evidence: [...new Set(outcomes.flatMap((o) => (o.kind === 'missed' ? [] : [o.evidence])))].slice(0, 5),
  };
  const note = `${what.answer} → agent.stateChanged to ${what.state}. ${LATENCY_NOTE} Drawn here = ${what.drawn}.`;
  if (toState.length === 0) {
    return {
      value: Number.NaN,
      unit: 'ms',
      samples: 0,
      failed: `no turn reached ${what.state} after the answer`,
      note,
      extra,
    };
  }
  return latencyResult({
    samples: toState,
    digits: DIGITS,
    ...(toDrawn.length > 0
      ? { baseline: latencyBaseline(`the same answer → the CLI drew it (${what.drawn})`, toDrawn, DIGITS) }
      : {}),
    note,
    extra,
  });
}

/**
 * A turn that ends with a plain-text question (issue 36) → needs_input, against the idle detection
 * it replaces: the same run's text answers → idle (ratio = p50 / p50).
 */
function questionFigure(run: VendorRun): BenchResult {
  const f = figure(run, run.ask, {
    state: 'needs_input',
    answer: `A text answer ending with a question (“${ASKED}”) sent`,
    drawn: 'the answer’s token on the terminal',
  });
  const idle = run.idle.flatMap((o) => (o.kind === 'ok' ? [o.toState] : []));
  if (f.samples === 0 || idle.length === 0) return f;
  const baseline = latencyBaseline(
    'the same run’s text answer → idle (the idle detection a question replaces)',
    idle,
    DIGITS,
  );
  return {
    ...f,
    baseline,
    ratio: ratio(f.value, baseline.value),
    otherBaselines: f.baseline ? [{ ...f.baseline, ratio: ratio(f.value, f.baseline.value) }] : [],
    note: `${f.note} Baseline here = the same run’s text answers → idle (the verdict replaces that idle); otherBaselines = the CLI drawing the answer.`,
  };
}

/**
 * Part `vendors`: for each pinned real CLI, answer → idle and tool call → needs_permission, each
 * against the CLI's own drawing of the same answer. A missing CLI is reported as skipped (value
 * null), a vendor whose run failed as failed; neither stops the others.
 */
export async function measureVendorLatency(
  paths: RepoPaths,
  o: { vendors: readonly string[]; turns: number; warmup: number },
): Promise<Record<string, BenchResult>> {
  const results: Record<string, BenchResult> = {};
  const tmux = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  const rigs = VENDOR_RIGS.filter((r) => o.vendors.includes(r.profile));
  for (const [i, rig] of rigs.entries()) {
    const key = `vendor.${rig.profile}`;
    const skip = (why: string): void => {
      progress(`vendors ${i + 1}/${rigs.length}: ${rig.profile} skipped: ${why}`);
      results[key] = { value: Number.NaN, unit: 'ms', samples: 0, skipped: why, note: 'Not measured.' };
    };
    if (tmux.status !== 0) {
      skip('tmux is not installed (the vendors part runs agents on tmux)');
      continue;
    }
    try {
      rig.binary();
    } catch (err) {
      skip(err instanceof Error ? err.message : String(err));
      continue;
    }
    progress(
      `vendors ${i + 1}/${rigs.length}: ${rig.profile} (${o.warmup} warm-up + ${o.turns} turns of each kind)`,
    );
    try {
      const run = await runVendor(paths, rig, o.turns, o.warmup);
      results[`${key}.answerToIdle`] = figure(run, run.idle, {
        state: 'idle',
        answer: 'A text answer’s last byte sent',
        drawn: 'the answer’s last word on the terminal',
      });
      results[`${key}.toolToPermission`] = figure(run, run.perm, {
        state: 'needs_permission',
        answer: 'A shell tool call (needs permission) sent',
        drawn: 'the permission dialog’s question and the command on the terminal',
      });
      if (run.ask.length > 0) results[`${key}.answerToQuestion`] = questionFigure(run);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      progress(`vendors: ${rig.profile} failed: ${why}`);
      results[key] = { value: Number.NaN, unit: 'ms', samples: 0, failed: why, note: 'The run failed.' };
    }
  }
  return results;
}
