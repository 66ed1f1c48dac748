/** What the per-file leak check needs of a test home (test/support/harness.ts's TestHome). */
export interface TrackedHome {
  readonly dir: string;
  processes(): number[];
  recordCliStarts(): void;
}

/**
 * Every test home created in this worker, for the per-file leak check (test/support/leak-check.ts).
 * Its own module so that the check, a setup file of every test file, loads nothing heavier.
 */
export const createdHomes = new Set<TrackedHome>();
