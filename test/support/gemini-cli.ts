import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GEMINI_PIN } from '../../scripts/cli-pins.mjs';

/** The Gemini CLI release the tests and the screen corpus are pinned to. */
export const GEMINI_VERSION = GEMINI_PIN.version;

/** The model the tests name (`-m`): an explicit model skips Gemini's router (no classifier calls). */
export const GEMINI_MODEL = 'gemini-2.5-flash';

/**
 * Path of the pinned CLI: `$WTP_TEST_GEMINI_BIN`, else the repo cache (`node_modules/.bin/gemini`,
 * a node script: the agent's pid is that node process). Throws when missing.
 */
export function geminiBinary(): string {
  const override = process.env.WTP_TEST_GEMINI_BIN;
  const bin = override && override.length > 0 ? override : GEMINI_PIN.bin;
  if (!existsSync(bin)) {
    throw new Error(
      `Gemini CLI ${GEMINI_VERSION} not found at ${bin}: run \`node scripts/ensure-cli.mjs gemini\` ` +
        '(or set WTP_TEST_GEMINI_BIN to a gemini of that version)',
    );
  }
  return bin;
}

/**
 * Writes `<home>/.gemini/settings.json` and `state.json` for an offline gemini
 * (`GEMINI_CLI_HOME=<home>`): API-key auth (the interactive TUI ignores the env for this and opens
 * its auth dialog without it), no folder-trust dialog, no update check, usage statistics, telemetry
 * or IDE nudge, and the terminal-setup prompt marked as shown. Returns the settings file.
 */
export function prepareGeminiHome(home: string): string {
  const dir = join(home, '.gemini');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const settings = {
    security: { auth: { selectedType: 'gemini-api-key' }, folderTrust: { enabled: false } },
    general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    ide: { enabled: false, hasSeenNudge: true },
    hooksConfig: { notifications: false },
  };
  const file = join(dir, 'settings.json');
  writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'state.json'), '{"terminalSetupPromptShown":true}\n', { mode: 0o600 });
  return file;
}

/** Environment entries for an offline gemini talking to a FakeGemini at `baseUrl` (its `url`). */
export function geminiEnv(opts: { home: string; baseUrl: string }): Record<string, string> {
  return {
    HOME: opts.home,
    GEMINI_CLI_HOME: opts.home,
    GEMINI_API_KEY: 'fake-wtp-e2e',
    GOOGLE_GEMINI_BASE_URL: opts.baseUrl,
    TERM: 'xterm-256color',
  };
}
