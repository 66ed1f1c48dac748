import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { parseCorpusScreen } from '../../src/core/state/detectors/screen-corpus.js';
import { agentEvidence, answerDoc, typeThenEnter } from '../support/agent-steps.js';
import { eventually, REPO } from '../support/harness.js';
import { startAgent, type CensusKind, type CensusRig } from './census.js';

/**
 * The census's conformance (issue 43): every kind the census recorded a dialog or a question for,
 * asked again on the real CLI and answered from `wtp` with each answer the dialog offers — deny,
 * approve, always (as its recorded screen draws it), a typed reply — and what the answer must
 * cause checked in what the model gets back: after deny, only the CLI's refusal (`refused`);
 * after approve or always, the tool's own result; after a reply, the reply.
 *
 * One agent answers deny and approve for every kind in turn. "Always" grants more than the one
 * request, so each goes to an agent of its own unless no earlier grant on the current one covers
 * it: a kind that no longer asks there is asked again on a new one.
 */
export interface ConformOptions {
  /** The CLI's permission mode that asks (its census name), at CONFORM_COLS. */
  mode: string;
  /** A tool result that says the user refused it (the vendor's wording, as recorded). */
  refused: RegExp;
}

/** The width conformance agents run at (the census's screens at it say what "always" offers). */
export const CONFORM_COLS = 120;

/** What was answered, by action (the log, and the test's own check that something was). */
export type ConformCounts = Record<'deny' | 'approve' | 'always' | 'reply' | 'no-always', number>;

export async function conform(
  rig: CensusRig,
  kinds: readonly CensusKind[],
  o: ConformOptions,
  log: (line: string) => void,
): Promise<ConformCounts> {
  const counts: ConformCounts = { deny: 0, approve: 0, always: 0, reply: 0, 'no-always': 0 };
  const pass = { mode: o.mode, cols: CONFORM_COLS };
  const asking = kinds.filter((k) => expectIn(k, o.mode) !== 'none');
  let lanes = 0;
  const lane = async (): Promise<{ name: string; dir: string }> => {
    const name = `k-${o.mode.replace(/\W/g, '').toLowerCase()}-${++lanes}`;
    return { name, dir: await startAgent(rig, pass, name) };
  };
  const first = await lane();
  for (const kind of asking) {
    if (expectIn(kind, o.mode) === 'needs_input') {
      await reply(rig, first, kind, o);
      counts.reply++;
      log(`replied  ${kind.name}`);
      continue;
    }
    for (const action of ['deny', 'approve'] as const) {
      await answer(rig, first, kind, action, o);
      counts[action]++;
      log(`${action.padEnd(8)} ${kind.name}: ${JSON.stringify(rig.results.map((t) => t.slice(0, 80)))}`);
    }
  }
  await rig.home.run(['stop', first.name], { timeoutMs: 60_000 });
  let current: { name: string; dir: string } | null = null;
  for (const kind of asking) {
    if (expectIn(kind, o.mode) !== 'needs_permission') continue;
    const drawn = recordedAlways(rig, kind, o.mode);
    current ??= await lane();
    if (!(await asks(rig, current, kind, o))) {
      // An earlier grant on this agent covers it: a new agent, where nothing was granted yet.
      await rig.home.run(['stop', current.name], { timeoutMs: 60_000 });
      current = await lane();
      log(`new agent for ${kind.name}: ${current.name}`);
      expect(await asks(rig, current, kind, o), `${kind.name}: asks on a new agent`).toBe(true);
    }
    await always(rig, current, kind, drawn, o);
    counts[drawn === 'none' ? 'no-always' : 'always']++;
    log(`${drawn === 'none' ? 'no always' : 'always  '} ${kind.name}`);
  }
  if (current !== null) await rig.home.run(['stop', current.name], { timeoutMs: 60_000 });
  return counts;
}

/** Prompts sent: each one's text differs, so that its echo on the screen is its own. */
let asked = 0;

const expectIn = (kind: CensusKind, mode: string): string => kind.expect[mode] ?? kind.expect.default;

/**
 * What the census recorded the kind's "always" option to be at CONFORM_COLS: none, an option, or
 * one that switches the session's mode.
 */
function recordedAlways(rig: CensusRig, kind: CensusKind, mode: string): 'none' | 'option' | 'mode' {
  const file = join(
    REPO,
    'test',
    'fixtures',
    'screens',
    rig.vendor,
    rig.version,
    `census-${kind.name}-${mode}-${CONFORM_COLS}.screen`,
  );
  if (!existsSync(file)) throw new Error(`no census screen ${file}: run \`npm run census -- ${rig.vendor}\``);
  const h = parseCorpusScreen(readFileSync(file, 'utf8')).headers;
  if (h['always'] === undefined || h['always'] === 'none') return 'none';
  return h['always-mode'] === 'change' ? 'mode' : 'option';
}

/**
 * Asks the model for `kind` on agent `at`: true once the agent waits on it, false when the
 * request ran without asking (its result came back and the agent is idle again).
 */
async function asks(
  rig: CensusRig,
  at: { name: string; dir: string },
  kind: CensusKind,
  o: ConformOptions,
): Promise<boolean> {
  const { home } = rig;
  kind.setup?.(at.dir);
  rig.asking = { kind, dir: at.dir };
  rig.results.length = 0;
  await eventually(
    `${at.name} at its prompt`,
    async () => (await home.agent(at.name)).state === 'idle',
    60_000,
  );
  // Typed, seen on its screen, then entered: a CLI still starting drops what it is sent.
  await typeThenEnter(home, at.name, `census ${kind.name} (${++asked})`);
  // A wait that times out says what the agent and its screen showed.
  const shown = async (err: unknown): Promise<never> => {
    const screen = await home.screen(at.name).catch(() => '(no screen)');
    throw new Error(`${(err as Error).message}\n${await agentEvidence(home, at.name)}\nscreen:\n${screen}`);
  };
  await eventually(
    `${at.name}: the model asked for ${kind.name}`,
    () => rig.asking.kind === null,
    60_000,
  ).catch(shown);
  let waits = false;
  await eventually(
    `${at.name}: ${kind.name} asked, or run without asking`,
    async () => {
      const state = (await home.agent(at.name)).state;
      waits = state === 'needs_permission' || state === 'needs_input';
      // Ran: its own result came back. Not the last deny's refusal, which Claude Code sends with
      // the next prompt, while the agent may still read idle from before that prompt.
      return waits || (state === 'idle' && ran(rig, o));
    },
    60_000,
  ).catch(shown);
  return waits;
}

async function ask(
  rig: CensusRig,
  at: { name: string; dir: string },
  kind: CensusKind,
  want: string,
  o: ConformOptions,
) {
  expect(await asks(rig, at, kind, o), `${kind.name}: asks`).toBe(true);
  const agent = await rig.home.agent(at.name);
  expect(agent.state, await agentEvidence(rig.home, at.name)).toBe(want);
  // What the model got before the answer is not the answer's effect.
  rig.results.length = 0;
}

/**
 * The agent is back at its prompt (and, for a CLI that needs it, quiet: `rig.quietMs`). What the
 * answer caused reached the model before that: a result comes before the model's last reply of the
 * turn, and the agent reads idle only after it.
 */
async function settledIdle(rig: CensusRig, at: { name: string }, what: string): Promise<void> {
  await quietIdle(rig.home, at.name, rig.quietMs ?? 0, `${at.name} back at its prompt after ${what}`);
}

/** Idle, and no word from its CLI (hooks, status, its process) for `quietMs`. */
export async function quietIdle(
  home: CensusRig['home'],
  name: string,
  quietMs: number,
  what: string,
): Promise<void> {
  await eventually(
    what,
    async () => {
      const { agent, signals } = await home.why(name);
      if (agent.state !== 'idle') return false;
      // A screen repaints for a while after: only what the CLI itself said counts.
      const heard = Math.max(0, ...signals.filter((x) => x.source !== 'screen').map((x) => x.at));
      return Date.now() - heard >= quietMs;
    },
    60_000,
  );
}

const ran = (rig: CensusRig, o: ConformOptions): boolean => rig.results.some((t) => !o.refused.test(t));

async function answer(
  rig: CensusRig,
  at: { name: string; dir: string },
  kind: CensusKind,
  action: 'deny' | 'approve',
  o: ConformOptions,
): Promise<void> {
  await ask(rig, at, kind, 'needs_permission', o);
  const got = await answerDoc(rig.home, [action, at.name]);
  expect(got.code, `${kind.name} ${action}: ${JSON.stringify(got.doc)}`).toBe(0);
  expect(got.answered[0]).toMatchObject({ action, left: true });
  if (action === 'approve')
    await eventually(`${kind.name}: the approved request to run`, () => ran(rig, o), 60_000);
  await settledIdle(rig, at, `${kind.name} ${action}`);
  if (action === 'deny')
    expect(ran(rig, o), `${kind.name}: ran after deny: ${JSON.stringify(rig.results)}`).toBe(false);
}

async function always(
  rig: CensusRig,
  at: { name: string; dir: string },
  kind: CensusKind,
  drawn: 'none' | 'option' | 'mode',
  o: ConformOptions,
): Promise<void> {
  const agent = await rig.home.agent(at.name);
  expect(agent.state, await agentEvidence(rig.home, at.name)).toBe('needs_permission');
  rig.results.length = 0;
  const first = await answerDoc(rig.home, ['approve', at.name, '--always']);
  if (drawn === 'none') {
    // Nothing pressed: the dialog is still there, answered once to go on.
    expect(first.doc).toMatchObject({ error: { code: 'ANSWER_NOT_SUPPORTED' } });
    expect((await rig.home.agent(at.name)).state).toBe('needs_permission');
    expect((await answerDoc(rig.home, ['deny', at.name])).code).toBe(0);
    await settledIdle(rig, at, `${kind.name} deny`);
    return;
  }
  let got = first;
  if (drawn === 'mode') {
    expect(first.doc).toMatchObject({ error: { code: 'ANSWER_CHANGES_MODE' } });
    expect((await rig.home.agent(at.name)).state).toBe('needs_permission');
    got = await answerDoc(rig.home, ['approve', at.name, '--always', '--accept-mode-change']);
  }
  expect(got.code, `${kind.name} always: ${JSON.stringify(got.doc)}`).toBe(0);
  expect(got.answered[0]).toMatchObject({ action: 'always', left: true, modeChange: drawn === 'mode' });
  await eventually(`${kind.name}: the request approved always to run`, () => ran(rig, o), 60_000);
  await settledIdle(rig, at, `${kind.name} always`);
}

async function reply(
  rig: CensusRig,
  at: { name: string; dir: string },
  kind: CensusKind,
  o: ConformOptions,
): Promise<void> {
  if (kind.reply === undefined) throw new Error(`census kind ${kind.name} asks a question: give its reply`);
  await ask(rig, at, kind, 'needs_input', o);
  const got = await answerDoc(rig.home, ['answer', at.name, kind.reply.text]);
  expect(got.code, `${kind.name} reply: ${JSON.stringify(got.doc)}`).toBe(0);
  const heard = kind.reply.heard;
  await eventually(`${kind.name}: the model to get the reply`, () =>
    rig.results.some((t) => t.includes(heard)),
  );
  await settledIdle(rig, at, `${kind.name} reply`);
}
