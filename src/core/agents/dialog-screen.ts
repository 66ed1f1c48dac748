import type { AgentState, Screen } from '../../protocol/agent.js';
import { KEYS } from '../../protocol/keys.js';
import type { AgentRecord } from '../model/agent-record.js';
import type { OutputHub } from '../hosts/output-hub.js';
import type { AgentRegistry } from '../model/registry.js';
import { utf8Encode } from '../model/text.js';
import type { Clock } from '../ports/daemon.js';
import { sameAbout } from '../state/dialog-answer.js';
import {
  detectScreen,
  screenRows,
  type DetectorTable,
  type ScreenVerdict,
} from '../state/detectors/screen-detector.js';
import { denyStageShown } from '../state/dialog-options.js';
import { questionOptions } from '../state/question-options.js';
import type { AgentService } from './agent-service.js';
import type { AnswerSettings } from './answer-settings.js';
import type { DialogAnswers, DialogKey, ProfileCatalog } from './profiles.js';
import type { Sending } from './question-answer.js';

/** Between two looks at a screen that does not show the announced dialog yet. */
const LOOK_AGAIN_MS = 100;

/** A dialog on screen, showing a target when one was announced (drawn in full, not in part). */
const drawn = (v: ScreenVerdict | null, about?: string): boolean =>
  v !== null &&
  (v.state === 'needs_permission' || v.state === 'needs_input') &&
  (about === undefined || v.about !== undefined);
export const keyName = (k: DialogKey): string => (typeof k === 'string' ? k : k.raw);
const keyBytes = (k: DialogKey): string => (typeof k === 'string' ? KEYS[k] : k.raw);

/** What reading and pressing an agent's dialog on its screen needs. */
export interface DialogScreenDeps {
  registry: AgentRegistry;
  service: Pick<AgentService, 'screen' | 'typeRaw'>;
  output: Pick<OutputHub, 'subscribe' | 'lastOutputAt'>;
  profileCatalog: ProfileCatalog;
  detectors?: DetectorTable | undefined;
  clock: Clock;
}

/**
 * An agent's dialog as its screen shows it: looked for until drawn and quiet, read with its CLI's
 * screen rules, and pressed one key at a time, as far apart as the CLI needs.
 */
export class DialogScreen {
  constructor(
    private readonly d: DialogScreenDeps,
    private readonly s: AnswerSettings,
  ) {}

  /**
   * The stage the deny keys may have opened instead of denying (OpenCode: a subagent's request):
   * once drawn, its keys deny from there. Looked for until the agent leaves its dialog, up to
   * `stageMs`.
   */
  async denyStage(
    agent: AgentRecord,
    state: AgentState,
    since: number,
    sending: Sending,
    stage: NonNullable<DialogAnswers['denyStage']>,
  ): Promise<Sending> {
    const until = this.d.clock.now() + this.s.stageMs;
    for (;;) {
      const a = this.d.registry.get(agent.id);
      if (a?.state !== state || a.stateSince !== since) return sending;
      const screen = await this.d.service.screen(agent.id).catch(() => null);
      if (screen !== null && denyStageShown(stage, screen.lines)) {
        await this.quiet(agent.id);
        await this.press(agent, stage.confirm);
        return { ...sending, keys: [...sending.keys, ...stage.confirm] };
      }
      if (this.d.clock.now() >= until) return sending;
      await this.pause(LOOK_AGAIN_MS);
    }
  }

  /**
   * The screen once it shows the dialog: an agent can announce one (Codex's status record) a moment
   * before it is drawn, and a TUI under load draws it in parts (OpenCode: the frame before its
   * target). Looks again while the screen shows no dialog, or not yet the target announced, up to
   * `drawMs`; then waits for the output to settle and reads it once more.
   */
  async lookForDialog(
    agent: AgentRecord,
    about: string | undefined,
  ): Promise<{ screen: Screen; verdict: ScreenVerdict | null }> {
    const until = this.d.clock.now() + this.s.drawMs;
    for (;;) {
      const seen = await this.untilDrawn(agent, about, until);
      if (!drawn(seen.verdict, about)) return seen;
      await this.quiet(agent.id);
      const settled = await this.look(agent);
      if (drawn(settled.verdict, about) || this.d.clock.now() >= until) return settled;
      await this.pause(LOOK_AGAIN_MS);
    }
  }

  /** The screen once it shows a dialog (with the target announced, if any), or as it is at `until`. */
  async untilDrawn(
    agent: AgentRecord,
    about?: string,
    until = this.d.clock.now() + this.s.drawMs,
  ): Promise<{ screen: Screen; verdict: ScreenVerdict | null }> {
    for (;;) {
      const seen = await this.look(agent);
      if (drawn(seen.verdict, about) || this.d.clock.now() >= until) return seen;
      await this.pause(LOOK_AGAIN_MS);
    }
  }

  /** Resolves once the agent's output has been quiet for `quietMs` (maybe already), or after `settleMaxMs`. */
  quiet(agentId: string): Promise<void> {
    const last = this.d.output.lastOutputAt(agentId);
    const quietFor = last === null ? Infinity : this.d.clock.now() - last;
    if (quietFor >= this.s.quietMs) return Promise.resolve();
    return new Promise((resolve) => {
      let timer = this.d.clock.setTimer(this.s.quietMs - quietFor, () => done());
      const max = this.d.clock.setTimer(this.s.settleMaxMs, () => done());
      const off = this.d.output.subscribe(agentId, () => {
        this.d.clock.clearTimer(timer);
        timer = this.d.clock.setTimer(this.s.quietMs, () => done());
      });
      const done = (): void => {
        off();
        this.d.clock.clearTimer(timer);
        this.d.clock.clearTimer(max);
        resolve();
      };
    });
  }

  /** The agent's screen and what its detector reads there. */
  async look(agent: AgentRecord): Promise<{ screen: Screen; verdict: ScreenVerdict | null }> {
    const drawn = await this.d.service.screen(agent.id);
    const detector = this.d.profileCatalog.get(agent.profile).detector;
    if (detector === null || this.d.detectors === undefined) return { screen: drawn, verdict: null };
    // The rows as the rules read them: the options and targets below are read from these too.
    const screen = {
      ...drawn,
      lines: [...screenRows(this.d.detectors, detector, agent.version, drawn.lines)],
    };
    const verdict = detectScreen(this.d.detectors, detector, agent.version, {
      lines: screen.lines,
      cursorY: screen.cursor.y,
    });
    return { screen, verdict };
  }

  /**
   * A question's answer: the arrows, then Enter only once the dialog draws its cursor on the option
   * (`option`, 0-based) — a CLI that reads its selection from its last render takes an Enter that
   * comes first for the option before. A dialog that draws no cursor gets the keys in one go.
   */
  async pressChoice(agent: AgentRecord, keys: readonly DialogKey[], option: number): Promise<void> {
    const arrows = keys.slice(0, -1);
    const last = keys.at(-1);
    if (arrows.length === 0 || last !== 'enter') return this.press(agent, keys);
    await this.press(agent, arrows);
    const until = this.d.clock.now() + CHOICE_DRAWN_MS;
    for (;;) {
      const { screen, verdict } = await this.look(agent);
      const drawn = verdict === null ? null : questionOptions(screen.lines, verdict.line);
      if (drawn === null || drawn.selected === null || drawn.selected === option) break;
      if (this.d.clock.now() >= until) break;
      await this.pause(CHOICE_POLL_MS);
    }
    await this.pause(this.s.keyGapMs);
    return this.press(agent, ['enter']);
  }

  async press(agent: AgentRecord, keys: readonly DialogKey[]): Promise<void> {
    const gap = Math.max(this.s.keyGapMs, this.d.profileCatalog.get(agent.profile).dialogs?.keyGapMs ?? 0);
    for (const [i, key] of keys.entries()) {
      if (i > 0) await this.pause(gap);
      this.d.service.typeRaw(agent, utf8Encode(keyBytes(key)));
    }
  }

  /**
   * Whether a single-key answer may be pressed again: the agent still waits since the same time, and
   * its screen still shows a dialog of the same kind about the same thing.
   */
  async stillThere(agent: AgentRecord, state: AgentState, since: number, sent: Sending): Promise<boolean> {
    if (sent.keys.length !== 1) return false;
    const a = this.d.registry.get(agent.id);
    if (a?.state !== state || a.stateSince !== since) return false;
    const { verdict } = await this.look(agent).catch(() => ({ verdict: null }));
    if (verdict === null || verdict.state !== state) return false;
    // A trust prompt is about its folder (its `about` is the option chosen): the same prompt.
    if (verdict.reason === 'trust') return a.stateDetail.reason === 'trust';
    if (sent.about === null || verdict.about === undefined) return sent.about === null;
    return sameAbout(sent.about, verdict.about, agent.cwd) || sent.about === verdict.about;
  }

  pause(ms: number): Promise<void> {
    return new Promise((resolve) => this.d.clock.setTimer(ms, resolve));
  }
}

/** How long a question's cursor is waited for on its option before Enter, and how often looked at. */
const CHOICE_DRAWN_MS = 3_000;
const CHOICE_POLL_MS = 50;
