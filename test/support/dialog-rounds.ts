import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { answerDoc, newAgent, untilState } from './agent-steps.js';
import type { MatrixRow } from './dialog-matrix.js';
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

/** How long an agent may take to start and be typed its first prompt (`wtp new --prompt`). */
const START_MS = 120_000;

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

/** Sends round `r`'s prompt (the first comes with `wtp new`). */
async function ask(rig: DialogRig, c: DialogCase, r: number): Promise<void> {
  const { home } = rig;
  c.setup?.(rig.dirOf(c.name), r);
  const prompt = `${c.name} round ${r}`;
  if (r === 1) {
    const [own, cli] = splitArgs(c.args?.() ?? []);
    const withPrompt = rig.firstPromptMs === undefined ? ['--prompt', prompt] : [];
    await newAgent(home, rig.profile, c.name, rig.dirOf(c.name), [...own, ...withPrompt, ...cli]);
    if (rig.firstPromptMs === undefined) {
      // Its start is a wait of its own (several CLIs at once on a loaded machine): its dialog's
      // wait begins once the daemon typed the prompt.
      await eventually(
        `${c.name} to start and get its prompt`,
        async () => (await home.events(c.name)).some((e) => e.type === 'agent.inputSent'),
        START_MS,
      );
      return;
    }
    await eventually(
      `${c.name} at its prompt after its start`,
      async () => (await home.agent(c.name)).state === 'idle',
      rig.firstPromptMs,
    );
  } else {
    await untilState(home, c.name, 'idle', `${c.name} at its prompt before round ${r}`);
  }
  if (rig.send) return rig.send(c.name, prompt);
  const sent = await home.run(['send', c.name, prompt, '--enter']);
  expect(sent.code, sent.stderr).toBe(0);
}

/** `wtp new`'s own arguments, and the CLI's (from `--` on). */
function splitArgs(args: readonly string[]): [string[], string[]] {
  const at = args.indexOf('--');
  return at < 0 ? [[...args], []] : [args.slice(0, at), args.slice(at)];
}

/** Waits for round `r`'s dialog and checks what the agent says it asks: the row's tool, a dialog its rules know. */
async function dialog(rig: DialogRig, c: DialogCase, r: number): Promise<AgentView> {
  const { home } = rig;
  const ms = r === 1 ? rig.firstPromptMs : undefined;
  await untilState(home, c.name, 'needs_permission', `${c.name}: the dialog of round ${r}`, undefined, ms);
  // The request names the tool by its own name once its hook is in (a status record or the
  // screen may announce the dialog first).
  let seen: AgentView | undefined;
  const a = await eventually(
    `${c.name}: round ${r}'s dialog to ask for ${c.row.tool}`,
    async () => {
      seen = await home.agent(c.name);
      return seen.state === 'needs_permission' && seen.stateDetail.request?.tool === c.row.tool
        ? seen
        : undefined;
    },
    60_000,
  ).catch((err: unknown) => {
    throw new Error(`${String(err)}; last seen: ${JSON.stringify(seen?.stateDetail)}`);
  });
  expect(a.stateDetail.request?.unknown, `${c.name}: a dialog its rules know`).toBeUndefined();
  await recordDialog(rig, c, r);
  return a;
}

/**
 * WTP_E2E_RECORD_DIR=<dir>: each kind's first dialog is saved there (`wtp record-screen`) as
 * `<profile>-<name>.screen`, to add to the corpus (test/fixtures/screens/) with its headers.
 */
async function recordDialog(rig: DialogRig, c: DialogCase, r: number): Promise<void> {
  if (r === 1) await record(rig.home, rig.profile, c.name);
}

async function record(home: TestHome, profile: string, name: string): Promise<void> {
  const dir = process.env.WTP_E2E_RECORD_DIR;
  if (dir === undefined || dir === '') return;
  mkdirSync(dir, { recursive: true });
  await home.run(['record-screen', name, '--force', '--out', join(dir, `${profile}-${name}.screen`)]);
}

const roundDone = (rig: DialogRig, c: DialogCase, r: number): Promise<unknown> =>
  eventually(
    `${c.name} round ${r} to end at its prompt`,
    async () => (await rig.home.agent(c.name)).state === 'idle',
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
 * Runs the row's actions, each in a round of its own (see the file's comment), in turn with the
 * other kinds of its file (at most WTP_E2E_AGENTS agents at once); the agent is stopped after.
 */
export function provenRounds(rig: DialogRig, c: DialogCase): Promise<void> {
  return inTurn(async () => {
    try {
      await rounds(rig, c);
    } finally {
      await rig.home.run(['stop', c.name]);
    }
  });
}

async function rounds(rig: DialogRig, c: DialogCase): Promise<void> {
  const { home } = rig;
  mkdirSync(rig.dirOf(c.name), { recursive: true });
  let r = 0;
  let open = false; // a dialog refused "always" is still there: the next action answers it
  for (const action of c.row.actions) {
    if (!open) {
      r += 1;
      await ask(rig, c, r);
      await dialog(rig, c, r);
    }
    open = false;
    if (action === 'deny') {
      const got = await answerDoc(home, ['deny', c.name]);
      expect(got.code, JSON.stringify(got.doc)).toBe(0);
      expect(got.answered[0]).toMatchObject({ action: 'deny', left: true });
      await roundDone(rig, c, r);
      expect(ranIn(rig, c, r), `${c.name}: nothing ran after deny`).toBe(false);
      continue;
    }
    if (action === 'approve') {
      const got = await answerDoc(home, ['approve', c.name]);
      expect(got.code, JSON.stringify(got.doc)).toBe(0);
      expect(got.answered[0]).toMatchObject({ action: 'approve', left: true });
      await eventually(`${c.name} round ${r}: the approved request to run`, () => ranIn(rig, c, r), 60_000);
      await roundDone(rig, c, r);
      continue;
    }
    open = await always(rig, c, r);
  }
}

/**
 * "Always": the option the dialog draws, refused first when it switches the session's mode; then
 * the same request again. True when nothing was pressed (the dialog offers no such option).
 */
async function always(rig: DialogRig, c: DialogCase, r: number): Promise<boolean> {
  const { home } = rig;
  const kind = c.row.always;
  const first = await answerDoc(home, ['approve', c.name, '--always']);
  if (kind === 'none') {
    expect(first.code).toBe(1);
    expect(first.doc).toMatchObject({ error: { code: 'ANSWER_NOT_SUPPORTED' } });
    expect((await home.agent(c.name)).state).toBe('needs_permission'); // nothing pressed
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
    expect((await home.agent(c.name)).state).toBe('needs_permission'); // nothing pressed
    got = await answerDoc(home, ['approve', c.name, '--always', '--accept-mode-change']);
  }
  expect(got.code, JSON.stringify(got.doc)).toBe(0);
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
  await roundDone(rig, c, r);
  if (c.repeat === false) return false;
  // The same request again: what "always" said it holds for, it does — no dialog this time.
  const next = r + 1;
  const before = (await home.events(c.name)).length;
  await ask(rig, c, next);
  if (c.repeat === 'asks again') {
    await dialog(rig, c, next);
    expect((await answerDoc(home, ['approve', c.name])).code).toBe(0);
  }
  await eventually(`${c.name} round ${next} to run`, () => ranIn(rig, c, next), 60_000);
  await roundDone(rig, c, next);
  const asked = (await home.events(c.name))
    .slice(before)
    .filter((e) => e.type === 'agent.stateChanged' && e.data.to === 'needs_permission');
  expect(asked.length, `${c.name}: dialogs after always`).toBe(c.repeat === 'asks again' ? 1 : 0);
  return false;
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
  expect(got.code, JSON.stringify(got.doc)).toBe(0);
  expect(got.answered[0]).toMatchObject({
    action: t.action,
    left: true,
    about: expect.stringMatching(t.label),
  });
  await untilState(home, t.name, t.after, `${t.name} to be ${t.after}`);
}
