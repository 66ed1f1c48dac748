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
  /** The program installed there (a native binary, or the `.bin` link of a node CLI). */
  readonly bin: string;
  /** Variables every run of `bin` needs (e.g. where Copilot unpacks itself), added to the caller's. */
  readonly env: Readonly<Record<string, string>>;
}

/** The pinned CLIs, by profile name. */
export const CLI_PINS: Readonly<Record<string, CliPin>>;
/** Programs only the benchmark runs (ccmanager), installed when named. */
export const BENCH_PINS: { readonly ccmanager: CliPin };
export const CLAUDE_PIN: CliPin;
export const CODEX_PIN: CliPin;
export const GEMINI_PIN: CliPin;
export const QWEN_PIN: CliPin;
export const COPILOT_PIN: CliPin;
export const OPENCODE_PIN: CliPin;
