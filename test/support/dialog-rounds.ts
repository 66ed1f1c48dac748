import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { agentEvidence, answerDoc, newAgent, START_MS, untilState } from './agent-steps.js';
import type { MatrixAction, MatrixRow } from './dialog-matrix.js';
import { eventually, type TestHome } from './harness.js';

/**
 * The rounds that prove one row of the dialog matrix on a real agent CLI (test/e2e/<vendor>-dialogs
 * .test.ts): one agent per kind of request, its prompts "<name> round <n>", the scripted model
 * asking for the kind's tool in each round. Each action of the row is pressed through the CLI
 * (`wtp deny`, `wtp approve`, `wtp approve --always`) in a round of its own and what it must cause
 * is checked: nothing ran after a denial, the tool ran after an approval, "always" pressed the
 * option its dialog draws (refused first when that option switches the session's mode, then
 * pressed with --accept-mode-change) — and then the same request again, to see what always holds for.
 */

/** One kind of request, as its test drives it. */
export interface DialogCase {
  row: MatrixRow;
  /** The agent's name: its prompts say "<name> round <n>" (the scripted model reads them). */
  name: string;
  /** `wtp new` arguments (the permission mode; the CLI's own after `--`), read when the agent starts. */
  args?: () => string[];
  /** Files of round `r` in the agent's folder, made before its prompt. */
  setup?: (dir: string, r: number) => void;
  /** Whether round `r`'s request ran (its file, or what the model was given back). */
  ran: (dir: string, r: number, results: string[]) => boolean;
  /**
   * Round 4 asks the same again after "always": `no dialog` (what the option said it holds for, it
   * does), `asks again` (observed: the option did not cover it; answered by approve), or not tried.
   */
  repeat: 'no dialog' | 'asks again' | false;
  /**
   * The request runs in the background: the lead's turn ends before it does (a subagent it does
   * not wait for), and its end comes as a later hook or turn. Such a kind has an agent of its own
   * (provenLanes): on a shared one, that late turn meets the next kind's prompt.
   */
  background?: true;
}

/** What the rounds need from their test: the daemon, the CLI's profile, what its model got. */
export interface DialogRig {
  home: TestHome;
  profile: string;
  /** The agent's folder. */
  dirOf(name: string): string;
  /** The tool results the scripted model got in round `r` of agent `name` (after its prompt). */
  results(name: string, r: number): string[];
  /** Types a prompt at an agent at its prompt (default: `wtp send NAME TEXT --enter`). */
  send?(name: string, text: string): Promise<void>;
  /**
   * A CLI slower to start than `wtp new --prompt` waits (OpenCode under load): each agent starts
   * without a prompt, and its first is typed once it is at its prompt, waited for this long; so is
   * its first dialog (OpenCode boots its folder's services — file watcher, project copy — on its
   * first prompt before it asks the model: ~30 s on an idle machine).
   */
  firstPromptMs?: number;
  /**
   * A CLI whose idle event can come before it is done (OpenCode after a refused doom-loop question:
   * session.idle, its spinner still on, a second session.idle 3 s later; a prompt typed between is
   * lost): the next prompt waits until its screen shows the prompt too, as a user's eyes would.
   */
  idleOnScreen?: boolean;
}

/**
 * Runs at most `n` of the functions it is given at a time (the others wait their turn): for a CLI
 * too heavy to run one agent per kind at once (OpenCode holds ~800 MB and both cores as it starts).
 */
export function atMost(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await fn();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}

/** The round a prompt names: "<name> round <n>" (the last such in `text`). */
export function roundIn(text: string): { name: string; r: number } | null {
  const all = [...text.matchAll(/(\w+) round (\d+)/g)];
  const hit = all.at(-1);
  return hit ? { name: hit[1] ?? '', r: Number(hit[2]) } : null;
}

/** Scope texts in the matrix (`<folder>`, `…`) as a pattern the option's drawn text must match. */
export function scopePattern(text: string): RegExp {
  const esc = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(esc.replace(/<[a-z]+>/g, '.+').replace(/…/g, '.*'));
}

/**
 * Sends round `r`'s prompt to `agent` (the case's own agent, or its lane's); `start`: the agent is
 * started with it (`wtp new --prompt`), or started first and typed it at its prompt (firstPromptMs).
 */
async function ask(rig: DialogRig, agent: string, c: DialogCase, r: number, start: boolean): Promise<void> {
  const { home } = rig;
  c.setup?.(rig.dirOf(c.name), r);
  const prompt = `${c.name} round ${r}`;
  if (start) {
    const [own, cli] = splitArgs(c.args?.() ?? []);
    const withPrompt = rig.firstPromptMs === undefined ? ['--prompt', prompt] : [];
    await newAgent(home, rig.profile, agent, rig.dirOf(agent), [...own, ...withPrompt, ...cli]);
    if (rig.firstPromptMs === undefined) {
      // Its start is a wait of its own (several CLIs at once on a loaded machine): its dialog's
      // wait begins once the daemon typed the prompt.
      await eventually(
        `${agent} to start and get its prompt`,
        async () => (await home.events(agent)).some((e) => e.type === 'agent.inputSent'),
        START_MS,
      );
      return;
    }
    await eventually(
      `${agent} at its prompt after its start`,
      async () => (await home.agent(agent)).state === 'idle',
      rig.firstPromptMs,
    );
  } else {
    await untilState(home, agent, 'idle', `${agent} at its prompt before ${c.name} round ${r}`);
    if (rig.idleOnScreen)
      await eventually(`${agent}'s screen at its prompt before ${c.name} round ${r}`, async () => {
        const why = await home.why(agent);
        const screen = why.signals.filter((x) => x.source === 'screen').at(-1);
        if (why.agent.state === 'idle' && screen?.state === 'idle') return true;
        // What it saw, for the timeout's message.
        const seen = why.signals.map((x) => `${x.source}:${x.state}`).join(' ');
        throw new Error(
          `${agent} ${why.agent.state}; last screen signal ${screen === undefined ? 'none in its last 20' : `${screen.state} (${screen.evidence})`}; signals: ${seen}`,
        );
      });
  }
  if (rig.send) return rig.send(agent, prompt);
  await home.send(agent, { text: prompt, enter: true });
}

/** `wtp new`'s own arguments, and the CLI's (from `--` on). */
function splitArgs(args: readonly string[]): [string[], string[]] {
  const at = args.indexOf('--');
  return at < 0 ? [[...args], []] : [args.slice(0, at), args.slice(at)];
}

/** Waits for round `r`'s dialog and checks what the agent says it asks: the row's tool, a dialog its rules know. */
async function dialog(
  rig: DialogRig,
  agent: string,
  c: DialogCase,
  r: number,
  first: boolean,
): Promise<AgentView> {
  const { home } = rig;
  const ms = first ? rig.firstPromptMs : undefined;
  await untilState(home, agent, 'needs_permission', `${c.name}: the dialog of round ${r}`, undefined, ms);
  // The request names the tool by its own name once its hook is in (a status record or the
  // screen may announce the dialog first).
  let seen: AgentView | undefined;
  const a = await eventually(
    `${c.name}: round ${r}'s dialog to ask for ${c.row.tool}`,
    async () => {
      seen = await home.agent(agent);
      return seen.state === 'needs_permission' && seen.stateDetail.request?.tool === c.row.tool
        ? seen
        : undefined;
    },
    60_000,
  ).catch((err: unknown) => {
    throw new Error(`${String(err)}; last seen: ${JSON.stringify(seen?.stateDetail)}`);
  });
  expect(a.stateDetail.request?.unknown, `${c.name}: a dialog its rules know`).toBeUndefined();
  // WTP_E2E_RECORD_DIR=<dir>: each kind's first dialog is saved there.
  if (r === 1) await record(home, rig.profile, agent, c.name);
  return a;
}

/**
 * WTP_E2E_RECORD_DIR=<dir>: the agent's screen is saved there (`wtp record-screen`) as
 * `<profile>-<name>.screen`, to add to the corpus (test/fixtures/screens/) with its headers.
 */
async function record(home: TestHome, profile: string, agent: string, name = agent): Promise<void> {
  const dir = process.env.WTP_E2E_RECORD_DIR;
  if (dir === undefined || dir === '') return;
  mkdirSync(dir, { recursive: true });
  await home.run(['record-screen', agent, '--force', '--out', join(dir, `${profile}-${name}.screen`)]);
}

const roundDone = (rig: DialogRig, agent: string, c: DialogCase, r: number): Promise<unknown> =>
  eventually(
    `${c.name} round ${r} to end at its prompt`,
    async () => (await rig.home.agent(agent)).state === 'idle',
    60_000,
  );

const ranIn = (rig: DialogRig, c: DialogCase, r: number): boolean =>
  c.ran(rig.dirOf(c.name), r, rig.results(c.name, r));

/**
 * How many agents of a matrix run their rounds at once (WTP_E2E_AGENTS, default 2). A real CLI
 * takes a core or more as it starts: nine at once on two cores took ~3.6× as long each as one
 * alone (Qwen Code: 92 s against 25 s per kind) and, with another test file beside them in CI,
 * past every wait — the same work in turns ends sooner, and each wait measures the agent, not the
 * queue.
 */
const inTurn = atMost(Math.max(1, Number(process.env.WTP_E2E_AGENTS) || 2));

/**
 * Runs the row's actions, each in a round of its own (see the file's comment), on an agent of its
 * own, in turn with the other kinds of its file (at most WTP_E2E_AGENTS agents at once); the
 * agent is stopped after.
 */
export function provenRounds(rig: DialogRig, c: DialogCase): Promise<void> {
  return inTurn(async () => {
    try {
      mkdirSync(rig.dirOf(c.name), { recursive: true });
      const at = { r: 0, started: false };
      await actions(rig, c.name, c, c.row.actions, at);
    } finally {
      await rig.home.run(['stop', c.name]);
    }
  });
}

/** Where a case's rounds are on its agent: its last round, and whether the agent has started. */
interface RoundAt {
  r: number;
  started: boolean;
}

/** Presses `list` in rounds of `agent` (from round `at.r + 1`; the first starts the agent). */
async function actions(
  rig: DialogRig,
  agent: string,
  c: DialogCase,
  list: readonly MatrixAction[],
  at: RoundAt,
): Promise<void> {
  const { home } = rig;
  let open = false; // a dialog refused "always" is still there: the next action answers it
  for (const action of list) {
    if (!open) {
      at.r += 1;
      const first = !at.started;
      at.started = true;
      await ask(rig, agent, c, at.r, first);
      await dialog(rig, agent, c, at.r, first);
    }
    const r = at.r;
    open = false;
    if (action === 'deny') {
      const got = await answerDoc(home, ['deny', agent]);
      expect(got.code, await answerFailure(home, agent, got)).toBe(0);
      expect(got.answered[0]).toMatchObject({ action: 'deny', left: true });
      await roundDone(rig, agent, c, r);
      expect(ranIn(rig, c, r), `${c.name}: nothing ran after deny`).toBe(false);
      continue;
    }
    if (action === 'approve') {
      const got = await answerDoc(home, ['approve', agent]);
      expect(got.code, await answerFailure(home, agent, got)).toBe(0);
      expect(got.answered[0]).toMatchObject({ action: 'approve', left: true });
      await eventually(`${c.name} round ${r}: the approved request to run`, () => ranIn(rig, c, r), 60_000);
      await roundDone(rig, agent, c, r);
      continue;
    }
    open = await always(rig, agent, c, at);
  }
}

/**
 * "Always": the option the dialog draws, refused first when it switches the session's mode; then
 * the same request again. True when nothing was pressed (the dialog offers no such option).
 */
async function always(rig: DialogRig, agent: string, c: DialogCase, at: RoundAt): Promise<boolean> {
  const { home } = rig;
  const r = at.r;
  const kind = c.row.always;
  const first = await answerDoc(home, ['approve', agent, '--always']);
  if (kind === 'none') {
    expect(first.code).toBe(1);
    expect(first.doc).toMatchObject({ error: { code: 'ANSWER_NOT_SUPPORTED' } });
    expect((await home.agent(agent)).state).toBe('needs_permission'); // nothing pressed
    return true;
  }
  let got = first;
  if ('modeChange' in kind) {
    expect(first.code).toBe(1);
    expect(first.doc).toMatchObject({
      error: {
        code: 'ANSWER_CHANGES_MODE',
        details: { option: expect.stringMatching(scopePattern(kind.modeChange)) },
      },
    });
    expect((await home.agent(agent)).state).toBe('needs_permission'); // nothing pressed
    got = await answerDoc(home, ['approve', agent, '--always', '--accept-mode-change']);
  }
  expect(got.code, await answerFailure(home, agent, got)).toBe(0);
  const scope = 'modeChange' in kind ? kind.modeChange : kind.scope;
  expect(got.answered[0]).toMatchObject({
    action: 'always',
    left: true,
    scope: expect.stringMatching(scopePattern(scope)),
    modeChange: 'modeChange' in kind,
  });
  await eventually(
    `${c.name} round ${r}: the request approved always to run`,
    () => ranIn(rig, c, r),
    60_000,
  );
  await roundDone(rig, agent, c, r);
  if (c.repeat === false) return false;
  // The same request again: what "always" said it holds for, it does — no dialog this time.
  at.r += 1;
  const next = at.r;
  const before = (await home.events(agent)).length;
  await ask(rig, agent, c, next, false);
  if (c.repeat === 'asks again') {
    await dialog(rig, agent, c, next, false);
    expect((await answerDoc(home, ['approve', agent])).code).toBe(0);
  }
  await eventually(`${c.name} round ${next} to run`, () => ranIn(rig, c, next), 60_000);
  await roundDone(rig, agent, c, next);
  const asked = (await home.events(agent))
    .slice(before)
    .filter((e) => e.type === 'agent.stateChanged' && e.data.to === 'needs_permission');
  expect(asked.length, `${c.name}: dialogs after always`).toBe(c.repeat === 'asks again' ? 1 : 0);
  return false;
}

/**
 * Several kinds on one agent (a lane), so a file starts a CLI per lane instead of per kind: each
 * kind's rounds before its "always" run first, kind after kind; then each kind's "always" (and the
 * same request again), in the lane's order. An "always" changes the session from then on, so a
 * lane never holds two kinds one "always" covers (the test file groups them: e.g. one kind that
 * writes files per lane where "always" allows every edit, and that one last). Returns each kind's result by name:
 * its test awaits it. A kind that fails leaves its agent in an unknown state: the lane's later
 * kinds fail with what it saw.
 */
export function provenLanes(rig: DialogRig, lanes: Record<string, DialogCase[]>): Map<string, Promise<void>> {
  const results = new Map<string, Promise<void>>();
  for (const [agent, cases] of Object.entries(lanes)) {
    const args = JSON.stringify(cases[0]?.args?.() ?? []);
    for (const c of cases) {
      if (JSON.stringify(c.args?.() ?? []) !== args)
        throw new Error(`lane ${agent}: ${c.name} starts its agent with other arguments`);
      const at = c.row.actions.indexOf('always');
      if (at >= 0 && c.row.always !== 'none' && at !== c.row.actions.length - 1)
        throw new Error(`lane ${agent}: ${c.name} presses "always" before its last action`);
    }
    if (cases.length > 1 && cases.some((c) => c.background))
      throw new Error(`lane ${agent}: a kind that runs in the background needs an agent of its own`);
    // A mode change covers more than its own kind (Qwen Code's auto-edit also starts subagents
    // unasked): it is the lane's last "always".
    const pressing = cases.filter((c) => c.row.always !== 'none' && c.row.actions.includes('always'));
    const mode = pressing.findIndex((c) => c.row.always !== 'none' && 'modeChange' in c.row.always);
    if (mode >= 0 && mode !== pressing.length - 1)
      throw new Error(`lane ${agent}: ${pressing[mode]?.name} switches the mode: it goes last`);
    const lane = inTurn(() => laneRounds(rig, agent, cases));
    lane.catch(() => undefined); // each kind's test reports it
    for (const c of cases) {
      const mine = lane.then((done) => {
        const outcome = done.get(c.name);
        if (outcome === undefined) throw new Error(`lane ${agent}: ${c.name} has no outcome`);
        outcome();
      });
      mine.catch(() => undefined); // awaited by the kind's test, maybe after it settled
      results.set(c.name, mine);
    }
  }
  return results;
}

/** The lane's rounds; each kind's outcome, as a function its test calls (throws what failed). */
async function laneRounds(
  rig: DialogRig,
  agent: string,
  cases: DialogCase[],
): Promise<Map<string, () => void>> {
  const outcome = new Map<string, () => void>();
  const at = { r: 0, started: false };
  const rounds = new Map(cases.map((c) => [c.name, { r: 0, started: false }]));
  let broken: unknown;
  const run = async (c: DialogCase, list: readonly MatrixAction[]): Promise<void> => {
    if (list.length === 0 || outcome.has(c.name)) return;
    if (broken !== undefined) {
      const why = String(broken);
      outcome.set(c.name, () => {
        throw new Error(`not run: a kind before it on agent ${agent} failed: ${why}`);
      });
      return;
    }
    const own = rounds.get(c.name) ?? { r: 0, started: false };
    try {
      // The case counts its own rounds (its prompts, its files); the agent starts once.
      const step = { r: own.r, started: at.started };
      await actions(rig, agent, c, list, step);
      own.r = step.r;
      at.started = step.started;
    } catch (err) {
      broken = err;
      outcome.set(c.name, () => {
        throw err;
      });
    }
  };
  mkdirSync(rig.dirOf(agent), { recursive: true });
  try {
    const presses = (c: DialogCase): boolean => c.row.always !== 'none' && c.row.actions.includes('always');
    for (const c of cases) await run(c, presses(c) ? c.row.actions.slice(0, -1) : c.row.actions);
    for (const c of cases) if (presses(c)) await run(c, ['always']);
    for (const c of cases) if (!outcome.has(c.name)) outcome.set(c.name, () => undefined);
  } finally {
    await rig.home.run(['stop', agent]);
  }
  return outcome;
}

/**
 * A folder-trust prompt (agents.preTrust off) answered by `action`: the agent waits with reason
 * `trust`, `always` is refused when the prompt offers no option that remembers more, and the
 * answer chooses the option labelled `label`; then the agent is `after`.
 */
export async function trustRound(
  home: TestHome,
  profile: string,
  t: {
    name: string;
    dir: string;
    args?: string[];
    action: 'approve' | 'deny' | 'always';
    label: RegExp;
    after: string;
    alwaysRefused: boolean;
  },
): Promise<void> {
  mkdirSync(t.dir, { recursive: true });
  await newAgent(home, profile, t.name, t.dir, t.args ?? []);
  const a = await untilState(home, t.name, 'needs_permission', `${t.name}: the trust prompt`);
  expect(a.stateDetail.reason).toBe('trust');
  await record(home, profile, t.name);
  if (t.alwaysRefused) {
    expect((await answerDoc(home, ['approve', t.name, '--always'])).doc).toMatchObject({
      error: { code: 'ANSWER_NOT_SUPPORTED' },
    });
  }
  const args = t.action === 'always' ? ['approve', t.name, '--always'] : [t.action, t.name];
  const got = await answerDoc(home, args);
  expect(got.code, await answerFailure(home, t.name, got)).toBe(0);
  expect(got.answered[0]).toMatchObject({
    action: t.action,
    left: true,
    about: expect.stringMatching(t.label),
  });
  // Trusted, the CLI goes on with its start (Qwen Code initializes only then: its "Initializing…"
  // took over a minute in a loaded CI run): the wait of a start, not of a round.
  await untilState(home, t.name, t.after, `${t.name} to be ${t.after}`, undefined, START_MS);
}

/**
 * A file's lanes as provenLanes takes them: `lanes` names each agent's kinds by case name. Every
 * case is in exactly one lane (a case in none would pass untested).
 */
export function laneCases<T extends DialogCase>(
  lanes: Record<string, string[]>,
  cases: readonly T[],
): Record<string, T[]> {
  const out: Record<string, T[]> = {};
  const seen = new Set<string>();
  for (const [lane, names] of Object.entries(lanes)) {
    out[lane] = names.map((n) => {
      const c = cases.find((x) => x.name === n);
      if (c === undefined || seen.has(n)) throw new Error(`lane ${lane}: ${n} is unknown or in two lanes`);
      seen.add(n);
      return c;
    });
  }
  const missing = cases.filter((c) => !seen.has(c.name)).map((c) => c.name);
  if (missing.length > 0) throw new Error(`in no lane: ${missing.join(', ')}`);
  return out;
}

/** Each case's lane (its agent's name and folder) by case name. */
export const laneOf = (lanes: Record<string, string[]>): Map<string, string> =>
  new Map(Object.entries(lanes).flatMap(([lane, names]) => names.map((n) => [n, lane] as const)));

/** A refused answer's message, with what the daemon knew of the agent then (only when it failed). */
async function answerFailure(
  home: TestHome,
  agent: string,
  got: { code: number; doc: unknown },
): Promise<string> {
  if (got.code === 0) return '';
  return `${JSON.stringify(got.doc)}\n${await agentEvidence(home, agent).catch(String)}`;
}
