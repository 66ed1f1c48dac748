import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentEvidence, answerDoc, screenShows, typeThenEnter } from '../support/agent-steps.js';
import { eventually } from '../support/harness.js';
import { OPENCODE_VERSION } from '../support/opencode-cli.js';
import { startAgent, type CensusKind, type CensusRig } from '../census/census.js';
import { CONFORM_COLS, conform, quietIdle, type ConformCounts } from '../census/conform.js';
import { KINDS, OPENCODE_REFUSED, opencodeRig } from '../census/opencode.kinds.js';

/**
 * Every dialog and question of OpenCode's census, answered on the pinned CLI from `wtp` with each
 * answer it offers, and what each answer caused checked in what the model got back
 * (test/census/conform.ts). `ask` is the mode where its config asks for every tool.
 */
describe(`OpenCode ${OPENCODE_VERSION}: every census dialog answered (tmux)`, () => {
  let rig: CensusRig;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ rig, close } = await opencodeRig());
  }, 180_000);

  afterAll(async () => {
    await close?.();
  }, 60_000);

  it(
    'denies, approves, approves always and replies, each with its effect',
    { timeout: 600_000 },
    async () => {
      const t0 = Date.now();
      const log = (line: string): void =>
        console.log(`[conform opencode] ${((Date.now() - t0) / 1000).toFixed(0)}s ${line}`);
      const alone = LANES.flat();
      const counts = await conform(
        rig,
        KINDS.filter((k) => !alone.includes(k.name)),
        { mode: 'ask', refused: OPENCODE_REFUSED },
        log,
      );
      expect(counts).toEqual({ deny: 12, approve: 12, always: 12, reply: 1, 'no-always': 0 });
      const rest: ConformCounts = { deny: 0, approve: 0, always: 0, reply: 0, 'no-always': 0 };
      for (const [n, lane] of LANES.entries()) {
        await answerAlone(rig, `k-alone-${n + 1}`, lane, rest, log);
      }
      expect(rest).toEqual({ deny: 4, approve: 4, always: 4, reply: 0, 'no-always': 0 });
    },
  );
});

/**
 * The kinds conform() cannot answer yet, each lane one agent, answered here with conform's answers
 * and checks:
 * - OpenCode's edits (its `edit` permission: write, edit): "Allow always" allows every edit until
 *   OpenCode restarts, which only the second stage it opens says ("This will allow edit until
 *   OpenCode is restarted."). conform reads a mode change from the census screen, the first stage,
 *   so it would expect a plain option; `wtp approve --always` refuses it on the second stage
 *   (ANSWER_CHANGES_MODE, nothing granted). After it no edit asks: each is the last on its agent.
 * - `outside` asks twice: about the folder (external_directory, the census's dialog), then the
 *   write's own edit dialog (write-new's), approved once here; conform answers one a request.
 *   It comes first: write-new's "always" would allow that edit.
 */
const LANES = [['outside', 'write-new'], ['overwrite'], ['edit']];

/** What "always" on an edit holds for: its second stage's text. */
const EVERY_EDIT = 'This will allow edit until OpenCode is restarted.';
const EDITS = ['write-new', 'overwrite', 'edit'];

/** The dialog a kind's request asks next once its own is approved. */
const THEN: Record<string, string> = { outside: '→ Edit ~/outside/x.txt' };

const census = (name: string): CensusKind => {
  const kind = KINDS.find((k) => k.name === name);
  if (kind === undefined) throw new Error(`no census kind ${name}`);
  return kind;
};

/** Prompts sent: each one's text differs, so that its echo on the screen is its own. */
let prompts = 0;

async function answerAlone(
  rig: CensusRig,
  name: string,
  lane: string[],
  counts: ConformCounts,
  log: (line: string) => void,
): Promise<void> {
  const { home } = rig;
  const dir = await startAgent(rig, { mode: 'ask', cols: CONFORM_COLS }, name);
  const ran = (): boolean => rig.results.some((t) => !OPENCODE_REFUSED.test(t));
  const atPrompt = () =>
    eventually(`${name} at its prompt`, async () => (await home.agent(name)).state === 'idle', 60_000);
  for (const kind of lane.map(census)) {
    for (const action of ['deny', 'approve', 'always'] as const) {
      kind.setup?.(dir);
      rig.asking = { kind, dir };
      await atPrompt();
      await typeThenEnter(home, name, `census ${kind.name} (alone ${++prompts})`);
      await eventually(`${name}: the model asked for ${kind.name}`, () => rig.asking.kind === null, 60_000);
      await eventually(
        `${name}: ${kind.name} asked`,
        async () => (await home.agent(name)).state !== 'working',
        60_000,
      );
      expect((await home.agent(name)).state, await agentEvidence(home, name)).toBe('needs_permission');
      rig.results.length = 0;
      const args = action === 'deny' ? ['deny', name] : ['approve', name];
      const modeChange = action === 'always' && EDITS.includes(kind.name);
      if (action === 'always') args.push('--always');
      if (modeChange) {
        const first = await answerDoc(home, args);
        expect(first.doc).toMatchObject({
          error: { code: 'ANSWER_CHANGES_MODE', details: { option: EVERY_EDIT } },
        });
        expect((await home.agent(name)).state).toBe('needs_permission');
        args.push('--accept-mode-change');
      }
      const got = await answerDoc(home, args);
      expect(got.code, `${kind.name} ${action}: ${JSON.stringify(got.doc)}`).toBe(0);
      expect(got.answered[0]).toMatchObject({
        action,
        left: true,
        ...(action === 'always' ? { modeChange } : {}),
        ...(modeChange ? { scope: EVERY_EDIT } : {}),
      });
      const then = THEN[kind.name];
      if (then !== undefined && action !== 'deny') {
        await screenShows(home, name, then);
        // The daemon reads that screen on its own beat: until then the agent still reads working.
        await eventually(
          `${name}: ${kind.name}'s next dialog asked`,
          async () => (await home.agent(name)).state === 'needs_permission',
          30_000,
        ).catch(async (err: Error) => {
          throw new Error(`${err.message}\n${await agentEvidence(home, name)}`);
        });
        expect((await answerDoc(home, ['approve', name])).code).toBe(0);
      }
      if (action !== 'deny') await eventually(`${kind.name}: the ${action} request to run`, ran, 60_000);
      await quietIdle(
        home,
        name,
        rig.quietMs ?? 0,
        `${name} back at its prompt after ${kind.name} ${action}`,
      );
      if (action === 'deny') {
        expect(ran(), `${kind.name}: ran after deny: ${JSON.stringify(rig.results)}`).toBe(false);
      }
      counts[action]++;
      log(`${action.padEnd(8)} ${kind.name}: ${JSON.stringify(rig.results.map((t) => t.slice(0, 80)))}`);
    }
  }
  await home.run(['stop', name], { timeoutMs: 60_000 });
}
