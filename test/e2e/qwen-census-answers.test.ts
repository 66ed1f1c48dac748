import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QWEN_VERSION } from '../support/qwen-cli.js';
import type { CensusRig } from '../census/census.js';
import { conform } from '../census/conform.js';
import { KINDS, QWEN_REFUSED, qwenRig } from '../census/qwen.kinds.js';

/**
 * Asked last: the kinds whose "always" switches the session to auto-edit, where every later edit (and
 * a read outside the folder, a fetch, a skill, an artifact, a subagent) runs unasked, each then on
 * an agent of its own; and, last of all, the goal, which once approved goes on after its turn
 * ("Continue working on the active Goal", turns until it pauses itself) while no other prompt comes.
 */
const LAST = ['write-new', 'overwrite', 'edit', 'outside', 'notebook', 'goal'];
const ORDER = [
  ...KINDS.filter((k) => !LAST.includes(k.name)),
  ...LAST.map((name) => KINDS.find((k) => k.name === name)).filter((k) => k !== undefined),
];

/**
 * Every dialog and question of Qwen Code's census, answered on the pinned CLI from `wtp` with each
 * answer it offers, and what each answer caused checked in what the model got back
 * (test/census/conform.ts).
 */
describe(`Qwen Code ${QWEN_VERSION}: every census dialog answered (tmux)`, () => {
  let rig: CensusRig;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ rig, close } = await qwenRig());
  }, 120_000);

  afterAll(async () => {
    await close?.();
  }, 60_000);

  it(
    'denies, approves, approves always and replies, each with its effect',
    { timeout: 600_000 },
    async () => {
      const counts = await conform(rig, ORDER, { mode: 'default', refused: QWEN_REFUSED }, (line) =>
        console.log(`[conform qwen] ${line}`),
      );
      // The goal's dialog has no "always" (census-goal-default-120.screen).
      expect(counts).toEqual({ deny: 17, approve: 17, always: 16, 'no-always': 1, reply: 1 });
    },
  );
});
