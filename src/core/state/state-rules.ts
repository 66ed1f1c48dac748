/** The state engine's rules in words (`wtp why`, the API, docs/ARCHITECTURE.md). Keep in step with state-resolve.ts and state-engine.ts. */
export const STATE_RULES: string[] = [
  'Signals by trust: status protocol (OSC 7501) > hooks > structured stream > screen > process.',
  'The latest signal of the most trusted source that has spoken decides the state.',
  'Status records are the program reporting its own state on every change: nothing less trusted overrides them.',
  'Hooks are events and can be missed (Esc fires no Stop hook): a newer screen verdict that disagrees wins once it has held for states.screenOverrideMs.',
  'A bare error from a more trusted source is refined by the screen when it shows a usage limit at that moment.',
  'working with no output, no new signal and CPU under states.stallCpuPercent for states.stallAfterMs is marked stalled (still working, not silently idle).',
  "A turn's end is read from its last message (the vendor's hook or notify): one that asks the user is needs_input (question), decided by the rules or, where they are unsure, by states.turnModel within its timeout; an idle another source tells first is held for that message up to the profile's wait.",
  'A new process forgets the signals of the previous one; exits and crashes come from the process itself.',
  'Typing into a working agent is refused unless forced; every injected input is recorded with who sent it.',
];
