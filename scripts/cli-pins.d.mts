/** A pinned CLI installed under `<repo>/.cache/<cacheName>` (see cli-pins.mjs). */
export interface CliPin {
  /** The npm package, e.g. `@openai/codex`. */
  readonly pkg: string;
  readonly version: string;
  /** The folder's name under `<repo>/.cache`. */
  readonly cacheName: string;
  /** `<repo>/.cache/<cacheName>`. */
  readonly cacheDir: string;
  /** The CLI's name in messages, e.g. `Codex CLI`. */
  readonly product: string;
  /** The start of what `bin --version` prints for this version. */
  readonly versionLine: string;
  /** The native binary installed there. */
  readonly bin: string;
}

/** The pinned CLIs, by profile name. */
export const CLI_PINS: Readonly<Record<string, CliPin>>;
export const CLAUDE_PIN: CliPin;
export const CODEX_PIN: CliPin;
export const OPENCODE_PIN: CliPin;
