/** A pinned CLI installed under `<repo>/.cache/<cacheName>` (see cli-pins.mjs). */
export interface CliPin {
  /** The npm package, e.g. `@openai/codex`. */
  readonly pkg: string;
  readonly version: string;
  /** The folder's name under `<repo>/.cache`. */
  readonly cacheName: string;
  /** `<repo>/.cache/<cacheName>`. */
  readonly cacheDir: string;
  /** The native binary installed there. */
  readonly bin: string;
}

export const CLAUDE_PIN: CliPin;
export const CODEX_PIN: CliPin;
