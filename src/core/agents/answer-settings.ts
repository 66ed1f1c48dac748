/** How an answer paces its keys and how long it waits on the agent at each step. */
export interface AnswerSettings {
  /** Between two key presses: Gemini CLI merges keys that arrive within ~30 ms into one. */
  keyGapMs: number;
  /** How long the agent has to leave the dialog once the keys are sent. */
  leaveTimeoutMs: number;
  /** How long an announced dialog may take to appear on screen. */
  drawMs: number;
  /** How long the second stage of an "always" option may take to appear once chosen. */
  stageMs: number;
  /** A drawn dialog is answered once the agent's output has been quiet this long… */
  quietMs: number;
  /** …or after this long, whichever comes first (a dialog with an animation). */
  settleMaxMs: number;
  /** A single-key answer not taken this long is pressed once more, if the same dialog is still there. */
  pressAgainMs: number;
  /** How long an answer waits for the dialog's decision hook call to come in (else: the screen)… */
  hookMs: number;
  /**
   * …or this long when the agent's hooks are heard: under load a hook's process may take seconds
   * to start, and the screen may not be readable in words its rules know.
   */
  hookComingMs: number;
}

/** The timings an answer keeps when the daemon sets none (tests shorten them). */
export const ANSWER_DEFAULTS: AnswerSettings = {
  keyGapMs: 50,
  leaveTimeoutMs: 15_000,
  drawMs: 3_000,
  stageMs: 10_000,
  quietMs: 150,
  settleMaxMs: 1_000,
  pressAgainMs: 3_000,
  hookMs: 1_000,
  hookComingMs: 10_000,
};
