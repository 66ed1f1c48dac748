import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GEMINI_VERSION } from '../support/gemini-cli.js';
import type { CensusRig } from '../census/census.js';
import { GEMINI_REFUSED, geminiRig, KINDS } from '../census/gemini.kinds.js';
import { conform } from '../census/conform.js';

/**
 * The census's kinds, the edits last but plan-enter: approving an edit always also puts the agent
 * in auto_edit, where fetch no longer asks (it would need an agent of its own), while
 * enter_plan_mode still asks (policies/plan.toml); approving plan-enter puts it in plan mode, where
 * every other kind is refused unasked.
 */
const EDITS = ['write-new', 'overwrite', 'edit'];
const rank = (name: string): number => (name === 'plan-enter' ? 2 : EDITS.includes(name) ? 1 : 0);
const ORDER = [...KINDS].sort((a, b) => rank(a.name) - rank(b.name));

/**
 * Every dialog and question of Gemini CLI's census, answered on the pinned CLI from `wtp` with
 * each answer it offers, and what each answer caused checked in what the model got back
 * (test/census/conform.ts).
 */
describe(`Gemini CLI ${GEMINI_VERSION}: every census dialog answered (tmux)`, () => {
  let rig: CensusRig;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ rig, close } = await geminiRig());
  }, 120_000);

  afterAll(async () => {
    await close?.();
  }, 60_000);

  it(
    'denies, approves, approves always and replies, each with its effect',
    { timeout: 600_000 },
    async () => {
      const counts = await conform(rig, ORDER, { mode: 'default', refused: GEMINI_REFUSED }, (line) =>
        console.log(`[conform gemini] ${line}`),
      );
      // 13 dialogs; shell-pipe's, with its untrusted-flags warning, offers no "always".
      expect(counts).toEqual({ deny: 13, approve: 13, reply: 1, always: 12, 'no-always': 1 });
    },
  );
});
