import type { Screen } from '../../protocol/agent.js';
import { stageText } from '../state/dialog-options.js';
import type { AlwaysOption, DialogAnswers, DialogKey } from './profiles.js';

/** What the second stage of an "always" option needs from the answerer. */
export interface StagePorts {
  /** The agent's screen now. */
  screen(): Promise<Screen>;
  press(keys: readonly DialogKey[]): Promise<void>;
  /** Resolves once the agent's output has been quiet a moment (a stage takes keys once drawn). */
  settle(): Promise<void>;
  pause(ms: number): Promise<void>;
  now(): number;
}

/** How a second stage ended: confirmed (its text is the scope), cancelled, or never drawn. */
export type StageOutcome =
  | { kind: 'confirmed'; scope: string; modeChange: boolean; keys: readonly DialogKey[] }
  | { kind: 'cancelled'; scope: string; keys: readonly DialogKey[] }
  | { kind: 'not-drawn' };

/** Between two looks at a screen that does not show the stage yet. */
const LOOK_AGAIN_MS = 100;

/**
 * The second stage of an "always" option whose first keys were pressed (OpenCode's "Allow always"
 * opens "This will allow … until OpenCode is restarted." / "Confirm   Cancel"): waits up to
 * `drawMs` for its text, then confirms it — or cancels it when it changes the session's mode and
 * the user did not accept that, so nothing is granted. Its text, as drawn, is what the approval
 * holds for.
 */
export async function throughStage(
  answers: DialogAnswers,
  stage: NonNullable<AlwaysOption['stage']>,
  acceptModeChange: boolean,
  drawMs: number,
  ports: StagePorts,
): Promise<StageOutcome> {
  const until = ports.now() + drawMs;
  for (;;) {
    const shown = stageText(answers, stage, (await ports.screen()).lines);
    if (shown !== null) {
      await ports.settle();
      if (shown.modeChange && !acceptModeChange) {
        await ports.press(stage.cancel);
        return { kind: 'cancelled', scope: shown.text, keys: stage.cancel };
      }
      await ports.press(stage.confirm);
      return { kind: 'confirmed', scope: shown.text, modeChange: shown.modeChange, keys: stage.confirm };
    }
    if (ports.now() >= until) return { kind: 'not-drawn' };
    await ports.pause(LOOK_AGAIN_MS);
  }
}
