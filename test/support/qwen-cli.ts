import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { QWEN_PIN } from '../../scripts/cli-pins.mjs';

/** The Qwen Code release the tests and the screen corpus are pinned to. */
export const QWEN_VERSION = QWEN_PIN.version;

/**
 * Path of the pinned CLI (`cli-entry.js`, a `#!/usr/bin/env node` script): `$WTP_TEST_QWEN_BIN`,
 * else the repo cache. Throws when missing.
 */
export function qwenBinary(): string {
  const override = process.env.WTP_TEST_QWEN_BIN;
  const bin = override && override.length > 0 ? override : QWEN_PIN.bin;
  if (!existsSync(bin)) {
    throw new Error(
      `Qwen Code ${QWEN_VERSION} not found at ${bin}: run \`node scripts/ensure-cli.mjs qwen\` ` +
        '(or set WTP_TEST_QWEN_BIN to a qwen of that version)',
    );
  }
  return bin;
}

export interface QwenHomeOptions {
  /** Default `fake-model`. */
  model?: string;
  /** Settings merged over the offline ones (e.g. `hooks`). */
  extra?: Record<string, unknown>;
}

/**
 * Writes `<dir>/settings.json` for an offline qwen (`QWEN_HOME=<dir>`, which replaces ~/.qwen):
 * OpenAI auth (the base URL and key come from the env, qwenEnv), no usage statistics, telemetry,
 * auto-update, welcome-back or feedback dialog, no follow-up suggestion (a side request that offers
 * tools), approval mode `default` (the built-in default `auto` asks the model), the built-in grep
 * (`--ignore-scripts` leaves the bundled ripgrep without its exec bit: "Ripgrep not available … EACCES").
 */
export function prepareQwenHome(dir: string, opts: QwenHomeOptions = {}): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'settings.json');
  const settings = {
    security: { auth: { selectedType: 'openai' } },
    model: { name: opts.model ?? 'fake-model' },
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    general: { enableAutoUpdate: false },
    ui: { enableWelcomeBack: false, enableUserFeedback: false, enableFollowupSuggestions: false },
    tools: { approvalMode: 'default', useRipgrep: false },
    ...opts.extra,
  };
  writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  return file;
}

export interface QwenEnvOptions {
  /** HOME for qwen (it also reads ~/.agents, ~/.claude and ~/.env). */
  home: string;
  /** QWEN_HOME (the folder `prepareQwenHome` wrote). */
  qwenHome: string;
  /** The fake server's base URL including `/v1` (`FakeOpenAIChat.url`). */
  baseUrl: string;
  /** Default `fake-model`. */
  model?: string;
}

/** Environment entries for an offline qwen talking to a fake Chat Completions server. */
export function qwenEnv(opts: QwenEnvOptions): Record<string, string> {
  return {
    HOME: opts.home,
    QWEN_HOME: opts.qwenHome,
    OPENAI_API_KEY: 'sk-fake-wtp-e2e',
    OPENAI_BASE_URL: opts.baseUrl,
    OPENAI_MODEL: opts.model ?? 'fake-model',
    QWEN_USAGE_STATISTICS_ENABLED: 'false',
    QWEN_TELEMETRY_ENABLED: 'false',
    // Its debug log (~/.qwen/debug): a failed test shows its last lines (agentEvidence).
    QWEN_DEBUG_LOG_FILE: '1',
    TERM: 'xterm-256color',
  };
}
